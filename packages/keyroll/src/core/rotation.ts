import { KeyrollError } from "./errors.js";
import {
  type KeyRecord,
  keyExpired,
  type Millis,
  type VersionRecord,
  type VersionState,
  versionState,
} from "./model.js";

/** Longest grace period a rotation may ask for. */
export const MAX_GRACE_MS = 365 * 86_400_000;
/** Furthest in the future a rotation may be scheduled. */
export const MAX_SCHEDULE_MS = 365 * 86_400_000;

/** A change to one existing version, to be written in the same transaction as the rest of a plan. */
export interface VersionPatch {
  readonly version: number;
  readonly graceStartsAt?: Millis | null;
  readonly expiresAt?: Millis | null;
  readonly revokedAt?: Millis | null;
  readonly retireWhenUnusedMs?: Millis | null;
  readonly extendMaxAt?: Millis | null;
  readonly extendStepMs?: Millis | null;
  readonly retiredReason?: string | null;
  readonly storedState: VersionState;
}

/** What a rotation writes: patches to existing versions and the new version's stamps. */
export interface RotationPlan {
  readonly patches: readonly VersionPatch[];
  readonly next: {
    readonly version: number;
    readonly activatesAt: Millis;
    readonly storedState: VersionState;
  };
  readonly previous: { readonly version: number; readonly expiresAt: Millis } | null;
}

function withPatch(v: VersionRecord, p: VersionPatch): VersionRecord {
  return { ...v, ...p, storedState: p.storedState };
}

/**
 * Patches that bring every stored state in line with the time, e.g. a scheduled version whose
 * time has come becomes `active` and its predecessor `grace`. Applied first in every key write so
 * that the database's one-active-version index always describes the present.
 */
export function settle(versions: readonly VersionRecord[], now: Millis): VersionPatch[] {
  const out: VersionPatch[] = [];
  for (const v of versions) {
    const s = versionState(v, now);
    if (s !== v.storedState) out.push({ version: v.version, storedState: s });
  }
  // demotions first, so that no intermediate write ever shows two active versions
  return out.sort((a, b) => rank(a.storedState) - rank(b.storedState));
}

function rank(s: VersionState): number {
  return s === "active" ? 1 : 0;
}

/**
 * Orders a plan's patches so that every demotion is written before any promotion: the database's
 * one-active-version index must hold after each single statement, not only at commit.
 */
export function demotionsFirst(patches: readonly VersionPatch[]): VersionPatch[] {
  return [...patches].sort((a, b) => rank(a.storedState) - rank(b.storedState));
}

function assertLive(key: KeyRecord, now: Millis): void {
  if (key.revokedAt !== null) throw new KeyrollError("KEY_REVOKED", `key ${key.id} is revoked`);
  if (keyExpired(key, now)) throw new KeyrollError("KEY_EXPIRED", `key ${key.id} has expired`);
}

/**
 * Decides a rotation: the new version becomes active (now, or at `activateAt`), the current one
 * enters grace until its activation plus `graceMs`. Pure; the caller writes the plan in one transaction.
 */
export function planRotation(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  now: Millis,
  opts: {
    graceMs: Millis;
    activateAt?: Millis | undefined;
    /** Retire the previous version early once it has been unused this long (and the new one used). */
    retireWhenUnusedMs?: Millis | undefined;
    /** Extend the previous version's grace while it is in use, by `stepMs` at a time, up to `maxMs` in all. */
    extendWhileInUse?: { maxMs: Millis; stepMs: Millis } | undefined;
  },
): RotationPlan {
  assertLive(key, now);
  if (!Number.isInteger(opts.graceMs) || opts.graceMs < 0 || opts.graceMs > MAX_GRACE_MS) {
    throw new KeyrollError("INVALID_DURATION", "gracePeriod must be between 0s and 365d");
  }
  if (
    opts.retireWhenUnusedMs !== undefined &&
    (!Number.isInteger(opts.retireWhenUnusedMs) ||
      opts.retireWhenUnusedMs < 1000 ||
      opts.retireWhenUnusedMs > MAX_GRACE_MS)
  ) {
    throw new KeyrollError("INVALID_DURATION", "retireWhenUnusedFor must be between 1s and 365d");
  }
  const ext = opts.extendWhileInUse;
  if (ext !== undefined) {
    if (!Number.isInteger(ext.maxMs) || ext.maxMs < opts.graceMs || ext.maxMs > MAX_GRACE_MS) {
      throw new KeyrollError(
        "INVALID_DURATION",
        "extendWhileInUse.max must be at least gracePeriod and at most 365d",
      );
    }
    if (!Number.isInteger(ext.stepMs) || ext.stepMs < 1000 || ext.stepMs > ext.maxMs) {
      throw new KeyrollError("INVALID_DURATION", "extendWhileInUse.step must be between 1s and max");
    }
  }
  const at = opts.activateAt ?? now;
  if (at < now || at - now > MAX_SCHEDULE_MS) {
    throw new KeyrollError("VALIDATION_FAILED", "activateAt must be in the future and within 365 days");
  }
  const current = versions.map((v) => ({ v, s: versionState(v, now) }));
  if (current.some((c) => c.s === "scheduled")) {
    throw new KeyrollError("ROTATION_PENDING", "cancel the scheduled rotation with rollback first");
  }
  const active = current.find((c) => c.s === "active")?.v;
  const settled = settle(versions, now);
  const maxVersion = versions.reduce((m, v) => Math.max(m, v.version), 0);
  const patches: VersionPatch[] = settled.filter((p) => p.version !== active?.version);
  let previous: RotationPlan["previous"] = null;
  if (active) {
    const expiresAt = at + opts.graceMs;
    const scheduled = at > now;
    const prevState = scheduled ? "active" : versionState({ ...active, graceStartsAt: at, expiresAt }, now);
    patches.push({
      version: active.version,
      graceStartsAt: at,
      expiresAt,
      storedState: prevState,
      retireWhenUnusedMs: opts.retireWhenUnusedMs ?? null,
      extendMaxAt: ext ? at + ext.maxMs : null,
      extendStepMs: ext ? ext.stepMs : null,
    });
    previous = { version: active.version, expiresAt };
  }
  return {
    patches: demotionsFirst(patches),
    next: { version: maxVersion + 1, activatesAt: at, storedState: at > now ? "scheduled" : "active" },
    previous,
  };
}

