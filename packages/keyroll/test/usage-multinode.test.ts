// Issue 4, "exact counts through two nodes": two real `keyroll serve` processes on one PostgreSQL
// database, each flushing usage every 200 ms. Known numbers of requests per version and outcome are
// sent to each node over HTTP; the usage API of either node returns exactly their sums, rotation
// progress adds both nodes' traffic, and a failed rollover seen by both nodes is one alert.
// Needs `npm run build` (the nodes run the built bin).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { isDeepStrictEqual } from "node:util";
import {
  type Cluster,
  type ClusterNode,
  createKey,
  sleep,
  startCluster,
  waitFor,
  waitForCode,
} from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres;
let cluster: Cluster;

before(async () => {
  pgs = await startTestPostgres();
  const database = await pgs.createDatabase();
  cluster = await startCluster(database, 2, { env: { KEYROLL_USAGE_FLUSH_INTERVAL: "200ms" } });
});
after(async () => {
  await cluster?.stop();
  await pgs?.close();
});

interface Send {
  node: ClusterNode;
  secret: string;
  n: number;
  code: string;
  version: number;
  deprecated?: boolean;
  scopes?: string[];
  clientIp: string;
}

/** Sends `s.n` verifications (50 in flight at a time), asserting each answer. */
async function send(s: Send): Promise<void> {
  const body = { key: s.secret, clientIp: s.clientIp, ...(s.scopes && { scopes: s.scopes }) };
  for (let done = 0; done < s.n; ) {
    const batch = Math.min(50, s.n - done);
    const answers = await Promise.all(
      Array.from({ length: batch }, () => s.node.call("POST", "/v1/verify", body)),
    );
    for (const r of answers) {
      assert.equal(r.status, 200, `${s.node.name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.code, s.code, `${s.node.name}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.version, s.version);
      if (s.deprecated !== undefined) assert.equal(r.body.deprecated, s.deprecated);
    }
    done += batch;
  }
}

/** Version → outcome → count, from GET /v1/keys/:id/usage on `node` over a window around now. */
async function totalsOn(
  node: ClusterNode,
  keyId: string,
  granularity: "minute" | "hour",
): Promise<Record<number, Record<string, number>>> {
  const now = Date.now();
  const from = new Date(now - 2 * 3_600_000).toISOString();
  const to = new Date(now + 2 * 3_600_000).toISOString();
  const r = await node.call(
    "GET",
    `/v1/keys/${keyId}/usage?from=${from}&to=${to}&granularity=${granularity}`,
  );
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const out: Record<number, Record<string, number>> = {};
  for (const v of r.body.versions as Array<{
    version: number;
    totals: Record<string, number>;
    series: Array<{ counts: Record<string, number>; total: number }>;
  }>) {
    // the totals are the sums of the series
    const summed: Record<string, number> = {};
    for (const p of v.series) {
      let total = 0;
      for (const [o, c] of Object.entries(p.counts)) {
        summed[o] = (summed[o] ?? 0) + c;
        total += c;
      }
      assert.equal(p.total, total);
    }
    assert.deepEqual(summed, v.totals);
    out[v.version] = v.totals;
  }
  return out;
}

