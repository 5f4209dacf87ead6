// The verify benchmark (verify.ts), shared parts: which Keyroll code runs, settings, small helpers.
import { spawnSync } from "node:child_process";
import { hash } from "node:crypto";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { KeyRecord } from "../packages/keyroll/src/core/model.js";
import type { Store } from "../packages/keyroll/src/store/types.js";

export const HOST = "127.0.0.1";
export const HERE = fileURLToPath(import.meta.url);
export const REPO_ROOT = dirname(dirname(HERE));
/** The bootstrap admin key of the benchmark node (a throwaway database in a temp dir). */
export const BOOTSTRAP_ADMIN_KEY = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";
/** CPUs this process may run on, read before any pinning (which narrows what the OS reports). */
export const CPUS = availableParallelism();
/** How long a child may take to come up or to go away before it counts as an error. */
export const CHILD_TIMEOUT_MS = 60_000;

// ---- which Keyroll code runs ----------------------------------------------------------------------

/**
 * `dist`: the compiled package (what `keyroll serve` runs; rebuilt with `tsc -b` before the run).
 * `src`: the TypeScript sources through tsx, no build needed, but tsx compiles with esbuild's
 * `keepNames`, which adds a `__name()` call to every closure created per request.
 */
export type Source = "dist" | "src";

export type MainModule = typeof import("../packages/keyroll/src/main.js");
export type VerifierModule = typeof import("../packages/keyroll/src/verifier/index.js");
export type DepsModule = typeof import("../packages/keyroll/src/services/deps.js");
export type SecretModule = typeof import("../packages/keyroll/src/core/secret.js");
export type VersionModule = typeof import("../packages/keyroll/src/core/version.js");
export type IdsModule = typeof import("../packages/keyroll/src/core/ids.js");

/** The Keyroll modules the benchmark uses, from the compiled package or from the sources. */
export async function loadKeyroll(source: Source, dir?: string) {
  const base = dir
    ? pathToFileURL(`${dir.replace(/\/$/, "")}/`)
    : new URL(`../packages/keyroll/${source}/`, import.meta.url);
  const mod = <T>(path: string) => import(new URL(path, base).href) as Promise<T>;
  const [main, deps, secret, version, ids, verifier] = await Promise.all([
    mod<MainModule>("main.js"),
    mod<DepsModule>("services/deps.js"),
    mod<SecretModule>("core/secret.js"),
    mod<VersionModule>("core/version.js"),
    mod<IdsModule>("core/ids.js"),
    mod<VerifierModule>("verifier/index.js"),
  ]);
  return { ...main, ...deps, ...secret, ...version, ...ids, ...verifier };
}

/** Brings packages/keyroll/dist up to date (`tsc -b`, incremental: quick when nothing changed). */
export function buildDist(): void {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  const r = spawnSync(process.execPath, [tsc, "-b", "packages/keyroll"], {
    cwd: REPO_ROOT,
    stdio: "inherit",
  });
  if (r.status !== 0) {
    throw new Error("building packages/keyroll failed; fix the build or run with --source src");
  }
}

// ---- the in-process measurement (verify-inprocess.ts, client-verifier.ts) ------------------------

