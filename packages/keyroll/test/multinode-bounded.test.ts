// Bounded index mode on three real `keyroll serve` processes on one PostgreSQL (issue 16): each
// node holds at most 100 versions of 300. A revoked key that every node had evicted, and one that
// every node holds, are both rejected on every node within the propagation bound. Needs
// `npm run build` (the tests run the built bin).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { type Cluster, type ClusterNode, http, summary, waitForCode } from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres;
let cluster: Cluster;

before(
  async () => {
    pgs = await startTestPostgres();
    const { startCluster } = await import("./cluster.js");
    cluster = await startCluster(await pgs.createDatabase(), 3, {
      env: { KEYROLL_INDEX: "bounded", KEYROLL_INDEX_MAX_ENTRIES: "100" },
    });
  },
  { timeout: 60_000 },
);
after(
  async () => {
    await cluster?.stop();
    await pgs?.close();
  },
  { timeout: 60_000 },
);

async function metric(n: ClusterNode, name: string): Promise<number> {
  const r = await http(n.url, "GET", "/metrics", {});
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(String(r.body));
  assert.ok(m, `${name} on ${n.name}`);
  return Number(m[1]);
}

test("bounded index: an evicted and a cached key, revoked on A, are rejected on A, B and C within the bound", {
  timeout: 120_000,
}, async (t) => {
  const [a] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
  const con = await a.call("POST", "/v1/consumers", { name: "fleet" });
  assert.equal(con.status, 201);
  const rows = Array.from({ length: 300 }, (_, i) => ({ externalId: `fleet-${i}`, consumerId: con.body.id }));
  const imp = await a.call("POST", "/v1/keys/import", { keys: rows }, { timeoutMs: 30_000 });
  assert.equal(imp.status, 200, JSON.stringify(imp.body).slice(0, 300));
  assert.equal(imp.body.committed, true);
  const keys = imp.body.results as Array<{ keyId: string; secret: string }>;
  const evicted = keys[0]!;
  const cached = keys[299]!;

  for (const n of cluster.nodes) {
    // the first key is used, then pushed out by 200 others; the last one is used last, so held
    assert.equal((await waitForCode(n, evicted.secret, "VALID")).value.body.code, "VALID");
    for (const k of keys.slice(100, 300)) {
      const r = await n.verify(k.secret);
      assert.equal(r.body.code, "VALID", `${n.name}: ${JSON.stringify(r.body)}`);
    }
    assert.ok((await metric(n, "keyroll_cache_versions")) <= 100, `${n.name} holds at most 100 versions`);
    assert.ok((await metric(n, "keyroll_index_evictions_total")) >= 100, `${n.name} evicted`);
  }

  const samples: number[] = [];
  for (const k of [evicted, cached]) {
    const rev = await a.call("POST", `/v1/keys/${k.keyId}/revoke`, {});
    assert.equal(rev.status, 200);
    const t0 = performance.now();
    await Promise.all(cluster.nodes.map((n) => waitForCode(n, k.secret, "REVOKED", { timeoutMs: 2_000 })));
    samples.push(performance.now() - t0);
  }
  t.diagnostic(`revoke on A → REVOKED on A, B and C (evicted, cached): ${summary(samples)}`);
  // and it stays so: every node, many times (no stale entry comes back from a read-through)
  for (const n of cluster.nodes) {
    for (let i = 0; i < 5; i++) {
      assert.equal((await n.verify(evicted.secret)).body.code, "REVOKED");
      assert.equal((await n.verify(cached.secret)).body.code, "REVOKED");
    }
  }
  // the others still work on every node
  for (const n of cluster.nodes) assert.equal((await n.verify(keys[150]!.secret)).body.code, "VALID");
});
