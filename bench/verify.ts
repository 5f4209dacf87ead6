// Benchmark of the verify hot path, against baselines measured in the same run:
//   1. HTTP: POST /v1/verify on a real listening Keyroll node vs a bare node:http server that reads
//      the body and answers the same JSON bytes. Each server runs in its own child process; the load
//      generator (autocannon) runs in this process, so no two of them share an event loop.
//   2. In-process: verifier.verifyCached(secret) over N real keys vs a bare SHA-256 + Map.get loop.
// Rounds alternate (A B, B A, …) because the machine is shared and noisy; ratios are medians.
// Run: `npm run bench:verify [-- --rounds 3 --duration 5000 …]` from the repo root.
import { type ChildProcess, fork, spawnSync } from "node:child_process";
import { hash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { KeyRecord } from "../packages/keyroll/src/core/model.js";

export const HOST = "127.0.0.1";
const HERE = fileURLToPath(import.meta.url);
const REPO_ROOT = dirname(dirname(HERE));
/** The bootstrap admin key of the benchmark node (a throwaway database in a temp dir). */
const BOOTSTRAP_ADMIN_KEY = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";
/** CPUs this process may run on, read before any pinning (which narrows what the OS reports). */
export const CPUS = availableParallelism();
/** How long a child may take to come up or to go away before it counts as an error. */
const CHILD_TIMEOUT_MS = 60_000;

// ---- which Keyroll code runs ----------------------------------------------------------------------

/**
 * `dist`: the compiled package (what `keyroll serve` runs; rebuilt with `tsc -b` before the run).
 * `src`: the TypeScript sources through tsx, no build needed, but tsx compiles with esbuild's
 * `keepNames`, which adds a `__name()` call to every closure created per request.
 */
export type Source = "dist" | "src";

type MainModule = typeof import("../packages/keyroll/src/main.js");
type VerifierModule = typeof import("../packages/keyroll/src/verifier/index.js");
type DepsModule = typeof import("../packages/keyroll/src/services/deps.js");
type SecretModule = typeof import("../packages/keyroll/src/core/secret.js");
type VersionModule = typeof import("../packages/keyroll/src/core/version.js");
type IdsModule = typeof import("../packages/keyroll/src/core/ids.js");

/** The Keyroll modules the benchmark uses, from the compiled package or from the sources. */
async function loadKeyroll(source: Source, dir?: string) {
  const base = dir
    ? pathToFileURL(`${dir.replace(/\/$/, "")}/`)
    : new URL(`../packages/keyroll/${source}/`, import.meta.url);
  const mod = <T>(path: string) => import(new URL(path, base).href) as Promise<T>;
  const [main, deps, secret, version, ids, verifier] = await Promise.all([
    mod<MainModule>("main.js"),
    mod<DepsModule>("services/deps.js"),
    mod<SecretModule>("core/secret.js"),
    mod<VersionModule>("core/version.js"),
    mod<IdsModule>("core/ids.js"),
    mod<VerifierModule>("verifier/index.js"),
  ]);
  return { ...main, ...deps, ...secret, ...version, ...ids, ...verifier };
}

/** Brings packages/keyroll/dist up to date (`tsc -b`, incremental: quick when nothing changed). */
export function buildDist(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-b", "packages/keyroll"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) {
    throw new Error("building packages/keyroll failed; fix the build or run with --source src");
  }
}

// ---- small helpers -------------------------------------------------------------------------------

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of nothing");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}

// ---- autocannon (CommonJS, untyped: the few fields used here are typed locally) ----------------------

interface AutocannonOptions {
  url: string;
  method: "POST";
  headers: Record<string, string>;
  body: string;
  connections: number;
  pipelining: number;
  /** seconds */
  duration: number;
  sampleInt?: number;
  expectBody?: string;
  timeout?: number;
}
interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  mismatches: number;
  non2xx: number;
  resets: number;
  "2xx": number;
  requests: { total: number; sent: number };
}
type Autocannon = (opts: AutocannonOptions) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

// ---- child processes: one per server ---------------------------------------------------------------

type ChildRole = "keyroll" | "bare" | "bare-batched" | "fastify" | "keyroll-norec";
type ToChild = { type: "cpu" } | { type: "stop" };
type FromChild =
  | { type: "ready"; port: number; adminKey?: string; secret?: string }
  | { type: "cpu"; usage: NodeJS.CpuUsage; at: number }
  | { type: "error"; message: string };

/** A server running in a child process, reachable on 127.0.0.1. */
export interface ServerChild {
  readonly role: ChildRole;
  readonly port: number;
  readonly ready: Extract<FromChild, { type: "ready" }>;
  /** CPU time used by the child (µs) and the wall clock (ms) when it was read. */
  cpu(): Promise<{ cpuUs: number; at: number }>;
  stop(): Promise<void>;
}