test("exact counts through two nodes: per version and outcome, the usage API of either node returns the sums", {
  timeout: 60_000,
}, async (t) => {
  const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];

  // a sentinel that B caches now, revoked last: once B answers REVOKED for it, B has applied every
  // change made before (the feed is applied in order), so B's answers below come from current state
  const sentinel = await createKey(a);
  await waitForCode(b, sentinel.secret, "VALID");

  const rotating = await createKey(a);
  const patch = await a.call("PATCH", `/v1/keys/${rotating.keyId}`, { scopes: ["orders:read"] });
  assert.equal(patch.status, 200, JSON.stringify(patch.body));
  const rot = await a.call("POST", `/v1/keys/${rotating.keyId}/rotate`, { gracePeriod: "1h" });
  assert.equal(rot.status, 201, JSON.stringify(rot.body));
  const v1 = rotating.secret;
  const v2 = rot.body.secret as string;
  const revoked = await createKey(a, rotating.consumerId);
  const rev = await a.call("POST", `/v1/keys/${revoked.keyId}/revoke`, { reason: "leaked" });
  assert.equal(rev.status, 200, JSON.stringify(rev.body));
  assert.equal((await a.call("POST", `/v1/keys/${sentinel.keyId}/revoke`, {})).status, 200);
  await waitForCode(b, sentinel.secret, "REVOKED", { timeoutMs: 5_000 });

  const sends: Send[] = [
    // node A
    { node: a, secret: v1, n: 137, code: "VALID", version: 1, deprecated: true, clientIp: "10.1.0.1" },
    { node: a, secret: v2, n: 253, code: "VALID", version: 2, deprecated: false, clientIp: "10.1.0.2" },
    {
      node: a,
      secret: v2,
      n: 9,
      code: "INSUFFICIENT_SCOPE",
      version: 2,
      scopes: ["x:y"],
      clientIp: "10.1.0.2",
    },
    { node: a, secret: revoked.secret, n: 41, code: "REVOKED", version: 1, clientIp: "10.1.0.3" },
    // node B
    { node: b, secret: v1, n: 89, code: "VALID", version: 1, deprecated: true, clientIp: "10.2.0.1" },
    { node: b, secret: v2, n: 311, code: "VALID", version: 2, deprecated: false, clientIp: "10.2.0.2" },
    {
      node: b,
      secret: v1,
      n: 6,
      code: "INSUFFICIENT_SCOPE",
      version: 1,
      scopes: ["x:y"],
      clientIp: "10.2.0.1",
    },
    { node: b, secret: revoked.secret, n: 17, code: "REVOKED", version: 1, clientIp: "10.2.0.3" },
  ];
  // both nodes at once, so flushes of both interleave while requests are still arriving
  const t0 = performance.now();
  await Promise.all([
    (async () => {
      for (const s of sends.filter((x) => x.node === a)) await send(s);
    })(),
    (async () => {
      for (const s of sends.filter((x) => x.node === b)) await send(s);
    })(),
  ]);
  // not attributed to any version
  for (const n of [a, b]) {
    const r = await n.call("POST", "/v1/verify", { key: "definitely-not-a-key-0123456789" });
    assert.equal(r.body.code, "NOT_FOUND");
  }
  t.diagnostic(
    `${sends.reduce((s, x) => s + x.n, 0)} verifications in ${(performance.now() - t0).toFixed(0)} ms`,
  );

  const expectedRotating = {
    1: { VALID: 137 + 89, INSUFFICIENT_SCOPE: 6 },
    2: { VALID: 253 + 311, INSUFFICIENT_SCOPE: 9 },
  };
  const expectedRevoked = { 1: { REVOKED: 41 + 17 } };

  // read back from A until both nodes have flushed (with a deadline), then exactly from both
  const flushed = await waitFor(
    "both nodes' counts in the usage API",
    async () => {
      const got = await totalsOn(a, rotating.keyId, "minute");
      return isDeepStrictEqual(got, expectedRotating) ? got : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 100 },
  ).catch(async (err: Error) => {
    throw new Error(
      `${err.message}; last read: ${JSON.stringify(await totalsOn(a, rotating.keyId, "minute"))}`,
    );
  });
  t.diagnostic(`counts complete in the usage API ${flushed.ms.toFixed(0)} ms after the last request`);
  // a few more flush intervals: nothing is counted twice
  await sleep(800);
  for (const n of [a, b]) {
    for (const g of ["minute", "hour"] as const) {
      assert.deepEqual(await totalsOn(n, rotating.keyId, g), expectedRotating, `${n.name} ${g}`);
      assert.deepEqual(await totalsOn(n, revoked.keyId, g), expectedRevoked, `${n.name} ${g}`);
    }
  }

  // rotation progress adds both nodes' traffic
  for (const n of [a, b]) {
    const r = await n.call("GET", "/v1/rotations?state=active");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const row = r.body.data.find((x: { keyId: string }) => x.keyId === rotating.keyId);
    assert.ok(row, `${n.name} lists the rotation`);
    assert.equal(row.previous.requests, 137 + 89);
    assert.equal(row.current.requests, 253 + 311);
    assert.equal(row.currentShare, (253 + 311) / (253 + 311 + 137 + 89));
    assert.equal(row.safeToRetire, false);
    assert.deepEqual(row.previous.addresses.map((x: { address: string }) => x.address).sort(), [
      "10.1.0.1",
      "10.2.0.1",
    ]);
  }

  // the revoked key's clients, seen by both nodes: one open failed_rollover alert counting all
  const alert = await waitFor(
    "the failed_rollover alert to count both nodes",
    async () => {
      const r = await b.call("GET", `/v1/alerts?keyId=${revoked.keyId}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      const open = r.body.data.filter((x: { kind: string }) => x.kind === "failed_rollover");
      assert.ok(open.length <= 1, `one open alert, got ${JSON.stringify(open)}`);
      return open[0]?.count === 41 + 17 ? open[0] : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 100 },
  );
  assert.equal(alert.value.version, 1);
  assert.ok(["10.1.0.3", "10.2.0.3"].includes(alert.value.address), alert.value.address);
});
