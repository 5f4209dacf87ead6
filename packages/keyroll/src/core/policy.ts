import { formatDuration, parseDuration } from "./duration.js";
import { KeyrollError } from "./errors.js";
import { type KeyRecord, keyExpired, type Millis, type VersionRecord, versionState } from "./model.js";
import { MAX_GRACE_MS } from "./rotation.js";
import { type MaintenanceWindow, nextWindowTime, type Weekday, windowProblem } from "./window.js";

// Rotation policies: rotate a key every `interval`, with a grace period, optionally only inside a
// maintenance window and with phased activation. Pure: the leader applies `decidePolicyRotation`.

/** Shortest and longest interval a policy may rotate at. */
export const MIN_INTERVAL_MS = 3_600_000;
export const MAX_INTERVAL_MS = 3650 * 86_400_000;
/** Longest phased activation: the new version waits scheduled at most this long (plus the window). */
export const MAX_ACTIVATE_AFTER_MS = 30 * 86_400_000;

/** A rotation policy, decided and validated. */
export interface RotationPolicy {
  readonly intervalMs: Millis;
  readonly graceMs: Millis;
  readonly window: MaintenanceWindow | null;
  /** Phased activation: the new version is made `scheduled` and becomes active this long after (at least). */
  readonly activateAfterMs: Millis | null;
  readonly retireWhenUnusedMs: Millis | null;
  readonly extendWhileInUse: { readonly maxMs: Millis; readonly stepMs: Millis } | null;
}

/** Where a key's effective policy comes from. */
export type PolicySource = "key" | "consumer" | "default";

/** A policy as the API takes and shows it (durations as strings). */
export interface PolicyJson {
  interval: string | number;
  gracePeriod: string | number;
  window?: { days: string[]; start: string; end: string; timeZone?: string } | null;
  activateAfter?: string | number | null;
  retireWhenUnusedFor?: string | number | null;
  extendWhileInUse?: { max: string | number; step?: string | number } | null;
}

function dur(
  v: unknown,
  field: string,
  problems: Array<{ path: string; message: string }>,
): Millis | undefined {
  const ms = parseDuration(v);
  if (ms === undefined)
    problems.push({ path: field, message: 'must be like "30s", "15m", "2h", "7d" or seconds' });
  return ms;
}

/**
 * Validates a policy as the API takes it; every problem is reported at once (`INVALID_DURATION`
 * when only durations are wrong, else `VALIDATION_FAILED`).
 * @example parsePolicy({ interval: "90d", gracePeriod: "7d", window: { days: ["sat"], start: "02:00", end: "04:00", timeZone: "Europe/Berlin" } })
 */
export function parsePolicy(input: PolicyJson): RotationPolicy {
  const problems: Array<{ path: string; message: string }> = [];
  let durationsOnly = true;
  const bad = (path: string, message: string, isDuration = false) => {
    problems.push({ path, message });
    if (!isDuration) durationsOnly = false;
  };
  const intervalMs = dur(input.interval, "interval", problems);
  if (intervalMs !== undefined && (intervalMs < MIN_INTERVAL_MS || intervalMs > MAX_INTERVAL_MS))
    bad("interval", "must be between 1h and 3650d", true);
  const graceMs = dur(input.gracePeriod, "gracePeriod", problems);
  if (graceMs !== undefined && graceMs > MAX_GRACE_MS)
    bad("gracePeriod", "must be between 0s and 365d", true);
  let activateAfterMs: Millis | null = null;
  if (input.activateAfter != null) {
    const ms = dur(input.activateAfter, "activateAfter", problems);
    if (ms !== undefined) {
      if (ms < 1000 || ms > MAX_ACTIVATE_AFTER_MS) bad("activateAfter", "must be between 1s and 30d", true);
      else if (intervalMs !== undefined && ms >= intervalMs)
        bad("activateAfter", "must be shorter than interval", true);
      activateAfterMs = ms;
    }
  }
  let retireWhenUnusedMs: Millis | null = null;
  if (input.retireWhenUnusedFor != null) {
    const ms = dur(input.retireWhenUnusedFor, "retireWhenUnusedFor", problems);
    if (ms !== undefined && (ms < 1000 || ms > MAX_GRACE_MS))
      bad("retireWhenUnusedFor", "must be between 1s and 365d", true);
    retireWhenUnusedMs = ms ?? null;
  }
  let extendWhileInUse: RotationPolicy["extendWhileInUse"] = null;
  if (input.extendWhileInUse != null) {
    const maxMs = dur(input.extendWhileInUse.max, "extendWhileInUse.max", problems);
    const stepMs =
      input.extendWhileInUse.step === undefined
        ? 3_600_000
        : dur(input.extendWhileInUse.step, "extendWhileInUse.step", problems);
    if (maxMs !== undefined && graceMs !== undefined && (maxMs < graceMs || maxMs > MAX_GRACE_MS))
      bad("extendWhileInUse.max", "must be at least gracePeriod and at most 365d", true);
    if (maxMs !== undefined && stepMs !== undefined && (stepMs < 1000 || stepMs > maxMs))
      bad("extendWhileInUse.step", "must be between 1s and max", true);
    if (maxMs !== undefined && stepMs !== undefined) extendWhileInUse = { maxMs, stepMs };
  }
  let window: MaintenanceWindow | null = null;
  if (input.window != null) {
    const w: MaintenanceWindow = {
      days: input.window.days as Weekday[],
      start: input.window.start,
      end: input.window.end,
      timeZone: input.window.timeZone ?? "UTC",
    };
    const p = windowProblem(w);
    if (p) bad("window", p);
    window = { ...w, days: [...w.days] };
  }
  if (problems.length > 0 || intervalMs === undefined || graceMs === undefined) {
    throw new KeyrollError(
      durationsOnly ? "INVALID_DURATION" : "VALIDATION_FAILED",
      problems.map((p) => `${p.path}: ${p.message}`).join("; "),
      problems,
    );
  }
  return { intervalMs, graceMs, window, activateAfterMs, retireWhenUnusedMs, extendWhileInUse };
}

