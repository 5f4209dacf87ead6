// A small cluster of real `keyroll serve` processes (the built bin) on one PostgreSQL database, for
// the multi-node tests: spawn N nodes on 127.0.0.1, wait for /healthz, talk to them over HTTP,
// read the database directly, and kill every child when the test ends (SIGKILL after a timeout).
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { spawnKeyroll } from "./support/keyroll-process.js";
import { percentile } from "./support/stats.js";

export { CLI } from "./support/keyroll-process.js";

export interface ApiResponse {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: a response body, read field by field
  body: any;
  /** Round trip, ms. */
  ms: number;
}

export interface ClusterNode {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout, then stderr; pino logs go to stdout). */
  output(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  readonly exited: Promise<number | string>;
  alive(): boolean;
  /** Sends `signal`, waits at most `timeoutMs`, then SIGKILLs. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  /** An admin call (Bearer admin key, JSON). Network errors reject. */
  call(method: string, path: string, body?: unknown, opts?: { timeoutMs?: number }): Promise<ApiResponse>;
  /** POST /v1/verify. */
  verify(secret: string, opts?: { timeoutMs?: number }): Promise<ApiResponse>;
  /** GET /healthz body, or undefined when the node does not answer. */
  health(): Promise<{ status: string; leader: boolean } | undefined>;
}

export interface Cluster {
  readonly nodes: ClusterNode[];
  readonly adminKey: string;
  readonly database: string;
  /** Starts one more node on the same database. */
  add(opts?: NodeOptions): Promise<ClusterNode>;
  /** Stops every node (SIGTERM, SIGKILL after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>;
}

export interface NodeOptions {
  name?: string;
  /** Extra environment (KEYROLL_*). */
  env?: Record<string, string>;
  /** Extra `serve` arguments, e.g. ["--strict"]. */
  args?: string[];
  /** Another database URL for this node (e.g. the same database as another role). */
  database?: string;
  readyMs?: number;
  /** Listen on this port (a node restarted where a balancer expects it) instead of a free one. */
  port?: number;
  /** Extra `node` arguments, e.g. ["--cpu-prof"]. */
  nodeArgs?: string[];
}

/** A random admin key of the accepted shape (≥ 32 printable characters). */
export function randomAdminKey(): string {
  return `mn_admin_${randomBytes(24).toString("hex")}`;
}

