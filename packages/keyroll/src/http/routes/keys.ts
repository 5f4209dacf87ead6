import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.js";
import { duration, time } from "../input.js";
import {
  AllowSuccessorPickup,
  errorResponses,
  IdParam,
  Key,
  Metadata,
  Page,
  PageQuery,
  parsePage,
  RateLimitInput,
  Scopes,
} from "../schemas.js";
import { KeyPolicyFields, keyPolicyFields } from "./policies.js";

interface RateLimitBody {
  limit: number;
  period: string | number;
}

/** A request's `rateLimit` (undefined: unchanged, null: none). */
function rateLimitOf(r: RateLimitBody | null | undefined) {
  if (r === undefined || r === null) return r;
  return { limit: r.limit, periodMs: duration(r.period, "rateLimit.period") };
}

export const KeyParams = IdParam("key");
export const KeyOnly = Type.Object({ key: Key });
/** The answer of a create or import: the key, and its secret, shown this once. */
export const CreatedKey = Type.Object({ key: Key, secret: Type.String(), version: Type.Integer() });
/** An optional `{reason}` body: absent, empty or null all mean no reason. */
export const ReasonBody = Type.Union([
  Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
  Type.Null(),
]);
const Name = Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]));

/** The body fields of `POST /v1/keys`; a row of `POST /v1/keys/import` has these and `externalId`. */
export const CreateKeyFields = {
  consumerId: Type.String({ minLength: 1, maxLength: 64 }),
  name: Name,
  scopes: Type.Optional(Scopes),
  prefix: Type.Optional(Type.String({ pattern: "^[a-z0-9][a-z0-9_]{0,15}$" })),
  expiresAt: Type.Optional(Type.Union([Type.String({ format: "date-time" }), Type.Null()])),
  metadata: Type.Optional(Metadata),
  secret: Type.Optional(
    Type.String({
      minLength: 20,
      maxLength: 256,
      description: "An existing secret to import (≥ 20 chars)",
    }),
  ),
  rateLimit: Type.Optional(RateLimitInput),
  allowSuccessorPickup: Type.Optional(AllowSuccessorPickup),
};

const CreateKeyBody = Type.Object(CreateKeyFields, { additionalProperties: false });

/** `/v1/keys`: create or import, list, read, update, revoke. Rotation lives in rotation.ts. */
export function registerKeyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { keys, keyView: kv } = deps;

  app.post<{ Body: Static<typeof CreateKeyBody> }>(
    "/v1/keys",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "createKey",
        tags: ["keys"],
        summary: "Create a key (version 1), or import an existing secret",
        body: CreateKeyBody,
        response: {
          201: CreatedKey,
          ...errorResponses(404, 409),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const out = await keys.create(
        { ...b, expiresAt: time(b.expiresAt, "expiresAt") ?? null, rateLimit: rateLimitOf(b.rateLimit) },
        req.actor!,
      );
      return reply.code(201).send({ key: kv(out.key), secret: out.secret, version: out.version });
    },
  );

  app.get<{
    Querystring: {
      consumerId?: string;
      state?: "active" | "revoked";
      externalId?: string;
      limit?: string;
      cursor?: string;
    };
  }>(
    "/v1/keys",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listKeys",
        tags: ["keys"],
        summary: "List keys with their versions, oldest first",
        querystring: Type.Object(
          {
            consumerId: Type.Optional(Type.String({ maxLength: 64 })),
            state: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("revoked")])),
            externalId: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, description: "Only the key with this externalId" }),
            ),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: { 200: Page(Key), ...errorResponses() },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, req.query.cursor, "key");
      const rows = await keys.list({
        consumerId: req.query.consumerId,
        state: req.query.state,
        externalId: req.query.externalId,
        limit: p.limit + 1,
        after: p.after,
      });
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(kv), nextCursor: more ? data[data.length - 1]!.key.id : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/keys/:id",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getKey",
        tags: ["keys"],
        summary: "Read a key with its versions",
        params: KeyParams,
        response: { 200: Type.Composite([Key, Type.Object(KeyPolicyFields)]), ...errorResponses(404) },
      },
    },
    async (req) => {
      const k = await keys.get(req.params.id);
      const p = deps.policies ? await deps.policies.stateOf(k) : undefined;
      return p
        ? { ...kv(k), ...keyPolicyFields(p) }
        : { ...kv(k), rotationPolicy: null, nextRotationAt: null, rotationBlocked: null };
    },
  );

  app.patch<{
    Params: { id: string };
    Body: {
      name?: string | null;
      scopes?: string[];
      metadata?: Record<string, unknown>;
      rateLimit?: RateLimitBody | null;
      allowSuccessorPickup?: boolean;
    };
  }>(
    "/v1/keys/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "updateKey",
        tags: ["keys"],
        summary: "Update a key's name, scopes, metadata or rate limit",
        params: KeyParams,
        body: Type.Object(
          {
            name: Name,
            scopes: Type.Optional(Scopes),
            metadata: Type.Optional(Metadata),
            rateLimit: Type.Optional(RateLimitInput),
            allowSuccessorPickup: Type.Optional(AllowSuccessorPickup),
          },
          { additionalProperties: false },
        ),
        response: { 200: Key, ...errorResponses(404, 409) },
      },
    },
    async (req) =>
      kv(
        await keys.update(
          req.params.id,
          { ...req.body, rateLimit: rateLimitOf(req.body.rateLimit) },
          req.actor!,
        ),
      ),
  );

  app.post<{ Params: { id: string }; Body: { reason?: string } | null }>(
    "/v1/keys/:id/revoke",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "revokeKey",
        tags: ["keys"],
        summary: "Revoke a key: every version is rejected from now on",
        params: KeyParams,
        body: ReasonBody,
        response: { 200: KeyOnly, ...errorResponses(404, 409) },
      },
    },
    async (req) => ({ key: kv(await keys.revoke(req.params.id, req.body?.reason, req.actor!)) }),
  );
}
