import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { parseDuration } from "../../core/duration.js";
import { KeyrollError } from "../../core/errors.js";
import type { SelfService } from "../../services/self.js";
import type { RouteDeps } from "../deps.js";
import { withHeaders } from "../openapi.js";
import { Duration, errorResponses, VersionState } from "../schemas.js";
import { iso, sunset } from "../views.js";

const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

const SelfResponse = Type.Object({
  keyId: Type.String(),
  consumerId: Type.String(),
  version: Type.Integer(),
  state: VersionState,
  scopes: Type.Array(Type.String()),
  expiresAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "When this secret stops working (grace end or key expiry); null for never",
  }),
  allowSuccessorPickup: Type.Boolean(),
  successorAvailable: Type.Boolean({
    description: "A successor is waiting: fetch it with POST /v1/self/successor",
  }),
  successorScheduled: Type.Union(
    [
      Type.Object({ version: Type.Integer(), activatesAt: Type.String({ format: "date-time" }) }),
      Type.Null(),
    ],
    {
      description:
        "A successor made but not active yet (phased activation): fetch it ahead with POST /v1/self/successor?scheduled=true, use it from activatesAt",
    },
  ),
});

const SuccessorResponse = Type.Object({
  secret: Type.String({ description: "The successor secret: store it, and use it from now on" }),
  version: Type.Integer(),
  activatesAt: Type.String({
    format: "date-time",
    description:
      "When the successor starts working: in the future only for a scheduled one (?scheduled=true)",
  }),
  expiresAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "When the successor stops working, or null for never",
  }),
  previous: Type.Object({ version: Type.Integer(), expiresAt: NullableTime }),
});

const SelfRotateBody = Type.Object(
  { gracePeriod: Duration },
  {
    additionalProperties: false,
    description: "How long the presenting (previous) secret keeps working, ≤ 30d",
  },
);

const SelfRotateResponse = Type.Object({
  secret: Type.String(),
  version: Type.Integer(),
  previous: Type.Union([
    Type.Object({ version: Type.Integer(), expiresAt: Type.String({ format: "date-time" }) }),
    Type.Null(),
  ]),
});

const security = [{ clientKey: [] }];

/** The presented client secret, or a 401 saying how to send one. */
function bearer(req: FastifyRequest, reply: FastifyReply): string {
  const header = req.headers.authorization;
  const m = header === undefined ? null : /^Bearer +(\S+) *$/i.exec(header);
  if (!m) {
    reply.header("WWW-Authenticate", 'Bearer realm="keyroll"');
    throw new KeyrollError("CLIENT_UNAUTHORIZED", "send Authorization: Bearer <your key's secret>");
  }
  return m[1]!;
}

/**
 * `/v1/self`: a client authenticated by its own secret (not an admin key) reads its key's state,
 * picks up its successor after a rotation, or rotates itself. The secret is checked through the
 * verifier (shape, checksum, digest lookup), without counting it as traffic.
 */
export function registerSelfRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { verifier, clock } = deps;
  if (!deps.self) return;
  const self: SelfService = deps.self;

  async function authenticate(req: FastifyRequest, reply: FastifyReply) {
    const secret = bearer(req, reply);
    const found = await verifier.inspect(secret);
    if (!found) {
      reply.header("WWW-Authenticate", 'Bearer realm="keyroll", error="invalid_token"');
      throw new KeyrollError("CLIENT_UNAUTHORIZED", "this secret matches no key");
    }
    return { secret, keyId: found.keyId, version: found.version };
  }

  app.get(
    "/v1/self",
    {
      schema: {
        tags: ["self"],
        operationId: "getSelf",
        summary: "The presenting secret's key, version and state, and whether a successor is waiting",
        security,
        response: { 200: withHeaders(SelfResponse, "Deprecation", "Sunset"), ...errorResponses(401) },
      },
    },
    async (req, reply) => {
      const who = await authenticate(req, reply);
      const v = await self.describe(who.keyId, who.version);
      if (v.state === "grace" && v.expiresAt !== null) {
        reply.header("Deprecation", `@${Math.floor(clock.now() / 1000)}`);
        reply.header("Sunset", sunset(v.expiresAt));
      }
      return {
        ...v,
        expiresAt: iso(v.expiresAt),
        successorScheduled: v.successorScheduled && {
          version: v.successorScheduled.version,
          activatesAt: iso(v.successorScheduled.activatesAt),
        },
      };
    },
  );

  app.post<{ Querystring: { scheduled?: "true" | "false" } }>(
    "/v1/self/successor",
    {
      schema: {
        querystring: Type.Object(
          {
            scheduled: Type.Optional(
              Type.Union([Type.Literal("true"), Type.Literal("false")], {
                description:
                  "true: also give a successor that is scheduled but not active yet (phased activation); its activatesAt says from when to use it",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        tags: ["self"],
        operationId: "pickUpSuccessor",
        summary:
          "Fetch the secret that replaced the presenting one (during its grace period); repeatable, so every replica gets it",
        security,
        response: { 200: SuccessorResponse, ...errorResponses(401, 403, 404) },
      },
    },
    async (req, reply) => {
      const who = await authenticate(req, reply);
      const out = await self.pickup(who.secret, who.keyId, who.version, req.ip, String(req.id), {
        scheduled: req.query.scheduled === "true",
      });
      return {
        secret: out.secret,
        version: out.version,
        activatesAt: iso(out.activatesAt),
        expiresAt: iso(out.expiresAt),
        previous: { version: out.previous.version, expiresAt: iso(out.previous.expiresAt) },
      };
    },
  );

  app.post<{ Body: Static<typeof SelfRotateBody> }>(
    "/v1/self/rotate",
    {
      schema: {
        tags: ["self"],
        operationId: "rotateSelf",
        summary: 'Rotate the presenting key (scope "self:rotate", active secret only)',
        security,
        body: SelfRotateBody,
        response: { 201: SelfRotateResponse, ...errorResponses(401, 403, 409) },
      },
    },
    async (req, reply) => {
      const who = await authenticate(req, reply);
      const graceMs = parseDuration(req.body.gracePeriod);
      if (graceMs === undefined) {
        throw new KeyrollError(
          "INVALID_DURATION",
          'gracePeriod must be like "30s", "15m", "2h", "7d" or a number of seconds',
        );
      }
      const out = await self.rotate(who.keyId, who.version, graceMs, {
        requestId: String(req.id),
        address: req.ip,
      });
      return reply.code(201).send({
        secret: out.secret,
        version: out.version,
        previous: out.previous && { version: out.previous.version, expiresAt: iso(out.previous.expiresAt) },
      });
    },
  );
}