/**
 * Pins a process (all its threads) to one CPU with `taskset`; false when that is not possible here
 * (no taskset, one CPU), and the run goes on unpinned.
 */
export function pinToCpu(pid: number, cpu: number): boolean {
  const r = spawnSync("taskset", ["-apc", String(cpu), String(pid)], { stdio: "ignore" });
  return r.status === 0;
}

/** The servers' entry point: plain JavaScript, so a server runs on plain node as `keyroll serve` does. */
const SERVERS = join(dirname(HERE), "servers.mjs");

export function startChild(
  role: ChildRole,
  opts: { env?: Record<string, string>; cpuProfDir?: string; pinCpu?: number | undefined },
) {
  // only Keyroll from src needs a TypeScript loader; everything else runs on plain node
  const execArgv = opts.env?.BENCH_KEYROLL_SOURCE === "src" ? ["--import", "tsx"] : [];
  if (opts.cpuProfDir) execArgv.push("--cpu-prof", `--cpu-prof-dir=${join(opts.cpuProfDir, role)}`);
  const child: ChildProcess = fork(SERVERS, [role], {
    cwd: REPO_ROOT,
    execArgv,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiters: Array<(m: FromChild) => void> = [];
  let exitErr: Error | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (code !== 0) exitErr = new Error(`${role} server exited with ${code ?? signal}`);
      resolve();
    });
  });
  const next = (type: FromChild["type"]) =>
    new Promise<FromChild>((resolve, reject) => {
      const onMsg = (m: FromChild) => {
        if (m.type === "error") reject(new Error(`${role} server: ${m.message}`));
        else if (m.type === type) resolve(m);
        else waiters.push(onMsg);
      };
      waiters.push(onMsg);
      void exited.then(() => reject(exitErr ?? new Error(`${role} server exited early`)));
    });
  child.on("message", (m: FromChild) => {
    const w = waiters.shift();
    if (w) w(m);
  });
  const send = (m: ToChild) => child.send(m);
  return withTimeout(next("ready"), CHILD_TIMEOUT_MS, `${role} server start`).then(
    (ready): ServerChild => {
      if (ready.type !== "ready") throw new Error("unexpected message");
      if (opts.pinCpu !== undefined && !pinToCpu(child.pid!, opts.pinCpu)) {
        throw new Error(
          `could not pin the ${role} server to CPU ${opts.pinCpu} (taskset); run with --no-pin`,
        );
      }
      return {
        role,
        port: ready.port,
        ready,
        async cpu() {
          const p = next("cpu");
          send({ type: "cpu" });
          const m = await withTimeout(p, 10_000, `${role} cpu usage`);
          if (m.type !== "cpu") throw new Error("unexpected message");
          return { cpuUs: m.usage.user + m.usage.system, at: m.at };
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            if (child.connected) send({ type: "stop" });
            try {
              await withTimeout(exited, 15_000, `${role} server stop`);
            } catch {
              child.kill("SIGKILL");
              await exited;
            }
          }
          if (exitErr) throw exitErr;
        },
      };
    },
    (err: Error) => {
      if (child.exitCode === null) child.kill("SIGKILL");
      throw err;
    },
  );
}

// ---- 1. HTTP ------------------------------------------------------------------------------------------

/** Settings of the HTTP benchmark. */
export interface HttpBenchOptions {
  rounds?: number;
  /** Duration of one measured run, per server and round. */
  durationMs?: number;
  /** Unmeasured load on each server before the first round. */
  warmupMs?: number;
  connections?: number;
  pipelining?: number;
  /** Which Keyroll code the node runs (default `dist`; the caller builds it, see `buildDist`). */
  source?: Source;
  /**
   * Also measure a minimal Fastify app on the same route (same body and response schemas, a
   * constant answer, no logger, no hooks): splits the gap into "the framework" and "Keyroll".
   */
  fastify?: boolean;
  /**
   * Also measure the bare server with Keyroll's I/O technique (body read at the next tick, answers
   * written once per event-loop turn, docs/decisions/0009): keyroll against it is the cost of
   * Keyroll's own work, with the I/O the same on both sides (default on).
   */
  bareBatched?: boolean;
  /** Benchmark another build of packages/keyroll (a directory holding main.js), for A/B of a change. */
  keyrollDir?: string;
  /** Write V8 CPU profiles of every server child into `<dir>/<role>` (keyroll, bare, fastify). */
  cpuProfDir?: string;
  /**
   * Pin the load generator (this process) to the first CPU and every server to the last one, so
   * each measured server has a CPU of its own and the scheduler cannot move it (default: on when
   * there are at least 2 CPUs and `taskset` works).
   */
  pin?: boolean;
  /**
   * Rounds measured on one set of server processes before they are replaced by fresh ones
   * (default 3). Two processes running identical code here can differ by 10–20 % for their whole
   * life (a late deoptimization in node's stream code, seen in V8's `--trace-deopt`); fresh
   * processes every few rounds make that a sample the median can outvote.
   */
  roundsPerProcess?: number;
  log?: (line: string) => void;
}

