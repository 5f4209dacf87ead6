// The verify benchmark, part 2 (in-process): verifier.verifyCached over real keys vs a bare SHA-256
// + Map.get loop. Run through verify.ts.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  alternatingRounds,
  BOOTSTRAP_ADMIN_KEY,
  digestLoops,
  fmt,
  insertBenchKeys,
  loadKeyroll,
  median,
  type Source,
} from "./verify-shared.js";

// ---- 2. in-process -------------------------------------------------------------------------------------

/** Settings of the in-process benchmark. */
export interface InProcessBenchOptions {
  /** Which Keyroll code runs (default `dist`; the caller builds it, see `buildDist`). */
  source?: Source;
  /** Benchmark another build of packages/keyroll (a directory holding main.js), for A/B of a change. */
  keyrollDir?: string;
  /** How many real keys to create and cycle through. */
  keys?: number;
  rounds?: number;
  durationMs?: number;
  warmupMs?: number;
  log?: (line: string) => void;
}

/** What the in-process benchmark measured. */
export interface InProcessBenchResult {
  keyroll: number[];
  bare: number[];
  keyrollMedianOps: number;
  bareMedianOps: number;
  /** Median over rounds of keyroll/bare. */
  ratio: number;
  /** Two twin verifiers over the same store, usage recording on and off, and the median of on/off per round. */
  recordingOn: number[];
  recordingOff: number[];
  recordingRatio: number;
  /**
   * The control: the bare loop with the digest form Keyroll's index uses (32 raw bytes instead of
   * 64 hex characters), and the median of keyroll/that loop per round.
   */
  raw: number[];
  rawRatio: number;
  /** Index size of the verifier (the keys plus the bootstrap admin key). */
  indexSize: number;
  settings: Required<Omit<InProcessBenchOptions, "log" | "keyrollDir">>;
}

/**
 * Measures `verifier.verifyCached(secret)` over `keys` real keys (created through the store in one
 * transaction and indexed from the change feed) against a bare SHA-256 + Map.get loop over the
 * same secrets, in alternating rounds. Throws if any verification is not VALID.
 */
export async function runInProcessBench(opts: InProcessBenchOptions = {}): Promise<InProcessBenchResult> {
  const settings = {
    keys: opts.keys ?? 10_000,
    rounds: opts.rounds ?? 9,
    durationMs: opts.durationMs ?? 1_000,
    warmupMs: opts.warmupMs ?? 2_000,
    source: opts.source ?? "dist",
  };
  if (settings.keys < 1 || settings.keys > 1_000_000) throw new Error("keys must be 1-1,000,000");
  if (settings.rounds < 1 || settings.rounds > 100) throw new Error("rounds must be 1-100");
  const log = opts.log ?? (() => undefined);
  const {
    createKeyroll,
    createVerifier,
    resolveConfig,
    SYSTEM_ACTOR,
    generateSecret,
    DEFAULT_PREFIX,
    buildVersion,
    newId,
  } = await loadKeyroll(settings.source, opts.keyrollDir);

  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-"));
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: join(dir, "keyroll.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "silent",
      },
    }),
  );
  try {
    const consumer = await kr.services.consumers.create({ name: "bench consumer" }, SYSTEM_ACTOR);
    const t0 = performance.now();
    const secrets = await insertBenchKeys(kr.store, consumer.id, settings.keys, {
      newId,
      generateSecret,
      DEFAULT_PREFIX,
      buildVersion,
    });
    await kr.verifier.sync();
    const indexSize = kr.verifier.status().size;
    if (indexSize < settings.keys)
      throw new Error(`index holds ${indexSize} versions, expected ≥ ${settings.keys}`);
    for (const s of secrets) {
      const r = kr.verifier.verifyCached(s);
      if (r?.code !== "VALID") throw new Error(`a benchmark key does not verify: ${r?.code ?? "not cached"}`);
    }
    log(`in-process: ${settings.keys} keys created and indexed in ${fmt(performance.now() - t0)} ms`);

    const digests = digestLoops(secrets);
    const n = secrets.length;
    const BATCH = 1024;
    let ki = 0;
    let bad = 0;
    const verifier = kr.verifier;
    // One hand-written loop per variant, on purpose: closures from one shared loop share V8's
    // feedback, so its `verifyCached` call would see several targets and go polymorphic; that
    // biased a comparison by ≈ 24 % when tried.
    const keyrollBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        const r = verifier.verifyCached(secrets[ki]!);
        if (r === undefined || !r.valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    // what recording costs, alone: two more verifiers over the same store, built the same way, one
    // with usage recording and one without (comparing the node's own verifier, indexed from the
    // change feed, with a twin loaded at start measured the twin up to 34 % slower for nothing)
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    const twin = (usageRecording: boolean) =>
      createVerifier({ store: kr.store, clock: { now: () => Date.now() }, logger: silent, usageRecording });
    const on = twin(true);
    const off = twin(false);
    await on.start();
    await off.start();
    const onBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        const r = on.verifyCached(secrets[ki]!);
        if (r === undefined || !r.valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const offBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        const r = off.verifyCached(secrets[ki]!);
        if (r === undefined || !r.valid) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const check = () => {
      if (bad + digests.misses() > 0)
        throw new Error(`${bad + digests.misses()} verifications were not VALID`);
    };
    const ratios: number[] = [];
    const recordingRatios: number[] = [];
    const rawRatios: number[] = [];
    const out = await alternatingRounds(
      { keyroll: keyrollBatch, bare: digests.bare, on: onBatch, off: offBatch, raw: digests.raw },
      {
        ...settings,
        check,
        onRound: (i, got) => {
          const { keyroll: k, bare: b, on: t, off: o, raw: w } = got;
          ratios.push(k / b);
          recordingRatios.push(t / o);
          rawRatios.push(k / w);
          log(
            `in-process round ${i + 1}/${settings.rounds}: verifyCached ${fmt(k)} ops/s, ` +
              `sha256+Map.get ${fmt(b)} ops/s, raw-digest loop ${fmt(w)} ops/s, twins recording on ${fmt(t)} / off ${fmt(o)} ops/s, ` +
              `ratio ${(k / b).toFixed(3)}, keyroll/raw ${(k / w).toFixed(3)}, recording on/off ${(t / o).toFixed(3)}`,
          );
        },
      },
    );
    await on.stop();
    await off.stop();
    return {
      recordingOn: out.on,
      recordingOff: out.off,
      recordingRatio: median(recordingRatios),
      keyroll: out.keyroll,
      bare: out.bare,
      keyrollMedianOps: median(out.keyroll),
      bareMedianOps: median(out.bare),
      ratio: median(ratios),
      raw: out.raw,
      rawRatio: median(rawRatios),
      indexSize,
      settings,
    };
  } finally {
    await kr.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
