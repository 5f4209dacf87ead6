import type { Millis } from "./model.js";

/** A rate limit: at most `limit` requests per `periodMs`, refilled continuously (a token bucket). */
export interface RateLimit {
  readonly limit: number;
  readonly periodMs: Millis;
}

/** Largest `limit` and `periodMs` accepted: a limit of a billion per year is as good as none. */
export const MAX_RATE_LIMIT = 1_000_000_000;
export const MIN_RATE_PERIOD_MS = 1_000;
export const MAX_RATE_PERIOD_MS = 366 * 86_400_000;

/** A problem with a rate limit's values, or undefined when it is acceptable. */
export function rateLimitProblem(r: RateLimit): string | undefined {
  if (!Number.isInteger(r.limit) || r.limit < 1 || r.limit > MAX_RATE_LIMIT)
    return `limit must be an integer from 1 to ${MAX_RATE_LIMIT}`;
  if (!Number.isInteger(r.periodMs) || r.periodMs < MIN_RATE_PERIOD_MS || r.periodMs > MAX_RATE_PERIOD_MS)
    return "period must be from 1s to 366d";
  return undefined;
}

/** A bucket's state: tokens left (fractional) at time `at`. */
export interface BucketState {
  readonly tokens: number;
  readonly at: Millis;
}

/** The outcome of taking one token. */
export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly periodMs: Millis;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Until the bucket is full again. */
  readonly resetMs: Millis;
  /** Until one token is available (0 when allowed). */
  readonly retryAfterMs: Millis;
}

/**
 * Takes one token from a bucket of `r.limit` tokens that refills at `limit / periodMs` per ms.
 * Pure: the caller stores the returned state. A new bucket starts full; a clock stepped backwards
 * refills nothing. The same arithmetic runs in the Redis script (services/rate-limit-redis.ts).
 * @example const { decision, state } = takeToken(undefined, { limit: 10, periodMs: 1000 }, now)
 */
export function takeToken(
  prev: BucketState | undefined,
  r: RateLimit,
  now: Millis,
): { decision: RateDecision; state: BucketState } {
  const rate = r.limit / r.periodMs;
  let tokens = r.limit;
  if (prev !== undefined) tokens = Math.min(r.limit, prev.tokens + Math.max(0, now - prev.at) * rate);
  const allowed = tokens >= 1;
  if (allowed) tokens -= 1;
  return { state: { tokens, at: now }, decision: decisionOf(allowed, tokens, r) };
}

/** The decision for `tokens` left after a request was `allowed` or not (also for the Redis script's answer). */
export function decisionOf(allowed: boolean, tokens: number, r: RateLimit): RateDecision {
  const rate = r.limit / r.periodMs;
  return {
    allowed,
    limit: r.limit,
    periodMs: r.periodMs,
    remaining: Math.floor(tokens),
    resetMs: Math.ceil((r.limit - tokens) / rate),
    retryAfterMs: allowed ? 0 : Math.ceil((1 - tokens) / rate),
  };
}

/** When a bucket last touched at `s` is full again (and can be forgotten). */
export function fullAt(s: BucketState, r: RateLimit): Millis {
  return s.at + Math.ceil(((r.limit - s.tokens) * r.periodMs) / r.limit);
}

// per policy: its name as the headers write it, and its last `RateLimit-Policy` value: the
// gateway sends both on every response for a limited key, so neither is rebuilt per answer
interface PolicyText {
  readonly name: string;
  limit: number;
  periodMs: number;
  value: string;
}
const policyTexts = new Map<string, PolicyText>();
const MAX_POLICY_TEXTS = 1_000;

function policyText(d: RateDecision, policy: string): PolicyText {
  let p = policyTexts.get(policy);
  if (p === undefined) {
    const name = policy.replace(/[^A-Za-z0-9_.:-]/g, "_");
    p = { name, limit: -1, periodMs: -1, value: "" };
    if (policyTexts.size >= MAX_POLICY_TEXTS) policyTexts.clear();
    policyTexts.set(policy, p);
  }
  if (p.limit !== d.limit || p.periodMs !== d.periodMs) {
    p.limit = d.limit;
    p.periodMs = d.periodMs;
    p.value = `"${p.name}";q=${d.limit};w=${Math.ceil(d.periodMs / 1000)}`;
  }
  return p;
}

/**
 * The response headers of a decision: `RateLimit-Policy` and `RateLimit` as the IETF httpapi
 * draft (draft-ietf-httpapi-ratelimit-headers) writes them, and `Retry-After` (seconds) when refused.
 * @example rateLimitHeaders(d, "key") // { "RateLimit-Policy": '"key";q=10;w=1', RateLimit: '"key";r=9;t=1' }
 */
export function rateLimitHeaders(d: RateDecision, policy: string): Record<string, string> {
  const p = policyText(d, policy);
  const h: Record<string, string> = {
    "RateLimit-Policy": p.value,
    RateLimit: `"${p.name}";r=${d.remaining};t=${Math.ceil(d.resetMs / 1000)}`,
  };
  if (!d.allowed) h["Retry-After"] = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
  return h;
}

/** `rateLimitHeaders` with lower-case names, as node:http and undici hold headers (the gateway's hot path). */
export function rateLimitHeadersLower(d: RateDecision, policy: string): Record<string, string> {
  const p = policyText(d, policy);
  const h: Record<string, string> = {
    "ratelimit-policy": p.value,
    ratelimit: `"${p.name}";r=${d.remaining};t=${Math.ceil(d.resetMs / 1000)}`,
  };
  if (!d.allowed) h["retry-after"] = String(Math.max(1, Math.ceil(d.retryAfterMs / 1000)));
  return h;
}
