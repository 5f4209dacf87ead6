// Issue 12, end to end: three `keyroll serve` nodes on one PostgreSQL, 50 simulated clients under
// steady load through three provider APIs (one in front of each node): 30 SDK replicas sharing 10
// keys three by three, 15 SDK clients with a key each, and 5 clients reading a key file kept
// current by a `keyroll agent` child process. Every key is rotated with a grace period and
// `retireWhenUnusedFor`; every client must move by successor pickup during grace, with zero failed
// requests; the previous versions then retire by traffic, and the per-version request counts the
// clients saw must equal the usage API's exactly. Needs `npm run build` (nodes and agents run the
// built bin). Bounded: about 30 s.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type KeyProvider, keyrollFetch, rotatingKey } from "@keyroll/client";
import { fileKey, writeKeyFile } from "@keyroll/client/node";
import { type ProviderApi, startProviderApi } from "./client-fixtures.js";
import { CLI, type Cluster, sleep, startCluster, waitFor } from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres;
let cluster: Cluster;
let apis: ProviderApi[] = [];
const agents: ChildProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "keyroll-e2e-client-"));

before(async () => {
  pgs = await startTestPostgres();
  cluster = await startCluster(await pgs.createDatabase(), 3, {
    env: { KEYROLL_USAGE_FLUSH_INTERVAL: "200ms", KEYROLL_LOG_LEVEL: "warn" },
  });
  apis = await Promise.all(cluster.nodes.map((n) => startProviderApi(n.url, cluster.adminKey)));
});
after(async () => {
  for (const a of agents) a.kill("SIGKILL");
  await Promise.all(apis.map((a) => a.close()));
  await cluster?.stop();
  await pgs?.close();
  rmSync(dir, { recursive: true, force: true });
});

// a shared CI machine can be slow: admin calls get a long timeout (the bounds that matter are below)
const SLOW = { timeoutMs: 20_000 };

async function newKey(): Promise<{ keyId: string; secret: string }> {
  const node = cluster.nodes[0]!;
  const c = await node.call("POST", "/v1/consumers", { name: "e2e client" }, SLOW);
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id }, SLOW);
  if (k.status !== 201) throw new Error(`create key: ${k.status} ${JSON.stringify(k.body)}`);
  return { keyId: k.body.key.id, secret: k.body.secret };
}

interface Client {
  name: string;
  keyId: string;
  provider: KeyProvider;
  api: ProviderApi;
  /** Requests answered 200, by the version the provider API said it verified. */
  byVersion: Map<number, number>;
  failures: string[];
  /** 401s seen below the fetch wrapper (it would have retried them). */
  raw401: string[];
  /** How the provider moved (`rotated` events), and what it reported failing. */
  moves: string[];
  failed: string[];
}