/** One measured run against one server. */
export interface HttpRun {
  /** Completed requests per second. */
  rps: number;
  requests: number;
  /** Share of one core the server used during the run (1 = a full core). */
  serverCpu: number;
  /** Share of one core this process (the load generator) used during the run. */
  loaderCpu: number;
  /** Server CPU time (user + system) per completed request, in µs. */
  serverCpuUsPerReq: number;
}

/** What the HTTP benchmark measured. */
export interface HttpBenchResult {
  keyroll: HttpRun[];
  bare: HttpRun[];
  keyrollMedianRps: number;
  bareMedianRps: number;
  /** Median over rounds of keyroll/bare, each round's runs back to back. */
  ratio: number;
  /**
   * Median over rounds of bare/keyroll server CPU per request: the same comparison by work done
   * rather than by rate achieved, so less sensitive to a server not getting a full core.
   */
  cpuRatio: number;
  /** The same node with usage recording off, and the median of keyroll/keyroll-off per round. */
  recordingOff: HttpRun[];
  recordingRatio: number;
  /** With `fastify: true`: the minimal Fastify app's runs, median and ratio fastify/bare. */
  fastify?: HttpRun[];
  fastifyMedianRps?: number;
  fastifyRatio?: number;
  /** Unless `bareBatched: false`: its runs, and the median of keyroll/bare-batched per round. */
  bareBatched?: HttpRun[];
  bareBatchedRatio?: number;
  /** The JSON Keyroll answered (and the bare server replays). */
  body: string;
  settings: Required<Omit<HttpBenchOptions, "cpuProfDir" | "log" | "fastify" | "bareBatched" | "keyrollDir">>;
}

async function loadOnce(
  server: ServerChild,
  req: { headers: Record<string, string>; body: string; expectBody: string },
  s: { durationMs: number; connections: number; pipelining: number },
): Promise<HttpRun> {
  const cpu0 = await server.cpu();
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await autocannon({
    url: `http://${HOST}:${server.port}/v1/verify`,
    method: "POST",
    headers: req.headers,
    body: req.body,
    connections: s.connections,
    pipelining: s.pipelining,
    duration: s.durationMs / 1000,
    sampleInt: 100,
    expectBody: req.expectBody,
    timeout: 10,
  });
  const wallMs = performance.now() - t0;
  const self = process.cpuUsage(self0);
  const cpu1 = await server.cpu();
  const bad = [
    r.errors && `${r.errors} errors`,
    r.timeouts && `${r.timeouts} timeouts`,
    r.non2xx && `${r.non2xx} non-2xx responses`,
    r.mismatches && `${r.mismatches} responses whose body was not the expected VALID answer`,
    r["2xx"] !== r.requests.total && `${r.requests.total - r["2xx"]} responses that were not 2xx`,
    r.requests.total === 0 && "no completed request",
  ].filter(Boolean);
  if (bad.length > 0) throw new Error(`${server.role}: ${bad.join(", ")}`);
  return {
    rps: r.requests.total / r.duration,
    requests: r.requests.total,
    serverCpu: (cpu1.cpuUs - cpu0.cpuUs) / 1000 / (cpu1.at - cpu0.at),
    loaderCpu: (self.user + self.system) / 1000 / wallMs,
    serverCpuUsPerReq: (cpu1.cpuUs - cpu0.cpuUs) / r.requests.total,
  };
}

/**
 * Measures POST /v1/verify on a real Keyroll node against a bare node:http server answering the
 * same bytes, in alternating rounds. Throws on any error, non-2xx or non-VALID answer.
 */
