// Write throughput benchmark: key creations and rotations per second, with p50/p99 latency, at
// several concurrencies, on one SQLite node and on three PostgreSQL nodes (real `keyroll serve`
// processes, the built bin), then a burst of concurrent rotations over the three nodes, each with
// its own Idempotency-Key, retried after Retry-After when answered 503 STORE_BUSY. Afterwards it
// checks that every key has exactly one active version, that no retry made a second successor, and
// that the audit chain verifies.
// Baselines from the same run: the bare commit rate of each database on this machine (PostgreSQL:
// one-row INSERT commits from as many connections as the nodes have write slots; SQLite: one-row
// transactions on a WAL file with synchronous=FULL), printed as keyroll/bare.
// Run: `npm run bench:writes [-- --seconds 3 --concurrency 1,16,256 --burst 10000 --keys 2000]`
// from the repo root (build first). `--only sqlite|postgres|burst` runs one part.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import SQLite from "better-sqlite3";
import type { Selectable } from "kysely";
import pg from "pg";
import { AuditChainVerifier } from "../packages/keyroll/src/core/audit.js";
import { toAuditEntry } from "../packages/keyroll/src/store/kysely/queries.js";
import type { AuditLogTable } from "../packages/keyroll/src/store/kysely/schema.js";
import {
  type Cluster,
  type ClusterNode,
  randomAdminKey,
  startCluster,
  startNode,
} from "../packages/keyroll/test/cluster.js";
import { startTestPostgres, type TestPostgres } from "../packages/keyroll/test/support/postgres.js";
import { percentile } from "../packages/keyroll/test/support/stats.js";

/** Targets the issue sets, at concurrency 256. */
export const TARGETS = { postgres3: 500, sqlite1: 300 } as const;

// ---- HTTP load ----------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  code: string | undefined;
  retryAfter: string | undefined;
  ms: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked where used
  body: any;
}

/** Keep-alive clients for one node, up to `sockets` connections. */
export class Client {
  readonly agent: Agent;
  readonly port: number;
  constructor(
    readonly node: ClusterNode,
    readonly adminKey: string,
    sockets: number,
  ) {
    // idle sockets are dropped after 2 s, before the server's 5 s keep-alive timeout closes them
    // (a socket reused just as the server closes it would fail the request with ECONNRESET)
    // (not for the burst's unbounded clients: the agent's timeout also applies while a socket
    // connects, and ten thousand connections at once take longer than that to be accepted)
    this.agent = new Agent({
      keepAlive: true,
      maxSockets: sockets,
      ...(Number.isFinite(sockets) && { timeout: 2_000 }),
    });
    this.port = Number(new URL(node.url).port);
  }