/** Runs `batch` repeatedly for about `durationMs`; returns operations per second. */
export function timed(durationMs: number, batch: () => number): number {
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

/** What `insertBenchKeys` needs of Keyroll (from `loadKeyroll`, or imported from the sources). */
export interface KeyMaking {
  readonly newId: IdsModule["newId"];
  readonly generateSecret: SecretModule["generateSecret"];
  readonly DEFAULT_PREFIX: SecretModule["DEFAULT_PREFIX"];
  readonly buildVersion: VersionModule["buildVersion"];
}

/**
 * `count` active keys of `consumerId` as keys.create writes them (key, version 1, change-feed row),
 * minus the audit entry, in one transaction instead of `count` fsynced ones; returns their secrets.
 * A verifier then indexes them from the change feed.
 */
export async function insertBenchKeys(
  store: Pick<Store, "transaction">,
  consumerId: string,
  count: number,
  k: KeyMaking,
): Promise<string[]> {
  const secrets: string[] = [];
  await store.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const now = Date.now();
      const secret = k.generateSecret(k.DEFAULT_PREFIX);
      const key: KeyRecord = {
        id: k.newId("key", now),
        consumerId,
        name: `bench ${i}`,
        scopes: ["orders:read"],
        prefix: k.DEFAULT_PREFIX,
        metadata: {},
        createdAt: now,
        expiresAt: null,
        revokedAt: null,
        admin: false,
        allowSuccessorPickup: true,
      };
      await tx.insertKey(key, now);
      await tx.insertVersion(
        k.buildVersion({
          keyId: key.id,
          version: 1,
          secret,
          imported: false,
          now,
          activatesAt: now,
          storedState: "active",
        }),
      );
      await tx.appendChange({ op: "key.created", keyId: key.id, consumerId, at: now });
      secrets.push(secret);
    }
  });
  return secrets;
}

/**
 * The baselines: a bare SHA-256 (hex) + Map.get loop over `secrets`, and the control with the digest
 * form Keyroll's index uses (32 raw bytes instead of 64 hex characters). Each a loop of its own:
 * closures of one shared loop share V8's feedback, and its call would go polymorphic.
 */
export function digestLoops(secrets: readonly string[], batchSize = 1024) {
  const bareMap = new Map<string, { keyId: string }>();
  for (const s of secrets) bareMap.set(hash("sha256", s, "hex"), { keyId: "x" });
  const rawMap = new Map<string, { keyId: string }>();
  for (const s of secrets) rawMap.set(hash("sha256", s, "binary"), { keyId: "x" });
  const n = secrets.length;
  let ki = 0;
  let misses = 0;
  return {
    bare: () => {
      for (let j = 0; j < batchSize; j++) {
        if (bareMap.get(hash("sha256", secrets[ki]!, "hex")) === undefined) misses++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return batchSize;
    },
    raw: () => {
      for (let j = 0; j < batchSize; j++) {
        if (rawMap.get(hash("sha256", secrets[ki]!, "binary")) === undefined) misses++;
        ki = ki + 1 === n ? 0 : ki + 1;
      }
      return batchSize;
    },
    /** Lookups that found nothing (a bug of the benchmark: every secret is in both maps). */
    misses: () => misses,
  };
}

/**
 * Timed rounds over named variants: a warm-up of each (`warmupMs` in all), then `rounds` rounds of
 * `durationMs` per variant, the order rotated each round so that none always runs first, with a
 * pause between windows for the verifiers' timers (feed poll, usage flush). `check` runs after the
 * warm-up and after each round (it throws on a wrong answer). Returns ops/s per variant, by round.
 */
export async function alternatingRounds<N extends string>(
  batches: Readonly<Record<N, () => number>>,
  o: {
    rounds: number;
    durationMs: number;
    warmupMs: number;
    check: () => void;
    onRound?: (round: number, got: Readonly<Record<N, number>>) => void;
  },
): Promise<Record<N, number[]>> {
  const names = Object.keys(batches) as N[];
  if (o.warmupMs > 0) {
    for (const name of names) timed(o.warmupMs / names.length, batches[name]);
    o.check();
  }
  const out = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<N, number[]>;
  for (let i = 0; i < o.rounds; i++) {
    const got = {} as Record<N, number>;
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length]!;
      got[name] = timed(o.durationMs, batches[name]);
      await sleep(50);
    }
    o.check();
    for (const name of names) out[name].push(got[name]);
    o.onRound?.(i, got);
  }
  return out;
}

// ---- small helpers -------------------------------------------------------------------------------

export { median } from "../packages/keyroll/test/support/stats.js";

export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    t = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(t));
}
