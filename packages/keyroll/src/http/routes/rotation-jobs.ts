import { type TSchema, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { formatDuration } from "../../core/duration.js";
import { KeyrollError } from "../../core/errors.js";
import { isId } from "../../core/ids.js";
import {
  DEFAULT_JOB_RATE,
  type JobItemState,
  jobProgress,
  type KeySelector,
  MAX_JOB_RATE,
  type RotationJobState,
} from "../../core/rotation-jobs.js";
import { isValidPrefix } from "../../core/secret.js";
import type { RotationJobItem, RotationJobPreview, RotationJobRecord } from "../../services/rotation-jobs.js";
import type { RouteDeps } from "../deps.js";
import { duration } from "../input.js";
import { Duration, errorResponses, IdParam, Page, PageQuery, parsePage, Scope } from "../schemas.js";
import { iso } from "../views.js";

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: "date-time" });

const JOB_STATES = ["queued", "running", "paused", "completed", "cancelled"] as const;
const ITEM_STATES = ["pending", "rotated", "skipped", "failed"] as const;

const SelectorInput = Type.Object(
  {
    consumerId: Type.Optional(Type.String({ pattern: "^con_[0-9a-z]{26}$" })),
    prefix: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    scope: Type.Optional(Scope),
    metadata: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Union([Type.String({ maxLength: 500 }), Type.Number(), Type.Boolean()]),
        {
          maxProperties: 20,
          propertyNames: { maxLength: 64 },
          description: "Metadata fields the key must have with exactly these values",
        },
      ),
    ),
    olderThan: Type.Optional(
      Type.Union([Type.String({ maxLength: 16 }), Type.Number({ minimum: 0 })], {
        description: 'Keys whose active secret is at least this old, e.g. "90d"',
      }),
    ),
    all: Type.Optional(Type.Boolean({ description: "Every key (not with other fields)" })),
  },
  {
    additionalProperties: false,
    description:
      "Which keys to rotate: every field given must match. Admin, revoked and expired keys are never selected.",
  },
);

const SelectorView = Type.Object({
  consumerId: Type.Optional(Type.String()),
  prefix: Type.Optional(Type.String()),
  scope: Type.Optional(Type.String()),
  metadata: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])),
  ),
  olderThan: Type.Optional(Type.String()),
  all: Type.Optional(Type.Boolean()),
});

/** A bulk rotation job and its progress. */
export const RotationJob = Type.Object({
  id: Type.String(),
  state: Type.Union(JOB_STATES.map((s) => Type.Literal(s))),
  selector: SelectorView,
  gracePeriod: Type.String(),
  rate: Type.Number({ description: "Keys per second at most" }),
  requirePickup: Type.Boolean(),
  reason: Nullable(Type.String()),
  matched: Type.Integer({ description: "Keys the selector took when the job was created" }),
  rotated: Type.Integer(),
  skipped: Type.Integer(),
  failed: Type.Integer(),
  pending: Type.Integer(),
  currentRate: Nullable(Type.Number({ description: "Keys per second observed in the current run" })),
  createdBy: Nullable(Type.String()),
  createdAt: DateTime,
  startedAt: Nullable(DateTime),
  finishedAt: Nullable(DateTime),
  eta: Nullable(DateTime),
});

const RotationJobPreviewSchema = Type.Object({
  dryRun: Type.Literal(true),
  matched: Type.Integer(),
  wouldSkip: Type.Record(Type.String(), Type.Integer(), {
    description: "Selected keys that would be skipped, per reason (e.g. no_successor_pickup)",
  }),
  keys: Type.Array(
    Type.Object({
      id: Type.String(),
      consumerId: Type.String(),
      name: Nullable(Type.String()),
      version: Nullable(Type.Integer()),
      skip: Nullable(Type.String()),
    }),
  ),
  truncated: Type.Boolean({ description: "More keys matched than are listed (the first 1000 are)" }),
});

const JobItem = Type.Object({
  keyId: Type.String(),
  state: Type.Union(ITEM_STATES.map((s) => Type.Literal(s))),
  reason: Nullable(Type.String()),
  version: Nullable(Type.Integer({ description: "The version the job made" })),
  at: Nullable(DateTime),
});

const JobParams = IdParam("job");

interface SelectorBody {
  consumerId?: string;
  prefix?: string;
  scope?: string;
  metadata?: Record<string, string | number | boolean>;
  olderThan?: string | number;
  all?: boolean;
}

function selectorOf(b: SelectorBody): KeySelector {
  if (b.prefix !== undefined && !isValidPrefix(b.prefix))
    throw new KeyrollError(
      "VALIDATION_FAILED",
      "selector.prefix must be 1-16 chars of [a-z0-9_], starting with [a-z0-9]",
    );
  return {
    ...(b.consumerId !== undefined && { consumerId: b.consumerId }),
    ...(b.prefix !== undefined && { prefix: b.prefix }),
    ...(b.scope !== undefined && { scope: b.scope }),
    ...(b.metadata !== undefined && { metadata: b.metadata }),
    ...(b.olderThan !== undefined && { olderThanMs: duration(b.olderThan, "selector.olderThan") }),
    ...(b.all !== undefined && { all: b.all }),
  };
}

