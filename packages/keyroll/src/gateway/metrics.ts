import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";
import type { Clock } from "../core/clock.js";
import type { RateLimiter } from "../services/rate-limit.js";
import { indexMetrics, rateLimitMetrics } from "../services/shared-metrics.js";
import type { Verifier } from "../verifier/index.js";

/**
 * Prometheus metrics of a gateway: answers by status and outcome, time to the upstream's
 * headers, and the same feed, cache and rate-limit gauges as a server node.
 */
export function createGatewayMetrics(deps: { verifier: Verifier; limiter: RateLimiter; clock: Clock }) {
  const { verifier, limiter, clock } = deps;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "keyroll_gateway_" });
  for (const what of ["handles", "requests", "resources"])
    registry.removeSingleMetric(`keyroll_gateway_nodejs_active_${what}_total`);
  const requests = new Counter({
    name: "keyroll_gateway_requests_total",
    help: "Requests answered by the gateway, by status and outcome (FORWARDED or an error code)",
    labelNames: ["status", "outcome"] as const,
    registers: [registry],
  });
  const upstream = new Histogram({
    name: "keyroll_gateway_upstream_seconds",
    help: "From the client's request to the upstream's response headers",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  indexMetrics(registry, verifier, clock, "gateway");
  rateLimitMetrics(registry, limiter);
  return {
    registry,
    /** Counts one answer; `seconds` to the upstream's headers for a forwarded one. */
    answered(status: number, outcome: string, seconds?: number): void {
      requests.inc({ status: String(status), outcome });
      if (seconds !== undefined) upstream.observe(seconds);
    },
  };
}

/** The gateway's metrics. */
export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
