// Prometheus metrics that a server node (http/metrics.ts) and a gateway (gateway/metrics.ts) both
// expose, defined once: here, where both may import (gateway may not import http).
import { Counter, Gauge, type Registry } from "prom-client";
import type { Clock } from "../core/clock.js";
import type { RateLimiter } from "./rate-limit.js";

/** What these metrics read of a verifier: its `status()` (verifier/index.ts). */
export interface IndexStatusSource {
  status(): {
    readonly size: number;
    readonly started: boolean;
    readonly lastSyncAt: number;
    readonly evictions: number;
  };
}

/**
 * `keyroll_cache_versions`, `keyroll_index_evictions_total` and `keyroll_feed_lag_seconds` of a
 * process's verifier, read at scrape
 * time; `of` names the process in their help text ("node" or "gateway").
 * @example indexMetrics(registry, verifier, clock, "node")
 */
export function indexMetrics(
  registry: Registry,
  verifier: IndexStatusSource,
  clock: Clock,
  of: "node" | "gateway",
): void {
  new Gauge({
    name: "keyroll_cache_versions",
    help: `Key versions in this ${of}'s in-memory index`,
    registers: [registry],
    collect() {
      this.set(verifier.status().size);
    },
  });
  new Counter({
    name: "keyroll_index_evictions_total",
    help: `Versions evicted from this ${of}'s index to keep it within --index-max-entries (bounded mode)`,
    registers: [registry],
    collect() {
      this.reset();
      this.inc(verifier.status().evictions);
    },
  });
  new Gauge({
    name: "keyroll_feed_lag_seconds",
    help: `Time since this ${of} last caught up with the change feed`,
    registers: [registry],
    collect() {
      const s = verifier.status();
      this.set(s.started ? Math.max(0, clock.now() - s.lastSyncAt) / 1000 : 0);
    },
  });
}

/**
 * The rate limiter's metrics, read from `limiter.status()` at scrape time: whether its backend is
 * up (`keyroll_rate_limit_backend_up{mode}`), the checks it could not answer, the requests refused.
 * @example rateLimitMetrics(registry, limiter)
 */
export function rateLimitMetrics(registry: Registry, limiter: RateLimiter): void {
  new Gauge({
    name: "keyroll_rate_limit_backend_up",
    help: "1 while the rate limit store is reachable (always 1 in local mode)",
    labelNames: ["mode"] as const,
    registers: [registry],
    collect() {
      const s = limiter.status();
      this.set({ mode: s.mode }, s.up ? 1 : 0);
    },
  });
  new Counter({
    name: "keyroll_rate_limit_backend_errors_total",
    help: "Rate limit checks the store (Redis) could not answer; answered by the failure mode",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(limiter.status().errors);
    },
  });
  new Counter({
    name: "keyroll_rate_limited_total",
    help: "Requests refused by a rate limit (verify, authorize, gateway)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(limiter.status().limited);
    },
  });
}
