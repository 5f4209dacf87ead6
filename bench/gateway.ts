// Keyroll in the request path, in one run:
//   gateway (auth + rate limit)   vs  the same gateway with auth off       → throughput ratio, p50/p99 added
//   nginx → GET /v1/authorize     vs  the same nginx proxying only         → throughput ratio, p50/p99 added
// Every server is its own process on plain node (or nginx); autocannon runs here. Variants alternate
// round by round so a shared machine's drift hits all of them alike; medians are reported.
// Run: `npm run bench:gateway [-- --rounds 3 --duration 3 --connections 32]` from the repo root
// (it builds packages/keyroll first). Needs nginx for the nginx pair (skipped without it).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnKeyroll } from "../packages/keyroll/test/support/keyroll-process.js";
import {
  documentedConfig,
  hasBinary,
  startNginx,
  substitute,
} from "../packages/keyroll/test/support/proxies.js";
import { median, percentile } from "../packages/keyroll/test/support/stats.js";
import { procCpuMs } from "./writes.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const ADMIN = "bench_gateway_admin_key_0123456789abcdefghijklmnop";

interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
}
type Autocannon = (opts: {
  url: string;
  method: "GET";
  headers: Record<string, string>;
  connections: number;
  duration: number;
  pipelining?: number;
}) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

/** Settings of the run. */
export interface GatewayBenchOptions {
  rounds: number;
  /** seconds per measurement */
  duration: number;
  /** concurrent connections of the throughput measurements */
  connections: number;
  /** Build packages/keyroll first (the children run dist). */
  build?: boolean;
  nginx?: boolean;
}

/** One variant's medians. */
export interface VariantResult {
  name: string;
  rps: number;
  /** at `connections` concurrent connections, ms */
  p50: number;
  p99: number;
  /** one request at a time on one kept-alive connection, ms: the latency of a request alone */
  p50One: number;
  p99One: number;
  failed: number;
  /** CPU time of the target's own process per request of the throughput runs, µs (gateways only) */
  cpuUs: number | null;
}

interface Proc {
  child: ChildProcess;
  port: number;
  stop(): unknown;
}

function launch(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Proc> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let err = "";
  child.stderr!.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /ready (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), stop: () => child.kill("SIGKILL") });
    });
    child.once("exit", (code) => reject(new Error(`${args.join(" ")} exited ${code}: ${err}`)));
  });
}

async function startServe(database: string): Promise<Proc> {
  const srv = await spawnKeyroll({
    database,
    env: { KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN, KEYROLL_LOG_LEVEL: "warn" },
    readyMs: 15_000,
  });
  return { child: srv.child, port: srv.port, stop: () => srv.stop("SIGKILL") };
}

async function admin(port: number, method: string, path: string, body?: unknown) {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: a few fields read
  const json = (await r.json()) as any;
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Sends requests one at a time on one kept-alive connection for `ms`; p50 and p99 in ms. */
async function sequentialLatency(url: string, headers: Record<string, string>, ms: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const xs: number[] = [];
  let failed = 0;
  const end = performance.now() + ms;
  try {
    while (performance.now() < end) {
      const t0 = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        request(url, { agent, headers }, (res) => {
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        })
          .on("error", reject)
          .end();
      });
      xs.push(performance.now() - t0);
      if (status !== 200) failed++;
    }
  } finally {
    agent.destroy();
  }
  return { p50: percentile(xs, 0.5), p99: percentile(xs, 0.99), failed };
}

