import { createRequire } from "node:module";
import type { Redis as RedisClient } from "ioredis";
import type { Clock } from "../core/clock.js";
import { KeyrollError } from "../core/errors.js";
import {
  type BucketState,
  decisionOf,
  fullAt,
  type RateDecision,
  type RateLimit,
  takeToken,
} from "../core/rate-limit.js";
import type { AccessPolicy, RouteRule } from "../core/route-rules.js";
import { rateLimited, routeNotAllowed, type VerifyResult } from "../core/verify.js";
import type { Logger } from "./deps.js";

/** Takes tokens from named buckets: per node (`local`) or shared by every node (`redis`). */
export interface RateLimiter {
  readonly mode: "local" | "redis";
  /** One token from `bucket`; a Redis outage answers by the failure mode (see `createRedisLimiter`). */
  take(bucket: string, r: RateLimit): RateDecision | Promise<RateDecision>;
  /** For /readyz and /metrics: is the backend reachable, and how often it was not. */
  status(): { mode: "local" | "redis"; up: boolean; failOpen: boolean; errors: number; limited: number };
  /** Counts one refused request (for metrics). */
  refused(): void;
  close(): Promise<void>;
}

/**
 * Buckets in this process's memory. Across N nodes behind a balancer each node keeps its own
 * bucket, so a key may make up to N × limit requests per period in total (docs/gateways.md).
 * Full buckets are forgotten: a full bucket and no bucket answer the same.
 */
export function createLocalLimiter(clock: Clock, opts: { sweepMs?: number } = {}): RateLimiter {
  const buckets = new Map<string, { s: BucketState; r: RateLimit }>();
  let limited = 0;
  const sweep = setInterval(() => {
    const now = clock.now();
    for (const [k, b] of buckets) if (fullAt(b.s, b.r) <= now) buckets.delete(k);
  }, opts.sweepMs ?? 30_000);
  sweep.unref();
  return {
    mode: "local",
    take(bucket, r) {
      const b = buckets.get(bucket);
      const same = b !== undefined && b.r.limit === r.limit && b.r.periodMs === r.periodMs;
      const { decision, state } = takeToken(same ? b.s : undefined, r, clock.now());
      // a bucket kept is updated in place: no new entry per request
      if (same) b.s = state;
      else buckets.set(bucket, { s: state, r });
      return decision;
    },
    status: () => ({ mode: "local", up: true, failOpen: true, errors: 0, limited }),
    refused: () => {
      limited++;
    },
    async close() {
      clearInterval(sweep);
    },
  };
}

