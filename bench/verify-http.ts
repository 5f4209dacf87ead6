// The verify benchmark, part 1 (HTTP): POST /v1/verify on a listening node vs a bare node:http server,
// each in its own child process, load from autocannon in this one. Run through verify.ts.
import { type ChildProcess, fork, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  CHILD_TIMEOUT_MS,
  CPUS,
  fmt,
  HERE,
  HOST,
  median,
  REPO_ROOT,
  type Source,
  sleep,
  withTimeout,
} from "./verify-shared.js";

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

export const pct = (x: number) => `${Math.round(x * 100)}%`;
