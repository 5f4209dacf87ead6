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
        summary:
          "Readiness: 503 while this node's view of the keys is stale, or while Redis is down and rate limits fail closed",
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
      const rl = deps.limiter.status();
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
  registerMetricsRoute(app, deps.metrics);
}