export async function http(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; auth?: string; timeoutMs?: number } = {},
): Promise<ApiResponse> {
  const t0 = performance.now();
  const headers: Record<string, string> = {};
  if (opts.auth) headers.authorization = `Bearer ${opts.auth}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 5_000),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body, ms: performance.now() - t0 };
}

/** Spawns one `keyroll serve` (support/keyroll-process.ts) on `database` and waits until /healthz answers 200. */
export async function startNode(
  database: string,
  adminKey: string,
  opts: NodeOptions = {},
): Promise<ClusterNode> {
  const p = await spawnKeyroll({
    name: opts.name,
    args: opts.args,
    readyMs: opts.readyMs,
    port: opts.port,
    nodeArgs: opts.nodeArgs,
    env: {
      KEYROLL_BOOTSTRAP_ADMIN_KEY: adminKey,
      KEYROLL_LOG_LEVEL: "info",
      KEYROLL_DATABASE: database,
      ...opts.env,
    },
  });
  const url = p.url;
  return {
    name: p.name,
    url,
    child: p.child,
    output: p.output,
    exited: p.exited,
    alive: p.alive,
    stop: (signal = "SIGTERM", timeoutMs = 5_000) => p.stop(signal, timeoutMs),
    call: (method, path, body, o) =>
      http(url, method, path, { body, auth: adminKey, timeoutMs: o?.timeoutMs }),
    verify: (secret, o) =>
      http(url, "POST", "/v1/verify", { body: { key: secret }, auth: adminKey, timeoutMs: o?.timeoutMs }),
    async health() {
      try {
        const r = await http(url, "GET", "/healthz", { timeoutMs: 1_000 });
        return r.status === 200 ? r.body : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/**
 * Starts `n` nodes on one database. The first starts alone (it migrates and bootstraps the admin
 * key) unless `together` is set; the others start in parallel.
 * @example const c = await startCluster(url, 3); after(() => c.stop());
 */
export async function startCluster(
  database: string,
  n: number,
  opts: { env?: Record<string, string>; together?: boolean; adminKey?: string; nodeArgs?: string[] } = {},
): Promise<Cluster> {
  const adminKey = opts.adminKey ?? randomAdminKey();
  const nodes: ClusterNode[] = [];
  const names = "ABCDEFGH";
  let count = 0;
  const add = async (o: NodeOptions = {}) => {
    const i = count++;
    const node = await startNode(o.database ?? database, adminKey, {
      name: names[i] ?? `N${i}`,
      ...(opts.nodeArgs && { nodeArgs: opts.nodeArgs }),
      ...o,
      env: { ...opts.env, ...o.env },
    });
    nodes.push(node);
    return node;
  };
  const cluster: Cluster = {
    nodes,
    adminKey,
    database,
    add,
    async stop(timeoutMs = 3_000) {
      await Promise.all(nodes.map((x) => x.stop("SIGTERM", timeoutMs)));
    },
  };
  try {
    if (opts.together) {
      const started = await Promise.allSettled(
        Array.from({ length: n }, (_, i) =>
          startNode(database, adminKey, { name: names[i] ?? `N${i}`, env: opts.env }),
        ),
      );
      count = n;
      for (const s of started) if (s.status === "fulfilled") nodes.push(s.value);
      const failed = started.find((s) => s.status === "rejected");
      if (failed) throw (failed as PromiseRejectedResult).reason;
    } else {
      if (n > 0) await add();
      await Promise.all(Array.from({ length: n - 1 }, () => add()));
    }
  } catch (err) {
    await cluster.stop(1_000);
    throw err;
  }
  // keep A, B, C in order even when they started in parallel
  nodes.sort((a, b) => a.name.localeCompare(b.name));
  return cluster;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Calls `probe` until it returns something other than undefined, at most `timeoutMs`; returns the
 * value and how long it took (from the call of waitFor).
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  opts: { timeoutMs: number; intervalMs?: number },
): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return { value: v, ms: performance.now() - t0 };
    } catch (err) {
      last = err;
    }
    if (performance.now() - t0 > opts.timeoutMs) {
      throw new Error(
        `timed out after ${opts.timeoutMs} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`,
      );
    }
    await sleep(opts.intervalMs ?? 10);
  }
}

/** The nodes among `nodes` that say they lead (their /healthz `leader`). */
export async function leadersOf(nodes: readonly ClusterNode[]): Promise<ClusterNode[]> {
  const hs = await Promise.all(nodes.map((n) => n.health()));
  return nodes.filter((_, i) => hs[i]?.leader === true);
}

/** Waits until exactly one of `nodes` leads; returns it and the others. */
export async function waitForLeader(
  nodes: readonly ClusterNode[],
  timeoutMs = 10_000,
): Promise<{ leader: ClusterNode; others: ClusterNode[] }> {
  const { value: leader } = await waitFor(
    "exactly one leader",
    async () => {
      const l = await leadersOf(nodes);
      return l.length === 1 ? l[0] : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
  return { leader, others: nodes.filter((n) => n !== leader) };
}

/** One query on its own connection. */
export async function sql<R extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  params: unknown[] = [],
): Promise<R[]> {
  const c = new pg.Client({ connectionString: url, application_name: "keyroll-test" });
  c.on("error", () => undefined);
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * Terminates change-feed listener connections (application_name 'keyroll-listen') on this
 * database: all of them, those of one role, or a random share. Returns the backend pids ended.
 */
export async function terminateListeners(
  url: string,
  opts: { user?: string; share?: number } = {},
): Promise<number[]> {
  const rows = await sql<{ pid: number; usename: string }>(
    url,
    `select pid, usename from pg_stat_activity
      where application_name = 'keyroll-listen' and datname = current_database()`,
  );
  const picked = rows.filter(
    (r) => (opts.user === undefined || r.usename === opts.user) && Math.random() < (opts.share ?? 1),
  );
  if (picked.length === 0) return [];
  await sql(url, "select pg_terminate_backend(pid) from unnest($1::int[]) as pid", [
    picked.map((r) => r.pid),
  ]);
  return picked.map((r) => r.pid);
}

/** "p50 3.1 ms, max 9.0 ms (n=20)" */
export function summary(xs: readonly number[]): string {
  if (xs.length === 0) return "no samples";
  const f = (x: number) => `${x.toFixed(1)} ms`;
  return `p50 ${f(percentile(xs, 0.5))}, p99 ${f(percentile(xs, 0.99))}, max ${f(Math.max(...xs))} (n=${xs.length})`;
}

/** Creates a consumer and a key on `node`; returns the key id and its first secret. */
export async function createKey(
  node: ClusterNode,
  consumerId?: string,
): Promise<{ keyId: string; secret: string; consumerId: string }> {
  let cid = consumerId;
  if (!cid) {
    const c = await node.call("POST", "/v1/consumers", { name: `c-${randomBytes(4).toString("hex")}` });
    if (c.status !== 201) throw new Error(`create consumer: ${c.status} ${JSON.stringify(c.body)}`);
    cid = c.body.id as string;
  }
  const k = await node.call("POST", "/v1/keys", { consumerId: cid });
  if (k.status !== 201) throw new Error(`create key: ${k.status} ${JSON.stringify(k.body)}`);
  return { keyId: k.body.key.id, secret: k.body.secret, consumerId: cid };
}

/** Polls `node` until verifying `secret` answers `code` (and `deprecated`, when given). */
export function waitForCode(
  node: ClusterNode,
  secret: string,
  code: string,
  opts: { timeoutMs?: number; deprecated?: boolean } = {},
): Promise<{ value: ApiResponse; ms: number }> {
  return waitFor(
    `${node.name} to answer ${code}`,
    async () => {
      const r = await node.verify(secret);
      if (r.status !== 200) throw new Error(`verify on ${node.name}: ${r.status} ${JSON.stringify(r.body)}`);
      if (r.body.code !== code) return undefined;
      if (opts.deprecated !== undefined && r.body.deprecated !== opts.deprecated) return undefined;
      return r;
    },
    { timeoutMs: opts.timeoutMs ?? 2_000, intervalMs: 2 },
  );
}
