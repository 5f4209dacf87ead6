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
        summary: "Readiness: 503 while this node's view of the keys is stale, or while it drains to stop",
        security: [],
        response: {
          200: Type.Object({ status: Type.String(), feedLagMs: Type.Integer() }),
          503: Type.Object(
            { status: Type.String(), feedLagMs: Type.Union([Type.Integer(), Type.Null()]) },
            { description: "Not ready: this node's view of the keys is stale" },
          ),
        },
      },
    },
    async (_req, reply) => {
      const s = verifier.status();
      const lag = s.started ? Math.max(0, clock.now() - s.lastSyncAt) : null;
      if (deps.draining?.()) return reply.code(503).send({ status: "draining", feedLagMs: lag });
      const ready = verifier.isFresh(deps.maxStalenessMs ?? 5000);
      return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "stale", feedLagMs: lag });
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