test("50 clients under load: every key rotated, every client moves by pickup in grace, zero failed requests, counts reconciled", async () => {
  const [A] = cluster.nodes;
  const node = A!;
  const clients: Client[] = [];
  const keys: Array<{ keyId: string; secret: string; clients: number; kind: string }> = [];
  const make = (name: string, keyId: string, provider: KeyProvider, i: number): Client => {
    const c: Client = {
      name,
      keyId,
      provider,
      api: apis[i % apis.length]!,
      byVersion: new Map(),
      failures: [],
      raw401: [],
      moves: [],
      failed: [],
    };
    provider.on("rotated", (e) => c.moves.push(`${e.source}:${e.version}`));
    provider.on("failed", (e) => c.failed.push(`${e.during}: ${e.error.message}`));
    return c;
  };
  // SDK clients: 10 keys shared by 3 replicas each, 15 keys with one client each
  const sdk = { intervalMs: 2000, noticeDelayMs: 100, checkOnStart: false };
  for (let k = 0; k < 25; k++) {
    const { keyId, secret } = await newKey();
    const replicas = k < 10 ? 3 : 1;
    keys.push({ keyId, secret, clients: replicas, kind: replicas === 3 ? "shared" : "single" });
    for (let r = 0; r < replicas; r++) {
      const provider = rotatingKey({ url: cluster.nodes[(k + r) % 3]!.url, key: secret, ...sdk });
      clients.push(make(`sdk-${k}-${r}`, keyId, provider, clients.length));
    }
  }
  // agent clients: a key file each, kept current by a `keyroll agent` process
  for (let k = 0; k < 5; k++) {
    const { keyId, secret } = await newKey();
    keys.push({ keyId, secret, clients: 1, kind: "agent" });
    const path = join(dir, `agent-${k}.key`);
    await writeKeyFile(path, secret);
    const child = spawn(
      process.execPath,
      [
        CLI,
        "agent",
        "--key-file",
        path,
        "--url",
        cluster.nodes[k % 3]!.url,
        "--interval",
        "500ms",
        "--retry-min",
        "100ms",
      ],
      { env: { PATH: process.env.PATH ?? "" }, stdio: ["ignore", "ignore", "pipe"] },
    );
    let err = "";
    child.stderr!.on("data", (d) => {
      err += String(d);
    });
    (child as ChildProcess & { log: () => string }).log = () => err;
    agents.push(child);
    clients.push(make(`agent-${k}`, keyId, fileKey(path, { pollMs: 100, settleMs: 10 }), clients.length));
  }
  assert.equal(clients.length, 50);
  await waitFor(
    "the agents to start",
    () =>
      agents.every((a) => (a as ChildProcess & { log: () => string }).log().includes("watching"))
        ? true
        : undefined,
    {
      timeoutMs: 30_000,
      intervalMs: 50,
    },
  );

  let rotatedAt = Number.POSITIVE_INFINITY;
  // steady load: each client sends a request every ~200 ms until told to stop
  let running = true;
  const stopAll = () => {
    running = false;
    for (const c of clients) c.provider.close();
    for (const a of agents) a.kill("SIGTERM");
  };
  try {
    await scenario();
  } finally {
    stopAll();
  }

  async function scenario(): Promise<void> {
    const loops = clients.map(async (c) => {
      const call = keyrollFetch(c.provider, {
        fetch: async (input, init) => {
          const res = await fetch(input, init);
          if (res.status === 401) {
            const body = (await res.clone().json()) as { code?: string };
            c.raw401.push(`${c.name} ${body.code} at +${Date.now() - rotatedAt} ms`);
          }
          return res;
        },
      });
      await sleep(Math.random() * 200);
      while (running) {
        try {
          const res = await call(`${c.api.url}/orders`);
          const body = (await res.json()) as { version?: number; code?: string };
          if (res.status === 200 && typeof body.version === "number") {
            c.byVersion.set(body.version, (c.byVersion.get(body.version) ?? 0) + 1);
          } else c.failures.push(`${res.status} ${body.code}`);
        } catch (err) {
          c.failures.push((err as Error).message);
        }
        await sleep(200);
      }
    });
    await sleep(1500);

    // rotate every key with grace, retiring the previous version once unused for 5 s
    rotatedAt = Date.now();
    const next = new Map<string, string>();
    await Promise.all(
      keys.map(async (k, i) => {
        const r = await cluster.nodes[i % 3]!.call(
          "POST",
          `/v1/keys/${k.keyId}/rotate`,
          {
            gracePeriod: "60s",
            retireWhenUnusedFor: "5s",
          },
          SLOW,
        );
        assert.equal(r.status, 201, JSON.stringify(r.body));
        next.set(k.keyId, r.body.secret);
      }),
    );

    // every client moves by pickup, well inside grace
    const moved = await waitFor(
      "every client on its new secret",
      async () => (clients.every((c) => c.provider.current() === next.get(c.keyId)) ? true : undefined),
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    const moveMs = Date.now() - rotatedAt;
    assert.ok(moveMs < 60_000, `moved in ${moveMs} ms, within grace`);
    void moved;

    // the previous versions retire by traffic (unused for 5 s while the new one is in use)
    await waitFor(
      "every version 1 retired",
      async () => {
        const states = await Promise.all(
          keys.map(
            async (k) =>
              (await node.call("GET", `/v1/keys/${k.keyId}`, undefined, SLOW)).body.versions[0].state,
          ),
        );
        return states.every((s) => s === "expired") ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const retiredMs = Date.now() - rotatedAt;

    await sleep(300);
    running = false;
    await Promise.all(loops);
    stopAll();

    // zero failed requests, and no 401 even below the fetch wrapper: nobody needed its retry
    const failures = clients.flatMap((c) => c.failures.map((f) => `${c.name}: ${f}`));
    assert.deepEqual(failures, []);
    assert.deepEqual(
      clients.flatMap((c) => c.raw401),
      [],
    );
    // every client moved by pickup: each SDK replica picked up version 2 itself, each agent client
    // followed its file after its agent picked it up; the server counted at least that many pickups
    // (a pickup whose answer came too late for the client's timeout is retried, and counted again)
    for (const c of clients) {
      assert.deepEqual(
        c.moves,
        [c.name.startsWith("agent") ? "file:null" : "pickup:2"],
        `${c.name} moved once`,
      );
    }
    // every pickup the server answered is in the audit log (key.successor_picked_up, committed with
    // it), which outlives the rotation: /v1/rotations stops listing a key once its old version retires
    const pickups = new Map<string, number>();
    for (const k of keys) {
      let n = 0;
      let cursor: string | null = null;
      do {
        const q = `targetId=${k.keyId}&action=key.successor_picked_up&limit=1000${cursor ? `&cursor=${cursor}` : ""}`;
        const page = await node.call("GET", `/v1/audit?${q}`, undefined, SLOW);
        assert.equal(page.status, 200);
        n += page.body.data.length;
        cursor = page.body.nextCursor;
      } while (cursor !== null);
      pickups.set(k.keyId, n);
      assert.ok(n >= k.clients, `pickups of ${k.kind} key ${k.keyId}: ${n}`);
    }
    const extraPickups = keys.reduce((n, k) => n + (pickups.get(k.keyId) ?? 0) - k.clients, 0);
    const reported = clients.flatMap((c) => c.failed.map((f) => `${c.name} ${f}`));
    // every client used both versions
    for (const c of clients)
      assert.ok((c.byVersion.get(1) ?? 0) > 0 && (c.byVersion.get(2) ?? 0) > 0, c.name);

    // per-version counts reconciled exactly with the usage API (all nodes flush every 200 ms)
    const expected = new Map<string, Record<number, number>>();
    for (const c of clients) {
      const e = expected.get(c.keyId) ?? {};
      for (const [v, n] of c.byVersion) e[v] = (e[v] ?? 0) + n;
      expected.set(c.keyId, e);
    }
    const from = new Date(rotatedAt - 3_600_000).toISOString();
    await waitFor(
      "usage to match",
      async () => {
        for (const k of keys) {
          const u = await node.call("GET", `/v1/keys/${k.keyId}/usage?from=${from}`, undefined, SLOW);
          const got: Record<number, number> = {};
          for (const v of u.body.versions as Array<{ version: number; totals: Record<string, number> }>) {
            if (Object.keys(v.totals).some((o) => o !== "VALID"))
              throw new Error(`non-VALID outcomes: ${JSON.stringify(v.totals)}`);
            if (v.totals.VALID) got[v.version] = v.totals.VALID;
          }
          if (JSON.stringify(got) !== JSON.stringify(expected.get(k.keyId))) return undefined;
        }
        return true;
      },
      { timeoutMs: 10_000, intervalMs: 250 },
    );
    const total = clients.reduce((n, c) => n + [...c.byVersion.values()].reduce((a, b) => a + b, 0), 0);
    // the agents never printed a secret
    for (const a of agents) {
      const log = (a as ChildProcess & { log: () => string }).log();
      assert.match(log, /picked up version 2/);
      for (const s of [...next.values(), ...keys.map((k) => k.secret)]) assert.ok(!log.includes(s));
    }
    // the agents' files hold the new secrets
    for (let k = 0; k < 5; k++) {
      const key = keys[25 + k]!;
      assert.equal(readFileSync(join(dir, `agent-${k}.key`), "utf8"), `${next.get(key.keyId)}\n`);
    }
    console.log(
      `e2e: ${total} requests by 50 clients, 0 failed; all moved ${moveMs} ms after the rotations, versions 1 retired after ${retiredMs} ms; ` +
        `${extraPickups} pickups repeated; provider failures reported: ${reported.length ? reported.join("; ") : "none"}`,
    );
  }
});
