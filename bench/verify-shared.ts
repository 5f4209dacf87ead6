// The verify benchmark (verify.ts), shared parts: which Keyroll code runs, settings, small helpers.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

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
