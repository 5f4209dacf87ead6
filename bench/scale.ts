// Benchmark of Keyroll at scale (issue 16), every figure in one run:
//   1. bulk import: N keys from an NDJSON file by `keyroll keys import` (its own process; POST
//      /v1/keys/import, 10 000 a request, two in flight) into a node on SQLite (and on PostgreSQL),
//      keys per second and CPU per key of the node, the client and the database;
//   2. start-up: a `keyroll serve` process on that database, from spawn to `/readyz` 200;
//   3. memory: heap and RSS per indexed version (a verifier loading the index in this process,
//      measured around a forced GC);
//   4. verify throughput in process (verifyCached) and over HTTP (POST /v1/verify) at 1 000,
//      100 000 and N keys, as ratios to the 1 000-key figure of the same run;
//   5. bounded mode with a working set of 10 % (--index-max-entries N/10): hit rate of the working
//      set against full mode, and the latency of a miss (a read through to the store).
// Run: `npm run bench:scale [-- --keys 1000000 --no-postgres --duration 2000]` from the repo root.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createKeyroll, resolveConfig } from "../packages/keyroll/src/main.js";
import { openPostgresStore } from "../packages/keyroll/src/store/postgres/index.js";
import { openSqliteStore } from "../packages/keyroll/src/store/sqlite/index.js";
import type { Store } from "../packages/keyroll/src/store/types.js";
import { createVerifier } from "../packages/keyroll/src/verifier/index.js";
import { cpuMeter, procCpuMs } from "./writes.js";

// autocannon is CommonJS and untyped: the few fields used here are typed locally
type Autocannon = (opts: {
  url: string;
  method: "POST";
  connections: number;
  duration: number;
  headers: Record<string, string>;
  requests: Array<{ setupRequest: (req: Record<string, unknown>) => Record<string, unknown> }>;
}) => Promise<{ non2xx: number; requests: { average: number } }>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

const CLI = fileURLToPath(new URL("../packages/keyroll/dist/cli/index.js", import.meta.url));
const ADMIN_KEY = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";
const silent = { debug() {}, info() {}, warn() {}, error() {} };

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** One database with `keys` keys, and the secrets the import generated. */
interface Built {
  database: string;
  secrets: string[];
  importMs: number;
  /** CPU per imported key (µs): this process (the node and its key pair threads), the `keyroll keys import` process, the database's processes. */
  cpuPerKey: { node: number; client: number; db: number };
}

/**
 * Imports `n` keys of fresh consumers (1 000 keys each) into an in-process node, with
 * `keyroll keys import` in a process of its own.
 */
export async function build(database: string, n: number): Promise<Built> {
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: database,
        KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "silent",
      },
    }),
  );
  const url = await kr.app.listen({ host: "127.0.0.1", port: 0 });
  const call = async (path: string, body: string, type = "application/json") => {
    const r = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": type },
      body,
    });
    if (r.status >= 300) throw new Error(`${path}: ${r.status} ${(await r.text()).slice(0, 300)}`);
    return r.json() as Promise<{ id?: string; committed?: boolean; results?: Array<{ secret?: string }> }>;
  };
  const consumers: string[] = [];
  for (let i = 0; i < Math.ceil(n / 1000); i++)
    consumers.push((await call("/v1/consumers", JSON.stringify({ name: `c${i}` }))).id!);
  // the rows as a user's file has them, imported by the real `keyroll keys import` in its own
  // process (two batches of 10 000 in flight), as a user runs it
  const file = `${database.startsWith("postgres") ? join(tmpdir(), `pg-${Date.now()}`) : database}.import.ndjson`;
  const out = `${file}.secrets`;
  const lines: string[] = [];
  for (let j = 0; j < n; j++)
    lines.push(JSON.stringify({ externalId: `bench-${j}`, consumerId: consumers[Math.floor(j / 1000)] }));
  writeFileSync(file, `${lines.join("\n")}\n`);
  lines.length = 0;
  const t0 = performance.now();
  const pgPort = database.startsWith("postgres") ? Number(new URL(database).port) : undefined;
  const meter = cpuMeter([], pgPort);
  const cli = spawn(process.execPath, [CLI, "keys", "import", file, "--secrets-out", out], {
    env: { PATH: process.env.PATH, KEYROLL_URL: url, KEYROLL_ADMIN_KEY: ADMIN_KEY },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  cli.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  // the client's CPU, read while it runs (an exited process has no /proc entry): ≤ 0.2 s is lost
  let cliCpuMs = 0;
  const poll = setInterval(() => {
    cliCpuMs = Math.max(cliCpuMs, procCpuMs(cli.pid!));
  }, 200);
  const code = await new Promise<number | null>((r) => cli.once("exit", r));
  clearInterval(poll);
  const importMs = performance.now() - t0;
  if (code !== 0) throw new Error(`keyroll keys import exited ${code}: ${stderr.slice(-500)}`);
  const secrets: string[] = new Array(n);
  for (const line of readFileSync(out, "utf8").split("\n")) {
    if (line === "") continue;
    const r = JSON.parse(line) as { externalId: string; secret: string };
    secrets[Number(r.externalId.slice("bench-".length))] = r.secret;
  }
  rmSync(file);
  rmSync(out);
  if (secrets.some((x) => x === undefined))
    throw new Error("a key of the import has no secret in its output");
  const cpu = meter(n);
  await kr.close();
  return {
    database,
    secrets,
    importMs,
    cpuPerKey: { node: cpu.client * 1000, client: (cliCpuMs * 1000) / n, db: cpu.db * 1000 },
  };
}

/** Spawns `keyroll serve` on `database`; resolves with the time from spawn to `/readyz` 200. */
async function startup(database: string, env: Record<string, string> = {}) {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const t0 = performance.now();
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, "serve", "--host", "127.0.0.1", "--port", String(port)],
    {
      env: {
        PATH: process.env.PATH,
        KEYROLL_DATABASE: database,
        KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "warn",
        KEYROLL_DRAIN: "0",
        ...env,
      },
      stdio: "ignore",
    },
  );
  const url = `http://127.0.0.1:${port}`;
  let listenMs: number | null = null;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`keyroll serve exited ${child.exitCode}`);
    try {
      const r = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1_000) });
      listenMs ??= performance.now() - t0;
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() - t0 > 300_000) throw new Error("keyroll serve was not ready in 300 s");
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - t0;
  return {
    url,
    readyMs,
    listenMs: listenMs ?? readyMs,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}

