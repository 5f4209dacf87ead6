// Shared steps for the usage, rotation-policy and alert tests (issue 4), on top of helpers.ts and
// contract-fixtures.ts: a node on a manual clock whose background work only runs when the test says
// so, verifications in bulk over HTTP, and the usage API read back.
import assert from "node:assert/strict";
import { manualClock } from "../src/core/clock.js";
import { T0 } from "./contract-fixtures.js";
import { startTestNode, type TestNode } from "./helpers.js";

export type ManualClock = ReturnType<typeof manualClock>;

/**
 * A node on a manual clock starting at `T0`. The background flush runs only every 5 minutes of
 * real time and the background scheduler loop is stopped, so the test drives both with
 * `node.kr.verifier.flush()` and `node.kr.scheduler.runOnce()` and every count is deterministic.
 */
export async function quietNode(
  env: Record<string, string> = {},
  start = T0,
): Promise<{ node: TestNode; clock: ManualClock }> {
  const clock = manualClock(start);
  const node = await startTestNode({ clock, env: { KEYROLL_USAGE_FLUSH_INTERVAL: "5m", ...env } });
  // runOnce() still works after stop(): the SQLite leader lock is always granted
  await node.kr.scheduler.stop();
  return { node, clock };
}

/** Creates a consumer (named `name`) and a key; returns the key id, its first secret and the consumer. */
export async function newKey(
  node: TestNode,
  body: Record<string, unknown> = {},
  name = "acme",
): Promise<{ keyId: string; secret: string; consumerId: string }> {
  const c = await node.call("POST", "/v1/consumers", { name });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, ...body });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { keyId: k.body.key.id, secret: k.body.secret, consumerId: c.body.id };
}

/**
 * Sends `n` POST /v1/verify for `key` (in concurrent batches of at most 200) and asserts every
 * answer has `code`. Returns the last answer's body.
 */
export async function verifyN(
  node: TestNode,
  key: string,
  n: number,
  code: string,
  opts: { scopes?: string[]; clientIp?: string; deprecated?: boolean } = {},
  // biome-ignore lint/suspicious/noExplicitAny: a response body, read field by field
): Promise<any> {
  const body = {
    key,
    ...(opts.scopes && { scopes: opts.scopes }),
    ...(opts.clientIp && { clientIp: opts.clientIp }),
  };
  let last: unknown;
  for (let done = 0; done < n; ) {
    const batch = Math.min(200, n - done);
    const answers = await Promise.all(
      Array.from({ length: batch }, () => node.call("POST", "/v1/verify", body)),
    );
    for (const r of answers) {
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.code, code, JSON.stringify(r.body));
      if (opts.deprecated !== undefined) assert.equal(r.body.deprecated, opts.deprecated);
      last = r.body;
    }
    done += batch;
  }
  return last;
}

/** One version's series as the usage API returns it. */
export interface VersionSeries {
  version: number;
  totals: Record<string, number>;
  series: Array<{ at: string; counts: Record<string, number>; total: number }>;
}

/** GET /v1/keys/:id/usage, asserting 200; returns the versions array. */
export async function usageOf(
  node: TestNode,
  keyId: string,
  q: { from: number; to: number; granularity?: "minute" | "hour" },
): Promise<VersionSeries[]> {
  const qs = new URLSearchParams({
    from: new Date(q.from).toISOString(),
    to: new Date(q.to).toISOString(),
    ...(q.granularity && { granularity: q.granularity }),
  });
  const r = await node.call("GET", `/v1/keys/${keyId}/usage?${qs}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.keyId, keyId);
  assert.equal(r.body.granularity, q.granularity ?? "minute");
  return r.body.versions;
}

/** Builds the expected series entry: counts per bucket start (ms), totals and per-point totals derived. */
export function expectSeries(
  version: number,
  points: Array<[number, Record<string, number>]>,
): VersionSeries {
  const totals: Record<string, number> = {};
  const series = points.map(([at, counts]) => {
    let total = 0;
    for (const [o, n] of Object.entries(counts)) {
      totals[o] = (totals[o] ?? 0) + n;
      total += n;
    }
    return { at: new Date(at).toISOString(), counts, total };
  });
  return { version, totals, series };
}

/** The audit entries of one action on one target. */
export async function auditOf(node: TestNode, action: string, targetId: string) {
  const all = await node.kr.store.listAudit({ afterSeq: 0, limit: 1000 });
  return all.filter((e) => e.action === action && e.targetId === targetId);
}

/** A key's versions as GET /v1/keys/:id shows them, by version number. */
export async function versionsOf(
  node: TestNode,
  keyId: string,
): Promise<Record<number, { state: string; expiresAt: string | null; lastUsedAt: string | null }>> {
  const r = await node.call("GET", `/v1/keys/${keyId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return Object.fromEntries(
    r.body.versions.map((v: { version: number; state: string; expiresAt: string; lastUsedAt: string }) => [
      v.version,
      { state: v.state, expiresAt: v.expiresAt, lastUsedAt: v.lastUsedAt },
    ]),
  );
}
