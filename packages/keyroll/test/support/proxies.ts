// Test support: real nginx, Caddy and redis-server (Debian packages) started on free ports with
// their configuration in a temp dir, never the system services; the documented configurations
// read from docs/gateways.md; a sample upstream. Shared by tests and bench/gateway.ts.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { freePort } from "./ports.js";

const DOC = new URL("../../../../docs/gateways.md", import.meta.url);

/** The fenced block after `<!-- tested: name -->` in docs/gateways.md. */
export function documentedConfig(name: "nginx" | "caddy"): string {
  const doc = readFileSync(DOC, "utf8");
  const at = doc.indexOf(`<!-- tested: ${name} -->`);
  if (at < 0) throw new Error(`docs/gateways.md has no "tested: ${name}" block`);
  const m = /```[a-z]*\n([\s\S]*?)```/.exec(doc.slice(at));
  if (!m) throw new Error(`docs/gateways.md: no code block after "tested: ${name}"`);
  return m[1]!;
}

/** The documented config with the documented addresses and gateway key replaced by a test's. */
export function substitute(
  config: string,
  to: { keyroll: string; upstream: string; listen: number; gatewayKey: string },
): string {
  return config
    .replaceAll("127.0.0.1:8080", to.keyroll)
    .replaceAll("127.0.0.1:3000", to.upstream)
    .replaceAll("127.0.0.1:8000", `127.0.0.1:${to.listen}`)
    .replace(/^:8000 \{/m, `:${to.listen} {`)
    .replaceAll("kr_live_REPLACE_WITH_A_VERIFY_ADMIN_KEY", to.gatewayKey);
}

/** True when `bin` is on the PATH. */
export function hasBinary(bin: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${bin}`]).status === 0;
}

/**
 * For a test that needs a Debian package's binary: `undefined` when present; a skip message when
 * missing outside CI. In CI (`CI` set) a missing binary throws: `.ci/run` installs it.
 */
export function needBinary(bin: string, pkg: string): string | undefined {
  if (hasBinary(bin)) return undefined;
  if (process.env.CI) throw new Error(`${bin} is missing in CI: .ci/run installs the Debian package ${pkg}`);
  return `${bin} is not installed (Debian package ${pkg}); skipped outside CI`;
}

/** A running child process that must be stopped. */
export interface Child {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  log(): string;
}

const running = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of running) c.kill("SIGKILL");
});

async function waitListening(port: number, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}):\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, "127.0.0.1");
      s.once("connect", () => {
        s.destroy();
        resolve(true);
      });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`not listening on ${port} in time:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function launch(cmd: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Child> {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let out = "";
  child.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  const c: Child = {
    port,
    url: `http://127.0.0.1:${port}`,
    log: () => out,
    async stop() {
      running.delete(child);
      if (child.exitCode === null) child.kill("SIGTERM");
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(t);
    },
  };
  return waitListening(port, child, () => out).then(
    () => c,
    async (err) => {
      await c.stop();
      throw new Error(`${cmd}: ${(err as Error).message}`);
    },
  );
}

/** Starts nginx with `serverBlock` in an `http {}` of its own; everything lives under `dir`. */
export async function startNginx(dir: string, serverBlock: (port: number) => string): Promise<Child> {
  const port = await freePort();
  const d = join(dir, `nginx-${port}`);
  for (const t of ["", "tmp"]) mkdirSync(join(d, t), { recursive: true });
  const conf = `
${process.getuid?.() === 0 ? "user root;" : ""}
worker_processes 1;
daemon off;
pid ${d}/nginx.pid;
error_log ${d}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${d}/tmp/body;
  proxy_temp_path ${d}/tmp/proxy;
  fastcgi_temp_path ${d}/tmp/fastcgi;
  uwsgi_temp_path ${d}/tmp/uwsgi;
  scgi_temp_path ${d}/tmp/scgi;
${serverBlock(port)}
}
`;
  writeFileSync(join(d, "nginx.conf"), conf);
  const c = await launch(
    "nginx",
    ["-p", d, "-c", join(d, "nginx.conf"), "-e", join(d, "error.log")],
    process.env,
    port,
  );
  return { ...c, log: () => c.log() + safeRead(join(d, "error.log")) };
}

function safeRead(p: string): string {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return "";
  }
}

/** Starts Caddy with a Caddyfile (admin endpoint off, no HTTPS, its state under `dir`). */
export async function startCaddy(dir: string, site: (port: number) => string): Promise<Child> {
  const port = await freePort();
  const d = join(dir, `caddy-${port}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, "Caddyfile"), `{\n\tadmin off\n\tauto_https off\n}\n${site(port)}`);
  const env = { ...process.env, HOME: d, XDG_CONFIG_HOME: d, XDG_DATA_HOME: d };
  return launch("caddy", ["run", "--config", join(d, "Caddyfile"), "--adapter", "caddyfile"], env, port);
}

/** Starts a throwaway redis-server (no persistence) on a free port. */
export async function startRedis(dir: string): Promise<Child> {
  const port = await freePort();
  const d = join(dir, `redis-${port}`);
  mkdirSync(d, { recursive: true });
  return launch(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", d],
    process.env,
    port,
  );
}

/** What the sample upstream saw of one request. */
export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bodyBytes: number;
}

/**
 * The sample upstream: answers every request with what it saw (method, URL, headers, body size)
 * as JSON. `GET /bytes/<n>` streams n bytes instead.
 */
export async function startUpstream(): Promise<{
  url: string;
  host: string;
  server: Server;
  close(): Promise<void>;
}> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const m = /^\/bytes\/(\d+)$/.exec(req.url ?? "");
    if (m && req.method === "GET") {
      let left = Number(m[1]);
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": left });
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
      return;
    }
    let bodyBytes = 0;
    req.on("data", (c: Buffer) => {
      bodyBytes += c.length;
    });
    req.on("end", () => {
      const seen: Seen = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, bodyBytes };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(seen));
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    host: `127.0.0.1:${addr.port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
