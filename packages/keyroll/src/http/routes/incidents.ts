import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.js";
import { duration } from "../input.js";
import { errorResponses, IdParam, Key } from "../schemas.js";
import { iso } from "../views.js";
import { KeyParams } from "./keys.js";

// The emergency (decision 0018): a secret leaked. `compromised` revokes what was exposed and mints
// a replacement in one write; `lookup` names the key of a secret from its digest; `exposure` says
// who used the exposed versions, since when and from where.

const Reason = Type.String({
  minLength: 1,
  maxLength: 500,
  description: "What happened; audited and notified",
});
const Grace = Type.Optional(
  Type.Union([Type.String({ maxLength: 16 }), Type.Number({ minimum: 0 })], {
    description:
      'How long an active version that is not among the exposed ones keeps working (default "0s": it ends now); at most 7d',
  }),
);
const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

/** One key's emergency rotation, as answered: the replacement's secret is shown this once. */
export const CompromisedKey = Type.Object({
  key: Key,
  secret: Type.String({ description: "The replacement's secret, shown once" }),
  version: Type.Integer({ description: "The replacement version, active now" }),
  revokedVersions: Type.Array(Type.Integer(), { description: "Versions revoked by this call" }),
  previous: Type.Union([
    Type.Object({ version: Type.Integer(), expiresAt: Type.String({ format: "date-time" }) }),
    Type.Null(),
  ]),
});

const Exposure = Type.Object({
  keyId: Type.String(),
  consumerId: Type.String(),
  from: Type.String({ format: "date-time", description: "Usage is counted from here (90 days back)" }),
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      state: Type.String(),
      createdAt: Type.String({ format: "date-time" }),
      revokedAt: NullableTime,
      firstUsedAt: NullableTime,
      lastUsedAt: NullableTime,
      requests: Type.Record(Type.String(), Type.Integer(), { description: "requests by outcome" }),
      addresses: Type.Array(
        Type.Object({
          address: Type.String(),
          firstSeenAt: Type.String({ format: "date-time" }),
          lastSeenAt: Type.String({ format: "date-time" }),
          count: Type.Integer(),
        }),
      ),
    }),
  ),
});

const VERSIONS_RE = /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,99}$/;

/** Emergency rotations of a key or a consumer, the digest lookup, and the exposure of versions. */
export function registerIncidentRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const incidents = deps.incidents;
  if (!incidents) return;
  const kv = deps.keyView;
  const view = (r: Awaited<ReturnType<typeof incidents.compromiseKey>>) => ({
    key: kv(r.key),
    secret: r.secret,
    version: r.version,
    revokedVersions: r.revoked,
    previous: r.previous && { version: r.previous.version, expiresAt: iso(r.previous.expiresAt) },
  });

  app.post<{
    Params: { id: string };
    Body: { reason: string; versions?: number[]; gracePeriod?: string | number };
  }>(
    "/v1/keys/:id/compromised",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "compromiseKey",
        tags: ["incidents"],
        summary:
          "Emergency rotation: revoke the exposed versions now and mint a replacement (no successor pickup)",
        params: KeyParams,
        body: Type.Object(
          {
            reason: Reason,
            versions: Type.Optional(
              Type.Array(Type.Integer({ minimum: 1 }), {
                minItems: 1,
                maxItems: 100,
                description:
                  "The versions whose secret leaked (default: every version that still works); versions sealed to them for pickup count as exposed too",
              }),
            ),
            gracePeriod: Grace,
          },
          { additionalProperties: false },
        ),
        response: { 201: CompromisedKey, ...errorResponses(404, 409) },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const out = await incidents.compromiseKey(
        req.params.id,
        {
          reason: b.reason,
          versions: b.versions,
          graceMs: b.gracePeriod === undefined ? undefined : duration(b.gracePeriod, "gracePeriod"),
        },
        req.actor!,
      );
      return reply.code(201).send(view(out));
    },
  );

  app.post<{ Params: { id: string }; Body: { reason: string; gracePeriod?: string | number } }>(
    "/v1/consumers/:id/compromised",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "compromiseConsumer",
        tags: ["incidents"],
        summary:
          "Emergency rotation of every live key of a consumer: all their versions revoked, one replacement per key",
        params: IdParam("con"),
        body: Type.Object({ reason: Reason, gracePeriod: Grace }, { additionalProperties: false }),
        response: {
          201: Type.Object({ consumerId: Type.String(), keys: Type.Array(CompromisedKey) }),
          ...errorResponses(404),
        },
      },
    },
    async (req, reply) => {
      const out = await incidents.compromiseConsumer(
        req.params.id,
        {
          reason: req.body.reason,
          graceMs:
            req.body.gracePeriod === undefined ? undefined : duration(req.body.gracePeriod, "gracePeriod"),
        },
        req.actor!,
      );
      return reply.code(201).send({ consumerId: req.params.id, keys: out.map(view) });
    },
  );

  app.post<{ Body: { digest: string } }>(
    "/v1/keys/lookup",
    {
      config: { scope: "admin" },
      schema: {
        operationId: "lookupKeyByDigest",
        tags: ["incidents"],
        summary:
          "The key and version of a secret, named by its SHA-256 (hex): a leaked secret is identified without sending it",
        body: Type.Object(
          {
            digest: Type.String({ pattern: "^[0-9a-fA-F]{64}$", description: "SHA-256 of the secret, hex" }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            keyId: Type.String(),
            consumerId: Type.String(),
            version: Type.Integer(),
            state: Type.String({ description: "The version's state now" }),
            keyState: Type.Union([Type.Literal("active"), Type.Literal("revoked")]),
          }),
          ...errorResponses(404),
        },
      },
    },
    async (req) => {
      const r = await incidents.lookupDigest(req.body.digest);
      const k = kv(r.key);
      return {
        keyId: k.id,
        consumerId: k.consumerId,
        version: r.version,
        state: k.versions.find((v) => v.version === r.version)!.state,
        keyState: k.state,
      };
    },
  );

  app.get<{ Params: { id: string }; Querystring: { versions?: string } }>(
    "/v1/keys/:id/exposure",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getKeyExposure",
        tags: ["incidents"],
        summary:
          "Who used versions of a key, since when and from where (requests, first and last use, addresses)",
        params: KeyParams,
        querystring: Type.Object(
          {
            versions: Type.Optional(
              Type.String({
                pattern: VERSIONS_RE.source,
                description: "Comma-separated versions (default: all)",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: Exposure, ...errorResponses(404) },
      },
    },
    async (req) => {
      const e = await incidents.exposure(req.params.id, req.query.versions?.split(",").map(Number));
      return {
        ...e,
        from: iso(e.from),
        versions: e.versions.map((v) => ({
          ...v,
          createdAt: iso(v.createdAt),
          revokedAt: iso(v.revokedAt),
          firstUsedAt: iso(v.firstUsedAt),
          lastUsedAt: iso(v.lastUsedAt),
          addresses: v.addresses.map((a) => ({
            ...a,
            firstSeenAt: iso(a.firstSeenAt),
            lastSeenAt: iso(a.lastSeenAt),
          })),
        })),
      };
    },
  );
}
