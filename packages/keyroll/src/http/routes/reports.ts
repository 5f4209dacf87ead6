import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { formatDuration } from "../../core/duration.js";
import { KeyrollError } from "../../core/errors.js";
import { type AgeRow, KEY_AGE_LIMIT } from "../../services/policies.js";
import type { RouteDeps } from "../deps.js";
import { errorResponses } from "../schemas.js";
import { iso } from "../views.js";

// Compliance reports: the age of every live key's secret against its rotation policy.

/** The most entries a list of the report may ask for: the report holds up to twice that per list. */
const MAX_REPORT_LIMIT = 10_000;

const Time = Type.String({ format: "date-time" });
const NullableTime = Type.Union([Time, Type.Null()]);

const AgeItem = Type.Object({
  keyId: Type.String(),
  consumerId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  admin: Type.Boolean(),
  version: Type.Integer({ description: "The active version" }),
  createdAt: Time,
  activeSince: Type.String({ format: "date-time", description: "When the active version became active" }),
  ageSeconds: Type.Integer({ description: "Seconds since activeSince" }),
  policy: Type.Union([
    Type.Object({
      interval: Type.String(),
      source: Type.Union([Type.Literal("key"), Type.Literal("consumer"), Type.Literal("default")]),
    }),
    Type.Null(),
  ]),
  nextRotationAt: NullableTime,
});

const GraceItem = Type.Object({
  keyId: Type.String(),
  consumerId: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  version: Type.Integer(),
  graceStartedAt: NullableTime,
  expiresAt: NullableTime,
  lastUsedAt: NullableTime,
});

const Count = Type.Integer({ minimum: 0 });
const KeyAgeReport = Type.Object({
  generatedAt: Time,
  keys: Type.Integer({ description: "Live keys looked at (not revoked, not expired)" }),
  counts: Type.Object(
    {
      pastPolicyAge: Count,
      inGrace: Count,
      withoutPolicy: Count,
      neverRotated: Count,
      oldestPerConsumer: Type.Integer({ minimum: 0, description: "Consumers with a live active key" }),
    },
    {
      description:
        "Each list's full length; a list holds only its first `limit` entries, so a count above its list's length means the list was cut",
    },
  ),
  pastPolicyAge: Type.Array(AgeItem, { description: "Active secrets older than their policy's interval" }),
  inGrace: Type.Array(GraceItem, { description: "Versions still accepted in grace, soonest end first" }),
  withoutPolicy: Type.Array(AgeItem, { description: "Keys no rotation policy applies to" }),
  neverRotated: Type.Array(AgeItem, { description: "Keys still on their first version" }),
  oldestPerConsumer: Type.Array(AgeItem, { description: "Per consumer, its oldest active secret" }),
});

const ageView = (r: AgeRow) => ({
  keyId: r.keyId,
  consumerId: r.consumerId,
  name: r.name,
  admin: r.admin,
  version: r.version,
  createdAt: iso(r.createdAt),
  activeSince: iso(r.activeSince),
  ageSeconds: Math.floor(r.ageMs / 1000),
  policy: r.policy && { interval: formatDuration(r.policy.intervalMs), source: r.policy.source },
  nextRotationAt: iso(r.nextRotationAt),
});

/** `GET /v1/reports/key-age`. */
export function registerReportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const policies = deps.policies;
  if (!policies) return;
  app.get<{ Querystring: { consumerId?: string; limit?: string } }>(
    "/v1/reports/key-age",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getKeyAgeReport",
        tags: ["reports"],
        summary:
          "Key-age report: secrets past their policy's age, versions in grace, keys without a policy or never rotated, the oldest secret per consumer",
        querystring: Type.Object(
          {
            consumerId: Type.Optional(Type.String({ pattern: "^con_[0-9a-z]{26}$" })),
            limit: Type.Optional(
              Type.String({
                pattern: "^[0-9]{1,5}$",
                description: `Entries per list at most, 1 to ${MAX_REPORT_LIMIT} (default ${KEY_AGE_LIMIT}); each list keeps its own order`,
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: KeyAgeReport, ...errorResponses() },
      },
    },
    async (req) => {
      const limit = req.query.limit === undefined ? KEY_AGE_LIMIT : Number(req.query.limit);
      if (limit < 1 || limit > MAX_REPORT_LIMIT)
        throw new KeyrollError("VALIDATION_FAILED", `limit must be between 1 and ${MAX_REPORT_LIMIT}`);
      const r = await policies.keyAgeReport({ consumerId: req.query.consumerId, limit });
      return {
        generatedAt: iso(r.generatedAt),
        keys: r.keys,
        counts: r.counts,
        pastPolicyAge: r.pastPolicyAge.map(ageView),
        inGrace: r.inGrace.map((g) => ({
          ...g,
          graceStartedAt: iso(g.graceStartedAt),
          expiresAt: iso(g.expiresAt),
          lastUsedAt: iso(g.lastUsedAt),
        })),
        withoutPolicy: r.withoutPolicy.map(ageView),
        neverRotated: r.neverRotated.map(ageView),
        oldestPerConsumer: r.oldestPerConsumer.map(ageView),
      };
    },
  );
}
