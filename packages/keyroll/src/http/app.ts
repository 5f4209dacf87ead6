import { createServer } from "node:http";
import swagger from "@fastify/swagger";
import { Type } from "@sinclair/typebox";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import type { Clock } from "../core/clock.js";
import { parseDuration } from "../core/duration.js";
import { KeyrollError } from "../core/errors.js";
import { type AccessPolicy, OPEN_POLICY } from "../core/route-rules.js";
import type { ConsumerService } from "../services/consumers.js";
import type { Logger } from "../services/deps.js";
import type { KeyService } from "../services/keys.js";
import { createLocalLimiter, createVerifyLimiter, type RateLimiter } from "../services/rate-limit.js";
import type { UsageService } from "../services/usage.js";
import type { Verifier } from "../verifier/index.js";
import { adminAuth } from "./auth.js";
import { clientErrorHandler, errorHandler, problem } from "./errors.js";
import { createFastVerify } from "./fast-verify.js";
import { createMetrics, registerMetricsRoute } from "./metrics.js";
import { registerAuthorizeRoutes } from "./routes/authorize.js";
import {
  Consumer,
  Duration,
  errorResponses,
  IdParam,
  Key,
  Metadata,
  Page,
  PageQuery,
  Problem,
  parsePage,
  RateLimitInput,
  Scope,
  Scopes,
  VerifyResponse,
} from "./schemas.js";
import { registerUsageRoutes } from "./usage-routes.js";
import { consumerView, iso, keyView, sunset, verifyView } from "./views.js";

/** What the HTTP app is built from. */
export interface AppDeps {
  readonly consumers: ConsumerService;
  readonly keys: KeyService;
  readonly verifier: Verifier;
  readonly clock: Clock;
  readonly logger: Logger & { child?: unknown };
  /** A pino instance for Fastify's own logging, or false. */
  readonly fastifyLogger?: unknown;
  readonly strict?: boolean;
  readonly maxStalenessMs?: number;
  readonly bodyLimitBytes?: number;
  readonly version?: string;
  /** True while this node holds the leader lock for background work. */
  readonly isLeader?: () => boolean;
  /** Usage reads and alerts. */
  readonly usage?: UsageService;
  /** Rate limits of keys and route rules (default: local, per node). */
  readonly limiter?: RateLimiter;
  /** Route rules, key header and rotation docs of `GET /v1/authorize`. */
  readonly accessPolicy?: AccessPolicy;
  /** `GET /v1/authorize` without a gateway key. */
  readonly authorizeOpen?: boolean;
}

function duration(input: string | number, field: string): number {
  const ms = parseDuration(input);
  if (ms === undefined) {
    throw new KeyrollError(
      "INVALID_DURATION",
      `${field} must be like "30s", "15m", "2h", "7d" or a number of seconds`,
    );
  }
  return ms;
}

function futureTime(input: string | undefined | null, field: string): number | undefined {
  if (input === undefined || input === null) return undefined;
  const t = Date.parse(input);
  if (Number.isNaN(t)) throw new KeyrollError("VALIDATION_FAILED", `${field} must be an ISO 8601 time`);
  return t;
}

interface RateLimitBody {
  limit: number;
  period: string | number;
}

/** A request's `rateLimit` (undefined: unchanged, null: none). */
function rateLimitOf(r: RateLimitBody | null | undefined) {
  if (r === undefined || r === null) return r;
  return { limit: r.limit, periodMs: duration(r.period, "rateLimit.period") };
}

const RateLimitStatus = Type.Object(
  {
    mode: Type.Union([Type.Literal("local"), Type.Literal("redis")]),
    up: Type.Boolean({
      description: "Whether the rate limit store (Redis) is reachable; always true in local mode",
    }),
    failure: Type.Union([Type.Literal("open"), Type.Literal("closed")]),
  },
  { description: "Rate limits: a 503 while Redis is down only when they fail closed" },
);

const IDEMPOTENCY_KEY_RE = /^[\x21-\x7e]{8,255}$/;

