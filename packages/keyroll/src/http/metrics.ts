import type { FastifyInstance } from "fastify";
import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from "prom-client";
import type { Clock } from "../core/clock.js";
import { VERIFY_CODES } from "../core/verify.js";
import type { RateLimiter } from "../services/rate-limit.js";
import type { Verifier } from "../verifier/index.js";

/** Verify latency buckets, in seconds: the hot path lives in microseconds. */
const LATENCY_BUCKETS = [
  0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.01, 0.05,
];

/**
 * A histogram for the hot path: an observation is a bucket search and three additions, with no
 * label hashing and no allocation (prom-client's `Histogram.observe` cost ≈ 1 µs per call here).
 * It is registered in the same registry and rendered in the same exposition format.
 */
function hotHistogram(registry: Registry, name: string, help: string, buckets: readonly number[]) {
  const counts = new Float64Array(buckets.length + 1); // the last slot is above every bound (+Inf)
  let sum = 0;
  const metric = {
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: async () => {
      let acc = 0;
      const values = buckets.map((le, i) => {
        acc += counts[i]!;
        return { labels: { le }, value: acc, metricName: `${name}_bucket` };
      });
      acc += counts[buckets.length]!;
      values.push({ labels: { le: "+Inf" } as never, value: acc, metricName: `${name}_bucket` });
      return {
        name,
        help,
        type: "histogram",
        aggregator: "sum",
        values: [
          ...values,
          { labels: {}, value: sum, metricName: `${name}_sum` },
          { labels: {}, value: acc, metricName: `${name}_count` },
        ],
      };
    },
    reset: () => {
      counts.fill(0);
      sum = 0;
    },
  };
  registry.registerMetric(metric as unknown as Metric);
  return {
    observe(value: number): void {
      let i = 0;
      while (i < buckets.length && value > buckets[i]!) i++;
      counts[i]!++;
      sum += value;
    },
  };
}

/** The store's counters as the store reports them (see store/gate.ts), read at scrape time. */
export type StoreStatsSource = () => {
  readonly waiting: number;
  readonly inUse: number;
  readonly size: number;
  readonly busy: number;
  readonly wait: { readonly count: number; readonly sum: number; readonly buckets: readonly number[] };
};

/** Upper bounds (s) of keyroll_store_wait_seconds; the store counts one more slot for +Inf. */
const STORE_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** keyroll_store_* : the store's wait time, queue length and pool use. */
function storeMetrics(registry: Registry, stats: StoreStatsSource): void {
  const name = "keyroll_store_wait_seconds";
  const help =
    "Time write transactions waited for a turn at the store (a pooled connection on PostgreSQL, the commit queue on SQLite)";
  registry.registerMetric({
    name,
    help,
    type: "histogram",
    aggregator: "sum",
    get: async () => {
      const s = stats();
      let acc = 0;
      const values = STORE_WAIT_BUCKETS.map((le, i) => {
        acc += s.wait.buckets[i] ?? 0;
        return { labels: { le }, value: acc, metricName: `${name}_bucket` };
      });
      values.push({ labels: { le: "+Inf" } as never, value: s.wait.count, metricName: `${name}_bucket` });
      return {
        name,
        help,
        type: "histogram",
        aggregator: "sum",
        values: [
          ...values,
          { labels: {}, value: s.wait.sum, metricName: `${name}_sum` },
          { labels: {}, value: s.wait.count, metricName: `${name}_count` },
        ],
      };
    },
    reset: () => undefined,
  } as unknown as Metric);
  new Gauge({
    name: "keyroll_store_queue_length",
    help: "Write transactions waiting for a turn at the store now",
    registers: [registry],
    collect() {
      this.set(stats().waiting);
    },
  });
  new Gauge({
    name: "keyroll_store_pool_in_use",
    help: "Write slots in use now (pooled connections in a transaction; on SQLite 1 while committing)",
    registers: [registry],
    collect() {
      this.set(stats().inUse);
    },
  });
  new Gauge({
    name: "keyroll_store_pool_size",
    help: "Write slots there are",
    registers: [registry],
    collect() {
      this.set(stats().size);
    },
  });
  new Counter({
    name: "keyroll_store_busy_total",
    help: "Requests answered 503 STORE_BUSY because their wait for the store ran out",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(stats().busy);
    },
  });
}

/**
 * Prometheus metrics of one node (prom-client, one registry per app). Counters the hot path keeps
 * as plain numbers are read at scrape time, so verification pays nothing for them.
 */
