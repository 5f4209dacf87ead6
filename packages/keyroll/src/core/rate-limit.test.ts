import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type BucketState,
  fullAt,
  rateLimitHeaders,
  rateLimitHeadersLower,
  rateLimitProblem,
  takeToken,
} from "./rate-limit.js";

const R = { limit: 3, periodMs: 3_000 };

test("a new bucket starts full and refuses once empty, with the wait for one token", () => {
  let s: BucketState | undefined;
  const allowed: boolean[] = [];
  let last: ReturnType<typeof takeToken>["decision"] | undefined;
  for (let i = 0; i < 4; i++) {
    const r = takeToken(s, R, 1_000);
    s = r.state;
    last = r.decision;
    allowed.push(r.decision.allowed);
  }
  assert.deepEqual(allowed, [true, true, true, false]);
  assert.equal(last!.remaining, 0);
  assert.equal(last!.retryAfterMs, 1_000);
  assert.equal(last!.resetMs, 3_000);
});

test("tokens refill continuously, never above the limit, and not on a clock stepped back", () => {
  let s = takeToken(undefined, R, 0).state; // 2 left
  s = takeToken(s, R, 0).state; // 1
  s = takeToken(s, R, 0).state; // 0
  const later = takeToken(s, R, 1_500); // 1.5 refilled, one taken
  assert.equal(later.decision.allowed, true);
  assert.equal(later.decision.remaining, 0);
  const back = takeToken(later.state, R, 0);
  assert.equal(back.decision.allowed, false, "going back in time refills nothing");
  const much = takeToken(s, R, 1_000_000);
  assert.equal(much.decision.remaining, 2, "a long idle bucket holds the limit, not more");
  assert.equal(fullAt({ tokens: 0, at: 0 }, R), 3_000);
});

test("headers follow the IETF ratelimit-headers draft", () => {
  const { decision } = takeToken({ tokens: 0.5, at: 0 }, { limit: 60, periodMs: 60_000 }, 0);
  assert.deepEqual(rateLimitHeaders(decision, "key"), {
    "RateLimit-Policy": '"key";q=60;w=60',
    RateLimit: '"key";r=0;t=60',
    "Retry-After": "1",
  });
  const ok = takeToken(undefined, { limit: 10, periodMs: 1_000 }, 0).decision;
  assert.equal(rateLimitHeaders(ok, "GET /a b")["RateLimit-Policy"], '"GET__a_b";q=10;w=1');
  assert.equal(rateLimitHeaders(ok, "k")["Retry-After"], undefined);
});

test("the lower-case headers are the same headers, whatever limits share a policy name", () => {
  const lower = (h: Record<string, string>) =>
    Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
  const limits = [
    { limit: 10, periodMs: 1_000 },
    { limit: 60, periodMs: 60_000 },
    { limit: 10, periodMs: 1_000 },
  ];
  for (const policy of ["key", "GET /a b", "key"])
    for (const r of limits)
      for (const state of [undefined, { tokens: 0.2, at: 0 }]) {
        const d = takeToken(state, r, 0).decision;
        assert.deepEqual(rateLimitHeadersLower(d, policy), lower(rateLimitHeaders(d, policy)));
        assert.equal(
          rateLimitHeaders(d, policy)["RateLimit-Policy"],
          `"${policy.replace(/[ /]/g, "_")}";q=${r.limit};w=${r.periodMs / 1000}`,
        );
      }
});

test("limits out of range are refused", () => {
  assert.equal(rateLimitProblem({ limit: 10, periodMs: 1_000 }), undefined);
  assert.ok(rateLimitProblem({ limit: 0, periodMs: 1_000 }));
  assert.ok(rateLimitProblem({ limit: 1.5, periodMs: 1_000 }));
  assert.ok(rateLimitProblem({ limit: 1, periodMs: 999 }));
});