/** A policy as the API shows it and the store keeps it: durations in their shortest exact form. */
export function policyJson(p: RotationPolicy) {
  return {
    interval: formatDuration(p.intervalMs),
    gracePeriod: formatDuration(p.graceMs),
    window: p.window && {
      days: [...p.window.days],
      start: p.window.start,
      end: p.window.end,
      timeZone: p.window.timeZone,
    },
    activateAfter: p.activateAfterMs === null ? null : formatDuration(p.activateAfterMs),
    retireWhenUnusedFor: p.retireWhenUnusedMs === null ? null : formatDuration(p.retireWhenUnusedMs),
    extendWhileInUse: p.extendWhileInUse && {
      max: formatDuration(p.extendWhileInUse.maxMs),
      step: formatDuration(p.extendWhileInUse.stepMs),
    },
  };
}

/**
 * The key's effective policy: its own, else its consumer's, else the global default. Admin keys
 * follow no inherited policy (an automatic rotation of the operators' own credential would lock
 * them out), and refuse one of their own.
 */
export function effectivePolicy(
  key: KeyRecord,
  own: RotationPolicy | undefined,
  consumer: RotationPolicy | undefined,
  global: RotationPolicy | undefined,
): { policy: RotationPolicy; source: PolicySource } | null {
  if (key.admin) return null;
  if (own) return { policy: own, source: "key" };
  if (consumer) return { policy: consumer, source: "consumer" };
  if (global) return { policy: global, source: "default" };
  return null;
}

/**
 * When the key last rotated, as far as a policy counts: the newest version's activation, or the
 * cancellation of a scheduled one (a cancelled or rolled-back rotation also restarts the interval,
 * so the policy does not redo at once what someone just undid).
 */
export function lastRotationAt(versions: readonly VersionRecord[]): Millis {
  let at = Number.NEGATIVE_INFINITY;
  for (const v of versions) {
    const t = v.revokedAt !== null && v.revokedAt < v.activatesAt ? v.revokedAt : v.activatesAt;
    if (t > at) at = t;
  }
  return at;
}

/** What the leader does about one key's policy at time `now`. */
export interface PolicyDecision {
  /** The rotation's planned switch time: also its identity (no two rotations of a key for one `dueAt`). */
  readonly dueAt: Millis;
  /** When the next policy rotation makes its new version active (in the window). */
  readonly nextRotationAt: Millis;
  /** True when the leader should rotate now. */
  readonly due: boolean;
  /** For phased activation: when the new version becomes active. */
  readonly activateAt: Millis | undefined;
  /** Why the policy cannot rotate this key (its clients could not pick the new secret up), or null. */
  readonly blocked: string | null;
}

/**
 * Decides a policy rotation. Without phased activation, the rotation runs once `interval` has
 * passed since the last one and the window is open (a leader back after the window closed waits
 * for the next one). With `activateAfter`, the new version is made that long before its planned
 * switch and activates inside the window, never sooner than `activateAfter` after it was made.
 * Null for a key that cannot rotate (revoked, expired, no version).
 */
export function decidePolicyRotation(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  policy: RotationPolicy,
  now: Millis,
): PolicyDecision | null {
  if (key.revokedAt !== null || keyExpired(key, now) || versions.length === 0) return null;
  const states = versions.map((v) => versionState(v, now));
  const active = versions[states.indexOf("active")];
  if (!active) return null;
  const align = (t: Millis) => (policy.window ? nextWindowTime(t, policy.window) : t);
  const target = align(lastRotationAt(versions) + policy.intervalMs);
  const pending = states.includes("scheduled");
  const blocked = !key.allowSuccessorPickup
    ? "successor pickup is off for this key: its clients could not fetch a new secret"
    : active.publicKey === null
      ? "the active version predates successor pickup: its clients could not fetch a new secret"
      : null;
  if (policy.activateAfterMs === null) {
    const late = now >= target;
    const nextRotationAt = late ? align(now) : target;
    return {
      dueAt: target,
      nextRotationAt,
      due: late && nextRotationAt === now && !pending && blocked === null,
      activateAt: undefined,
      blocked,
    };
  }
  const createAt = target - policy.activateAfterMs;
  const late = now >= createAt;
  const activateAt = late ? align(Math.max(target, now + policy.activateAfterMs)) : target;
  return {
    dueAt: target,
    nextRotationAt: activateAt,
    due: late && !pending && blocked === null,
    activateAt: late ? activateAt : undefined,
    blocked,
  };
}
