// Runs the real `keyroll serve` (the built bin) as a child process on 127.0.0.1, for tests that
// need a real process: log capture, crashes. Every child is killed when the test file ends.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The built `keyroll` bin (`npm run build` makes it). */
export const CLI = fileURLToPath(new URL("../dist/cli/index.js", import.meta.url));

/** A port that was free a moment ago: listen on 0, read the port, close. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Everything the process wrote to stdout so far. */
  stdout(): string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code (or signal name) once the process is gone. */
  readonly exited: Promise<number | string>;
  /** Sends `signal` and waits (at most `timeoutMs`, then SIGKILL) for the process to exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  // a last resort if a test forgot its after() hook or crashed before reaching it
  for (const c of running) c.kill("SIGKILL");
});

/**
 * Spawns `keyroll serve` on a fresh port and waits until /healthz answers (at most `readyMs`).
 * @example const srv = await startServerProcess({ database, env }); after(() => srv.stop("SIGKILL"));
 */
export async function startServerProcess(opts: {
  database: string;
  env?: Record<string, string>;
  readyMs?: number;
}): Promise<ServerProcess> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const env: Record<string, string> = {};
  // a clean environment: no KEYROLL_* leaking in from the shell that runs the tests
  for (const k of ["PATH", "HOME", "TMPDIR", "LANG", "SYSTEMROOT"]) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  // no drain unless a test asks for one: SIGTERM stops the server as fast as before drains existed
  env.KEYROLL_DRAIN = "0";
  Object.assign(env, opts.env);
  const child = spawn(
    process.execPath,
    [CLI, "serve", "--host", "127.0.0.1", "--port", String(port), "--database", opts.database],
    { env, stdio: ["ignore", "pipe", "pipe"] },
  );
  running.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? "unknown");
    });
  });
  // wait for the stdio pipes to drain, not only for the process to end
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const srv: ServerProcess = {
    child,
    url,
    stdout: () => out,
    stderr: () => err,
    exited,
    async stop(signal = "SIGTERM", timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
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
  const deadline = Date.now() + (opts.readyMs ?? 15_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`keyroll serve exited early (${child.exitCode ?? child.signalCode}):\n${err}\n${out}`);
    }
    try {
      const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) return srv;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await srv.stop("SIGKILL");
      throw new Error(`keyroll serve did not become healthy in time:\n${err}\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
