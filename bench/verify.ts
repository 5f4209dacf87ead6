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
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { KeyRecord } from "../packages/keyroll/src/core/model.js";

const HOST = "127.0.0.1";
const HERE = fileURLToPath(import.meta.url);
const REPO_ROOT = dirname(dirname(HERE));
/** The bootstrap admin key of the benchmark node (a throwaway database in a temp dir). */
const BOOTSTRAP_ADMIN_KEY = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";
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

type ChildRole = "keyroll" | "bare" | "fastify" | "keyroll-norec";
type ToChild = { type: "cpu" } | { type: "stop" };
type FromChild =
  | { type: "ready"; port: number; adminKey?: string; secret?: string }
  | { type: "cpu"; usage: NodeJS.CpuUsage; at: number }
  | { type: "error"; message: string };

/** A server running in a child process, reachable on 127.0.0.1. */
interface ServerChild {
  readonly role: ChildRole;
  readonly port: number;
  readonly ready: Extract<FromChild, { type: "ready" }>;
  /** CPU time used by the child (µs) and the wall clock (ms) when it was read. */
  cpu(): Promise<{ cpuUs: number; at: number }>;
  stop(): Promise<void>;
}

function startChild(role: ChildRole, opts: { env?: Record<string, string>; cpuProfDir?: string }) {
  const execArgv = ["--import", "tsx"];
  if (opts.cpuProfDir) execArgv.push("--cpu-prof", `--cpu-prof-dir=${join(opts.cpuProfDir, role)}`);
  const child: ChildProcess = fork(HERE, ["--bench-child", role], {
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

/** Child side: answers the parent's cpu and stop messages; exits when the parent goes away. */
function serveParent(close: () => Promise<void>): void {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      (err: Error) => {
        process.stderr.write(`bench child: close failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("message", (m: ToChild) => {
    if (m.type === "cpu") process.send!({ type: "cpu", usage: process.cpuUsage(), at: performance.now() });
    else if (m.type === "stop") stop();
  });
  process.on("disconnect", stop);
}

/** Child: a real Keyroll node on a temp SQLite file, with a consumer key and a verify-scoped admin key. */
async function keyrollChild(): Promise<void> {
  const source = process.env.BENCH_KEYROLL_SOURCE === "src" ? "src" : "dist";
  const { createKeyroll, resolveConfig, SYSTEM_ACTOR } = await loadKeyroll(
    source,
    process.env.BENCH_KEYROLL_DIR,
  );
  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-"));
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: join(dir, "keyroll.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_ADMIN_KEY,
        KEYROLL_LOG_LEVEL: process.env.BENCH_KEYROLL_LOG_LEVEL ?? "warn",
        // the recording-off twin: same node, no per-version usage counting
        ...(process.env.BENCH_USAGE_RECORDING === "false" && { KEYROLL_USAGE_RECORDING: "false" }),
      },
    }),
  );
  const boot = kr.verifier.verifyCached(BOOTSTRAP_ADMIN_KEY);
  if (!boot?.valid || !boot.consumerId) throw new Error("bootstrap admin key does not verify");
  // the admin key the benchmark authenticates with: scope `verify` only, as a gateway would hold
  const admin = await kr.services.keys.create(
    { consumerId: boot.consumerId, name: "bench verify", scopes: ["verify"] },
    SYSTEM_ACTOR,
  );
  const consumer = await kr.services.consumers.create({ name: "bench consumer" }, SYSTEM_ACTOR);
  const key = await kr.services.keys.create(
    { consumerId: consumer.id, name: "bench key", scopes: ["orders:read", "orders:write"] },
    SYSTEM_ACTOR,
  );
  await kr.app.listen({ host: HOST, port: 0 });
  const addr = kr.app.server.address();
  if (addr === null || typeof addr === "string") throw new Error("no TCP address");
  serveParent(async () => {
    await kr.close();
    rmSync(dir, { recursive: true, force: true });
  });
  process.send!({ type: "ready", port: addr.port, adminKey: admin.secret, secret: key.secret });
}

/** Child: node:http reading the request body and answering constant JSON bytes. */
async function bareChild(): Promise<void> {
  const body = Buffer.from(process.env.BENCH_BARE_BODY ?? "", "utf8");
  if (body.length === 0) throw new Error("BENCH_BARE_BODY is empty");
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      res.writeHead(200, {
        "content-type": "application/json; charset=utf-8",
        "content-length": body.length,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no TCP address");
  serveParent(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  process.send!({ type: "ready", port: addr.port });
}

/**
 * Child: the smallest Fastify app serving the same route: JSON body parsed and validated against
 * the same body schema, the constant answer serialized through a response schema. No logger, no
 * hooks, no auth, no verifier.
 */
async function fastifyChild(): Promise<void> {
  const { default: Fastify } = await import("fastify");
  const answer = JSON.parse(process.env.BENCH_BARE_BODY ?? "") as Record<string, unknown>;
  const str = { type: "string" };
  const nullable = (t: string) => ({ anyOf: [{ type: t }, { type: "null" }] });
  const app = Fastify({ logger: false });
  app.post(
    "/v1/verify",
    {
      schema: {
        body: {
          type: "object",
          properties: { key: { type: "string", maxLength: 4096 }, scopes: { type: "array", items: str } },
          required: ["key"],
          additionalProperties: false,
        },
        response: {
          200: {
            type: "object",
            properties: {
              valid: { type: "boolean" },
              code: str,
              keyId: nullable("string"),
              consumerId: nullable("string"),
              version: nullable("integer"),
              scopes: { type: "array", items: str },
              deprecated: { type: "boolean" },
              expiresAt: nullable("string"),
            },
          },
        },
      },
    },
    (_req, reply) => reply.send(answer),
  );
  await app.listen({ host: HOST, port: 0 });
  const addr = app.server.address();
  if (addr === null || typeof addr === "string") throw new Error("no TCP address");
  serveParent(() => app.close());
  process.send!({ type: "ready", port: addr.port });
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
  /** Benchmark another build of packages/keyroll (a directory holding main.js), for A/B of a change. */
  keyrollDir?: string;
  /** Write V8 CPU profiles of every server child into `<dir>/<role>` (keyroll, bare, fastify). */
  cpuProfDir?: string;
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
  /** The JSON Keyroll answered (and the bare server replays). */
  body: string;
  settings: Required<Omit<HttpBenchOptions, "cpuProfDir" | "log" | "fastify" | "keyrollDir">>;
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
    rounds: opts.rounds ?? 3,
    durationMs: opts.durationMs ?? 5_000,
    warmupMs: opts.warmupMs ?? 2_000,
    connections: opts.connections ?? 10,
    pipelining: opts.pipelining ?? 1,
    source: opts.source ?? "dist",
  };
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

async function measureHttp(
  children: ServerChild[],
  settings: HttpBenchResult["settings"],
  opts: HttpBenchOptions,
  log: (line: string) => void,
): Promise<HttpBenchResult> {
  const prof = opts.cpuProfDir !== undefined ? { cpuProfDir: opts.cpuProfDir } : {};
  const keyroll = await startChild("keyroll", {
    env: {
      BENCH_KEYROLL_SOURCE: settings.source,
      ...(opts.keyrollDir !== undefined && { BENCH_KEYROLL_DIR: opts.keyrollDir }),
    },
    ...prof,
  });
  children.push(keyroll);
  const { adminKey, secret } = keyroll.ready;
  if (!adminKey || !secret) throw new Error("keyroll child sent no keys");
  const headers = { "content-type": "application/json", authorization: `Bearer ${adminKey}` };
  const reqBody = JSON.stringify({ key: secret });
  // take the real answer once: it is deterministic (no time, no request id in the body)
  const res = await fetch(`http://${HOST}:${keyroll.port}/v1/verify`, {
    method: "POST",
    headers,
    body: reqBody,
  });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`keyroll answered ${res.status}: ${body}`);
  const parsed = JSON.parse(body) as { valid?: boolean; code?: string };
  if (parsed.valid !== true || parsed.code !== "VALID") throw new Error(`verify is not VALID: ${body}`);
  const servers: ServerChild[] = [keyroll];
  for (const role of opts.fastify ? (["bare", "fastify"] as const) : (["bare"] as const)) {
    const c = await startChild(role, { env: { BENCH_BARE_BODY: body }, ...prof });
    children.push(c);
    servers.push(c);
  }
  // the same node with usage recording off: what recording costs, measured in the same rounds
  const norec = await startChild("keyroll-norec", {
    env: {
      BENCH_KEYROLL_SOURCE: settings.source,
      BENCH_USAGE_RECORDING: "false",
      ...(opts.keyrollDir !== undefined && { BENCH_KEYROLL_DIR: opts.keyrollDir }),
    },
    ...prof,
  });
  children.push(norec);
  servers.push(norec);
  const norecHeaders = {
    "content-type": "application/json",
    authorization: `Bearer ${norec.ready.adminKey}`,
  };
  const norecBody = JSON.stringify({ key: norec.ready.secret });
  const norecAnswer = await (
    await fetch(`http://${HOST}:${norec.port}/v1/verify`, {
      method: "POST",
      headers: norecHeaders,
      body: norecBody,
    })
  ).text();
  if (JSON.parse(norecAnswer).code !== "VALID")
    throw new Error(`recording-off node: verify is not VALID: ${norecAnswer}`);
  const norecReq = { headers: norecHeaders, body: norecBody, expectBody: norecAnswer };

  const req = { headers, body: reqBody, expectBody: body };
  const reqFor = (s: ServerChild) => (s.role === "keyroll-norec" ? norecReq : req);
  if (settings.warmupMs > 0) {
    log(`http: warm-up ${settings.warmupMs} ms per server`);
    const w = { ...settings, durationMs: settings.warmupMs };
    for (const server of servers) await loadOnce(server, reqFor(server), w);
  }
  const runs: Record<ChildRole, HttpRun[]> = { keyroll: [], bare: [], fastify: [], "keyroll-norec": [] };
  const recordingRatios: number[] = [];
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  for (let i = 0; i < settings.rounds; i++) {
    // rotate the order (A B, B A; or A B C, B C A, …) so no server always gets the same slot
    const order = servers.map((_, k) => servers[(k + i) % servers.length]!);
    const got: Partial<Record<ChildRole, HttpRun>> = {};
    for (const server of order) {
      await sleep(200);
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
    if (got.fastify) {
      runs.fastify.push(got.fastify);
      parts.push(line("fastify", got.fastify));
    }
    log(
      `http round ${i + 1}/${settings.rounds}: ${parts.join(", ")}, ratio ${ratios[i]!.toFixed(3)}, ` +
        `recording on/off ${recordingRatios[i]!.toFixed(3)}`,
    );
  }
  const fastify = runs.fastify.length > 0 ? runs.fastify : undefined;
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
    body,
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
  /** The same index with usage recording off, and the median of on/off per round. */
  recordingOff: number[];
  recordingRatio: number;
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
    rounds: opts.rounds ?? 3,
    durationMs: opts.durationMs ?? 3_000,
    warmupMs: opts.warmupMs ?? 1_000,
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

    const n = secrets.length;
    const BATCH = 1024;
    let ki = 0;
    let bad = 0;
    const verifier = kr.verifier;
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
    // the same index with usage recording off, in the same process: what recording costs, alone
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const off = createVerifier({
      store: kr.store,
      clock: { now: () => Date.now() },
      logger: silent,
      usageRecording: false,
    });
    await off.start();
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
      timed(settings.warmupMs / 3, keyrollBatch);
      timed(settings.warmupMs / 3, bareBatch);
      timed(settings.warmupMs / 3, offBatch);
      check();
    }
    const out = { keyroll: [] as number[], bare: [] as number[], off: [] as number[] };
    const ratios: number[] = [];
    const recordingRatios: number[] = [];
    const batches = { keyroll: keyrollBatch, bare: bareBatch, off: offBatch };
    const names = ["keyroll", "bare", "off"] as const;
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
      const o = got.off!;
      out.keyroll.push(k);
      out.bare.push(b);
      out.off.push(o);
      ratios.push(k / b);
      recordingRatios.push(k / o);
      log(
        `in-process round ${i + 1}/${settings.rounds}: verifyCached ${fmt(k)} ops/s, ` +
          `sha256+Map.get ${fmt(b)} ops/s, recording off ${fmt(o)} ops/s, ratio ${(k / b).toFixed(3)}, ` +
          `recording on/off ${(k / o).toFixed(3)}`,
      );
    }
    await off.stop();
    return {
      recordingOff: out.off,
      recordingRatio: median(recordingRatios),
      keyroll: out.keyroll,
      bare: out.bare,
      keyrollMedianOps: median(out.keyroll),
      bareMedianOps: median(out.bare),
      ratio: median(ratios),
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
      "keyroll-dir": { type: "string" },
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
      fastify: values.fastify === true,
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
    console.log(`  recording off     ${fmt(median(inproc.recordingOff))} ops/s (median)`);
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
  const role = process.argv[2] === "--bench-child" ? process.argv[3] : undefined;
  const roles: Record<string, () => Promise<void>> = {
    keyroll: keyrollChild,
    bare: bareChild,
    fastify: fastifyChild,
    "keyroll-norec": keyrollChild,
  };
  const child = role === undefined ? undefined : roles[role];
  const run =
    role === undefined
      ? main(process.argv.slice(2))
      : child
        ? child()
        : Promise.reject(new Error(`unknown child role ${role}`));
  run.then(
    () => {
      // children keep running until the parent says stop; the CLI ends when its work is done
      if (role === undefined) process.exit(0);
    },
    (err: Error) => {
      if (role !== undefined && process.connected) process.send!({ type: "error", message: err.message });
      console.error(`bench:verify failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
