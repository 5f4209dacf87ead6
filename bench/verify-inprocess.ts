// The verify benchmark, part 2 (in-process): verifier.verifyCached over real keys vs a bare SHA-256
// + Map.get loop. Run through verify.ts.
import { hash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyRecord } from "../packages/keyroll/src/core/model.js";
import { BOOTSTRAP_ADMIN_KEY, fmt, loadKeyroll, median, type Source, sleep } from "./verify-shared.js";

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

/** Runs `batch` repeatedly for about `durationMs`; returns operations per second. */
function timed(durationMs: number, batch: () => number): number {
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  // bounded: the clock decides, with a hard cap on batches in case the clock misbehaves
  for (let i = 0; i < 100_000_000 && elapsed < durationMs; i++) {
    ops += batch();
    elapsed = performance.now() - t0;
  }
  return (ops / elapsed) * 1000;
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
    // what keys.create writes (key, version 1, change-feed row), minus the audit entry, for N keys in
    // one transaction instead of N fsynced ones; the verifier then indexes them from the change feed
    const secrets: string[] = [];
    const t0 = performance.now();
    await kr.store.transaction(async (tx) => {
      for (let i = 0; i < settings.keys; i++) {
        const now = Date.now();
        const secret = generateSecret(DEFAULT_PREFIX);
        const key: KeyRecord = {
          id: newId("key", now),
          consumerId: consumer.id,
          name: `bench ${i}`,
          scopes: ["orders:read"],
          prefix: DEFAULT_PREFIX,
          metadata: {},
          createdAt: now,
          expiresAt: null,
          revokedAt: null,
          admin: false,
          allowSuccessorPickup: true,
        };
        await tx.insertKey(key, now);
        await tx.insertVersion(
          buildVersion({
            keyId: key.id,
            version: 1,
            secret,
            imported: false,
            now,
            activatesAt: now,
            storedState: "active",
          }),
        );
        await tx.appendChange({ op: "key.created", keyId: key.id, consumerId: consumer.id, at: now });
        secrets.push(secret);
      }
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

    const bareMap = new Map<string, { keyId: string }>();
    for (const s of secrets) bareMap.set(hash("sha256", s, "hex"), { keyId: "x" });
    // the control: the same loop with the digest form Keyroll's index uses (32 raw bytes, not hex)
    const rawMap = new Map<string, { keyId: string }>();
    for (const s of secrets) rawMap.set(hash("sha256", s, "binary"), { keyId: "x" });

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
    const bareBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        if (bareMap.get(hash("sha256", secrets[ki]!, "hex")) === undefined) bad++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return BATCH;
    };
    const rawBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        if (rawMap.get(hash("sha256", secrets[ki]!, "binary")) === undefined) bad++;
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
      if (bad > 0) throw new Error(`${bad} verifications were not VALID`);
    };

    if (settings.warmupMs > 0) {
      for (const batch of [keyrollBatch, bareBatch, rawBatch, onBatch, offBatch])
        timed(settings.warmupMs / 5, batch);
      check();
    }
    const out = {
      keyroll: [] as number[],
      bare: [] as number[],
      on: [] as number[],
      off: [] as number[],
      raw: [] as number[],
    };
    const ratios: number[] = [];
    const recordingRatios: number[] = [];
    const rawRatios: number[] = [];
    const batches = { keyroll: keyrollBatch, bare: bareBatch, on: onBatch, off: offBatch, raw: rawBatch };
    const names = ["keyroll", "bare", "on", "off", "raw"] as const;
    for (let i = 0; i < settings.rounds; i++) {
      // rotate the order each round so no variant always runs first
      const got: Partial<Record<(typeof names)[number], number>> = {};
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length]!;
        got[name] = timed(settings.durationMs, batches[name]);
        await sleep(50); // let the verifier's timers (feed poll, usage flush) run outside the window
      }
      check();
      const k = got.keyroll!;
      const b = got.bare!;
      const t = got.on!;
      const o = got.off!;
      const w = got.raw!;
      out.keyroll.push(k);
      out.bare.push(b);
      out.on.push(t);
      out.off.push(o);
      out.raw.push(w);
      ratios.push(k / b);
      recordingRatios.push(t / o);
      rawRatios.push(k / w);
      log(
        `in-process round ${i + 1}/${settings.rounds}: verifyCached ${fmt(k)} ops/s, ` +
          `sha256+Map.get ${fmt(b)} ops/s, raw-digest loop ${fmt(w)} ops/s, twins recording on ${fmt(t)} / off ${fmt(o)} ops/s, ` +
          `ratio ${(k / b).toFixed(3)}, keyroll/raw ${(k / w).toFixed(3)}, recording on/off ${(t / o).toFixed(3)}`,
      );
    }
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