/**
 * Decides a rollback: a pending scheduled version is cancelled; otherwise the version before the
 * active one, if still in grace, is active again and the newer one revoked.
 * Throws `ROLLBACK_NOT_POSSIBLE` when there is nothing in grace to return to.
 */
export function planRollback(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  now: Millis,
): VersionPatch[] {
  assertLive(key, now);
  const states = versions.map((v) => ({ v, s: versionState(v, now) }));
  const scheduled = states.find((c) => c.s === "scheduled")?.v;
  const active = states.find((c) => c.s === "active")?.v;
  const base = settle(versions, now);
  if (scheduled && active) {
    return demotionsFirst([
      ...base.filter((p) => p.version !== scheduled.version && p.version !== active.version),
      { version: scheduled.version, revokedAt: now, storedState: "revoked" },
      { ...NO_END, version: active.version },
    ]);
  }
  if (!active) throw new KeyrollError("ROLLBACK_NOT_POSSIBLE", "the key has no active version");
  // rollback undoes the last switch, and only that: back to the version the active one replaced.
  // If that one was revoked, the answer is 409, never a jump to an older secret that someone may
  // be retiring on purpose. A version revoked before it ever reached grace (undone by an earlier
  // rollback, or a scheduled one cancelled) replaced nothing and was replaced by nothing, and is
  // passed over.
  const previous = states
    .filter((c) => c.v.version < active.version && !revokedBeforeGrace(c.v))
    .sort((a, b) => b.v.version - a.v.version)[0];
  if (previous?.s !== "grace") {
    throw new KeyrollError(
      "ROLLBACK_NOT_POSSIBLE",
      previous
        ? `version ${previous.v.version} is ${previous.s}, not in grace`
        : "there is no previous version to return to",
    );
  }
  const others = base.filter((p) => p.version !== active.version && p.version !== previous.v.version);
  return demotionsFirst([
    ...others,
    { version: active.version, revokedAt: now, storedState: "revoked" },
    { ...NO_END, version: previous.v.version },
  ]);
}

/** True for a version revoked while scheduled or active: it never was a predecessor in grace. */
function revokedBeforeGrace(v: VersionRecord): boolean {
  return v.revokedAt !== null && (v.graceStartsAt === null || v.revokedAt < v.graceStartsAt);
}

/** Decides revoking one version; revoking the active one is refused (rotate first or revoke the key). */
export function planVersionRevoke(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  version: number,
  now: Millis,
): VersionPatch[] {
  const target = versions.find((v) => v.version === version);
  if (!target) throw new KeyrollError("VERSION_NOT_FOUND", `key ${key.id} has no version ${version}`);
  const s = versionState(target, now);
  if (s === "revoked") return [];
  if (s === "active" && key.revokedAt === null) {
    throw new KeyrollError(
      "VERSION_ACTIVE",
      `version ${version} is the active one: rotate first (a gracePeriod of "0s" retires it at once) or revoke the key`,
    );
  }
  const base = settle(versions, now).filter((p) => p.version !== version);
  if (s === "scheduled") {
    // cancelling a scheduled successor: the current version keeps working without an end
    const active = versions.find((v) => versionState(v, now) === "active");
    const keep = active ? [{ ...NO_END, version: active.version }] : [];
    return demotionsFirst([
      ...base.filter((p) => p.version !== active?.version),
      { version, revokedAt: now, storedState: "revoked" },
      ...keep,
    ]);
  }
  return demotionsFirst([...base, { version, revokedAt: now, storedState: "revoked" }]);
}

/** Decides revoking a whole key: every version not yet revoked is revoked now. */
export function planKeyRevoke(versions: readonly VersionRecord[], now: Millis): VersionPatch[] {
  return versions
    .filter((v) => v.revokedAt === null)
    .map((v) => ({ version: v.version, revokedAt: now, storedState: "revoked" as const }));
}

/** What makes a version active again with no end: its grace and any traffic policy cleared. */
const NO_END = {
  graceStartsAt: null,
  expiresAt: null,
  retireWhenUnusedMs: null,
  extendMaxAt: null,
  extendStepMs: null,
  storedState: "active" as const,
};

/** Applies patches to versions in memory (the same result the store writes). */
export function applyPatches(
  versions: readonly VersionRecord[],
  patches: readonly VersionPatch[],
): VersionRecord[] {
  return versions.map((v) => {
    let out = v;
    for (const p of patches) if (p.version === v.version) out = withPatch(out, p);
    return out;
  });
}
