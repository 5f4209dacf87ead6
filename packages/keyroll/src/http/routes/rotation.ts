import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import type { RouteDeps } from "../deps.js";
import { duration, time } from "../input.js";
import { withHeaders } from "../openapi.js";
import { Duration, errorResponses, Key } from "../schemas.js";
import { iso } from "../views.js";
import { KeyOnly, KeyParams, ReasonBody } from "./keys.js";

/** `/v1/keys/:id/versions/:version/...`: a key id and a version number (as the path spells it). */
const KeyVersionParams = Type.Object(
  {
    id: Type.String({ pattern: "^key_[0-9a-z]{26}$" }),
    version: Type.String({ pattern: "^[1-9][0-9]{0,8}$" }),
  },
  { additionalProperties: false },
);

/** Rollback takes no fields: no body, or `{}`. */
const EmptyBody = Type.Union([Type.Object({}, { additionalProperties: false }), Type.Null()]);

/** The answer of a rotation. */
export const RotatedKey = Type.Object({
  key: Key,
  secret: Type.String(),
  version: Type.Integer(),
  previous: Type.Union([
    Type.Object({ version: Type.Integer(), expiresAt: Type.String({ format: "date-time" }) }),
    Type.Null(),
  ]),
});

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{1,255}$/;

/** Rotation of a key's versions: rotate, roll back, revoke one version. */
export function registerRotationRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { keys, keyView: kv } = deps;

  app.post<{
    Params: { id: string };
    Body: {
      gracePeriod: string | number;
      activateAt?: string;
      reason?: string;
      retireWhenUnusedFor?: string | number;
      extendWhileInUse?: { max: string | number; step?: string | number };
    };
    Headers: { "idempotency-key"?: string };
  }>(
    "/v1/keys/:id/rotate",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "rotateKey",
        tags: ["rotation"],
        summary: "Rotate: add a new version; the previous one keeps working for the grace period",
        params: KeyParams,
        headers: Type.Object({
          "idempotency-key": Type.Optional(
            Type.String({
              description:
                "1-255 printable ASCII chars (no spaces); a retry with the same value within 24 h returns the same successor",
            }),
          ),
        }),
        body: Type.Object(
          {
            gracePeriod: Duration,
            activateAt: Type.Optional(Type.String({ format: "date-time" })),
            reason: Type.Optional(Type.String({ maxLength: 500 })),
            retireWhenUnusedFor: Type.Optional(
              Type.Union([Type.String({ maxLength: 16 }), Type.Number({ minimum: 0 })], {
                description:
                  "Retire the previous version early once the new one is used and the old one has had no traffic for this long",
              }),
            ),
            extendWhileInUse: Type.Optional(
              Type.Object(
                {
                  max: Duration,
                  step: Type.Optional(Duration),
                },
                {
                  additionalProperties: false,
                  description:
                    "Extend a grace that would end while the previous version is still in use (used in the last 15 minutes), by `step` (default 1h) at a time, up to `max` after the switch",
                },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: withHeaders(RotatedKey, "Idempotent-Replayed"),
          ...errorResponses(404, 409, 422),
        },
      },
    },
    async (req, reply) => {
      const idem = req.headers["idempotency-key"];
      if (idem !== undefined && !IDEMPOTENCY_KEY_RE.test(idem)) {
        throw new KeyrollError(
          "INVALID_IDEMPOTENCY_KEY",
          "Idempotency-Key must be 1-255 printable characters",
        );
      }
      const b = req.body;
      const out = await keys.rotate(
        req.params.id,
        {
          graceMs: duration(b.gracePeriod, "gracePeriod"),
          activateAt: time(b.activateAt, "activateAt"),
          reason: b.reason,
          retireWhenUnusedMs:
            b.retireWhenUnusedFor === undefined
              ? undefined
              : duration(b.retireWhenUnusedFor, "retireWhenUnusedFor"),
          extendWhileInUse:
            b.extendWhileInUse === undefined
              ? undefined
              : {
                  maxMs: duration(b.extendWhileInUse.max, "extendWhileInUse.max"),
                  stepMs:
                    b.extendWhileInUse.step === undefined
                      ? 3_600_000
                      : duration(b.extendWhileInUse.step, "extendWhileInUse.step"),
                },
        },
        req.actor!,
        idem,
      );
      if (out.replayed) reply.header("Idempotent-Replayed", "true");
      return reply.code(201).send({
        key: kv(out.key),
        secret: out.secret,
        version: out.version,
        previous: out.previous && { version: out.previous.version, expiresAt: iso(out.previous.expiresAt) },
      });
    },
  );

  app.post<{ Params: { id: string }; Body: Record<string, never> | null }>(
    "/v1/keys/:id/rollback",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "rollbackKey",
        tags: ["rotation"],
        summary: "Make the previous version (still in grace) active again and revoke the newer one",
        params: KeyParams,
        body: EmptyBody,
        response: { 200: KeyOnly, ...errorResponses(404, 409) },
      },
    },
    async (req) => ({ key: kv(await keys.rollback(req.params.id, req.actor!)) }),
  );

  app.post<{ Params: { id: string; version: string }; Body: { reason?: string } | null }>(
    "/v1/keys/:id/versions/:version/revoke",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "revokeKeyVersion",
        tags: ["rotation"],
        summary: "Revoke one version",
        params: KeyVersionParams,
        body: ReasonBody,
        response: { 200: KeyOnly, ...errorResponses(404, 409) },
      },
    },
    async (req) => ({
      key: kv(
        await keys.revokeVersion(req.params.id, Number(req.params.version), req.body?.reason, req.actor!),
      ),
    }),
  );

  app.post<{ Params: { id: string; version: string }; Body: { reason?: string } | null }>(
    "/v1/keys/:id/versions/:version/cancel",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "cancelKeyVersion",
        tags: ["rotation"],
        summary: "Cancel a scheduled version before it activates: the current version keeps working",
        params: KeyVersionParams,
        body: ReasonBody,
        response: { 200: KeyOnly, ...errorResponses(404, 409) },
      },
    },
    async (req) => ({
      key: kv(
        await keys.cancelVersion(req.params.id, Number(req.params.version), req.body?.reason, req.actor!),
      ),
    }),
  );
}
