// Restart PostgreSQL under a steady verify load on real `keyroll serve` processes: nodes keep
// answering known keys from their caches (no 5xx), report not-ready while stale, a --strict node
// refuses with STALE_CACHE, and all of them reconnect and catch up by themselves. Needs a
// throwaway server (skipped with KEYROLL_TEST_DATABASE_URL) and `npm run build`.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type Cluster,
  type ClusterNode,
  createKey,
  http,
  sleep,
  startCluster,
  summary,
  waitFor,
  waitForCode,
} from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

const LOOPS = 20;
const MAX_LOAD_MS = 20_000;
const MAX_LOAD_REQUESTS = 200_000;
const OUTAGE_MS = 3_000;

let pgs: TestPostgres;
let cluster: Cluster | undefined;
/** True between our stop() and start() of the server. */
let pgDown = false;

before(
  async () => {
    pgs = await startTestPostgres();
  },
  { timeout: 60_000 },
);
after(
  async () => {
    await cluster?.stop();
    if (pgDown) await pgs.start().catch(() => undefined);
    await pgs?.close();
  },
  { timeout: 60_000 },
);

const tally = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

test("PostgreSQL restarts under load: caches answer, nodes report stale, reconnect and catch up", {
  timeout: 90_000,
}, async (t) => {
  if (!pgs.restartable) {
    t.skip("needs a throwaway PostgreSQL that the test can stop and start");
    return;
  }
  const database = await pgs.createDatabase();
  cluster = await startCluster(database, 2, {
    env: { KEYROLL_MAX_STALENESS: "1s", KEYROLL_LOG_LEVEL: "warn" },
  });
  const c = await cluster.add({ args: ["--strict"] });
  const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];
  const all = [a, b, c];

  const load = await createKey(a);
  const later = await createKey(a, load.consumerId);
  for (const n of all) {
    await waitForCode(n, load.secret, "VALID");
    await waitForCode(n, later.secret, "VALID");
    assert.equal((await http(n.url, "GET", "/readyz")).status, 200, `${n.name} ready before`);
  }

  // the load: 20 loops of POST /v1/verify with a valid key on A and B, bounded in time and count
  const loadStatuses = new Map<string, number>();
  const loadErrors: string[] = [];
  const latencies: Record<"before" | "outage" | "after", number[]> = { before: [], outage: [], after: [] };
  let phase: "before" | "outage" | "after" = "before";
  let sent = 0;
  let loading = true;
  const loadStart = Date.now();
  const loops = Array.from({ length: LOOPS }, async (_, i) => {
    const n = i % 2 === 0 ? a : b;
    while (loading && sent < MAX_LOAD_REQUESTS && Date.now() - loadStart < MAX_LOAD_MS) {
      sent++;
      try {
        const r = await n.verify(load.secret, { timeoutMs: 2_000 });
        tally(loadStatuses, `${r.status} ${r.body.code}`);
        if (latencies[phase].length < 100_000) latencies[phase].push(r.ms);
      } catch (err) {
        loadErrors.push(`${n.name}: ${(err as Error).message}`);
        await sleep(10);
      }
    }
  });

  // the probes: /readyz on every node and a verify on the strict node, every 50 ms
  const seen = new Map<string, number>();
  const timeline: string[] = [];
  let probing = true;
  const probes = (async () => {
    const lastState = new Map<string, string>();
    while (probing && Date.now() - loadStart < MAX_LOAD_MS + 5_000) {
      await Promise.all(
        all.map(async (n) => {
          const r = await http(n.url, "GET", "/readyz", { timeoutMs: 1_000 }).catch(() => undefined);
          const state = r ? `readyz ${r.status}` : "readyz error";
          tally(seen, `${n.name} ${state}`);
          if (lastState.get(n.name) !== state) {
            lastState.set(n.name, state);
            timeline.push(
              `+${Date.now() - loadStart} ms ${n.name} ${state}${r ? ` lag ${r.body.feedLagMs}` : ""}`,
            );
          }
        }),
      );
      const v = await c.verify(load.secret, { timeoutMs: 1_000 }).catch(() => undefined);
      tally(seen, `C(strict) verify ${v ? `${v.status} ${v.body.code}` : "error"}`);
      await sleep(50);
    }
  })();

  // admin writes all along, across the stop and the start: each may fail with 503, never with 500
  const writes = new Map<string, number>();
  let writing = true;
  const writer = (async () => {
    let i = 0;
    while (writing && Date.now() - loadStart < MAX_LOAD_MS) {
      const n = all[i++ % all.length]!;
      const r = await n
        .call("POST", "/v1/consumers", { name: `w${i}` }, { timeoutMs: 8_000 })
        .catch((err: Error) => ({ status: 0, body: { code: err.message }, ms: 0 }));
      tally(writes, `${r.status} ${r.body.code ?? ""}`.trim());
      await sleep(25);
    }
  })();

  await sleep(500);
  const stopAt = Date.now();
  pgDown = true;
  phase = "outage";
  await pgs.stop();
  const stoppedAt = Date.now();
  timeline.push(`+${stopAt - loadStart} ms postgres stopping; stopped after ${stoppedAt - stopAt} ms`);

  // admin calls while the database is down: 503 STORE_UNAVAILABLE is allowed, a 500 is not
  const adminDuringOutage = new Map<string, number>();
  await sleep(200);
  for (const n of all) {
    for (const [method, path, body] of [
      ["POST", "/v1/consumers", { name: "during-outage" }],
      ["POST", `/v1/keys/${later.keyId}/rotate`, { gracePeriod: "1h" }],
      ["GET", `/v1/keys/${later.keyId}`, undefined],
    ] as const) {
      const r = await n.call(method, path, body, { timeoutMs: 8_000 }).catch((err: Error) => ({
        status: 0,
        body: { code: err.message },
        ms: 0,
      }));
      tally(
        adminDuringOutage,
        `${method} ${path.split("/")[2]}${path.includes("rotate") ? "/rotate" : ""} ${r.status} ${r.body.code}`,
      );
    }
  }

  await sleep(Math.max(0, stoppedAt + OUTAGE_MS - Date.now()));
  const startAt = Date.now();
  await pgs.start();
  pgDown = false;
  phase = "after";
  timeline.push(`+${startAt - loadStart} ms postgres starting; accepting after ${Date.now() - startAt} ms`);

  // every node becomes ready again by itself
  const recovered: Record<string, number> = {};
  await sleep(200);
  for (const n of all) {
    assert.ok(
      n.alive(),
      `${n.name} is still running; it exited with ${await Promise.race([n.exited, "?"])}:\n${n.output().slice(-4000)}`,
    );
  }
  for (const n of all) {
    await waitFor(
      `${n.name} /readyz 200`,
      async () => ((await http(n.url, "GET", "/readyz")).status === 200 ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    recovered[n.name] = Date.now() - startAt;
  }
  const strictBack = await waitForCode(c, load.secret, "VALID", { timeoutMs: 5_000 });
  await sleep(500);
  loading = false;
  probing = false;
  writing = false;
  await Promise.all(loops);
  await probes;
  await writer;

  t.diagnostic(timeline.join("\n"));
  t.diagnostic(`ready again after postgres started: ${JSON.stringify(recovered)} ms`);
  t.diagnostic(
    `load: ${sent} verifies in ${Date.now() - loadStart} ms, ${JSON.stringify(Object.fromEntries(loadStatuses))}`,
  );
  for (const [k, xs] of Object.entries(latencies))
    if (xs.length > 0) t.diagnostic(`verify latency ${k}: ${summary(xs)}`);
  t.diagnostic(`probes: ${JSON.stringify(Object.fromEntries([...seen].sort()))}`);
  t.diagnostic(
    `admin calls during the outage: ${JSON.stringify(Object.fromEntries([...adminDuringOutage].sort()))}`,
  );
  t.diagnostic(
    `admin writes across stop and start: ${JSON.stringify(Object.fromEntries([...writes].sort()))}`,
  );

  // no verification of a known key failed: all answered VALID from the caches
  assert.deepEqual(loadErrors.slice(0, 5), [], "no load request failed at the network level");
  assert.deepEqual([...loadStatuses.keys()], ["200 VALID"], "every load verify answered 200 VALID");
  assert.ok(sent > 100, "the load ran");
  // not-ready while stale, ready again after the reconnect
  for (const n of all) {
    assert.ok((seen.get(`${n.name} readyz 503`) ?? 0) > 0, `${n.name} reported 503 while stale`);
  }
  // the strict node refused to answer from a stale cache, and answers again now
  assert.ok(
    (seen.get("C(strict) verify 503 STALE_CACHE") ?? 0) > 0,
    "the strict node answered 503 STALE_CACHE",
  );
  assert.ok(
    [...seen.keys()]
      .filter((k) => k.startsWith("C(strict) verify"))
      .every((k) => /200 VALID|503 STALE_CACHE/.test(k)),
    "the strict node answered only VALID or STALE_CACHE",
  );
  assert.equal(strictBack.value.status, 200);
  // admin calls during the outage: a 503 STORE_UNAVAILABLE (or success), never a 500
  const bad = [...adminDuringOutage.keys()].filter((k) => !/ (2\d\d|503 STORE_UNAVAILABLE)/.test(k));
  assert.deepEqual(bad, [], "admin calls during the outage answered 503 STORE_UNAVAILABLE, never 500");
  const badWrites = [...writes.keys()].filter((k) => !/^(201|503 STORE_UNAVAILABLE)$/.test(k));
  assert.deepEqual(badWrites, [], "admin writes across the stop and the start: 201 or 503, never 500");

  // the nodes caught up by themselves: a key revoked after the restart is REVOKED everywhere
  const rev = await waitFor(
    "the revocation to be accepted",
    async () => {
      const r = await b.call("POST", `/v1/keys/${later.keyId}/revoke`, {});
      if (r.status === 200) return r;
      if (r.status !== 503) throw new Error(`revoke answered ${r.status} ${JSON.stringify(r.body)}`);
      return undefined;
    },
    { timeoutMs: 5_000, intervalMs: 100 },
  );
  assert.equal(rev.value.status, 200);
  for (const n of all) {
    const r = await waitForCode(n, later.secret, "REVOKED", { timeoutMs: 3_000 });
    t.diagnostic(`revocation after the restart: REVOKED on ${n.name} after ${r.ms.toFixed(1)} ms`);
  }
  const k = await createKey(c);
  for (const n of all) await waitForCode(n, k.secret, "VALID");
});
