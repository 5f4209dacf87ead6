import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.js";
import { registerMetricsRoute } from "../metrics.js";

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

/** Liveness, readiness, metrics and the OpenAPI document: what operators and tools read. */
export function registerOperationsRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { verifier, clock } = deps;
  app.get(
    "/healthz",
    {
      schema: {
        operationId: "getHealth",
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
        operationId: "getReadiness",
        tags: ["operations"],
        summary:
          "Readiness: 503 while this node loads its index of keys (`loading`), while its view of the keys is stale, while it drains to stop, or while Redis is down and rate limits fail closed",
        security: [],
        response: {
          200: Type.Object({ status: Type.String(), feedLagMs: Type.Integer(), rateLimit: RateLimitStatus }),
          503: Type.Object(
            {
              status: Type.String(),
              feedLagMs: Type.Union([Type.Integer(), Type.Null()]),
              rateLimit: RateLimitStatus,
            },
            { description: "Not ready: stale, draining, or rate limits unavailable while failing closed" },
          ),
        },
      },
    },
    async (_req, reply) => {
      const s = verifier.status();
      const lag = s.started ? Math.max(0, clock.now() - s.lastSyncAt) : null;
      const rl = deps.limiter.status();
      const rateLimit = { mode: rl.mode, up: rl.up, failure: rl.failOpen ? "open" : "closed" };
      if (deps.draining?.()) return reply.code(503).send({ status: "draining", feedLagMs: lag, rateLimit });
      const fresh = verifier.isFresh(deps.maxStalenessMs ?? 5000);
      // a Redis that is down while failing closed refuses limited keys: drain this node
      const ready = fresh && (rl.up || rl.failOpen);
      const status = !s.started ? "loading" : !fresh ? "stale" : ready ? "ready" : "rate-limit-unavailable";
      return reply.code(ready ? 200 : 503).send({ status, feedLagMs: lag, rateLimit });
    },
  );

  app.get(
    "/openapi.json",
    {
      schema: {
        operationId: "getOpenApi",
        tags: ["operations"],
        summary: "This OpenAPI 3.1 document, generated from the route schemas",
        security: [],
        response: {
          200: Type.Object(
            { openapi: Type.String(), info: Type.Object({}), paths: Type.Object({}) },
            { additionalProperties: true, description: "An OpenAPI 3.1 document" },
          ),
        },
      },
    },
    // sent as a string: the document is not passed through the response serializer
    async (_req, reply) => reply.type("application/json").send(JSON.stringify(app.swagger())),
  );
  registerMetricsRoute(app, deps.metrics);
}