/** Runs the benchmark; prints as it goes and returns the medians per variant. */
export async function runGatewayBench(o: GatewayBenchOptions): Promise<VariantResult[]> {
  if (o.build !== false) {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules/typescript/bin/tsc"), "-b", "packages/keyroll"],
      {
        cwd: ROOT,
        stdio: "inherit",
      },
    );
    if (r.status !== 0) throw new Error("build failed");
  }
  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-gw-"));
  const stops: Array<() => unknown> = [];
  try {
    const database = join(dir, "keyroll.db");
    const serve = await startServe(database);
    stops.push(serve.stop);
    const adminConsumer = (await admin(serve.port, "GET", "/v1/consumers")).data.find(
      (c: { name: string }) => c.name === "keyroll-admin",
    ).id;
    const gatewayKey = (
      await admin(serve.port, "POST", "/v1/keys", { consumerId: adminConsumer, scopes: ["verify"] })
    ).secret as string;
    const consumer = (await admin(serve.port, "POST", "/v1/consumers", { name: "bench" })).id;
    // a limit high enough never to refuse: the bucket is still checked on every request
    const secret = (
      await admin(serve.port, "POST", "/v1/keys", {
        consumerId: consumer,
        scopes: ["items:read"],
        rateLimit: { limit: 1_000_000_000, period: "1h" },
      })
    ).secret as string;
    const policy = join(dir, "gateway.yaml");
    writeFileSync(policy, "routes:\n  - match: GET /items/**\n    scopes: [items:read]\n");
    const upstream = await launch([join(HERE, "gateway-servers.mjs"), "upstream"]);
    stops.push(upstream.stop);
    const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
    const servers = join(HERE, "gateway-servers.mjs");
    const gwAuth = await launch([servers, "gateway", database, upstreamUrl, policy, "on"]);
    stops.push(gwAuth.stop);
    const gwOff = await launch([servers, "gateway", database, upstreamUrl, policy, "off"]);
    stops.push(gwOff.stop);

    const targets: Array<{ name: string; url: string; auth: boolean; pid?: number }> = [
      {
        name: "gateway, auth off",
        url: `http://127.0.0.1:${gwOff.port}/items/42`,
        auth: false,
        pid: gwOff.child.pid,
      },
      {
        name: "gateway, auth + rate limit",
        url: `http://127.0.0.1:${gwAuth.port}/items/42`,
        auth: true,
        pid: gwAuth.child.pid,
      },
    ];
    if (o.nginx !== false && hasBinary("nginx")) {
      const to = { keyroll: `127.0.0.1:${serve.port}`, upstream: `127.0.0.1:${upstream.port}`, gatewayKey };
      const authNginx = await startNginx(dir, (listen) =>
        substitute(documentedConfig("nginx"), { ...to, listen }),
      );
      stops.push(authNginx.stop);
      const plain = await startNginx(
        dir,
        (listen) =>
          `server {\n  listen 127.0.0.1:${listen};\n  location / {\n    proxy_set_header Authorization "";\n    proxy_pass http://127.0.0.1:${upstream.port};\n  }\n}\n`,
      );
      stops.push(plain.stop);
      // keep-alive to the upstreams, as a production nginx would be set up
      targets.push(
        { name: "nginx, proxy only", url: `${plain.url}/items/42`, auth: false },
        { name: "nginx → /v1/authorize", url: `${authNginx.url}/items/42`, auth: true },
      );
    } else if (o.nginx !== false) process.stdout.write("nginx not installed: the nginx pair is skipped\n");

    const rows = new Map(
      targets.map((t) => [
        t.name,
        {
          rps: [] as number[],
          p50: [] as number[],
          p99: [] as number[],
          p50One: [] as number[],
          p99One: [] as number[],
          cpuUs: [] as number[],
          failed: 0,
        },
      ]),
    );
    const headers = (t: { auth: boolean }) =>
      t.auth ? { authorization: `Bearer ${secret}` } : { authorization: "Bearer x" };
    for (const t of targets) {
      // warm-up: JIT, connections, the verifier's decision for the key
      await autocannon({
        url: t.url,
        method: "GET",
        headers: headers(t),
        connections: o.connections,
        duration: 1,
      });
    }
    for (let round = 0; round < o.rounds; round++) {
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const row = rows.get(t.name)!;
        const cpu0 = t.pid === undefined ? 0 : procCpuMs(t.pid);
        const r = await autocannon({
          url: t.url,
          method: "GET",
          headers: headers(t),
          connections: o.connections,
          duration: o.duration,
        });
        const cpuUs =
          t.pid === undefined ? null : ((procCpuMs(t.pid) - cpu0) * 1000) / Math.max(1, r.requests.total);
        if (cpuUs !== null) row.cpuUs.push(cpuUs);
        const one = await sequentialLatency(t.url, headers(t), Math.max(500, (o.duration * 1000) / 2));
        row.rps.push(r.requests.average);
        row.p50.push(r.latency.p50);
        row.p99.push(r.latency.p99);
        row.p50One.push(one.p50);
        row.p99One.push(one.p99);
        row.failed += r.errors + r.timeouts + r.non2xx + one.failed;
        process.stdout.write(
          `round ${round + 1} ${t.name.padEnd(28)} ${r.requests.average.toFixed(0).padStart(7)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  (alone: p50 ${one.p50.toFixed(3)} ms, p99 ${one.p99.toFixed(3)} ms)${cpuUs === null ? "" : `  CPU ${cpuUs.toFixed(1)} µs/req`}\n`,
        );
      }
    }
    const out: VariantResult[] = targets.map((t) => {
      const r = rows.get(t.name)!;
      return {
        name: t.name,
        rps: median(r.rps),
        p50: median(r.p50),
        p99: median(r.p99),
        p50One: median(r.p50One),
        p99One: median(r.p99One),
        failed: r.failed,
        cpuUs: r.cpuUs.length > 0 ? median(r.cpuUs) : null,
      };
    });
    process.stdout.write("\nmedians:\n");
    for (const v of out)
      process.stdout.write(
        `  ${v.name.padEnd(28)} ${v.rps.toFixed(0).padStart(7)} req/s  p50 ${v.p50} ms  p99 ${v.p99} ms  | alone p50 ${v.p50One.toFixed(3)} ms p99 ${v.p99One.toFixed(3)} ms  | failed ${v.failed}${v.cpuUs === null ? "" : ` | CPU ${v.cpuUs.toFixed(1)} µs/req`}\n`,
      );
    const pair = (base: string, withAuth: string) => {
      const a = out.find((v) => v.name === base);
      const b = out.find((v) => v.name === withAuth);
      if (!a || !b) return;
      process.stdout.write(
        `${withAuth} / ${base}: ${(b.rps / a.rps).toFixed(2)}x throughput; added at ${o.connections} conns p50 ${(b.p50 - a.p50).toFixed(2)} ms, p99 ${(b.p99 - a.p99).toFixed(2)} ms; alone p50 ${(b.p50One - a.p50One).toFixed(3)} ms, p99 ${(b.p99One - a.p99One).toFixed(3)} ms\n`,
      );
      // CPU per request: what a CPU-bound gateway's throughput ratio would be, from its own process
      if (a.cpuUs !== null && b.cpuUs !== null)
        process.stdout.write(
          `  CPU per request ${a.cpuUs.toFixed(1)} → ${b.cpuUs.toFixed(1)} µs: ${(a.cpuUs / b.cpuUs).toFixed(2)}x\n`,
        );
    };
    process.stdout.write("\n");
    pair("gateway, auth off", "gateway, auth + rate limit");
    pair("nginx, proxy only", "nginx → /v1/authorize");
    return out;
  } finally {
    for (const s of stops.reverse()) await s();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string, dflt: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : dflt;
  };
  await runGatewayBench({
    rounds: arg("rounds", 3),
    duration: arg("duration", 3),
    connections: arg("connections", 32),
  });
}
