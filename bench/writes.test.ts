// Smoke test of the write benchmark, small: creations and rotations on one SQLite node at two
// concurrencies, and a burst of concurrent rotations over three PostgreSQL nodes with a store wait
// short enough that some are answered 503 STORE_BUSY: each of those is retried after Retry-After
// with its Idempotency-Key and succeeds, nothing is answered STORE_UNAVAILABLE, and afterwards
// every key has one active version, no retry made a second successor, and the audit chain
// verifies. Speed is not asserted (a shared machine says nothing about it); `npm run bench:writes`
// reports it. Needs `npm run build`.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { randomAdminKey, startCluster, startNode } from "../packages/keyroll/test/cluster.js";
import { startTestPostgres } from "../packages/keyroll/test/support/postgres.js";
import { burst, Client, checkDatabase, seedKeys, throughput } from "./writes.js";

test("creations and rotations on one SQLite node", { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-writes-test-"));
  const adminKey = randomAdminKey();
  const node = await startNode(join(dir, "keyroll.db"), adminKey, { env: { KEYROLL_LOG_LEVEL: "warn" } });
  t.after(async () => {
    await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const clients = [new Client(node, adminKey, 8)];
  const { consumerId, keys } = await seedKeys(clients, 20);
  assert.equal(keys.length, 20);
  const cells = await throughput("sqlite", clients, keys, consumerId, [1, 8], 0.3);
  for (const c of clients) c.close();
  assert.deepEqual(
    cells.map((c) => `${c.op} ${c.concurrency}`),
    ["create 1", "create 8", "rotate 1", "rotate 8"],
  );
  for (const c of cells) {
    assert.ok(c.ok > 0, `${c.op} at ${c.concurrency} made progress`);
    assert.deepEqual(c.other, {}, `${c.op} at ${c.concurrency}: only the expected answer`);
    assert.ok(c.p50 <= c.p99);
  }
});

test("a burst of concurrent rotations over three PostgreSQL nodes: 201 or STORE_BUSY, retries succeed, invariants hold", {
  timeout: 180_000,
}, async (t) => {
  const pgs = await startTestPostgres();
  t.after(() => pgs.close());
  const url = await pgs.createDatabase();
  // a wait this short makes some of the burst run out of it on any machine
  const cluster = await startCluster(url, 3, {
    env: { KEYROLL_LOG_LEVEL: "warn", KEYROLL_STORE_WAIT: "20ms" },
  });
  t.after(() => cluster.stop());
  const clients = cluster.nodes.map((n) => new Client(n, cluster.adminKey, 16));
  const { keys } = await seedKeys(clients, 300);
  for (const c of clients) c.close();
  // retried after Retry-After (with jitter, no backoff growth), within the test's time
  const b = await burst(cluster.nodes, cluster.adminKey, keys, { boundMs: 150_000, maxFactor: 1 });
  t.diagnostic(JSON.stringify(b));
  assert.deepEqual(
    Object.keys(b.first).filter((k) => k !== "201" && k !== "503 STORE_BUSY"),
    [],
    "every first answer is 201 or 503 STORE_BUSY",
  );
  assert.ok(
    (b.first["503 STORE_BUSY"] ?? 0) > 0,
    "the burst met a busy store (else this test shows nothing)",
  );
  assert.ok(b.allRotated, "every STORE_BUSY succeeded on a retry");
  const db = await checkDatabase(url, keys);
  assert.deepEqual(db, {
    ...db,
    keysWithoutOneActive: 0,
    burstKeysNotAtVersion2: 0,
    auditChainVerifies: true,
    pendingLeft: 0,
  });
  assert.equal(db.maxVersion, 2);
});