// The token bucket of core/rate-limit.ts `takeToken`, atomically on the Redis server and on its
// clock (one clock for every node). Tokens are returned as a string: Redis truncates Lua numbers.
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local rate = limit / period
local s = redis.call('HMGET', KEYS[1], 'tokens', 'at', 'limit', 'period')
local tokens = limit
if s[1] and tonumber(s[3]) == limit and tonumber(s[4]) == period then
  local elapsed = now - tonumber(s[2])
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(limit, tonumber(s[1]) + elapsed * rate)
end
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', now, 'limit', limit, 'period', period)
redis.call('PEXPIRE', KEYS[1], math.ceil((limit - tokens) / rate) + 1000)
return {allowed, string.format('%.17g', tokens)}
`;

/** Settings of the Redis limiter. */
export interface RedisLimiterOptions {
  readonly url: string;
  /** On a Redis outage: let requests through (`true`) or refuse them with 503. */
  readonly failOpen: boolean;
  /** How long one take may wait for Redis before the failure mode answers. */
  readonly timeoutMs?: number;
  readonly logger: Logger;
  /** Prefix of every bucket's Redis key. */
  readonly prefix?: string;
}

/**
 * Buckets in one Redis server shared by every node: one limit across all of them (Kong's "redis"
 * policy). Each take is one atomic Lua script (EVALSHA). While Redis cannot be reached, a take
 * answers at once by the failure mode: allowed (fail open) or `RATE_LIMIT_UNAVAILABLE` (503).
 * @example const l = createRedisLimiter({ url: "redis://127.0.0.1:6379", failOpen: true, logger })
 */
export function createRedisLimiter(opts: RedisLimiterOptions): RateLimiter {
  const timeoutMs = opts.timeoutMs ?? 250;
  const prefix = opts.prefix ?? "keyroll:rl:";
  // loaded only in redis mode: a node in local mode does not pay for the client at start
  const { Redis } = createRequire(import.meta.url)("ioredis") as typeof import("ioredis");
  const redis: RedisClient = new Redis(opts.url, {
    // a request never waits in a queue for a reconnect: it answers by the failure mode instead
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: timeoutMs,
    connectTimeout: Math.max(1000, timeoutMs),
    retryStrategy: (n) => Math.min(100 * n, 2000),
    lazyConnect: false,
  });
  redis.defineCommand("keyrollTake", { numberOfKeys: 1, lua: TAKE_SCRIPT });
  let errors = 0;
  let limited = 0;
  let warned = false;
  redis.on("error", (err: Error) => {
    if (!warned) opts.logger.warn({ err: err.message }, "rate limit redis unreachable");
    warned = true;
  });
  redis.on("ready", () => {
    if (warned) opts.logger.info({}, "rate limit redis reachable again");
    warned = false;
  });
  const failed = (r: RateLimit): RateDecision => {
    errors++;
    if (!opts.failOpen) {
      throw new KeyrollError("RATE_LIMIT_UNAVAILABLE", "the rate limit store is not reachable; retry");
    }
    return decisionOf(true, r.limit - 1, r);
  };
  return {
    mode: "redis",
    take(bucket, r) {
      // a rejected promise, never a throw: every caller's async error path answers it
      if (redis.status !== "ready") return Promise.resolve(r).then(failed);
      return (redis as unknown as { keyrollTake(k: string, l: number, p: number): Promise<[number, string]> })
        .keyrollTake(prefix + bucket, r.limit, r.periodMs)
        .then(
          ([allowed, tokens]) => decisionOf(allowed === 1, Number(tokens), r),
          () => failed(r),
        );
    },
    status: () => ({ mode: "redis", up: redis.status === "ready", failOpen: opts.failOpen, errors, limited }),
    refused: () => {
      limited++;
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** What the rate limits said about one request. */
export interface LimitOutcome {
  readonly allowed: boolean;
  /** The tightest decision taken (for the RateLimit headers), or null when no limit applies. */
  readonly decision: RateDecision | null;
  /** The policy the decision belongs to: `key`, or the route rule's name. */
  readonly policy: string;
}

const NO_LIMIT: LimitOutcome = Object.freeze({ allowed: true, decision: null, policy: "" });

function tighter(a: LimitOutcome, b: LimitOutcome): LimitOutcome {
  if (a.decision === null) return b;
  if (b.decision === null) return a;
  return b.decision.remaining < a.decision.remaining ? b : a;
}

/**
 * Applies the key's own limit and the matched rule's limit (per key) to a valid answer, the
 * key's first. Sync when the limiter is (local), a promise otherwise.
 */
export function enforceLimits(
  limiter: RateLimiter,
  v: VerifyResult,
  rule: RouteRule | undefined,
): LimitOutcome | Promise<LimitOutcome> {
  if (!v.valid) return NO_LIMIT;
  const ruleStep = (prev: LimitOutcome): LimitOutcome | Promise<LimitOutcome> => {
    if (!prev.allowed || !rule?.rateLimit) return prev;
    const d = limiter.take(`r:${rule.name}:${v.keyId}`, rule.rateLimit);
    const out = (d: RateDecision) => {
      if (!d.allowed) limiter.refused();
      return tighter(prev, { allowed: d.allowed, decision: d, policy: rule.name });
    };
    return d instanceof Promise ? d.then(out) : out(d);
  };
  if (v.rateLimit === null) return ruleStep(NO_LIMIT);
  const d = limiter.take(`k:${v.keyId}`, v.rateLimit);
  const first = (d: RateDecision) => {
    if (!d.allowed) limiter.refused();
    return ruleStep({ allowed: d.allowed, decision: d, policy: "key" });
  };
  return d instanceof Promise ? d.then(first) : first(d);
}

/**
 * `enforceLimits` as the verifier's step after a valid answer (`verify(…, step.after)`): the
 * verifier then counts the request by the limits' answer, `RATE_LIMITED` when one refuses it, not
 * `VALID`. `outcome` keeps what the limits said, for the RateLimit headers.
 */
export interface LimitStep {
  outcome: LimitOutcome;
  readonly after: (v: VerifyResult) => VerifyResult | Promise<VerifyResult>;
}

/** A `LimitStep` for one request (route rule `rule`, or none). */
export function limitStep(limiter: RateLimiter, rule: RouteRule | undefined): LimitStep {
  const step: LimitStep = {
    outcome: NO_LIMIT,
    after: (v) => {
      const l = enforceLimits(limiter, v, rule);
      const out = (o: LimitOutcome) => {
        step.outcome = o;
        return o.allowed ? v : rateLimited(v);
      };
      return l instanceof Promise ? l.then(out) : out(l);
    },
  };
  return step;
}

/**
 * The step for a request that no route rule allows (`unmatched: deny`): a valid key is refused,
 * and counted, as `ROUTE_NOT_ALLOWED`; no limit is taken.
 */
export const DENIED_ROUTE: LimitStep = Object.freeze({ outcome: NO_LIMIT, after: routeNotAllowed });

/** The step for a request: the limits of its rule, or `DENIED_ROUTE` when no rule allows it. */
export function routeStep(
  limiter: RateLimiter,
  policy: AccessPolicy,
  rule: RouteRule | undefined,
): LimitStep {
  return rule === undefined && policy.routes.length > 0 && policy.unmatched === "deny"
    ? DENIED_ROUTE
    : limitStep(limiter, rule);
}

/**
 * `POST /v1/verify`'s rate limit: a valid answer for a key with a limit becomes `RATE_LIMITED`
 * once its bucket is empty. The same object for the same decision (the fast path serializes an
 * answer once per object), so the route and the fast path answer alike.
 */
export function createVerifyLimiter(limiter: RateLimiter) {
  const limitedOf = new WeakMap<VerifyResult, VerifyResult>();
  const refuse = (v: VerifyResult): VerifyResult => {
    let r = limitedOf.get(v);
    if (r === undefined) {
      r = rateLimited(v);
      limitedOf.set(v, r);
    }
    return r;
  };
  return (v: VerifyResult): VerifyResult | Promise<VerifyResult> => {
    if (!v.valid || v.rateLimit === null) return v;
    const d = limiter.take(`k:${v.keyId}`, v.rateLimit);
    const out = (d: RateDecision) => {
      if (d.allowed) return v;
      limiter.refused();
      return refuse(v);
    };
    return d instanceof Promise ? d.then(out) : out(d);
  };
}