/** A job as the API shows it, with its progress at `now`. */
export function rotationJobView(j: RotationJobRecord, now: number) {
  const p = jobProgress(j, now);
  const { olderThanMs, ...sel } = j.selector;
  return {
    id: j.id,
    state: j.state,
    selector: { ...sel, ...(olderThanMs !== undefined && { olderThan: formatDuration(olderThanMs) }) },
    gracePeriod: formatDuration(j.graceMs),
    rate: j.rate,
    requirePickup: j.requirePickup,
    reason: j.reason,
    matched: j.matched,
    rotated: j.rotated,
    skipped: j.skipped,
    failed: j.failed,
    pending: p.remaining,
    currentRate: p.currentRate,
    createdBy: j.createdBy,
    createdAt: iso(j.createdAt),
    startedAt: iso(j.startedAt),
    finishedAt: iso(j.finishedAt),
    eta: iso(p.eta),
  };
}

const itemView = (i: RotationJobItem) => ({
  keyId: i.keyId,
  state: i.state,
  reason: i.reason,
  version: i.version,
  at: iso(i.at),
});

/** `/v1/rotation-jobs`: bulk rotation by selector, at a bounded rate, run by the leader. */
export function registerRotationJobRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const jobs = deps.rotationJobs;
  if (!jobs) return;
  const view = (j: RotationJobRecord) => rotationJobView(j, deps.clock.now());

  app.post<{
    Body: {
      selector: SelectorBody;
      gracePeriod: string | number;
      rate?: number;
      reason?: string;
      requirePickup?: boolean;
      dryRun?: boolean;
    };
  }>(
    "/v1/rotation-jobs",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "createRotationJob",
        tags: ["rotation"],
        summary:
          "Rotate every key a selector takes, at a bounded rate, as a job (202); with dryRun, only list them (200)",
        body: Type.Object(
          {
            selector: SelectorInput,
            gracePeriod: Duration,
            rate: Type.Optional(
              Type.Number({
                exclusiveMinimum: 0,
                maximum: MAX_JOB_RATE,
                description: `Keys per second at most (default ${DEFAULT_JOB_RATE})`,
              }),
            ),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
            requirePickup: Type.Optional(
              Type.Boolean({
                description:
                  "Skip keys whose clients cannot fetch the new secret by successor pickup (default true): nobody would ever learn it",
              }),
            ),
            dryRun: Type.Optional(Type.Boolean({ description: "Change nothing; answer which keys match" })),
          },
          { additionalProperties: false },
        ),
        response: { 200: RotationJobPreviewSchema, 202: RotationJob, ...errorResponses() },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const out = await jobs.create(
        {
          selector: selectorOf(b.selector),
          graceMs: duration(b.gracePeriod, "gracePeriod"),
          rate: b.rate,
          reason: b.reason,
          requirePickup: b.requirePickup,
          dryRun: b.dryRun,
        },
        req.actor!,
      );
      if ((out as RotationJobPreview).dryRun === true) return reply.code(200).send(out);
      return reply.code(202).send(view(out as RotationJobRecord));
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string; state?: RotationJobState } }>(
    "/v1/rotation-jobs",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listRotationJobs",
        tags: ["rotation"],
        summary: "List rotation jobs, oldest first",
        querystring: Type.Object(
          { ...PageQuery, state: Type.Optional(Type.Union(JOB_STATES.map((s) => Type.Literal(s)))) },
          { additionalProperties: false },
        ),
        response: { 200: Page(RotationJob), ...errorResponses() },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, req.query.cursor, "job");
      const rows = await jobs.list({ limit: p.limit + 1, after: p.after, state: req.query.state });
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(view), nextCursor: more ? data[data.length - 1]!.id : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/rotation-jobs/:id",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getRotationJob",
        tags: ["rotation"],
        summary: "A rotation job and its progress: matched, rotated, skipped, failed, rate, eta",
        params: JobParams,
        response: { 200: RotationJob, ...errorResponses(404) },
      },
    },
    async (req) => view(await jobs.get(req.params.id)),
  );

  app.get<{ Params: { id: string }; Querystring: { limit?: string; cursor?: string; state?: JobItemState } }>(
    "/v1/rotation-jobs/:id/keys",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listRotationJobKeys",
        tags: ["rotation"],
        summary: "The keys of a rotation job and what became of each (rotated, skipped or failed, and why)",
        params: JobParams,
        querystring: Type.Object(
          { ...PageQuery, state: Type.Optional(Type.Union(ITEM_STATES.map((s) => Type.Literal(s)))) },
          { additionalProperties: false },
        ),
        response: { 200: Page(JobItem), ...errorResponses(404) },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, undefined, "job");
      const cursor = req.query.cursor;
      if (cursor !== undefined && !isId("key", cursor))
        throw new KeyrollError("INVALID_CURSOR", "cursor is not one this API gave");
      const rows = await jobs.items(req.params.id, {
        limit: p.limit + 1,
        after: cursor,
        state: req.query.state,
      });
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(itemView), nextCursor: more ? data[data.length - 1]!.keyId : null };
    },
  );

  for (const [action, op, summary] of [
    ["pause", "pauseRotationJob", "Pause a rotation job after the batch in progress (idempotent)"],
    ["resume", "resumeRotationJob", "Resume a paused rotation job where it stopped (idempotent)"],
    ["cancel", "cancelRotationJob", "Cancel a rotation job: keys not rotated yet stay as they are"],
  ] as const) {
    app.post<{ Params: { id: string }; Body: Record<string, never> | null }>(
      `/v1/rotation-jobs/:id/${action}`,
      {
        config: { scope: "keys:write" },
        schema: {
          operationId: op,
          tags: ["rotation"],
          summary,
          params: JobParams,
          body: Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]),
          response: { 200: RotationJob, ...errorResponses(404, 409) },
        },
      },
      async (req) => view(await jobs[action](req.params.id, req.actor!)),
    );
  }
}
