// A small cluster of real `keyroll serve` processes (the built bin) on one PostgreSQL database, for
// the multi-node tests: spawn N nodes on 127.0.0.1, wait for /healthz, talk to them over HTTP,
// read the database directly, and kill every child when the test ends (SIGKILL after a timeout).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { freePort } from "./pg.js";

/** The built `keyroll` bin (`npm run build` makes it); KEYROLL_TEST_CLI runs another build. */
export const CLI =
  process.env.KEYROLL_TEST_CLI ?? fileURLToPath(new URL("../dist/cli/index.js", import.meta.url));

/** Keep at most this much of each child's output (the tail). */
const MAX_LOG_CHARS = 2_000_000;

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
}

const children = new Set<ChildProcess>();
process.on("exit", () => {
  // the last resort if a test crashed before its after() hook
  for (const c of children) c.kill("SIGKILL");
});

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

/**
 * Spawns one `keyroll serve` on a free port and waits until /healthz answers 200. Retries on
 * another port if the one picked was taken meanwhile.
 */
export async function startNode(
  database: string,
  adminKey: string,
  opts: NodeOptions = {},
): Promise<ClusterNode> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnNode(database, adminKey, opts);
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message)) throw err;
    }
  }
  throw lastError;
}

async function spawnNode(database: string, adminKey: string, opts: NodeOptions): Promise<ClusterNode> {
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {};
  // a clean environment: no KEYROLL_* from the shell that runs the tests
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  Object.assign(
    env,
    // no drain unless a test asks for one: SIGTERM stops a node as fast as before drains existed
    {
      KEYROLL_BOOTSTRAP_ADMIN_KEY: adminKey,
      KEYROLL_LOG_LEVEL: "info",
      KEYROLL_DATABASE: database,
      KEYROLL_DRAIN: "0",
    },
    opts.env,
  );
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--host", "127.0.0.1", "--port", String(port), ...(opts.args ?? [])],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  children.add(child);
  let out = "";
  const append = (d: string) => {
    out += d;
    if (out.length > MAX_LOG_CHARS) out = out.slice(-MAX_LOG_CHARS / 2);
  };
  child.stdout!.setEncoding("utf8").on("data", append);
  child.stderr!.setEncoding("utf8").on("data", append);
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const node: ClusterNode = {
    name: opts.name ?? `node-${port}`,
    url,
    child,
    output: () => out,
    exited,
    alive,
    async stop(signal = "SIGTERM", timeoutMs = 5_000) {
      if (alive()) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
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
  const deadline = Date.now() + (opts.readyMs ?? 20_000);
  for (;;) {
    if (!alive()) throw new Error(`keyroll serve (${node.name}) exited early (${await exited}):\n${out}`);
    if (await node.health()) return node;
    if (Date.now() > deadline) {
      await node.stop("SIGKILL");
      throw new Error(`keyroll serve (${node.name}) did not become healthy in time:\n${out}`);
    }
    await sleep(50);
  }
}

/**
 * Starts `n` nodes on one database. The first starts alone (it migrates and bootstraps the admin
 * key) unless `together` is set; the others start in parallel.
 * @example const c = await startCluster(url, 3); after(() => c.stop());
 */
export async function startCluster(
  database: string,
  n: number,
  opts: { env?: Record<string, string>; together?: boolean; adminKey?: string } = {},
): Promise<Cluster> {
  const adminKey = opts.adminKey ?? randomAdminKey();
  const nodes: ClusterNode[] = [];
  const names = "ABCDEFGH";
  let count = 0;
  const add = async (o: NodeOptions = {}) => {
    const i = count++;
    const node = await startNode(o.database ?? database, adminKey, {
      name: names[i] ?? `N${i}`,
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

/** Percentile (nearest rank) of a list of numbers. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** "p50 3.1 ms, max 9.0 ms (n=20)" */
export function summary(xs: readonly number[]): string {
  const f = (x: number) => `${x.toFixed(1)} ms`;
  return `p50 ${f(percentile(xs, 50))}, p99 ${f(percentile(xs, 99))}, max ${f(Math.max(...xs))} (n=${xs.length})`;
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