export async function runHttpBench(opts: HttpBenchOptions = {}): Promise<HttpBenchResult> {
  const settings = {
    rounds: opts.rounds ?? 15,
    durationMs: opts.durationMs ?? 1_000,
    warmupMs: opts.warmupMs ?? 2_000,
    connections: opts.connections ?? 10,
    pipelining: opts.pipelining ?? 1,
    source: opts.source ?? "dist",
    pin: opts.pin ?? CPUS >= 2,
    roundsPerProcess: opts.roundsPerProcess ?? 3,
  };
  if (settings.roundsPerProcess < 1) throw new Error("roundsPerProcess must be at least 1");
  if (settings.rounds < 1 || settings.rounds > 100) throw new Error("rounds must be 1-100");
  const log = opts.log ?? (() => undefined);
  const children: ServerChild[] = [];
  let result: HttpBenchResult | undefined;
  let error: unknown;
  try {
    result = await measureHttp(children, settings, opts, log);
  } catch (err) {
    error = err;
  }
  // stop every server even if a measurement failed; report the first failure
  const stopped = await Promise.allSettled(children.map((c) => c.stop()));
  if (error !== undefined) throw error;
  const failed = stopped.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed) throw failed.reason;
  return result!;
}

/** One set of server processes, with the request each one is measured with. */
interface ServerSet {
  servers: ServerChild[];
  reqFor: (s: ServerChild) => { headers: Record<string, string>; body: string; expectBody: string };
  /** Keyroll's real answer, which the bare server replays. */
  body: string;
}