export function createMetrics(deps: {
  verifier: Verifier;
  clock: Clock;
  isLeader?: (() => boolean) | undefined;
  limiter?: RateLimiter | undefined;
  storeStats?: StoreStatsSource | undefined;
  /** Webhook deliveries pending and failed (read from the store at scrape time). */
  deliveryCounts?: (() => Promise<{ pending: number; failed: number }>) | undefined;
}) {
  const registry = new Registry();
  const { verifier, clock } = deps;
  collectDefaultMetrics({ register: registry, prefix: "keyroll_" });
  // prom-client also exposes these sums as gauges named `_total`, which Prometheus reserves for
  // counters (`promtool check metrics` flags them); `sum(keyroll_nodejs_active_handles)` etc. over
  // the per-type gauges that stay gives the same numbers.
  for (const what of ["handles", "requests", "resources"]) {
    registry.removeSingleMetric(`keyroll_nodejs_active_${what}_total`);
  }

  // answers of POST /v1/verify only (admin-key checks on other calls are not verifications)
  // by index in VERIFY_CODES: an array slot, not a keyed property, on the hot path
  const outcomes = VERIFY_CODES.map(() => 0);
  const outcomeIndex = new Map<string, number>(VERIFY_CODES.map((o, i) => [o, i]));
  new Counter({
    name: "keyroll_verifications_total",
    help: "Answers of POST /v1/verify by this node, by outcome",
    labelNames: ["outcome"] as const,
    registers: [registry],
    collect() {
      this.reset();
      VERIFY_CODES.forEach((outcome, i) => {
        this.inc({ outcome }, outcomes[i]!);
      });
    },
  });
  const verifyDuration = hotHistogram(
    registry,
    "keyroll_verify_duration_seconds",
    "Time to decide a verification (from secret to answer, without HTTP)",
    LATENCY_BUCKETS,
  );
  new Gauge({
    name: "keyroll_cache_versions",
    help: "Key versions in this node's in-memory index",
    registers: [registry],
    collect() {
      this.set(verifier.status().size);
    },
  });
  new Counter({
    name: "keyroll_index_evictions_total",
    help: "Versions evicted from this node's index to keep it within --index-max-entries (bounded mode)",
    registers: [registry],
    collect() {
      this.reset();
      this.inc(verifier.status().evictions);
    },
  });
  new Gauge({
    name: "keyroll_feed_lag_seconds",
    help: "Time since this node last caught up with the change feed",
    registers: [registry],
    collect() {
      const s = verifier.status();
      this.set(s.started ? Math.max(0, clock.now() - s.lastSyncAt) / 1000 : 0);
    },
  });
  new Gauge({
    name: "keyroll_feed_seq",
    help: "Last change-feed position this node applied",
    registers: [registry],
    collect() {
      this.set(verifier.status().lastSeq);
    },
  });
  new Gauge({
    name: "keyroll_usage_flush_lag_seconds",
    help: "Time since usage counts were last written to the store",
    registers: [registry],
    collect() {
      this.set(Math.max(0, clock.now() - verifier.usage().lastFlushAt) / 1000);
    },
  });
  new Gauge({
    name: "keyroll_usage_pending_versions",
    help: "Versions with usage counted but not yet written",
    registers: [registry],
    collect() {
      this.set(verifier.usage().pendingVersions);
    },
  });
  new Gauge({
    name: "keyroll_leader",
    help: "1 while this node runs the background work",
    registers: [registry],
    collect() {
      this.set(deps.isLeader?.() ? 1 : 0);
    },
  });

  const limiter = deps.limiter;
  if (limiter !== undefined) {
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
  if (deps.storeStats) storeMetrics(registry, deps.storeStats);
  if (deps.deliveryCounts) {
    const counts = deps.deliveryCounts;
    // a scrape must not wait on the store (a long write holds SQLite's one connection, a busy
    // PostgreSQL pool queues): past a short bound it shows the last counts it read
    const SCRAPE_BOUND_MS = 250;
    let last: { pending: number; failed: number } | undefined;
    const bounded = () =>
      new Promise<{ pending: number; failed: number } | undefined>((resolve) => {
        const timer = setTimeout(() => resolve(last), SCRAPE_BOUND_MS);
        counts().then(
          (c) => {
            last = c;
            clearTimeout(timer);
            resolve(c);
          },
          () => {
            clearTimeout(timer);
            resolve(last);
          },
        );
      });
    new Gauge({
      name: "keyroll_webhook_deliveries",
      help: "Webhook deliveries in the outbox by status (pending: not yet delivered; failed: retries spent)",
      labelNames: ["status"] as const,
      registers: [registry],
      async collect() {
        const c = await bounded();
        if (!c) return;
        this.set({ status: "pending" }, c.pending);
        this.set({ status: "failed" }, c.failed);
      },
    });
  }

  return {
    registry,
    /** Records one verification's decision time, in seconds. */
    observeVerify(seconds: number, outcome: string): void {
      const i = outcomeIndex.get(outcome);
      if (i !== undefined) outcomes[i]!++;
      verifyDuration.observe(seconds);
    },
  };
}

/** `GET /metrics`: the Prometheus text exposition. */
export function registerMetricsRoute(app: FastifyInstance, metrics: ReturnType<typeof createMetrics>): void {
  app.get(
    "/metrics",
    {
      schema: {
        operationId: "getMetrics",
        tags: ["operations"],
        summary: "Prometheus metrics (text exposition format 0.0.4)",
        security: [],
        response: {
          200: {
            description: "The Prometheus text exposition",
            content: { "text/plain; version=0.0.4": { schema: { type: "string" } } },
          },
        },
      },
    },
    async (_req, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(body);
    },
  );
}
