// A real nginx in front of Keyroll nodes, for the rolling-restart tests: its own prefix, config
// and logs in a temp dir, on a free port, in the foreground as a child of the test (never the
// system service). Outside CI a missing nginx skips the test; in CI it fails it (.ci/run installs
// the Debian package).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./pg.js";

/** The nginx binary, or undefined. */
export function findNginx(): string | undefined {
  for (const p of [process.env.KEYROLL_TEST_NGINX, "/usr/sbin/nginx", "/usr/local/sbin/nginx"]) {
    if (p && existsSync(p)) return p;
  }
  const r = spawnSync("nginx", ["-v"], { encoding: "utf8" });
  return r.error ? undefined : "nginx";
}

/**
 * What a test does without nginx: a skip message outside CI, a failure in CI.
 * @example const nginx = nginxOrSkip(t); if (!nginx) return;
 */
export function nginxOrSkip(t: { skip(message: string): void }): string | undefined {
  const bin = findNginx();
  if (bin) return bin;
  const message = "nginx is not installed (Debian package nginx); the balancer test needs a real one";
  if (process.env.CI) throw new Error(`${message}: CI must install it (.ci/run)`);
  t.skip(message);
  return undefined;
}

export interface Nginx {
  readonly url: string;
  /** The access log so far: `status upstream_addr upstream_status request_time` per request. */
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

/**
 * Starts nginx proxying to `upstreams` ("127.0.0.1:port") the way docs/operations.md recommends for
 * rolling restarts: passive health checks (a node that refused a connection is skipped for
 * `failTimeout`), a retry on the next node after a connection error, kept-alive upstream
 * connections that nginx itself closes after `keepaliveTimeout` idle (shorter than the nodes' drain).
 */
export async function startNginx(opts: {
  bin: string;
  upstreams: readonly string[];
  keepaliveTimeout?: string;
  failTimeout?: string;
}): Promise<Nginx> {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-nginx-"));
  for (const d of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, d));
  const port = await freePort();
  const servers = opts.upstreams
    .map((u) => `    server ${u} max_fails=1 fail_timeout=${opts.failTimeout ?? "2s"};`)
    .join("\n");
  const conf = `
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstreams '$status $upstream_addr $upstream_status $request_time';
  access_log ${dir}/access.log upstreams;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream keyroll {
${servers}
    keepalive 32;
    keepalive_timeout ${opts.keepaliveTimeout ?? "500ms"};
  }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_connect_timeout 1s;
    proxy_next_upstream_tries 3;
    location / {
      proxy_pass http://keyroll;
      proxy_next_upstream error;
    }
    # as docs/operations.md recommends: a verification reset by a stopping node was not read by it
    location = /v1/verify {
      proxy_pass http://keyroll;
      proxy_next_upstream error non_idempotent;
    }
  }
}
`;
  writeFileSync(join(dir, "nginx.conf"), conf);
  const child: ChildProcess = spawn(
    opts.bin,
    ["-p", dir, "-c", join(dir, "nginx.conf"), "-e", join(dir, "error.log"), "-g", "daemon off;"],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);
  const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");
  const url = `http://127.0.0.1:${port}`;
  const nginx: Nginx = {
    url,
    accessLog: () => read("access.log"),
    errorLog: () => read("error.log"),
    async stop() {
      process.off("exit", killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        // QUIT: a graceful stop of master and worker
        child.kill("SIGQUIT");
        const timer = setTimeout(() => child.kill("SIGKILL"), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start:\n${out}\n${read("error.log")}`);
    try {
      // any answer means nginx listens (the upstreams may not be up yet)
      await (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) })).arrayBuffer();
      return nginx;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await nginx.stop();
      throw new Error(`nginx did not start listening:\n${out}\n${read("error.log")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