/** Fetches one verify answer and checks it is VALID. */
export async function validAnswer(server: ServerChild, headers: Record<string, string>, body: string) {
  const res = await fetch(`http://${HOST}:${server.port}/v1/verify`, { method: "POST", headers, body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${server.role} answered ${res.status}: ${text}`);
  const parsed = JSON.parse(text) as { valid?: boolean; code?: string };
  if (parsed.valid !== true || parsed.code !== "VALID")
    throw new Error(`${server.role}: verify is not VALID: ${text}`);
  return text;
}

/** Starts Keyroll, the bare server (and Fastify), and Keyroll with usage recording off. */
async function startServers(
  children: ServerChild[],
  settings: HttpBenchResult["settings"],
  opts: HttpBenchOptions,
): Promise<ServerSet> {
  const common = {
    ...(opts.cpuProfDir !== undefined && { cpuProfDir: opts.cpuProfDir }),
    pinCpu: settings.pin ? CPUS - 1 : undefined,
  };
  const keyrollEnv = {
    BENCH_KEYROLL_SOURCE: settings.source,
    ...(opts.keyrollDir !== undefined && { BENCH_KEYROLL_DIR: opts.keyrollDir }),
  };
  const keyroll = await startChild("keyroll", { env: keyrollEnv, ...common });
  children.push(keyroll);
  // the same node with usage recording off: what recording costs, measured in the same rounds
  const norec = await startChild("keyroll-norec", {
    env: { ...keyrollEnv, BENCH_USAGE_RECORDING: "false" },
    ...common,
  });
  children.push(norec);
  const requestOf = (c: ServerChild) => {
    const { adminKey, secret } = c.ready;
    if (!adminKey || !secret) throw new Error(`${c.role} child sent no keys`);
    return {
      headers: { "content-type": "application/json", authorization: `Bearer ${adminKey}` },
      body: JSON.stringify({ key: secret }),
    };
  };
  const req = requestOf(keyroll);
  const norecReq = requestOf(norec);
  // take the real answer once: it is deterministic (no time, no request id in the body)
  const body = await validAnswer(keyroll, req.headers, req.body);
  const norecAnswer = await validAnswer(norec, norecReq.headers, norecReq.body);
  const servers: ServerChild[] = [keyroll];
  const baselines: ChildRole[] = ["bare"];
  if (opts.bareBatched ?? true) baselines.push("bare-batched");
  if (opts.fastify) baselines.push("fastify");
  for (const role of baselines) {
    const c = await startChild(role, { env: { BENCH_BARE_BODY: body }, ...common });
    children.push(c);
    servers.push(c);
  }
  servers.push(norec);
  return {
    servers,
    reqFor: (s) =>
      s.role === "keyroll-norec" ? { ...norecReq, expectBody: norecAnswer } : { ...req, expectBody: body },
    body,
  };
}

async function measureHttp(
  children: ServerChild[],
  settings: HttpBenchResult["settings"],
  opts: HttpBenchOptions,
  log: (line: string) => void,
): Promise<HttpBenchResult> {
  if (settings.pin) {
    if (!pinToCpu(process.pid, 0))
      throw new Error("could not pin the load generator (taskset); run with --no-pin");
    log(`http: load generator pinned to CPU 0, servers to CPU ${CPUS - 1}`);
  }
  const runs: Record<ChildRole, HttpRun[]> = {
    keyroll: [],
    bare: [],
    "bare-batched": [],
    fastify: [],
    "keyroll-norec": [],
  };
  const recordingRatios: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  let set: ServerSet | undefined;
  for (let i = 0; i < settings.rounds; i++) {
    if (i % settings.roundsPerProcess === 0) {
      // fresh processes: one process's unlucky JIT state cannot decide the result (bench/README.md)
      await Promise.all(children.splice(0).map((c) => c.stop()));
      set = await startServers(children, settings, opts);
      if (settings.warmupMs > 0) {
        log(`http: servers (re)started, warm-up ${settings.warmupMs} ms each`);
        const w = { ...settings, durationMs: settings.warmupMs };
        for (const server of set.servers) await loadOnce(server, set.reqFor(server), w);
      }
    }
    const { servers, reqFor } = set!;
    // rotate the order (A B C, B C A, …) so no server always gets the same slot
    const order = servers.map((_, k) => servers[(k + i) % servers.length]!);
    const got: Partial<Record<ChildRole, HttpRun>> = {};
    for (const server of order) {
      await sleep(50);
      got[server.role] = await loadOnce(server, reqFor(server), settings);
    }
    const k = got.keyroll!;
    const b = got.bare!;
    runs.keyroll.push(k);
    runs.bare.push(b);
    ratios.push(k.rps / b.rps);
    cpuRatios.push(b.serverCpuUsPerReq / k.serverCpuUsPerReq);
    const line = (name: string, r: HttpRun) =>
      `${name} ${fmt(r.rps)} req/s (server ${pct(r.serverCpu)} cpu, ` +
      `${r.serverCpuUsPerReq.toFixed(1)} µs/req; loader ${pct(r.loaderCpu)})`;
    const n = got["keyroll-norec"]!;
    runs["keyroll-norec"].push(n);
    recordingRatios.push(k.rps / n.rps);
    const parts = [line("keyroll", k), line("bare", b), line("keyroll (recording off)", n)];
    for (const role of ["bare-batched", "fastify"] as const) {
      const r = got[role];
      if (r === undefined) continue;
      runs[role].push(r);
      parts.push(line(role, r));
    }
    log(
      `http round ${i + 1}/${settings.rounds}: ${parts.join(", ")}, ratio ${ratios[i]!.toFixed(3)}, ` +
        `recording on/off ${recordingRatios[i]!.toFixed(3)}`,
    );
  }
  const fastify = runs.fastify.length > 0 ? runs.fastify : undefined;
  const bareBatched = runs["bare-batched"].length > 0 ? runs["bare-batched"] : undefined;
  return {
    keyroll: runs.keyroll,
    bare: runs.bare,
    keyrollMedianRps: median(runs.keyroll.map((r) => r.rps)),
    bareMedianRps: median(runs.bare.map((r) => r.rps)),
    ratio: median(ratios),
    cpuRatio: median(cpuRatios),
    recordingOff: runs["keyroll-norec"],
    recordingRatio: median(recordingRatios),
    ...(fastify && {
      fastify,
      fastifyMedianRps: median(fastify.map((r) => r.rps)),
      fastifyRatio: median(fastify.map((f, k) => f.rps / runs.bare[k]!.rps)),
    }),
    ...(bareBatched && {
      bareBatched,
      bareBatchedRatio: median(bareBatched.map((b, k) => runs.keyroll[k]!.rps / b.rps)),
    }),
    body: set!.body,
    settings,
  };
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

// ---- 2. in-process -------------------------------------------------------------------------------------

/** Settings of the in-process benchmark. */
export interface InProcessBenchOptions {
  /** Which Keyroll code runs (default `dist`; the caller builds it, see `buildDist`). */
  source?: Source;
  /** Benchmark another build of packages/keyroll (a directory holding main.js), for A/B of a change. */
  keyrollDir?: string;
  /** How many real keys to create and cycle through. */
  keys?: number;
  rounds?: number;
  durationMs?: number;
  warmupMs?: number;
  log?: (line: string) => void;
}

/** What the in-process benchmark measured. */
export interface InProcessBenchResult {
  keyroll: number[];
  bare: number[];
  keyrollMedianOps: number;
  bareMedianOps: number;
  /** Median over rounds of keyroll/bare. */
  ratio: number;
  /** Two twin verifiers over the same store, usage recording on and off, and the median of on/off per round. */
  recordingOn: number[];
  recordingOff: number[];
  recordingRatio: number;
  /**
   * The control: the bare loop with the digest form Keyroll's index uses (32 raw bytes instead of
   * 64 hex characters), and the median of keyroll/that loop per round.
   */
  raw: number[];
  rawRatio: number;
  /** Index size of the verifier (the keys plus the bootstrap admin key). */
  indexSize: number;
  settings: Required<Omit<InProcessBenchOptions, "log" | "keyrollDir">>;
}

/** Runs `batch` repeatedly for about `durationMs`; returns operations per second. */
function timed(durationMs: number, batch: () => number): number {
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  // bounded: the clock decides, with a hard cap on batches in case the clock misbehaves
  for (let i = 0; i < 100_000_000 && elapsed < durationMs; i++) {
    ops += batch();
    elapsed = performance.now() - t0;
  }
  return (ops / elapsed) * 1000;
}

/**
 * Measures `verifier.verifyCached(secret)` over `keys` real keys (created through the store in one
 * transaction and indexed from the change feed) against a bare SHA-256 + Map.get loop over the
 * same secrets, in alternating rounds. Throws if any verification is not VALID.
 */
export async function runInProcessBench(opts: InProcessBenchOptions = {}): Promise<InProcessBenchResult> {
  const settings = {
    keys: opts.keys ?? 10_000,
    rounds: opts.rounds ?? 9,
    durationMs: opts.durationMs ?? 1_000,
    warmupMs: opts.warmupMs ?? 2_000,
    source: opts.source ?? "dist",
  };
  if (settings.keys < 1 || settings.keys > 1_000_000) throw new Error("keys must be 1-1,000,000");
  if (settings.rounds < 1 || settings.rounds > 100) throw new Error("rounds must be 1-100");
  const log = opts.log ?? (() => undefined);
  const {
    createKeyroll,
    createVerifier,
    resolveConfig,
    SYSTEM_ACTOR,
    generateSecret,
    DEFAULT_PREFIX,
    buildVersion,
    newId,
  } = await loadKeyroll(settings.source, opts.keyrollDir);

  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-"));
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: join(dir, "keyroll.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "silent",
      },
    }),
  );
  try {
    const consumer = await kr.services.consumers.create({ name: "bench consumer" }, SYSTEM_ACTOR);
    // what keys.create writes (key, version 1, change-feed row), minus the audit entry, for N keys in
    // one transaction instead of N fsynced ones; the verifier then indexes them from the change feed
    const secrets: string[] = [];
    const t0 = performance.now();
    await kr.store.transaction(async (tx) => {
      for (let i = 0; i < settings.keys; i++) {
        const now = Date.now();
        const secret = generateSecret(DEFAULT_PREFIX);
        const key: KeyRecord = {
          id: newId("key", now),
          consumerId: consumer.id,
          name: `bench ${i}`,
          scopes: ["orders:read"],
          prefix: DEFAULT_PREFIX,
          metadata: {},
          createdAt: now,
          expiresAt: null,
          revokedAt: null,
          admin: false,
          allowSuccessorPickup: true,
        };
        await tx.insertKey(key, now);
        await tx.insertVersion(
          buildVersion({
            keyId: key.id,
            version: 1,
            secret,
            imported: false,
            now,
            activatesAt: now,
            storedState: "active",
          }),
        );
        await tx.appendChange({ op: "key.created", keyId: key.id, consumerId: consumer.id, at: now });
        secrets.push(secret);
      }
    });
    await kr.verifier.sync();
    const indexSize = kr.verifier.status().size;
    if (indexSize < settings.keys)
      throw new Error(`index holds ${indexSize} versions, expected ≥ ${settings.keys}`);
    for (const s of secrets) {
      const r = kr.verifier.verifyCached(s);
      if (r?.code !== "VALID") throw new Error(`a benchmark key does not verify: ${r?.code ?? "not cached"}`);
    }
    log(`in-process: ${settings.keys} keys created and indexed in ${fmt(performance.now() - t0)} ms`);

    const bareMap = new Map<string, { keyId: string }>();
    for (const s of secrets) bareMap.set(hash("sha256", s, "hex"), { keyId: "x" });
    // the control: the same loop with the digest form Keyroll's index uses (32 raw bytes, not hex)
    const rawMap = new Map<string, { keyId: string }>();
    for (const s of secrets) rawMap.set(hash("sha256", s, "binary"), { keyId: "x" });

    const n = secrets.length;
    const BATCH = 1024;
    let ki = 0;
    let bad = 0;
    const verifier = kr.verifier;
    // One hand-written loop per variant, on purpose: closures from one shared loop share V8's
    // feedback, so its `verifyCached` call would see several targets and go polymorphic; that
    // biased a comparison by ≈ 24 % when tried.
    const keyrollBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        const r = verifier.verifyCached(secrets[ki]!);
        if (r === undefined || !r.valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const bareBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        if (bareMap.get(hash("sha256", secrets[ki]!, "hex")) === undefined) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const rawBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        if (rawMap.get(hash("sha256", secrets[ki]!, "binary")) === undefined) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    // what recording costs, alone: two more verifiers over the same store, built the same way, one
    // with usage recording and one without (comparing the node's own verifier, indexed from the
    // change feed, with a twin loaded at start measured the twin up to 34 % slower for nothing)
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const twin = (usageRecording: boolean) =>
      createVerifier({ store: kr.store, clock: { now: () => Date.now() }, logger: silent, usageRecording });
    const on = twin(true);
    const off = twin(false);
    await on.start();
    await off.start();
    const onBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        const r = on.verifyCached(secrets[ki]!);
        if (r === undefined || !r.valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const offBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        const r = off.verifyCached(secrets[ki]!);
        if (r === undefined || !r.valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const check = () => {
      if (bad > 0) throw new Error(`${bad} verifications were not VALID`);
    };

    if (settings.warmupMs > 0) {
      for (const batch of [keyrollBatch, bareBatch, rawBatch, onBatch, offBatch])
        timed(settings.warmupMs / 5, batch);
      check();
    }
    const out = {
      keyroll: [] as number[],
      bare: [] as number[],
      on: [] as number[],
      off: [] as number[],
      raw: [] as number[],
    };
    const ratios: number[] = [];
    const recordingRatios: number[] = [];
    const rawRatios: number[] = [];
    const batches = { keyroll: keyrollBatch, bare: bareBatch, on: onBatch, off: offBatch, raw: rawBatch };
    const names = ["keyroll", "bare", "on", "off", "raw"] as const;
    for (let i = 0; i < settings.rounds; i++) {
      // rotate the order each round so no variant always runs first
      const got: Partial<Record<(typeof names)[number], number>> = {};
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length]!;
        got[name] = timed(settings.durationMs, batches[name]);
        await sleep(50); // let the verifier's timers (feed poll, usage flush) run outside the window
      }
      check();
      const k = got.keyroll!;
      const b = got.bare!;
      const t = got.on!;
      const o = got.off!;
      const w = got.raw!;
      out.keyroll.push(k);
      out.bare.push(b);
      out.on.push(t);
      out.off.push(o);
      out.raw.push(w);
      ratios.push(k / b);
      recordingRatios.push(t / o);
      rawRatios.push(k / w);
      log(
        `in-process round ${i + 1}/${settings.rounds}: verifyCached ${fmt(k)} ops/s, ` +
          `sha256+Map.get ${fmt(b)} ops/s, raw-digest loop ${fmt(w)} ops/s, twins recording on ${fmt(t)} / off ${fmt(o)} ops/s, ` +
          `ratio ${(k / b).toFixed(3)}, keyroll/raw ${(k / w).toFixed(3)}, recording on/off ${(t / o).toFixed(3)}`,
      );
    }
    await on.stop();
    await off.stop();
    return {
      recordingOn: out.on,
      recordingOff: out.off,
      recordingRatio: median(recordingRatios),
      keyroll: out.keyroll,
      bare: out.bare,
      keyrollMedianOps: median(out.keyroll),
      bareMedianOps: median(out.bare),
      ratio: median(ratios),
      raw: out.raw,
      rawRatio: median(rawRatios),
      indexSize,
      settings,
    };
  } finally {
    await kr.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- CLI ------------------------------------------------------------------------------------------------

/** Targets the benchmark reports against (it reports; it does not gate). */
export const TARGETS = { http: 0.85, inProcess: 0.7, recording: 0.9 } as const;

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      rounds: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
      connections: { type: "string" },
      pipelining: { type: "string" },
      keys: { type: "string" },
      "inproc-duration": { type: "string" },
      only: { type: "string" },
      "cpu-prof": { type: "string" },
      source: { type: "string" },
      fastify: { type: "boolean" },
      "no-bare-batched": { type: "boolean" },
      "keyroll-dir": { type: "string" },
      pin: { type: "boolean" },
      "no-pin": { type: "boolean" },
      "rounds-per-process": { type: "string" },
    },
  });
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const only = values.only;
  if (only !== undefined && only !== "http" && only !== "inproc") throw new Error("--only is http or inproc");
  const source = values.source ?? "dist";
  if (source !== "dist" && source !== "src") throw new Error("--source is dist or src");
  const log = (l: string) => console.log(l);
  const rounds = num(values.rounds, "rounds");
  console.log(
    `keyroll verify benchmark — node ${process.version}, ${availableParallelism()} cpus, ` +
      `keyroll from ${source}, ${new Date().toISOString()}`,
  );
  if (source === "dist") buildDist();

  let http: HttpBenchResult | undefined;
  if (only !== "inproc") {
    http = await runHttpBench({
      ...(rounds !== undefined && { rounds }),
      ...optional("durationMs", num(values.duration, "duration")),
      ...optional("warmupMs", num(values.warmup, "warmup")),
      ...optional("connections", num(values.connections, "connections")),
      ...optional("pipelining", num(values.pipelining, "pipelining")),
      ...optional("cpuProfDir", values["cpu-prof"]),
      ...optional("keyrollDir", values["keyroll-dir"]),
      ...optional("roundsPerProcess", num(values["rounds-per-process"], "rounds-per-process")),
      fastify: values.fastify === true,
      bareBatched: values["no-bare-batched"] !== true,
      ...(values["no-pin"] === true && { pin: false }),
      ...(values.pin === true && { pin: true }),
      source,
      log,
    });
  }
  let inproc: InProcessBenchResult | undefined;
  if (only !== "http") {
    inproc = await runInProcessBench({
      ...(rounds !== undefined && { rounds }),
      ...optional("keys", num(values.keys, "keys")),
      ...optional("durationMs", num(values["inproc-duration"], "inproc-duration")),
      ...optional("keyrollDir", values["keyroll-dir"]),
      source,
      log,
    });
  }

  console.log("\n== summary ==");
  if (http) {
    const s = http.settings;
    console.log(
      `HTTP POST /v1/verify (${s.connections} connections, pipelining ${s.pipelining}, ` +
        `${s.rounds} × ${s.durationMs} ms per server):`,
    );
    const us = (runs: HttpRun[]) => median(runs.map((r) => r.serverCpuUsPerReq)).toFixed(1);
    console.log(
      `  keyroll  ${fmt(http.keyrollMedianRps)} req/s (median), ${us(http.keyroll)} µs server CPU/req`,
    );
    console.log(`  bare     ${fmt(http.bareMedianRps)} req/s (median), ${us(http.bare)} µs server CPU/req`);
    console.log(
      `  ratio    ${http.ratio.toFixed(3)} (target ≥ ${TARGETS.http}: ${http.ratio >= TARGETS.http ? "MET" : "MISSED"})`,
    );
    console.log(
      `  recording off ${fmt(median(http.recordingOff.map((r) => r.rps)))} req/s (median), ${us(http.recordingOff)} µs server CPU/req`,
    );
    console.log(
      `  recording on/off ${http.recordingRatio.toFixed(3)} (usage recording costs ≤ 10%: target ≥ ${TARGETS.recording}: ${
        http.recordingRatio >= TARGETS.recording ? "MET" : "MISSED"
      })`,
    );
    if (http.bareBatched) {
      console.log(
        `  bare, batched I/O ${fmt(median(http.bareBatched.map((r) => r.rps)))} req/s (median), ${us(http.bareBatched)} µs server CPU/req, ` +
          `keyroll/bare-batched ${http.bareBatchedRatio!.toFixed(3)} (the same I/O on both sides: Keyroll's own work)`,
      );
    }
    if (http.fastify) {
      console.log(
        `  fastify  ${fmt(http.fastifyMedianRps!)} req/s (median), ${us(http.fastify)} µs server CPU/req, ` +
          `fastify/bare ${http.fastifyRatio!.toFixed(3)} (minimal Fastify app on the same route)`,
      );
    }
    console.log(`  server CPU per request, bare/keyroll: ${http.cpuRatio.toFixed(3)} (informative)`);
  }
  if (inproc) {
    const s = inproc.settings;
    console.log(`in-process verifyCached over ${s.keys} keys (${s.rounds} × ${s.durationMs} ms):`);
    console.log(`  verifyCached      ${fmt(inproc.keyrollMedianOps)} ops/s (median)`);
    console.log(`  sha256 + Map.get  ${fmt(inproc.bareMedianOps)} ops/s (median)`);
    console.log(
      `  ratio             ${inproc.ratio.toFixed(3)} (target ≥ ${TARGETS.inProcess}: ${inproc.ratio >= TARGETS.inProcess ? "MET" : "MISSED"})`,
    );
    console.log(
      `  raw-digest loop   ${fmt(median(inproc.raw))} ops/s (median); keyroll/raw ${inproc.rawRatio.toFixed(3)} ` +
        `(the same loop with the index's 32-byte digests instead of hex: Keyroll's own work)`,
    );
    console.log(
      `  twin verifiers    recording on ${fmt(median(inproc.recordingOn))} / off ${fmt(median(inproc.recordingOff))} ops/s (median)`,
    );
    console.log(
      `  recording on/off  ${inproc.recordingRatio.toFixed(3)} (usage recording costs ≤ 10%: target ≥ ${TARGETS.recording}: ${
        inproc.recordingRatio >= TARGETS.recording ? "MET" : "MISSED"
      })`,
    );
  }
}

function optional<K extends string, V>(k: K, v: V | undefined): Partial<Record<K, V>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, V>);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`bench:verify failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
