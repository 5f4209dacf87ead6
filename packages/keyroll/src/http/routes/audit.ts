import { type TSchema, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import type { RouteDeps } from "../deps.js";
import { time } from "../input.js";
import { errorResponses, Problem } from "../schemas.js";

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: "date-time" });
const Hash = Type.String({ pattern: "^[0-9a-f]{64}$" });

const AuditActor = Type.Union(
  [
    Type.Object({ type: Type.Literal("admin"), keyId: Type.String(), version: Nullable(Type.Integer()) }),
    Type.Object({ type: Type.Literal("key"), keyId: Type.String(), version: Nullable(Type.Integer()) }),
    Type.Object({ type: Type.Literal("system"), rule: Nullable(Type.String()) }),
  ],
  { description: "An admin key (id and version), a key acting on itself, or Keyroll's own rule" },
);

export const AuditEntrySchema = Type.Object(
  {
    v: Type.Integer({ description: "Entry format: 1, or 0 for entries written before it existed" }),
    seq: Type.Integer(),
    id: Type.String(),
    at: DateTime,
    actor: AuditActor,
    action: Type.String(),
    targetId: Nullable(Type.String()),
    requestId: Nullable(Type.String()),
    address: Nullable(Type.String()),
    data: Type.Record(Type.String(), Type.Unknown()),
    diff: Nullable(
      Type.Record(Type.String(), Type.Object({ from: Type.Unknown(), to: Type.Unknown() }), {
        description: "Fields an update changed",
      }),
    ),
    prevHash: Nullable(Hash),
    hash: Nullable(Hash),
  },
  { description: "One audit entry; docs/audit.md says what its hash covers" },
);

export const AuditCheckpointSchema = Type.Object({
  v: Type.Literal(1),
  seq: Type.Integer(),
  hash: Hash,
  at: DateTime,
  keyId: Type.String(),
  signature: Type.String({
    description: "Ed25519 over the RFC 8785 JSON of {v, seq, hash, at, keyId}, base64",
  }),
});

const Verification = Type.Object({
  valid: Type.Boolean(),
  entries: Type.Integer(),
  head: Nullable(Type.Object({ seq: Type.Integer(), hash: Hash })),
  pending: Type.Integer({ description: "Entries written but not linked into the chain yet" }),
  checkpoints: Type.Object({
    signing: Type.Boolean({ description: "Whether this server signs checkpoints" }),
    verified: Type.Integer(),
    unverified: Type.Integer({ description: "Signed by another key than this server's" }),
    last: Nullable(AuditCheckpointSchema),
    entriesAfterLast: Type.Integer(),
  }),
  firstBad: Nullable(Type.Object({ seq: Type.Integer(), reason: Type.String() })),
});

const Cursor = Type.Optional(Type.String({ maxLength: 16, description: "nextCursor of the previous page" }));
const Limit = Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$", description: "1 to 1000, default 100" }));

function page(limit: string | undefined, cursor: string | undefined): { limit: number; afterSeq: number } {
  const n = limit === undefined ? 100 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > 1_000) {
    throw new KeyrollError("VALIDATION_FAILED", "limit must be between 1 and 1000");
  }
  if (cursor !== undefined && !/^[0-9]{1,15}$/.test(cursor)) {
    throw new KeyrollError("INVALID_CURSOR", "cursor is not one this API gave");
  }
  return { limit: n, afterSeq: cursor === undefined ? 0 : Number(cursor) };
}

/** `/v1/audit`: the tamper-evident log of every change, its verification and its public key. */
export function registerAuditRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const audit = deps.audit;
  if (!audit) return;

  app.get<{
    Querystring: {
      targetId?: string;
      actor?: string;
      action?: string;
      since?: string;
      until?: string;
      limit?: string;
      cursor?: string;
    };
  }>(
    "/v1/audit",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["audit"],
        operationId: "listAuditEntries",
        summary: "List audit entries, oldest first, filtered by target, actor, action and time",
        querystring: Type.Object(
          {
            targetId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            actor: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: "A key id, or `system`" }),
            ),
            action: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            since: Type.Optional(
              Type.String({ maxLength: 40, description: "ISO 8601: entries at or after" }),
            ),
            until: Type.Optional(Type.String({ maxLength: 40, description: "ISO 8601: entries before" })),
            limit: Limit,
            cursor: Cursor,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(AuditEntrySchema), nextCursor: Nullable(Type.String()) }),
          ...errorResponses(),
        },
      },
    },
    async (req) => {
      const p = page(req.query.limit, req.query.cursor);
      const since = time(req.query.since, "since");
      const until = time(req.query.until, "until");
      const rows = await audit.list({
        afterSeq: p.afterSeq,
        limit: p.limit + 1,
        targetId: req.query.targetId,
        actor: req.query.actor,
        action: req.query.action,
        since,
        until,
      });
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data, nextCursor: more ? String(data.at(-1)!.seq) : null };
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    "/v1/audit/checkpoints",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["audit"],
        operationId: "listAuditCheckpoints",
        summary: "List signed checkpoints of the audit chain, oldest first",
        querystring: Type.Object({ limit: Limit, cursor: Cursor }, { additionalProperties: false }),
        response: {
          200: Type.Object({ data: Type.Array(AuditCheckpointSchema), nextCursor: Nullable(Type.String()) }),
          ...errorResponses(),
        },
      },
    },
    async (req) => {
      const p = page(req.query.limit, req.query.cursor);
      const rows = await audit.checkpoints(p.afterSeq, p.limit + 1);
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data, nextCursor: more ? String(data.at(-1)!.seq) : null };
    },
  );

  app.get(
    "/v1/audit/verify",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["audit"],
        operationId: "verifyAuditLog",
        summary: "Verify the whole audit chain and its signed checkpoints; names the first bad seq and why",
        response: { 200: Verification, ...errorResponses() },
      },
    },
    async () => {
      const r = await audit.verify();
      return { ...r, checkpoints: { signing: audit.signing, ...r.checkpoints } };
    },
  );

  app.get(
    "/v1/audit/public-key",
    {
      schema: {
        tags: ["audit"],
        operationId: "getAuditPublicKey",
        summary: "The Ed25519 public key that checkpoints are signed with (public: anyone may verify)",
        security: [],
        response: {
          200: Type.Object({
            algorithm: Type.Literal("Ed25519"),
            keyId: Type.String(),
            publicKey: Type.String({ description: "SPKI PEM" }),
          }),
          404: Problem,
        },
      },
    },
    async () => {
      const k = audit.publicKey();
      if (!k) {
        throw new KeyrollError(
          "AUDIT_SIGNING_OFF",
          "this server signs no audit checkpoints: KEYROLL_AUDIT_SIGNING_KEY is not set",
        );
      }
      return k;
    },
  );
}
