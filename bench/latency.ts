// Round-trip latency of POST /v1/verify, in microseconds, on Keyroll and on the two bare servers of
// verify.ts (bare: each answer written at once; bare-batched: answers written once per event-loop
// turn, as Keyroll does since docs/decisions/0009). `verify.ts` measures throughput; this measures
// what one request waits, which batching could make worse, at a few fixed numbers of connections.
// Each connection is a raw keep-alive socket that sends one request, waits for the whole answer,
// checks it is the expected VALID body, and sends the next (a closed loop: no request waits in the
// client). Servers are pinned as in verify.ts; rounds rotate the servers' order.
// Run: `npm run bench:latency [-- --connections 1,10 --rounds 5 --duration 1000]` from the repo root.
import { connect } from "node:net";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { onResponses } from "../packages/keyroll/test/raw-http.js";
import { percentile } from "../packages/keyroll/test/support/stats.js";
import { pinToCpu, type ServerChild, startChild, validAnswer } from "./verify-http.js";
import { buildDist, CPUS, HOST, type Source } from "./verify-shared.js";

/** Settings of the latency benchmark. */
export interface LatencyOptions {
  /** The numbers of connections measured, each in its own rounds (default 1 and 10). */
  connections?: number[];
  rounds?: number;
  /** Per server and round, in ms. */
  durationMs?: number;
  source?: Source;
  pin?: boolean;
  log?: (line: string) => void;
}

/** Round trips of one server at one number of connections, pooled over rounds (µs). */
export interface LatencyRow {
  role: ServerChild["role"];
  connections: number;
  requests: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
}

/** Closed-loop round trips over `connections` raw keep-alive sockets for `durationMs`; µs each. */
function roundTrips(
  port: number,
  request: Buffer,
  expected: string,
  connections: number,
  durationMs: number,
): Promise<number[]> {
  const out: number[] = [];
  const until = performance.now() + durationMs;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const s = connect(port, HOST);
      s.setNoDelay(true);
      let t0 = 0;
      const send = () => {
        t0 = performance.now();
        s.write(request);
      };
      s.on("connect", send);
      onResponses(s, (r) => {
        const t = performance.now();
        if (r.status !== 200 || r.body.toString() !== expected) {
          s.destroy();
          reject(new Error(`unexpected answer: ${r.status} ${r.body.toString().slice(0, 200)}`));
          return;
        }
        out.push((t - t0) * 1000);
        if (t < until) send();
        else s.end(resolve);
      });
      s.on("error", reject);
    });
  return Promise.all(Array.from({ length: connections }, one)).then(() => out);
}

/** Measures round trips on Keyroll, bare and bare-batched; one row per server and connection count. */
export async function runLatencyBench(opts: LatencyOptions = {}): Promise<LatencyRow[]> {
  const settings = {
    connections: opts.connections ?? [1, 10],
    rounds: opts.rounds ?? 5,
    durationMs: opts.durationMs ?? 1_000,
    source: opts.source ?? "dist",
    pin: opts.pin ?? CPUS >= 2,
  };
  const log = opts.log ?? (() => undefined);
  if (settings.pin && !pinToCpu(process.pid, 0))
    throw new Error("could not pin the load generator (taskset); run with --no-pin");
  const pinCpu = settings.pin ? CPUS - 1 : undefined;
  const children: ServerChild[] = [];
  try {
    const keyroll = await startChild("keyroll", { env: { BENCH_KEYROLL_SOURCE: settings.source }, pinCpu });
    children.push(keyroll);
    const { adminKey, secret } = keyroll.ready;
    if (!adminKey || !secret) throw new Error("keyroll child sent no keys");
    const headers = { "content-type": "application/json", authorization: `Bearer ${adminKey}` };
    const body = JSON.stringify({ key: secret });
    const expected = await validAnswer(keyroll, headers, body);
    for (const role of ["bare", "bare-batched"] as const)
      children.push(await startChild(role, { env: { BENCH_BARE_BODY: expected }, pinCpu }));
    const request = Buffer.from(
      `POST /v1/verify HTTP/1.1\r\nhost: ${HOST}\r\nauthorization: ${headers.authorization}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const rows: LatencyRow[] = [];
    for (const connections of settings.connections) {
      const samples = new Map<ServerChild, number[]>(children.map((c) => [c, []]));
      // unmeasured: every server's code paths warm at this number of connections
      for (const c of children) await roundTrips(c.port, request, expected, connections, 500);
      for (let i = 0; i < settings.rounds; i++) {
        const order = children.map((_, k) => children[(k + i) % children.length]!);
        for (const c of order)
          samples
            .get(c)!
            .push(...(await roundTrips(c.port, request, expected, connections, settings.durationMs)));
      }
      for (const c of children) {
        const xs = samples.get(c)!;
        const row = {
          role: c.role,
          connections,
          requests: xs.length,
          p50: percentile(xs, 0.5),
          p90: percentile(xs, 0.9),
          p99: percentile(xs, 0.99),
          p999: percentile(xs, 0.999),
        };
        rows.push(row);
        log(
          `${String(connections).padStart(3)} conn  ${row.role.padEnd(12)} ${String(row.requests).padStart(8)} req  ` +
            `p50 ${row.p50.toFixed(0)} µs  p90 ${row.p90.toFixed(0)}  p99 ${row.p99.toFixed(0)}  p99.9 ${row.p999.toFixed(0)}`,
        );
      }
    }
    return rows;
  } finally {
    await Promise.allSettled(children.map((c) => c.stop()));
  }
}

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      connections: { type: "string" },
      rounds: { type: "string" },
      duration: { type: "string" },
      source: { type: "string" },
      "no-pin": { type: "boolean" },
    },
  });
  const positive = (v: string, name: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes positive integers`);
    return n;
  };
  const source = values.source ?? "dist";
  if (source !== "dist" && source !== "src") throw new Error("--source is dist or src");
  console.log(`keyroll verify latency — node ${process.version}, ${CPUS} cpus, ${new Date().toISOString()}`);
  if (source === "dist") buildDist();
  await runLatencyBench({
    ...(values.connections !== undefined && {
      connections: values.connections.split(",").map((c) => positive(c, "connections")),
    }),
    ...(values.rounds !== undefined && { rounds: positive(values.rounds, "rounds") }),
    ...(values.duration !== undefined && { durationMs: positive(values.duration, "duration") }),
    ...(values["no-pin"] === true && { pin: false }),
    source,
    log: (l) => console.log(l),
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`bench:latency failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