/**
 * Builds the Fastify app: the admin API, /v1/verify, health, readiness and /openapi.json.
 * @example const app = await buildApp(deps); await app.listen({ port: 8080 });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { consumers, keys, verifier, clock } = deps;
  const limiter = deps.limiter ?? createLocalLimiter(clock);
  const limitVerify = createVerifyLimiter(limiter);
  let reqSeq = 0;
  let fastVerify: ReturnType<typeof createFastVerify> | undefined;
  const app = Fastify({
    ...(deps.fastifyLogger ? { loggerInstance: deps.fastifyLogger as never } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // no per-request child logger: Keyroll logs ids explicitly, and verify pays nothing for logging
    childLoggerFactory: (logger) => logger,
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    genReqId: () => `req_${(++reqSeq).toString(36)}`,
    requestIdHeader: false,
    clientErrorHandler,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    return503OnClosing: true,
    // the hot route's happy path skips the framework (see fast-verify.ts); everything else is Fastify
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (fastVerify !== undefined && req.method === "POST" && req.url === "/v1/verify")
          fastVerify(req, res, handler);
        else handler(req, res);
      }),
    // router-level failures (bad percent-encoding, an over-long path parameter) are client errors too
    frameworkErrors: (err, req, reply) => {
      (reply as unknown as FastifyReply)
        .code(400)
        .type("application/problem+json")
        .send(
          problem("VALIDATION_FAILED", `the request path is not valid (${err.code})`, {
            instance: String(req.id),
          }),
        );
    },
  });
  app.decorateRequest("actor", null);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Keyroll",
        version: deps.version ?? "0.1.0",
        description:
          "API keys with zero-downtime rotation. Admin calls take `Authorization: Bearer <admin key>`.",
      },
      components: {
        securitySchemes: {
          adminKey: { type: "http", scheme: "bearer" },
          gatewayKey: { type: "apiKey", in: "header", name: "X-Keyroll-Gateway-Key" },
        },
      },
      security: [{ adminKey: [] }],
    },
  });

  // JSON only (anything else is 415), with prototype-poisoning protection; an empty body is no
  // body, so `curl -X POST` on rollback or revoke works with or without a Content-Type
  const json = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    if (body === "") {
      done(null, undefined);
      return;
    }
    json(req, body as string, done);
  });

  const metrics = createMetrics({ verifier, clock, isLeader: deps.isLeader, limiter });
  app.setErrorHandler(errorHandler(deps.logger));
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type("application/problem+json")
      .send(
        problem("NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`, { instance: String(req.id) }),
      );
  });
  // first: every answer, a refused one included, names its request and is not cached
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("X-Request-Id", req.id);
    reply.header("Cache-Control", "no-store");
    done();
  });
  app.addHook("onRequest", adminAuth(verifier));
  // one log line per admin change, attached only to those routes: verifications and reads are
  // counted, not logged, and pay nothing for it
  const logAdminCall = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    deps.logger.info(
      {
        reqId: req.id,
        method: req.method,
        route: req.routeOptions.url,
        status: reply.statusCode,
        actor: req.actor?.keyId ?? null,
      },
      "admin call",
    );
    done();
  };
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === "/v1/verify" || methods.every((m) => m === "GET" || m === "HEAD")) return;
    const existing = route.onResponse;
    route.onResponse = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      logAdminCall,
    ] as never;
  });

  const lastUsed = (digest: string) => verifier.lastUsedAt(digest);
  const kv = (k: Parameters<typeof keyView>[0]) => keyView(k, clock.now(), lastUsed);

  // ---- consumers -------------------------------------------------------------------------------
  const ConsumerParams = IdParam("con");
  app.post<{ Body: { name: string; externalId?: string | null; metadata?: Record<string, unknown> } }>(
    "/v1/consumers",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["consumers"],
        summary: "Create a consumer",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            externalId: Type.Optional(
              Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
            ),
            metadata: Type.Optional(Metadata),
          },
          { additionalProperties: false },
        ),
        response: { 201: Consumer, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const c = await consumers.create(req.body, req.actor!);
      return reply.code(201).send(consumerView(c));
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    "/v1/consumers",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["consumers"],
        summary: "List consumers, oldest first",
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(Consumer), ...errorResponses() },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, req.query.cursor, "con");
      const rows = await consumers.list(p.limit + 1, p.after);
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(consumerView), nextCursor: more ? data[data.length - 1]!.id : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/consumers/:id",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["consumers"],
        summary: "Read a consumer",
        params: ConsumerParams,
        response: { 200: Consumer, ...errorResponses(404) },
      },
    },
    async (req) => consumerView(await consumers.get(req.params.id)),
  );

  app.patch<{
    Params: { id: string };
    Body: { name?: string; externalId?: string | null; metadata?: Record<string, unknown> };
  }>(
    "/v1/consumers/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["consumers"],
        summary: "Update a consumer",
        params: ConsumerParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            externalId: Type.Optional(
              Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]),
            ),
            metadata: Type.Optional(Metadata),
          },
          { additionalProperties: false },
        ),
        response: { 200: Consumer, ...errorResponses(404, 409) },
      },
    },
    async (req) => consumerView(await consumers.update(req.params.id, req.body, req.actor!)),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/consumers/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["consumers"],
        summary: "Delete a consumer and revoke all its keys",
        params: ConsumerParams,
        response: {
          200: Type.Object({ id: Type.String(), deleted: Type.Boolean(), revokedKeys: Type.Integer() }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (req) => consumers.remove(req.params.id, req.actor!),
  );

  // ---- keys ------------------------------------------------------------------------------------
  const KeyParams = IdParam("key");
  app.post<{
    Body: {
      consumerId: string;
      name?: string | null;
      scopes?: string[];
      prefix?: string;
      expiresAt?: string | null;
      metadata?: Record<string, unknown>;
      secret?: string;
      rateLimit?: RateLimitBody | null;
    };
  }>(
    "/v1/keys",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["keys"],
        summary: "Create a key (version 1), or import an existing secret",
        body: Type.Object(
          {
            consumerId: Type.String({ minLength: 1, maxLength: 64 }),
            name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
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
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ key: Key, secret: Type.String(), version: Type.Integer() }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const out = await keys.create(
        {
          ...b,
          expiresAt: futureTime(b.expiresAt, "expiresAt") ?? null,
          rateLimit: rateLimitOf(b.rateLimit),
        },
        req.actor!,
      );
      return reply.code(201).send({ key: kv(out.key), secret: out.secret, version: out.version });
    },
  );

  app.get<{
    Querystring: { consumerId?: string; state?: "active" | "revoked"; limit?: string; cursor?: string };
  }>(
    "/v1/keys",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["keys"],
        summary: "List keys with their versions, oldest first",
        querystring: Type.Object(
          {
            consumerId: Type.Optional(Type.String({ maxLength: 64 })),
            state: Type.Optional(Type.Union([Type.Literal("active"), Type.Literal("revoked")])),
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
        tags: ["keys"],
        summary: "Read a key with its versions",
        params: KeyParams,
        response: { 200: Key, ...errorResponses(404) },
      },
    },
    async (req) => kv(await keys.get(req.params.id)),
  );

  app.patch<{
    Params: { id: string };
    Body: {
      name?: string | null;
      scopes?: string[];
      metadata?: Record<string, unknown>;
      rateLimit?: RateLimitBody | null;
    };
  }>(
    "/v1/keys/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["keys"],
        summary: "Update a key's name, scopes, metadata or rate limit",
        params: KeyParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()])),
            scopes: Type.Optional(Scopes),
            metadata: Type.Optional(Metadata),
            rateLimit: Type.Optional(RateLimitInput),
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
        tags: ["rotation"],
        summary: "Rotate: add a new version; the previous one keeps working for the grace period",
        params: KeyParams,
        headers: Type.Object({
          "idempotency-key": Type.Optional(
            Type.String({
              description: "8-255 printable chars; a retry with the same value returns the same successor",
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
          201: Type.Object({
            key: Key,
            secret: Type.String(),
            version: Type.Integer(),
            previous: Type.Union([
              Type.Object({ version: Type.Integer(), expiresAt: Type.String({ format: "date-time" }) }),
              Type.Null(),
            ]),
          }),
          ...errorResponses(404, 409, 422),
        },
      },
    },
    async (req, reply) => {
      const idem = req.headers["idempotency-key"];
      if (idem !== undefined && !IDEMPOTENCY_KEY_RE.test(idem)) {
        throw new KeyrollError(
          "INVALID_IDEMPOTENCY_KEY",
          "Idempotency-Key must be 8-255 printable characters",
        );
      }
      const out = await keys.rotate(
        req.params.id,
        {
          graceMs: duration(req.body.gracePeriod, "gracePeriod"),
          activateAt: futureTime(req.body.activateAt, "activateAt"),
          reason: req.body.reason,
          retireWhenUnusedMs:
            req.body.retireWhenUnusedFor === undefined
              ? undefined
              : duration(req.body.retireWhenUnusedFor, "retireWhenUnusedFor"),
          extendWhileInUse:
            req.body.extendWhileInUse === undefined
              ? undefined
              : {
                  maxMs: duration(req.body.extendWhileInUse.max, "extendWhileInUse.max"),
                  stepMs:
                    req.body.extendWhileInUse.step === undefined
                      ? 3_600_000
                      : duration(req.body.extendWhileInUse.step, "extendWhileInUse.step"),
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

  const KeyOnly = Type.Object({ key: Key });
  const ReasonBody = Type.Union([
    Type.Object({ reason: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false }),
    Type.Null(),
  ]);

  app.post<{ Params: { id: string } }>(
    "/v1/keys/:id/rollback",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["rotation"],
        summary: "Make the previous version (still in grace) active again and revoke the newer one",
        params: KeyParams,
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
        tags: ["rotation"],
        summary: "Revoke one version",
        params: Type.Object(
          {
            id: Type.String({ pattern: "^key_[0-9a-z]{26}$" }),
            version: Type.String({ pattern: "^[1-9][0-9]{0,8}$" }),
          },
          { additionalProperties: false },
        ),
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

  app.post<{ Params: { id: string }; Body: { reason?: string } | null }>(
    "/v1/keys/:id/revoke",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["keys"],
        summary: "Revoke a key: every version is rejected from now on",
        params: KeyParams,
        body: ReasonBody,
        response: { 200: KeyOnly, ...errorResponses(404, 409) },
      },
    },
    async (req) => ({ key: kv(await keys.revoke(req.params.id, req.body?.reason, req.actor!)) }),
  );

  // ---- verify (the hot path) -------------------------------------------------------------------
  app.post<{ Body: { key: string; scopes?: string[]; clientIp?: string } }>(
    "/v1/verify",
    {
      config: { scope: "verify" },
      schema: {
        tags: ["verify"],
        summary: "Verify a secret: is it valid now, for these scopes?",
        body: Type.Object(
          {
            // no length cap: any string is answered (too long is MALFORMED); the body limit bounds it
            key: Type.String(),
            scopes: Type.Optional(Type.Array(Scope, { maxItems: 100 })),
            clientIp: Type.Optional(
              Type.Union([Type.String({ format: "ipv4" }), Type.String({ format: "ipv6" })], {
                description:
                  "The address of the client that sent the key: counted per version (who still uses the old one)",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: VerifyResponse, ...errorResponses(503) },
      },
    },
    (req, reply) => {
      if (deps.strict && !verifier.isFresh(deps.maxStalenessMs ?? 5000)) {
        throw new KeyrollError(
          "STALE_CACHE",
          "this node cannot confirm it is current; retry on another node",
        );
      }
      const t0 = performance.now();
      const checked = verifier.verify(req.body.key, req.body.scopes, req.body.clientIp);
      const r = checked instanceof Promise ? checked.then(limitVerify) : limitVerify(checked);
      const send = (v: Exclude<typeof checked, Promise<unknown>>) => {
        metrics.observeVerify((performance.now() - t0) / 1000, v.code);
        if (v.deprecated && v.expiresAt !== null) reply.header("Sunset", sunset(v.expiresAt));
        return reply.send(verifyView(v));
      };
      return r instanceof Promise ? r.then(send) : send(r);
    },
  );

  // ---- operations ------------------------------------------------------------------------------
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["operations"],
        summary: "Liveness; `leader` tells whether this node runs the background work",
        security: [],
        response: { 200: Type.Object({ status: Type.String(), leader: Type.Boolean() }) },
      },
    },
    async () => ({ status: "ok", leader: deps.isLeader?.() ?? false }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["operations"],
        summary: "Readiness: 503 while this node's view of the keys is stale",
        security: [],
        response: {
          200: Type.Object({ status: Type.String(), feedLagMs: Type.Integer(), rateLimit: RateLimitStatus }),
          503: Type.Object({
            status: Type.String(),
            feedLagMs: Type.Union([Type.Integer(), Type.Null()]),
            rateLimit: RateLimitStatus,
          }),
        },
      },
    },
    async (_req, reply) => {
      const s = verifier.status();
      const lag = s.started ? Math.max(0, clock.now() - s.lastSyncAt) : null;
      const fresh = verifier.isFresh(deps.maxStalenessMs ?? 5000);
      const rl = limiter.status();
      // a Redis that is down while failing closed refuses limited keys: drain this node
      const ready = fresh && (rl.up || rl.failOpen);
      const status = !fresh ? "stale" : ready ? "ready" : "rate-limit-unavailable";
      return reply.code(ready ? 200 : 503).send({
        status,
        feedLagMs: lag,
        rateLimit: { mode: rl.mode, up: rl.up, failure: rl.failOpen ? "open" : "closed" },
      });
    },
  );

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  fastVerify = createFastVerify({
    app: app as unknown as FastifyInstance,
    verifier,
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    nextRequestId: () => `req_${(++reqSeq).toString(36)}`,
    observe: (s, code) => metrics.observeVerify(s, code),
    limit: limitVerify,
    mayAnswer: () => !deps.strict || verifier.isFresh(deps.maxStalenessMs ?? 5000),
  });
  registerMetricsRoute(app as unknown as FastifyInstance, metrics);
  if (deps.usage) registerUsageRoutes(app as unknown as FastifyInstance, deps.usage);
  registerAuthorizeRoutes(app as unknown as FastifyInstance, {
    verifier,
    limiter,
    policy: deps.accessPolicy ?? OPEN_POLICY,
    open: deps.authorizeOpen ?? false,
  });

  return app as unknown as FastifyInstance;
}

export { Problem };
