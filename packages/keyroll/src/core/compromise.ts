import { KeyrollError } from "./errors.js";
import { type KeyRecord, keyExpired, type Millis, type VersionRecord, versionState } from "./model.js";
import { demotionsFirst, settle, type VersionPatch } from "./rotation.js";

/** What an emergency rotation writes: the exposed versions revoked, the rest ended, a new active one. */
export interface CompromisePlan {
  /** Versions revoked now: the exposed ones (and whatever was sealed to them, see below). */
  readonly revoked: readonly number[];
  readonly patches: readonly VersionPatch[];
  /** The replacement: active now, with no grace for anything before it. */
  readonly next: { readonly version: number; readonly activatesAt: Millis };
  /** A version left working for `graceMs` (the active one, when the caller said it was not exposed). */
  readonly previous: { readonly version: number; readonly expiresAt: Millis } | null;
}

/**
 * Decides an emergency rotation (decision 0018). `exposed` lists the versions whose secret leaked;
 * absent, every version that still works (active, grace, scheduled) is. `sealedTo(v)` are the
 * versions whose secret was sealed for holders of `v` (successor pickup): whoever holds an exposed
 * secret could have opened those, so they are exposed too. Every exposed version is revoked at
 * once; a scheduled version is cancelled; an active version the caller did not name keeps working
 * for `graceMs` (0: it ends now) so that its honest holders can move; the replacement is active now.
 * Pure; the caller writes the plan in one transaction.
 */
export function planCompromise(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  now: Millis,
  opts: {
    exposed?: readonly number[] | undefined;
    graceMs?: Millis | undefined;
    sealedTo?: ((version: number) => readonly number[]) | undefined;
  } = {},
): CompromisePlan {
  if (key.revokedAt !== null) throw new KeyrollError("KEY_REVOKED", `key ${key.id} is revoked`);
  if (keyExpired(key, now)) throw new KeyrollError("KEY_EXPIRED", `key ${key.id} has expired`);
  const graceMs = opts.graceMs ?? 0;
  if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > 7 * 86_400_000) {
    throw new KeyrollError("INVALID_DURATION", "gracePeriod must be between 0s and 7d");
  }
  const byVersion = new Map(versions.map((v) => [v.version, v]));
  for (const n of opts.exposed ?? []) {
    if (!byVersion.has(n)) throw new KeyrollError("VERSION_NOT_FOUND", `key ${key.id} has no version ${n}`);
  }
  const working = versions.filter((v) => {
    const s = versionState(v, now);
    return s === "active" || s === "grace" || s === "scheduled";
  });
  const exposed = new Set(opts.exposed ?? working.map((v) => v.version));
  // what a holder of an exposed secret could have picked up is exposed as well, transitively
  const queue = [...exposed];
  while (queue.length > 0) {
    // popped before the call: `sealedTo?.(…)` would skip evaluating its argument when absent
    const n = queue.pop()!;
    for (const w of opts.sealedTo?.(n) ?? []) {
      if (!exposed.has(w) && byVersion.has(w)) {
        exposed.add(w);
        queue.push(w);
      }
    }
  }
  const settled = settle(versions, now);
  const patches: VersionPatch[] = [];
  const revoked: number[] = [];
  let previous: CompromisePlan["previous"] = null;
  for (const v of versions) {
    const s = versionState(v, now);
    if (s === "revoked") continue;
    if (exposed.has(v.version) || s === "scheduled") {
      patches.push({ version: v.version, revokedAt: now, storedState: "revoked" });
      revoked.push(v.version);
    } else if (s === "active") {
      const expiresAt = now + graceMs;
      patches.push({
        version: v.version,
        graceStartsAt: now,
        expiresAt,
        storedState: graceMs === 0 ? "expired" : "grace",
        retireWhenUnusedMs: null,
        extendMaxAt: null,
        extendStepMs: null,
      });
      previous = { version: v.version, expiresAt };
    } else {
      const p = settled.find((x) => x.version === v.version);
      if (p) patches.push(p);
    }
  }
  const maxVersion = versions.reduce((m, v) => Math.max(m, v.version), 0);
  return {
    revoked: revoked.sort((a, b) => a - b),
    patches: demotionsFirst(patches),
    next: { version: maxVersion + 1, activatesAt: now },
    previous,
  };
}
