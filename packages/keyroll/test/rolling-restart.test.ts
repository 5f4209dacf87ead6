// Issue 18, "restarts that drop nothing": three `keyroll serve` processes on one PostgreSQL, each
// SIGTERMed and started again in turn on its port while two kinds of clients verify without pause,
// each with its own key: some through a real nginx (passive checks, retry on the next node after a
// connection error), some straight to the nodes, retrying a connection error once on another node.
// One rolling restart (run once, in `before`) serves both tests. Zero requests may fail, and each
// key's usage counts must equal the requests answered with it: a clean stop drops nothing, and a
// retried request was never also answered by the node that went away.
// Needs `npm run build` (the nodes run the built bin).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { findNginx, type Nginx, nginxOrSkip, startNginx } from "./balancer.js";
import { type ClusterNode, createKey, randomAdminKey, sleep, startNode, waitFor } from "./cluster.js";
import { freePort, startTestPostgres, type TestPostgres } from "./pg.js";

/** Short enough for a quick test, longer than nginx's idle keep-alive (500 ms in balancer.ts). */
const DRAIN = "1500ms";
/** Client loops of each kind. */
const WORKERS = 4;

interface Nodes {
  nodes: ClusterNode[];
  adminKey: string;
  database: string;
  ports: number[];
  start(i: number): Promise<ClusterNode>;
  stopAll(): Promise<void>;
}

async function threeNodes(): Promise<Nodes> {
  const database = await pgs.createDatabase();
  const adminKey = randomAdminKey();
  const ports = [await freePort(), await freePort(), await freePort()];
  const env = { KEYROLL_DRAIN: DRAIN, KEYROLL_USAGE_FLUSH_INTERVAL: "200ms" };
  const nodes: ClusterNode[] = [];
  const start = async (i: number) => {
    const n = await startNode(database, adminKey, { name: "ABC"[i], port: ports[i], env });
    nodes[i] = n;
    return n;
  };
  await start(0); // migrates and bootstraps alone
  await Promise.all([start(1), start(2)]);
  return {
    nodes,
    adminKey,
    database,
    ports,
    start,
    async stopAll() {
      await Promise.all(nodes.map((n) => n.stop("SIGKILL", 1_000)));
    },
  };
}

interface Load {
  /** Requests answered 200 VALID. */
  ok: number;
  /** Requests that failed, with why (after the client's own retry, where it has one). */
  failures: string[];
  /** Connection errors the client retried (the no-balancer client only). */
  retried: number;
  stop(): Promise<void>;
}

/** `WORKERS` loops sending POST /v1/verify through `send` until stopped. */
function runLoad(send: (worker: number, seq: number) => Promise<"ok" | "retried-ok" | string>): Load {
  const load: Load = { ok: 0, failures: [], retried: 0, stop: async () => undefined };
  let stopped = false;
  const loops = Array.from({ length: WORKERS }, async (_, w) => {
    for (let seq = 0; !stopped; seq++) {
      const r = await send(w, seq);
      if (r === "ok") load.ok++;
      else if (r === "retried-ok") {
        load.ok++;
        load.retried++;
      } else load.failures.push(r);
    }
  });
  load.stop = async () => {
    stopped = true;
    await Promise.all(loops);
  };
  return load;
}

async function verifyAt(base: string, adminKey: string, secret: string): Promise<Response> {
  return fetch(`${base}/v1/verify`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
    body: JSON.stringify({ key: secret }),
    signal: AbortSignal.timeout(10_000),
  });
}

async function judge(res: Response): Promise<"ok" | string> {
  const text = await res.text();
  if (res.status !== 200) return `HTTP ${res.status}: ${text.slice(0, 200)}`;
  return JSON.parse(text).code === "VALID" ? "ok" : `answer ${text.slice(0, 200)}`;
}

