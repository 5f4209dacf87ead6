// Benchmark of the verify hot path, against baselines measured in the same run:
//   1. HTTP: POST /v1/verify on a real listening Keyroll node vs a bare node:http server that reads
//      the body and answers the same JSON bytes. Each server runs in its own child process; the load
//      generator (autocannon) runs in this process, so no two of them share an event loop.
//   2. In-process: verifier.verifyCached(secret) over N real keys vs a bare SHA-256 + Map.get loop.
// Rounds alternate (A B, B A, …) because the machine is shared and noisy; ratios are medians.
// Run: `npm run bench:verify [-- --rounds 3 --duration 5000 …]` from the repo root.
// The parts: verify-http.ts (1), verify-inprocess.ts (2), verify-shared.ts (what both use); this
// file is the command line and the report.
import { availableParallelism } from "node:os";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { type HttpBenchResult, type HttpRun, runHttpBench } from "./verify-http.js";
import { type InProcessBenchResult, runInProcessBench } from "./verify-inprocess.js";
import { buildDist, fmt, median } from "./verify-shared.js";

export { median, runHttpBench, runInProcessBench };

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
      "no-bare-batched": { type: "boolean" },
      "keyroll-dir": { type: "string" },
      pin: { type: "boolean" },
      "no-pin": { type: "boolean" },
      "rounds-per-process": { type: "string" },
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
      ...optional("roundsPerProcess", num(values["rounds-per-process"], "rounds-per-process")),
      fastify: values.fastify === true,
      bareBatched: values["no-bare-batched"] !== true,
      ...(values["no-pin"] === true && { pin: false }),
      ...(values.pin === true && { pin: true }),
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
    if (http.bareBatched) {
      console.log(
        `  bare, batched I/O ${fmt(median(http.bareBatched.map((r) => r.rps)))} req/s (median), ${us(http.bareBatched)} µs server CPU/req, ` +
          `keyroll/bare-batched ${http.bareBatchedRatio!.toFixed(3)} (the same I/O on both sides: Keyroll's own work)`,
      );
    }
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
    console.log(
      `  raw-digest loop   ${fmt(median(inproc.raw))} ops/s (median); keyroll/raw ${inproc.rawRatio.toFixed(3)} ` +
        `(the same loop with the index's 32-byte digests instead of hex: Keyroll's own work)`,
    );
    console.log(
      `  twin verifiers    recording on ${fmt(median(inproc.recordingOn))} / off ${fmt(median(inproc.recordingOff))} ops/s (median)`,
    );
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
  main(process.argv.slice(2)).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(`bench:verify failed: ${err.stack ?? err.message}`);
      process.exit(1);
    },
  );
}
