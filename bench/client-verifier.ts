// Benchmark of the in-process verifier of @keyroll/client (createVerifier, synced over HTTP from
// a real Keyroll node) against the bare loop the issue names: crypto.hash("sha256") + Map.get over
// the same secrets, and the same loop with raw digests as a control. Rounds alternate the order
// (the machine is shared and noisy); ratios are medians of per-round ratios. Target ≥ 0.8×.
// Run: `npm run bench:client [-- --keys 10000 --rounds 9 --duration 1000]` from the repo root.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createVerifier } from "@keyroll/client/node";
import { newId } from "../packages/keyroll/src/core/ids.js";
import { DEFAULT_PREFIX, generateSecret } from "../packages/keyroll/src/core/secret.js";
import { buildVersion } from "../packages/keyroll/src/core/version.js";
import { createKeyroll, resolveConfig } from "../packages/keyroll/src/main.js";
import { SYSTEM_ACTOR } from "../packages/keyroll/src/services/deps.js";
import { alternatingRounds, digestLoops, insertBenchKeys, median } from "./verify-shared.js";

/** Target of the client verifier against the bare loop (reported, not gated). */
export const CLIENT_TARGET = 0.8;

/** What the benchmark measured, ops/s per round. */
export interface ClientBenchResult {
  client: number[];
  bare: number[];
  raw: number[];
  /** Median of client/bare per round. */
  ratio: number;
  /** Median of client/raw per round: the cost of the client's own work beyond hash and lookup. */
  rawRatio: number;
  settings: { keys: number; rounds: number; durationMs: number; warmupMs: number };
}

const ADMIN = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";

/** Runs the benchmark; throws if any verification is not VALID. */
export async function runClientBench(
  opts: {
    keys?: number;
    rounds?: number;
    durationMs?: number;
    warmupMs?: number;
    log?: (l: string) => void;
  } = {},
): Promise<ClientBenchResult> {
  const settings = {
    keys: opts.keys ?? 10_000,
    rounds: opts.rounds ?? 9,
    durationMs: opts.durationMs ?? 1000,
    warmupMs: opts.warmupMs ?? 2000,
  };
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-client-"));
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: join(dir, "keyroll.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN,
        KEYROLL_LOG_LEVEL: "silent",
      },
    }),
  );
  try {
    const url = await kr.app.listen({ host: "127.0.0.1", port: 0 });
    const consumer = await kr.services.consumers.create({ name: "bench" }, SYSTEM_ACTOR);
    const secrets = await insertBenchKeys(kr.store, consumer.id, settings.keys, {
      newId,
      generateSecret,
      DEFAULT_PREFIX,
      buildVersion,
    });
    const t0 = performance.now();
    const verifier = createVerifier({ url, adminKey: ADMIN, flushMs: 3_600_000 });
    await verifier.ready;
    log(
      `client verifier: ${verifier.status().versions} versions loaded in ${Math.round(performance.now() - t0)} ms`,
    );

    const digests = digestLoops(secrets);
    const n = secrets.length;
    const BATCH = 1024;
    let ki = 0;
    let bad = 0;
    // a loop of its own (see digestLoops: a shared loop would make the call polymorphic)
    const clientBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        if (!verifier.verify(secrets[ki]!).valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const ratios: number[] = [];
    const rawRatios: number[] = [];
    const out = await alternatingRounds(
      { client: clientBatch, bare: digests.bare, raw: digests.raw },
      {
        ...settings,
        check: () => {
          if (bad + digests.misses() > 0)
            throw new Error(`${bad + digests.misses()} verifications were not VALID`);
        },
        onRound: (i, got) => {
          ratios.push(got.client / got.bare);
          rawRatios.push(got.client / got.raw);
          log(
            `round ${i + 1}/${settings.rounds}: client ${Math.round(got.client)} ops/s, sha256+Map.get ${Math.round(got.bare)} ops/s, ` +
              `raw-digest loop ${Math.round(got.raw)} ops/s, ratio ${(got.client / got.bare).toFixed(3)}, client/raw ${(got.client / got.raw).toFixed(3)}`,
          );
        },
      },
    );
    await verifier.close();
    return { ...out, ratio: median(ratios), rawRatio: median(rawRatios), settings };
  } finally {
    await kr.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      keys: { type: "string" },
      rounds: { type: "string" },
      duration: { type: "string" },
      warmup: { type: "string" },
    },
  });
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const r = await runClientBench({
    keys: num(values.keys),
    rounds: num(values.rounds),
    durationMs: num(values.duration),
    warmupMs: num(values.warmup),
    log: (l) => console.log(l),
  });
  console.log(
    `\n@keyroll/client in-process verifier / bare sha256+Map.get: ${r.ratio.toFixed(3)}× (target ≥ ${CLIENT_TARGET}×), ` +
      `client / raw-digest loop: ${r.rawRatio.toFixed(3)}×, ${r.settings.keys} keys, ${r.settings.rounds} rounds of ${r.settings.durationMs} ms`,
  );
}