  call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const t0 = performance.now();
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: "127.0.0.1",
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${this.adminKey}`,
            ...headers,
            ...(payload !== undefined && {
              "content-type": "application/json",
              "content-length": String(Buffer.byteLength(payload)),
            }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown;
            try {
              parsed = JSON.parse(text);
            } catch {
              parsed = text;
            }
            const ra = res.headers["retry-after"];
            resolve({
              status: res.statusCode ?? 0,
              code: (parsed as { code?: string } | undefined)?.code,
              retryAfter: Array.isArray(ra) ? ra[0] : ra,
              ms: performance.now() - t0,
              body: parsed,
            });
          });
        },
      );
      req.setTimeout(120_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

export interface Cell {
  op: string;
  store: string;
  concurrency: number;
  ok: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Answers other than the expected one, by status and code. */
  other: Record<string, number>;
  /** CPU time per expected answer (ms): Keyroll nodes, the database's processes, this load generator. */
  cpu?: { nodes: number; db: number; client: number };
}

// ---- CPU accounting (Linux /proc): what bounds a cell when the CPUs are the limit ----------------------

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** utime + stime of a process, and with `children` also of its reaped children (ms); 0 once it is gone. */
export function procCpuMs(pid: number, children = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // fields 14-17 of stat(5), counted from the state field (3) here
    const [ut, st, cut, cst] = [f[11], f[12], f[13], f[14]].map(Number) as [number, number, number, number];
    return (ut + st + (children ? cut + cst : 0)) * TICK_MS;
  } catch {
    return 0;
  }
}

/** The PostgreSQL server listening on `port`: its postmaster and its live children, with reaped ones. */
function postgresCpuMs(port: number): number {
  let total = 0;
  let postmaster = 0;
  const all = readdirSync("/proc").filter((d) => /^\d+$/.test(d));
  for (const d of all) {
    try {
      const cmd = readFileSync(`/proc/${d}/cmdline`, "utf8");
      if (cmd.includes("postgres\0-D\0") && cmd.includes(`\0-p\0${port}\0`)) postmaster = Number(d);
    } catch {
      // gone
    }
  }
  if (postmaster === 0) return Number.NaN;
  total += procCpuMs(postmaster, true);
  for (const d of all) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === postmaster) total += procCpuMs(Number(d));
    } catch {
      // gone
    }
  }
  return total;
}

/** Starts counting CPU; the returned function gives ms per `n` operations since. */
export function cpuMeter(nodePids: number[], pgPort: number | undefined) {
  const read = () => ({
    nodes: nodePids.reduce((a, p) => a + procCpuMs(p), 0),
    db: pgPort === undefined ? 0 : postgresCpuMs(pgPort),
    client: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
  });
  const before = read();
  return (n: number) => {
    const after = read();
    return {
      nodes: (after.nodes - before.nodes) / n,
      db: (after.db - before.db) / n,
      client: (after.client - before.client) / n,
    };
  };
}

/**
 * Runs `op` from `concurrency` workers for `seconds`; a worker sends its next request when its
 * previous one was answered. Returns the rate of expected answers and their latency.
 */
export async function closedLoop(
  concurrency: number,
  seconds: number,
  op: (worker: number, i: number) => Promise<Answer>,
  expect: number,
): Promise<Omit<Cell, "op" | "store" | "concurrency">> {
  const lat: number[] = [];
  const other: Record<string, number> = {};
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const a = await op(w, i).catch(
          (err: Error): Answer => ({
            status: 0,
            code: err.message,
            retryAfter: undefined,
            ms: 0,
            body: undefined,
          }),
        );
        if (a.status === expect) lat.push(a.ms);
        else {
          const k = `${a.status} ${a.code ?? ""}`.trim();
          other[k] = (other[k] ?? 0) + 1;
        }
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return {
    ok: lat.length,
    perSecond: lat.length / elapsed,
    p50: lat.length ? percentile(lat, 0.5) : Number.NaN,
    p99: lat.length ? percentile(lat, 0.99) : Number.NaN,
    other,
  };
}

/** Creates a consumer and `n` keys on the nodes (round robin, 64 at a time); returns the key ids. */
export async function seedKeys(
  clients: Client[],
  n: number,
): Promise<{ consumerId: string; keys: string[] }> {
  const c = await clients[0]!.call("POST", "/v1/consumers", {
    name: `bench-${randomBytes(3).toString("hex")}`,
  });
  if (c.status !== 201) throw new Error(`create consumer: ${c.status} ${JSON.stringify(c.body)}`);
  const consumerId = c.body.id as string;
  const keys: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(64, n) }, async () => {
      while (next < n) {
        const i = next++;
        for (;;) {
          const r = await clients[i % clients.length]!.call("POST", "/v1/keys", { consumerId }).catch(
            (err: Error): Answer => ({
              status: 0,
              code: err.message,
              retryAfter: undefined,
              ms: 0,
              body: undefined,
            }),
          );
          if (r.status === 0) continue; // a dropped connection: send it again
          if (r.status === 201) {
            keys.push(r.body.key.id);
            break;
          }
          if (r.code !== "STORE_BUSY") throw new Error(`create key: ${r.status} ${JSON.stringify(r.body)}`);
          await sleep(1000);
        }
      }
    }),
  );
  return { consumerId, keys };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Creations then rotations at each concurrency; rotations go to distinct keys in flight. */
export async function throughput(
  store: string,
  clients: Client[],
  keys: readonly string[],
  consumerId: string,
  concurrencies: readonly number[],
  seconds: number,
  meter: () => (n: number) => Cell["cpu"] = () => () => undefined,
): Promise<Cell[]> {
  const cells: Cell[] = [];
  for (const c of concurrencies) {
    const m = meter();
    const r = await closedLoop(
      c,
      seconds,
      (w) => clients[w % clients.length]!.call("POST", "/v1/keys", { consumerId }),
      201,
    );
    cells.push({ op: "create", store, concurrency: c, ...r, cpu: m(r.ok) });
  }
  for (const c of concurrencies) {
    if (keys.length < c) throw new Error(`need at least ${c} keys, have ${keys.length}`);
    // worker w rotates keys w, w + c, w + 2c, …: no two requests in flight on one key
    const mine = Math.floor(keys.length / c);
    const m = meter();
    const r = await closedLoop(
      c,
      seconds,
      (w, i) =>
        clients[w % clients.length]!.call(
          "POST",
          `/v1/keys/${keys[w + (i % mine) * c]}/rotate`,
          { gracePeriod: "1h" },
          { "idempotency-key": `bench-${randomBytes(8).toString("hex")}` },
        ),
      201,
    );
    cells.push({ op: "rotate", store, concurrency: c, ...r, cpu: m(r.ok) });
  }
  return cells;
}

export interface BurstResult {
  requests: number;
  /** First answers by status and code. */
  first: Record<string, number>;
  /** Requests that needed a retry, and the most retries one needed. */
  retried: number;
  maxRetries: number;
  /** Every request ended in 201 (after retries). */
  allRotated: boolean;
  /** Requests that ended in 201. */
  rotated: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** How long the burst's client keeps retrying one request before it gives up (ms). */
export const BURST_RETRY_BOUND_MS = 15 * 60_000;

/**
 * The wait before a retry, as a well-behaved client does it: the answer's `Retry-After` (seconds;
 * 1 when absent), growing with the attempts up to 8 times that (so that a crowd of clients backs
 * off while the store is busy), with ±50 % jitter (so that the retries of a burst do not arrive
 * together again).
 */
export function retryDelayMs(
  retryAfter: string | undefined,
  attempt: number,
  maxFactor = 8,
  random = Math.random,
): number {
  const base = Math.max(1, Number(retryAfter ?? "1") || 1) * 1000;
  const backoff = base * Math.min(maxFactor, 2 ** attempt);
  return backoff * (0.5 + random());
}

/**
 * Every key rotated once, all requests sent at once (one connection each), spread over the
 * nodes; a 503 STORE_BUSY (or a dropped connection) is retried after `retryDelayMs` with the same
 * Idempotency-Key, until it succeeds or `boundMs` has passed since the burst began.
 */
export async function burst(
  nodes: ClusterNode[],
  adminKey: string,
  keys: readonly string[],
  { boundMs = BURST_RETRY_BOUND_MS, maxFactor = 8 }: { boundMs?: number; maxFactor?: number } = {},
): Promise<BurstResult> {
  const clients = nodes.map((n) => new Client(n, adminKey, Number.POSITIVE_INFINITY));
  const first: Record<string, number> = {};
  const done: number[] = [];
  let retried = 0;
  let maxRetries = 0;
  let failed = 0;
  const t0 = performance.now();
  try {
    await Promise.all(
      keys.map(async (id, i) => {
        const idem = `burst-${i}-${randomBytes(6).toString("hex")}`;
        for (let attempt = 0; ; attempt++) {
          let a: Answer;
          try {
            a = await clients[i % clients.length]!.call(
              "POST",
              `/v1/keys/${id}/rotate`,
              { gracePeriod: "1h" },
              { "idempotency-key": idem },
            );
          } catch (err) {
            a = { status: 0, code: (err as Error).message, retryAfter: undefined, ms: 0, body: undefined };
          }
          if (attempt === 0) {
            const k = `${a.status} ${a.code ?? ""}`.trim();
            first[k] = (first[k] ?? 0) + 1;
          }
          if (a.status === 201) {
            done.push(performance.now() - t0);
            if (attempt > 0) {
              retried++;
              maxRetries = Math.max(maxRetries, attempt);
            }
            return;
          }
          // retried: the store was busy, or the connection dropped before an answer (the
          // Idempotency-Key makes either retry safe); anything else is an answer to report
          const retriable = a.code === "STORE_BUSY" || a.status === 0;
          const delay = retryDelayMs(a.retryAfter, attempt, maxFactor);
          if (!retriable || performance.now() + delay - t0 > boundMs) {
            failed++;
            return;
          }
          await sleep(delay);
        }
      }),
    );
  } finally {
    for (const c of clients) c.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    requests: keys.length,
    first,
    retried,
    maxRetries,
    allRotated: failed === 0,
    rotated: done.length,
    seconds,
    perSecond: done.length / seconds,
    p50: percentile(done, 0.5),
    p99: percentile(done, 0.99),
  };
}

/** Invariants after the burst, read from the database. */
export async function checkDatabase(url: string, burstKeys: readonly string[]) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const bad = await c.query(
      `select k.id, count(v.*) filter (where v.state = 'active') as active
         from keys k left join key_versions v on v.key_id = k.id
        where k.revoked_at is null group by k.id having count(v.*) filter (where v.state = 'active') <> 1`,
    );
    const versions = await c.query<{ max: string }>(
      "select max(version)::text as max from key_versions where key_id = any($1)",
      [burstKeys],
    );
    const twice = await c.query(
      "select key_id from key_versions where key_id = any($1) group by key_id having max(version) <> 2",
      [burstKeys],
    );
    // read as the API shows them and checked by core's verifier (format 1, chained by the linker)
    const audit = await c.query<Selectable<AuditLogTable>>("select * from audit_log order by seq");
    const chain = new AuditChainVerifier();
    for (const r of audit.rows) chain.add(toAuditEntry(r));
    const verdict = chain.finish([]);
    const chainOk = verdict.valid && verdict.pending === 0 && verdict.entries === audit.rows.length;
    if (!chainOk && process.env.BENCH_DEBUG) console.error(JSON.stringify(verdict));
    const pending = await c.query<{ n: string }>(
      "select (select count(*) from pending_changes) + (select count(*) from pending_audit) as n",
    );
    return {
      keysWithoutOneActive: bad.rowCount ?? 0,
      burstKeysNotAtVersion2: twice.rowCount ?? 0,
      maxVersion: Number(versions.rows[0]?.max ?? 0),
      auditEntries: audit.rowCount ?? 0,
      auditChainVerifies: chainOk,
      pendingLeft: Number(pending.rows[0]?.n ?? 0),
    };
  } finally {
    await c.end();
  }
}

// ---- baselines -------------------------------------------------------------------------------------------

/** Bare one-row INSERT commits per second from `connections` connections for `seconds`. */
export async function barePostgres(url: string, connections: number, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: connections });
  try {
    await pool.query("create table if not exists bench_bare (id bigserial primary key, v text)");
    let n = 0;
    const deadline = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          await pool.query("insert into bench_bare (v) values ($1)", ["x"]);
          n++;
        }
      }),
    );
    return n / ((performance.now() - t0) / 1000);
  } finally {
    await pool.end();
  }
}

/** Bare one-row transactions per second on a WAL SQLite file with synchronous=FULL. */
export function bareSqlite(dir: string, seconds: number): number {
  const db = new SQLite(join(dir, "bare.db"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("create table t (id integer primary key, v text)");
    const ins = db.prepare("insert into t (v) values (?)");
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < seconds * 1000) {
      ins.run("x");
      n++;
    }
    return n / ((performance.now() - t0) / 1000);
  } finally {
    db.close();
  }
}

// ---- the run --------------------------------------------------------------------------------------------

const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "-");
const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : "-");

function printCells(cells: Cell[], bare: number, label: string): void {
  console.log(`\n${label} (bare commits/s on this machine: ${f0(bare)})`);
  console.log(
    "op      conc   per s    p50 ms   p99 ms   keyroll/bare   CPU ms/op: nodes    db  client  (≙ max/s on all CPUs)   other answers",
  );
  for (const c of cells) {
    const cpu = c.cpu;
    const total = cpu ? cpu.nodes + cpu.db + cpu.client : Number.NaN;
    console.log(
      `${c.op.padEnd(7)} ${String(c.concurrency).padStart(4)} ${f0(c.perSecond).padStart(7)} ${f1(c.p50).padStart(9)} ${f1(c.p99).padStart(8)} ${(c.perSecond / bare).toFixed(2).padStart(14)}   ${f1(cpu?.nodes ?? Number.NaN).padStart(16)} ${f1(cpu?.db ?? Number.NaN).padStart(5)} ${f1(cpu?.client ?? Number.NaN).padStart(7)}  ${f0((availableParallelism() * 1000) / total).padStart(20)}   ${JSON.stringify(c.other)}`,
    );
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "3" },
      concurrency: { type: "string", default: "1,16,256" },
      burst: { type: "string", default: "10000" },
      keys: { type: "string", default: "2000" },
      nodes: { type: "string", default: "3" },
      only: { type: "string" },
    },
  });
  const seconds = Number(values.seconds);
  const concurrencies = values.concurrency.split(",").map(Number);
  const burstN = Number(values.burst);
  const nKeys = Math.max(Number(values.keys), ...concurrencies);
  const nNodes = Number(values.nodes);
  const only = values.only;
  console.log(
    `bench:writes — ${new Date().toISOString()}, ${availableParallelism()} CPUs, load ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}, Node ${process.version}; ${seconds} s per cell`,
  );
  const tmp = mkdtempSync(join(tmpdir(), "keyroll-bench-writes-"));
  let pgs: TestPostgres | undefined;
  const failures: string[] = [];
  try {
    if (!only || only === "sqlite") {
      const adminKey = randomAdminKey();
      const node = await startNode(join(tmp, "keyroll.db"), adminKey, {
        name: "S",
        env: { KEYROLL_LOG_LEVEL: "warn" },
      });
      try {
        const clients = [new Client(node, adminKey, Math.max(...concurrencies))];
        const { consumerId, keys } = await seedKeys(clients, nKeys);
        const pid = node.child.pid!;
        const cells = await throughput("sqlite", clients, keys, consumerId, concurrencies, seconds, () =>
          cpuMeter([pid], undefined),
        );
        for (const c of clients) c.close();
        printCells(cells, bareSqlite(tmp, Math.min(seconds, 2)), "SQLite, one node");
        const top = cells.find((c) => c.op === "rotate" && c.concurrency === 256);
        if (top && top.perSecond < TARGETS.sqlite1)
          failures.push(`SQLite rotations at 256: ${f0(top.perSecond)}/s < ${TARGETS.sqlite1}/s`);
      } finally {
        await node.stop();
      }
    }
    if (!only || only === "postgres" || only === "burst") {
      pgs = await startTestPostgres();
      const url = await pgs.createDatabase();
      // BENCH_CPU_PROF=DIR: each node writes a V8 CPU profile there when it stops
      const prof = process.env.BENCH_CPU_PROF;
      const cluster: Cluster = await startCluster(url, nNodes, {
        env: { KEYROLL_LOG_LEVEL: "warn" },
        ...(prof !== undefined && { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", prof] }),
      });
      try {
        if (!only || only === "postgres") {
          const per = Math.ceil(Math.max(...concurrencies) / nNodes);
          const clients = cluster.nodes.map((n) => new Client(n, cluster.adminKey, per));
          const { consumerId, keys } = await seedKeys(clients, nKeys);
          const pids = cluster.nodes.map((n) => n.child.pid!);
          const port = Number(new URL(url).port);
          const cells = await throughput(
            `postgres×${nNodes}`,
            clients,
            keys,
            consumerId,
            concurrencies,
            seconds,
            () => cpuMeter(pids, port),
          );
          for (const c of clients) c.close();
          printCells(
            cells,
            await barePostgres(url, 10 * nNodes, Math.min(seconds, 2)),
            `PostgreSQL, ${nNodes} nodes`,
          );
          const top = cells.find((c) => c.op === "rotate" && c.concurrency === 256);
          if (top && top.perSecond < TARGETS.postgres3)
            failures.push(`PostgreSQL rotations at 256: ${f0(top.perSecond)}/s < ${TARGETS.postgres3}/s`);
        }
        if ((!only || only === "burst") && burstN > 0) {
          const clients = cluster.nodes.map((n) => new Client(n, cluster.adminKey, 256));
          const t0 = performance.now();
          const { keys } = await seedKeys(clients, burstN);
          for (const c of clients) c.close();
          console.log(`\nburst: ${burstN} keys created in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          const b = await burst(cluster.nodes, cluster.adminKey, keys);
          const db = await checkDatabase(url, keys);
          console.log(
            `burst of ${b.requests} concurrent rotations over ${nNodes} nodes: first answers ${JSON.stringify(b.first)}; ` +
              `${b.retried} retried (at most ${b.maxRetries} times), ${b.rotated} ended in 201, all rotated: ${b.allRotated}; ` +
              `${b.seconds.toFixed(1)} s, ${f0(b.perSecond)} rotations/s, done at p50 ${f0(b.p50)} ms, p99 ${f0(b.p99)} ms`,
          );
          console.log(`after the burst: ${JSON.stringify(db)}`);
          const unavailable = Object.keys(b.first).filter((k) => k !== "201" && k !== "503 STORE_BUSY");
          if (unavailable.length > 0)
            failures.push(`burst answers other than 201 / STORE_BUSY: ${unavailable}`);
          if (!b.allRotated) failures.push("burst: some rotations never succeeded");
          if (db.keysWithoutOneActive !== 0 || db.burstKeysNotAtVersion2 !== 0 || !db.auditChainVerifies)
            failures.push("burst: database invariants broken");
        }
      } catch (err) {
        for (const n of cluster.nodes)
          if (!n.alive()) console.error(`node ${n.name} died; its last output:\n${n.output().slice(-4000)}`);
        throw err;
      } finally {
        await cluster.stop();
      }
    }
  } finally {
    await pgs?.close();
    rmSync(tmp, { recursive: true, force: true });
  }
  if (failures.length > 0) {
    console.log(`\nnot met:\n  - ${failures.join("\n  - ")}`);
    process.exitCode = 1;
  } else console.log("\nall targets met");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: Error) => {
    console.error(`bench:writes failed: ${err.stack ?? err.message}`);
    process.exit(1);
  });
}
