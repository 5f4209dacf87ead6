import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.js";
import { registerMetricsRoute } from "../metrics.js";

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
        summary: "Readiness: 503 while this node's view of the keys is stale",
        security: [],
        response: {
          200: Type.Object({ status: Type.String(), feedLagMs: Type.Integer() }),
          503: Type.Object({ status: Type.String(), feedLagMs: Type.Union([Type.Integer(), Type.Null()]) }),
        },
      },
    },
    async (_req, reply) => {
      const s = verifier.status();
      const lag = s.started ? Math.max(0, clock.now() - s.lastSyncAt) : null;
      const ready = verifier.isFresh(deps.maxStalenessMs ?? 5000);
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "stale", feedLagMs: lag });
    },
  );

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  registerMetricsRoute(app, deps.metrics);
}
