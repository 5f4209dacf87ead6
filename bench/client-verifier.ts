// Benchmark of the in-process verifier of @keyroll/client (createVerifier, synced over HTTP from
// a real Keyroll node) against the bare loop the issue names: crypto.hash("sha256") + Map.get over
// the same secrets, and the same loop with raw digests as a control. Rounds alternate the order
// (the machine is shared and noisy); ratios are medians of per-round ratios. Target ≥ 0.8×.
// Run: `npm run bench:client [-- --keys 10000 --rounds 9 --duration 1000]` from the repo root.
import { hash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createVerifier } from "@keyroll/client/node";
import { newId } from "../packages/keyroll/src/core/ids.js";
import type { KeyRecord } from "../packages/keyroll/src/core/model.js";
import { DEFAULT_PREFIX, generateSecret } from "../packages/keyroll/src/core/secret.js";
import { buildVersion } from "../packages/keyroll/src/core/version.js";
import { createKeyroll, resolveConfig } from "../packages/keyroll/src/main.js";
import { SYSTEM_ACTOR } from "../packages/keyroll/src/services/deps.js";
import { median } from "./verify.js";

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

function timed(durationMs: number, batch: () => number): number {
  let ops = 0;
  const t0 = performance.now();
  let elapsed = 0;
  for (let i = 0; i < 100_000_000 && elapsed < durationMs; i++) {
    ops += batch();
    elapsed = performance.now() - t0;
  }
  return (ops / elapsed) * 1000;
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
    const secrets: string[] = [];
    // as bench/verify.ts: N keys in one transaction instead of N fsynced creates
    await kr.store.transaction(async (tx) => {
      for (let i = 0; i < settings.keys; i++) {
        const now = Date.now();
        const secret = generateSecret(DEFAULT_PREFIX);
        const key: KeyRecord = {
          id: newId("key", now),
          consumerId: consumer.id,
          name: null,
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
    const t0 = performance.now();
    const verifier = createVerifier({ url, adminKey: ADMIN, flushMs: 3_600_000 });
    await verifier.ready;
    log(
      `client verifier: ${verifier.status().versions} versions loaded in ${Math.round(performance.now() - t0)} ms`,
    );

    const bareMap = new Map<string, { keyId: string }>();
    for (const s of secrets) bareMap.set(hash("sha256", s, "hex"), { keyId: "x" });
    const rawMap = new Map<string, { keyId: string }>();
    for (const s of secrets) rawMap.set(hash("sha256", s, "binary"), { keyId: "x" });
    const n = secrets.length;
    const BATCH = 1024;
    let ki = 0;
    let bad = 0;
    // one loop per variant (see bench/verify.ts: a shared loop would make the call polymorphic)
    const clientBatch = () => {
      for (let j = 0; j < BATCH; j++) {
        if (!verifier.verify(secrets[ki]!).valid) bad++;
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
    const batches = { client: clientBatch, bare: bareBatch, raw: rawBatch };
    const names = ["client", "bare", "raw"] as const;
    if (settings.warmupMs > 0) for (const b of Object.values(batches)) timed(settings.warmupMs / 3, b);
    const out = { client: [] as number[], bare: [] as number[], raw: [] as number[] };
    const ratios: number[] = [];
    const rawRatios: number[] = [];
    for (let i = 0; i < settings.rounds; i++) {
      const got: Partial<Record<(typeof names)[number], number>> = {};
      for (let j = 0; j < names.length; j++) {
        const name = names[(i + j) % names.length]!;
        got[name] = timed(settings.durationMs, batches[name]);
        await new Promise((r) => setTimeout(r, 50));
      }
      if (bad > 0) throw new Error(`${bad} verifications were not VALID`);
      for (const k of names) out[k].push(got[k]!);
      ratios.push(got.client! / got.bare!);
      rawRatios.push(got.client! / got.raw!);
      log(
        `round ${i + 1}/${settings.rounds}: client ${Math.round(got.client!)} ops/s, sha256+Map.get ${Math.round(got.bare!)} ops/s, ` +
          `raw-digest loop ${Math.round(got.raw!)} ops/s, ratio ${(got.client! / got.bare!).toFixed(3)}, client/raw ${(got.client! / got.raw!).toFixed(3)}`,
      );
    }
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
