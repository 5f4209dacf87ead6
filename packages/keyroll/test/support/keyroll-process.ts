// The one way tests and benchmarks run a real `keyroll serve` (the built bin) as a child process on
// 127.0.0.1: a fresh port, a clean environment, its output kept, ready once an endpoint answers 200,
// and killed when the test or benchmark ends (SIGKILL after a timeout, or at exit as a last resort).
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";

/** The built `keyroll` bin (`npm run build` makes it); KEYROLL_TEST_CLI runs another build. */
export const CLI =
  process.env.KEYROLL_TEST_CLI ?? fileURLToPath(new URL("../../dist/cli/index.js", import.meta.url));

/** Keep at most this much of each child's output (the tail). */
const MAX_LOG_CHARS = 2_000_000;

export interface KeyrollProcessOptions {
  /** `--database`: a SQLite file or a postgres:// URL (or pass KEYROLL_DATABASE in `env`). */
  database?: string;
  /** Extra arguments, e.g. ["--strict"]. */
  args?: string[];
  /** The bin's command: `serve` (default) or `gateway` (pass `--upstream` in `args`). */
  command?: "serve" | "gateway";
  /** Node options before the bin, e.g. ["--import", preload]. */
  nodeArgs?: string[];
  /** The environment on top of a clean one (PATH, HOME, TMPDIR, LANG only): KEYROLL_* settings. */
  env?: Record<string, string>;
  /** Ready once this path answers 200 (default /healthz; /readyz also waits for the change feed). */
  readyPath?: string;
  readyMs?: number;
  /** Write stdout and stderr to this file instead of keeping them in memory. */
  logFile?: string;
  name?: string;
  /** Listen on this port (a node restarted where a balancer expects it) instead of a free one. */
  port?: number;
}

export interface KeyrollProcess {
  readonly name: string;
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  /** What the process wrote to stdout so far (pino's log lines). */
  stdout(): string;
  /** What the process wrote to stderr so far. */
  stderr(): string;
  /** Both, in the order they came (or the log file's tail). */
  output(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  alive(): boolean;
  /** Sends `signal`, waits at most `timeoutMs` (then SIGKILL) for the exit and for its output. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const running = new Set<ChildProcess>();
let exitHook = false;

/**
 * Spawns `keyroll serve` on a free port and waits until `readyPath` answers 200. Retries on another
 * port when the one picked was taken meanwhile.
 * @example const srv = await spawnKeyroll({ database, env }); after(() => srv.stop("SIGKILL"));
 */
export async function spawnKeyroll(opts: KeyrollProcessOptions = {}): Promise<KeyrollProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  if (!exitHook) {
    exitHook = true;
    // a last resort if a test forgot its after() hook or crashed before reaching it
    process.on("exit", () => {
      for (const c of running) c.kill("SIGKILL");
    });
  }
  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await spawnOnce(opts);
    } catch (err) {
      lastError = err as Error;
      if (!/EADDRINUSE/.test(lastError.message) || opts.port !== undefined) throw err;
    }
  }
  throw lastError;
}

async function spawnOnce(opts: KeyrollProcessOptions): Promise<KeyrollProcess> {
  const port = opts.port ?? (await freePort());
  const env: Record<string, string> = {};
  // a clean environment: no KEYROLL_* leaking in from the shell that runs the tests
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  // no drain unless a test asks for one: SIGTERM stops the server as fast as before drains existed
  env.KEYROLL_DRAIN = "0";
  Object.assign(env, opts.env);
  const args = [
    ...(opts.nodeArgs ?? []),
    CLI,
    opts.command ?? "serve",
    "--host",
    "127.0.0.1",
    "--port",
    String(port),
    ...(opts.database !== undefined ? ["--database", opts.database] : []),
    ...(opts.args ?? []),
  ];
  const fd = opts.logFile !== undefined ? openSync(opts.logFile, "w") : undefined;
  const child = spawn(process.execPath, args, {
    env,
    stdio: fd === undefined ? ["ignore", "pipe", "pipe"] : ["ignore", fd, fd],
  });
  if (fd !== undefined) closeSync(fd);
  running.add(child);
  let out = "";
  let err = "";
  let all = "";
  const cap = (s: string) => (s.length > MAX_LOG_CHARS ? s.slice(-MAX_LOG_CHARS / 2) : s);
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out = cap(out + d);
    all = cap(all + d);
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    err = cap(err + d);
    all = cap(all + d);
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });
  // the stdio pipes drained, not only the process gone
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const output = () =>
    opts.logFile !== undefined ? readFileSync(opts.logFile, "utf8").slice(-MAX_LOG_CHARS) : all;
  const srv: KeyrollProcess = {
    name: opts.name ?? `keyroll-${port}`,
    child,
    port,
    url,
    stdout: () => out,
    stderr: () => err,
    output,
    exited,
    alive,
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      if (alive()) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      try {
        const code = await exited;
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
        return code;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  // generous: three nodes starting at once on a loaded 2-core machine took more than 20 s
  const deadline = Date.now() + (opts.readyMs ?? 45_000);
  for (;;) {
    if (!alive()) throw new Error(`keyroll serve (${srv.name}) exited early (${await exited}):\n${output()}`);
    try {
      const r = await fetch(`${url}${opts.readyPath ?? "/healthz"}`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      // another process may have taken the port meanwhile: ready only once our child holds it
      if (r.status === 200 && listensOn(child.pid, port)) return srv;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await srv.stop("SIGKILL");
      throw new Error(`keyroll serve (${srv.name}) did not become ready in time:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Whether process `pid` holds the socket listening on `port` (Linux: /proc/net/tcp* names the
 * listening socket's inode, /proc/PID/fd links to it). Where /proc cannot tell, true.
 */
export function listensOn(pid: number | undefined, port: number): boolean {
  if (pid === undefined) return false;
  const inodes = new Set<string>();
  const hexPort = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address ends with the port; state 0A is LISTEN; field 9 is the inode
      if (f.length > 9 && f[1]!.endsWith(hexPort) && f[3] === "0A") inodes.add(f[9]!);
    }
  }
  if (inodes.size === 0) return !existsSync("/proc/net/tcp");
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m && inodes.has(m[1]!)) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}