/** SIGTERMs each node in turn, checks it drained and stopped cleanly, and starts it again on its port. */
async function rollingRestart(c: Nodes, whileUp: () => Promise<void>): Promise<string[]> {
  const notes: string[] = [];
  for (let i = 0; i < c.nodes.length; i++) {
    const old = c.nodes[i]!;
    const t0 = performance.now();
    const code = await old.stop("SIGTERM", 20_000);
    const stopMs = performance.now() - t0;
    assert.equal(code, 0, `${old.name} did not stop cleanly:\n${old.output().slice(-3000)}`);
    const out = old.output();
    for (const step of [
      "draining: /readyz answers 503, still serving",
      "no longer accepting connections",
      "connections closed",
      "usage counts flushed",
      '"msg":"stopped"',
    ]) {
      assert.ok(out.includes(step), `${old.name}'s log says "${step}":\n${out.slice(-3000)}`);
    }
    assert.ok(stopMs >= 1_400, `${old.name} drained for the whole ${DRAIN} (stopped after ${stopMs} ms)`);
    const fresh = await c.start(i);
    await waitFor(
      `${fresh.name} ready`,
      async () => ((await fetch(`${fresh.url}/readyz`)).status === 200 ? true : undefined),
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    notes.push(`${old.name} stopped in ${stopMs.toFixed(0)} ms`);
    await whileUp();
  }
  return notes;
}

/** VALID usage of `keyId` summed over versions, from the usage API. */
async function validUsage(node: ClusterNode, keyId: string): Promise<number> {
  const now = Date.now();
  const from = new Date(now - 3_600_000).toISOString();
  const to = new Date(now + 3_600_000).toISOString();
  const r = await node.call("GET", `/v1/keys/${keyId}/usage?from=${from}&to=${to}&granularity=minute`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  let n = 0;
  for (const v of r.body.versions as Array<{ totals: Record<string, number> }>) n += v.totals.VALID ?? 0;
  return n;
}

/** Waits until the counts reach `expected`, then a little longer: more than `expected` fails too. */
async function assertUsage(node: ClusterNode, keyId: string, expected: number): Promise<void> {
  await waitFor(
    `usage to reach ${expected}`,
    async () => ((await validUsage(node, keyId)) >= expected ? true : undefined),
    { timeoutMs: 10_000, intervalMs: 100 },
  ).catch(async (err: Error) => {
    throw new Error(`${err.message}: usage says ${await validUsage(node, keyId)}`);
  });
  await sleep(600); // three flush intervals: a late double count would show now
  assert.equal(await validUsage(node, keyId), expected, "usage counts equal the requests answered");
}

interface Run {
  viaNginx: { keyId: string; load: Load; errors: string; access: string } | undefined;
  direct: { keyId: string; load: Load };
  notes: string[];
  c: Nodes;
}

let pgs: TestPostgres;
let c: Nodes | undefined;
let nginx: Nginx | undefined;
let run: Run;
const bin = findNginx();

before(
  async () => {
    pgs = await startTestPostgres();
    c = await threeNodes();
    const nodes = c;
    if (bin) nginx = await startNginx({ bin, upstreams: nodes.ports.map((p) => `127.0.0.1:${p}`) });
    const viaNginx = await createKey(nodes.nodes[0]!);
    const direct = await createKey(nodes.nodes[0]!, viaNginx.consumerId);
    const proxied = nginx;
    const nginxLoad = proxied
      ? runLoad(async () => {
          try {
            return await judge(await verifyAt(proxied.url, nodes.adminKey, viaNginx.secret));
          } catch (err) {
            return `network: ${(err as Error).message} ${String((err as { cause?: Error }).cause?.message ?? "")}`;
          }
        })
      : undefined;
    const urls = nodes.ports.map((p) => `http://127.0.0.1:${p}`);
    const directLoad = runLoad(async (w, seq) => {
      // round robin; a connection error (refused, reset, closed) is retried once on the next node
      const first = (w + seq) % urls.length;
      try {
        return await judge(await verifyAt(urls[first]!, nodes.adminKey, direct.secret));
      } catch (err) {
        if ((err as Error).name === "TimeoutError") return `timeout on ${urls[first]}`;
        const why = String((err as { cause?: Error }).cause?.message ?? (err as Error).message);
        try {
          const r = await judge(
            await verifyAt(urls[(first + 1) % urls.length]!, nodes.adminKey, direct.secret),
          );
          return r === "ok" ? "retried-ok" : r;
        } catch (again) {
          return `after a retry (first: ${why}): ${(again as Error).message}`;
        }
      }
    });
    let notes: string[];
    try {
      await sleep(500);
      notes = await rollingRestart(nodes, () => sleep(500));
    } finally {
      await Promise.all([nginxLoad?.stop(), directLoad.stop()]);
    }
    run = {
      viaNginx:
        proxied && nginxLoad
          ? {
              keyId: viaNginx.keyId,
              load: nginxLoad,
              errors: proxied.errorLog(),
              access: proxied.accessLog(),
            }
          : undefined,
      direct: { keyId: direct.keyId, load: directLoad },
      notes,
      c: nodes,
    };
  },
  { timeout: 150_000 },
);
after(async () => {
  await nginx?.stop();
  await c?.stopAll();
  await pgs?.close();
});

test("rolling restart behind nginx: no request fails, usage counts every request once", async (t) => {
  if (!nginxOrSkip(t)) return;
  const r = run.viaNginx!;
  const { load } = r;
  const retriedByNginx = r.access.split("\n").filter((l) => l.includes(", ")).length;
  const refused = r.errors.match(/connect\(\) failed \(111/g)?.length ?? 0;
  const reset = r.errors.match(/Connection reset by peer/g)?.length ?? 0;
  t.diagnostic(
    `${load.ok} verifications through nginx, ${load.failures.length} failed; ` +
      `${retriedByNginx} passed to the next node by nginx (connections refused: ${refused}, reset: ${reset}); ` +
      run.notes.join(", "),
  );
  assert.deepEqual(
    load.failures.slice(0, 3),
    [],
    `failed requests (${load.failures.length}); nginx's error log:\n${r.errors.slice(-3000)}`,
  );
  assert.ok(load.ok > 100, `enough traffic to mean something (${load.ok})`);
  const statuses = r.access.split("\n").filter((l) => l.length > 0 && !l.startsWith("200 "));
  assert.deepEqual(statuses.slice(0, 10), [], "nginx answered every request 200");
  await assertUsage(run.c.nodes[1]!, r.keyId, load.ok);
});

test("rolling restart, no balancer: a client that retries a connection error once on another node loses nothing", async (t) => {
  const { load, keyId } = run.direct;
  t.diagnostic(
    `${load.ok} verifications, ${load.failures.length} failed, ${load.retried} retried once on another node; ${run.notes.join(", ")}`,
  );
  assert.deepEqual(load.failures.slice(0, 10), [], `failed requests (${load.failures.length})`);
  assert.ok(load.ok > 100, `enough traffic to mean something (${load.ok})`);
  await assertUsage(run.c.nodes[2]!, keyId, load.ok);
});