/** Verifications per second of `verifyCached` over `secrets`, round robin, for `ms`. */
export function inProcessRate(
  v: ReturnType<typeof createVerifier>,
  secrets: readonly string[],
  ms: number,
): number {
  let n = 0;
  const end = performance.now() + ms;
  let i = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 1000; k++) {
      const r = v.verifyCached(secrets[i]!);
      if (r === undefined || !r.valid) throw new Error(`not VALID from memory: ${r?.code}`);
      i = i + 1 === secrets.length ? 0 : i + 1;
    }
    n += 1000;
  }
  return n / (ms / 1000);
}

/** POST /v1/verify requests per second over `secrets`, 10 connections, for `ms`. */
async function httpRate(url: string, secrets: readonly string[], ms: number): Promise<number> {
  let i = 0;
  const result = await autocannon({
    url: `${url}/v1/verify`,
    method: "POST",
    connections: 10,
    duration: ms / 1000,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    requests: [
      {
        setupRequest: (req: Record<string, unknown>) => {
          i = i + 1 === secrets.length ? 0 : i + 1;
          return { ...req, body: `{"key":"${secrets[i]}"}` };
        },
      },
    ],
  });
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers`);
  return result.requests.average;
}

/** Heap and RSS a fully loaded verifier takes per version, and its load time. */
export async function memory(store: Store) {
  gc();
  gc();
  const h0 = process.memoryUsage();
  const v = createVerifier({ store, clock: { now: () => Date.now() }, logger: silent, flushMs: 3_600_000 });
  const t0 = performance.now();
  await v.start();
  const loadMs = performance.now() - t0;
  gc();
  gc();
  const h1 = process.memoryUsage();
  const versions = v.status().size;
  return {
    v,
    versions,
    loadMs,
    heapPerVersion: (h1.heapUsed - h0.heapUsed) / versions,
    rssPerVersion: (h1.rss - h0.rss) / versions,
  };
}

/** CPU time (ms) of this process's main thread so far (Linux), or null. */
function mainThreadCpuMs(): number | null {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return null;
  }
}

/**
 * The SQLite index load with the scan on its thread (decision 0025) and on the main thread (as
 * before): wall time and main-thread CPU per version of each, in this run.
 */
async function scanThreadAb(database: string) {
  const out: Record<string, { loadMs: number; mainCpuUsPerVersion: number | null }> = {};
  for (const scanThread of [false, true]) {
    const store = openSqliteStore(database, { scanThread, scanThreadMinRows: 0 });
    const v = createVerifier({ store, clock: { now: () => Date.now() }, logger: silent, flushMs: 3_600_000 });
    const c0 = mainThreadCpuMs();
    const t0 = performance.now();
    await v.start();
    const loadMs = performance.now() - t0;
    const c1 = mainThreadCpuMs();
    const n = v.status().size;
    out[scanThread ? "thread" : "here"] = {
      loadMs,
      mainCpuUsPerVersion: c0 === null || c1 === null ? null : ((c1 - c0) * 1000) / n,
    };
    await v.stop();
    await store.close();
  }
  return out as { thread: (typeof out)[string]; here: (typeof out)[string] };
}

/** Shuffled sample of `k` items. */
export function sample<T>(xs: readonly T[], k: number): T[] {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a.slice(0, k);
}

/**
 * `k` secrets of `xs` at random, each copied into a string of its own, allocated together: as a
 * request's secret is a fresh string, not one of the million the benchmark keeps. Verifying the
 * kept ones themselves reads 10 000 strings scattered over the heap and measured the benchmark's
 * memory, not the index's: at 1 M keys 1.25–1.57 M/s against 2.0–2.36 M/s for copies, same run.
 */
export function sampleSecrets(xs: readonly string[], k: number): string[] {
  return sample(xs, k).map((s) => Buffer.from(s, "latin1").toString("latin1"));
}

/** Options of a run. */
export interface ScaleOptions {
  keys: number;
  durationMs: number;
  postgres: boolean;
  http: boolean;
  log?: (line: string) => void;
}

/** Runs the whole benchmark; returns every figure. */
export async function runScale(o: ScaleOptions) {
  const log = o.log ?? ((l: string) => process.stdout.write(`${l}\n`));
  const dir = mkdtempSync(join(tmpdir(), "keyroll-scale-"));
  const figures: Record<string, unknown> = { keys: o.keys };
  const sizes = [...new Set([1_000, 100_000, o.keys].filter((s) => s <= o.keys))];
  try {
    const built = new Map<number, Built>();
    for (const size of sizes) {
      const b = await build(join(dir, `k${size}.db`), size);
      built.set(size, b);
      log(
        `import ${size} keys (SQLite): ${(b.importMs / 1000).toFixed(1)} s, ${Math.round(size / (b.importMs / 1000))} keys/s; CPU ${Math.round(b.cpuPerKey.node)} µs/key in the node, ${Math.round(b.cpuPerKey.client)} in the client`,
      );
    }
    const big = built.get(o.keys)!;
    figures.importSqliteMs = big.importMs;
    figures.importSqliteCpuPerKeyUs = big.cpuPerKey.node;

    const rates: Record<
      number,
      { inproc: number; inproc1k: number; http: number | null; http1k: number | null; heapPerVersion: number }
    > = {};
    for (const size of sizes) {
      const b = built.get(size)!;
      const s = await startup(b.database);
      log(
        `start-up ${size} keys (SQLite): listening ${(s.listenMs / 1000).toFixed(2)} s, ready ${(s.readyMs / 1000).toFixed(2)} s`,
      );
      if (size === o.keys) figures.startupSqliteMs = s.readyMs;
      const secrets = sampleSecrets(b.secrets, Math.min(size, 10_000));
      // the 1 000-key base can send only 1 000 distinct secrets; at every size the same number
      // of distinct secrets as well isolates the index's size from the traffic's spread (usage
      // counters and their flushes grow with the distinct versions used, not with the index)
      const secrets1k = sampleSecrets(b.secrets, Math.min(size, 1_000));
      // a first round warms the node up (JIT, connections, usage counters) and is not counted: the
      // first measured round of a fresh 1 000-key node came out a quarter below a second one on the same secrets
      if (o.http) await httpRate(s.url, secrets, Math.min(o.durationMs, 1_000));
      const http = o.http ? await httpRate(s.url, secrets, o.durationMs) : null;
      const http1k = o.http ? await httpRate(s.url, secrets1k, o.durationMs) : null;
      await s.stop();
      const store = openSqliteStore(b.database);
      const m = await memory(store);
      const inproc = inProcessRate(m.v, secrets, o.durationMs);
      const inproc1k = inProcessRate(m.v, secrets1k, o.durationMs);
      rates[size] = { inproc, inproc1k, http, http1k, heapPerVersion: m.heapPerVersion };
      const ab = await scanThreadAb(b.database);
      const us = (x: number | null) => (x === null ? "?" : x.toFixed(2));
      log(
        `${size} keys: index load with the scan thread ${(ab.thread.loadMs / 1000).toFixed(2)} s, ${us(ab.thread.mainCpuUsPerVersion)} µs/version of main-thread CPU; scanning on the main thread ${(ab.here.loadMs / 1000).toFixed(2)} s, ${us(ab.here.mainCpuUsPerVersion)} µs/version (${(ab.here.loadMs / ab.thread.loadMs).toFixed(2)}× the time)`,
      );
      if (size === o.keys) figures.scanThread = ab;
      log(
        `${size} keys: index load ${(m.loadMs / 1000).toFixed(2)} s in process, heap ${Math.round(m.heapPerVersion)} B/version, RSS ${Math.round(m.rssPerVersion)} B/version; verify in process ${Math.round(inproc)}/s (${Math.round(inproc1k)}/s over 1 000 secrets)${http === null ? "" : `, HTTP ${Math.round(http)}/s (${Math.round(http1k!)}/s over 1 000 secrets)`}`,
      );
      if (size === o.keys) {
        figures.heapPerVersion = m.heapPerVersion;
        figures.rssPerVersion = m.rssPerVersion;
        // bounded mode, a working set of 10 %, on the same database
        const bound = Math.max(100, Math.floor(size / 10));
        const working = b.secrets.slice(0, bound);
        // the same history in both modes: every secret of the working set used once first (a
        // key's first use moves it in memory, so a mode whose keys were used differently would be
        // measured on a different layout)
        for (const sec of working) m.v.verifyCached(sec);
        // one sample for both modes
        const ws = sampleSecrets(working, Math.min(bound, 10_000));
        const full = inProcessRate(m.v, ws, o.durationMs);
        await m.v.stop();
        const bv = createVerifier({
          store,
          clock: { now: () => Date.now() },
          logger: silent,
          flushMs: 3_600_000,
          index: "bounded",
          maxEntries: bound,
        });
        await bv.start();
        for (const sec of working) await bv.verify(sec);
        const hit = inProcessRate(bv, ws, o.durationMs);
        const misses = b.secrets.slice(bound, bound + Math.min(2_000, size - bound));
        const lat: number[] = [];
        for (const sec of misses) {
          const t0 = performance.now();
          const r = await bv.verify(sec);
          lat.push(performance.now() - t0);
          if (!r.valid) throw new Error(`miss answered ${r.code}`);
        }
        lat.sort((a, b2) => a - b2);
        const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? Number.NaN;
        figures.bounded = {
          bound,
          hitRate: hit,
          fullRate: full,
          hitRatio: hit / full,
          missP50Ms: p(0.5),
          missP99Ms: p(0.99),
        };
        log(
          `bounded (${bound} of ${size}): working-set hits ${Math.round(hit)}/s vs full ${Math.round(full)}/s (${(hit / full).toFixed(2)}×); a miss p50 ${p(0.5).toFixed(3)} ms, p99 ${p(0.99).toFixed(3)} ms (SQLite read-through)`,
        );
        await bv.stop();
      } else await m.v.stop();
      await store.close();
    }
    const base = rates[1_000]!;
    for (const size of sizes) {
      const r = rates[size]!;
      log(
        `ratio to 1 000 keys at ${size}: in process ${(r.inproc / base.inproc).toFixed(2)}× (${(r.inproc1k / base.inproc).toFixed(2)}× over 1 000 secrets)${r.http === null || base.http === null ? "" : `, HTTP ${(r.http / base.http).toFixed(2)}× (${(r.http1k! / base.http).toFixed(2)}× over 1 000 secrets)`}`,
      );
    }
    figures.rates = rates;

    if (o.postgres) {
      const { startTestPostgres } = await import("../packages/keyroll/test/support/postgres.js");
      const pgs = await startTestPostgres();
      try {
        const b = await build(await pgs.createDatabase(), o.keys);
        figures.importPostgresMs = b.importMs;
        figures.importPostgresCpuPerKeyUs = b.cpuPerKey;
        log(
          `import ${o.keys} keys (PostgreSQL): ${(b.importMs / 1000).toFixed(1)} s, ${Math.round(o.keys / (b.importMs / 1000))} keys/s; CPU ${Math.round(b.cpuPerKey.node)} µs/key in the node, ${Math.round(b.cpuPerKey.client)} in the client, ${Math.round(b.cpuPerKey.db)} in PostgreSQL`,
        );
        const s = await startup(b.database);
        figures.startupPostgresMs = s.readyMs;
        log(
          `start-up ${o.keys} keys (PostgreSQL): listening ${(s.listenMs / 1000).toFixed(2)} s, ready ${(s.readyMs / 1000).toFixed(2)} s`,
        );
        await s.stop();
        const store = openPostgresStore(b.database);
        const m = await memory(store);
        log(
          `PostgreSQL: index load ${(m.loadMs / 1000).toFixed(2)} s in process, heap ${Math.round(m.heapPerVersion)} B/version`,
        );
        await m.v.stop();
        await store.close();
      } finally {
        await pgs.close();
      }
    }
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      keys: { type: "string", default: "100000" },
      duration: { type: "string", default: "2000" },
      "no-postgres": { type: "boolean", default: false },
      "no-http": { type: "boolean", default: false },
    },
  });
  const keys = Number(values.keys);
  if (!Number.isInteger(keys) || keys < 1_000) throw new Error("--keys must be an integer ≥ 1000");
  const figures = await runScale({
    keys,
    durationMs: Number(values.duration),
    postgres: !values["no-postgres"],
    http: !values["no-http"],
  });
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
