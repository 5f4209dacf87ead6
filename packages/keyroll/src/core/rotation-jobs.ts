import { KeyrollError } from "./errors.js";
import { type KeyWithVersions, keyExpired, type Millis, versionState } from "./model.js";

// Bulk rotation (issue 14, decision 0017): which keys a job selects, which of them it may rotate
// when their turn comes, and how fast it goes. Pure: the service applies these decisions.

/** Which keys a rotation job takes; every given field must match (AND). */
export interface KeySelector {
  /** Keys of this consumer. */
  readonly consumerId?: string | undefined;
  /** Keys whose secrets carry this prefix (e.g. `kr_live`). */
  readonly prefix?: string | undefined;
  /** Keys that carry this scope. */
  readonly scope?: string | undefined;
  /** Keys whose metadata has each of these fields with exactly this value. */
  readonly metadata?: Readonly<Record<string, string | number | boolean>> | undefined;
  /** Keys whose active secret is at least this old (ms since that version was made). */
  readonly olderThanMs?: Millis | undefined;
  /** Every key: must be said explicitly, never implied by an empty selector. */
  readonly all?: boolean | undefined;
}

/** States of a rotation job. `completed` and `cancelled` are final. */
export type RotationJobState = "queued" | "running" | "paused" | "completed" | "cancelled";

/** Outcomes of one key of a job. */
export type JobItemState = "pending" | "rotated" | "skipped" | "failed";

/** Highest rate a job may ask for, keys per second. */
export const MAX_JOB_RATE = 100_000;
/** Rate of a job that names none, keys per second. */
export const DEFAULT_JOB_RATE = 100;
/** Most keys one transaction rotates. */
export const MAX_JOB_BATCH = 250;

/** Why a selector cannot be used, or undefined. */
export function selectorProblem(s: KeySelector): string | undefined {
  const fields = [s.consumerId, s.prefix, s.scope, s.metadata, s.olderThanMs].filter((v) => v !== undefined);
  if (s.metadata !== undefined && Object.keys(s.metadata).length === 0)
    return "selector.metadata needs at least one field";
  if (fields.length === 0 && s.all !== true)
    return "the selector selects nothing: give consumerId, prefix, scope, metadata or olderThan, or all: true for every key";
  if (fields.length > 0 && s.all === true) return "selector.all cannot be combined with other fields";
  return undefined;
}

/**
 * True when key `k` is one the selector takes at `now`. Admin keys, revoked keys and expired keys
 * are never taken: admin keys rotate one at a time, by hand.
 */
export function matchesSelector(k: KeyWithVersions, s: KeySelector, now: Millis): boolean {
  const key = k.key;
  if (key.admin || key.revokedAt !== null || keyExpired(key, now)) return false;
  if (s.consumerId !== undefined && key.consumerId !== s.consumerId) return false;
  if (s.prefix !== undefined && key.prefix !== s.prefix) return false;
  if (s.scope !== undefined && !key.scopes.includes(s.scope)) return false;
  if (s.metadata !== undefined) {
    for (const [field, value] of Object.entries(s.metadata)) if (key.metadata[field] !== value) return false;
  }
  if (s.olderThanMs !== undefined) {
    const active = k.versions.find((v) => versionState(v, now) === "active");
    if (!active || now - active.createdAt < s.olderThanMs) return false;
  }
  return true;
}

/**
 * Why a selected key is not rotated when its turn comes (it changed since the job was made), or
 * undefined when it may be. `requirePickup`: a key whose clients could not fetch the new secret
 * (successor pickup off, or an active version made before pickup existed) is skipped, since
 * nobody would ever learn its new secret.
 */
export function bulkSkipReason(
  k: KeyWithVersions | undefined,
  now: Millis,
  requirePickup: boolean,
): string | undefined {
  if (!k) return "key_deleted";
  if (k.key.revokedAt !== null) return "key_revoked";
  if (keyExpired(k.key, now)) return "key_expired";
  if (k.key.admin) return "admin_key";
  const states = k.versions.map((v) => ({ v, s: versionState(v, now) }));
  if (states.some((x) => x.s === "scheduled")) return "rotation_pending";
  const active = states.find((x) => x.s === "active")?.v;
  if (!active) return "no_active_version";
  if (requirePickup && (!k.key.allowSuccessorPickup || active.publicKey === null))
    return "no_successor_pickup";
  return undefined;
}

/** Checks a requested rate (keys per second). */
export function assertJobRate(rate: number): void {
  if (!Number.isFinite(rate) || rate <= 0 || rate > MAX_JOB_RATE)
    throw new KeyrollError(
      "VALIDATION_FAILED",
      `rate must be more than 0 and at most ${MAX_JOB_RATE} keys/s`,
    );
}

/** Keys per transaction at `rate`: about ten transactions a second, at most {@link MAX_JOB_BATCH}. */
export function jobBatchSize(rate: number): number {
  return Math.max(1, Math.min(MAX_JOB_BATCH, Math.floor(rate / 10)));
}

/**
 * Pacing of a job run (a token bucket of one batch, refilled at `rate`): the earliest time the
 * next batch may start, when `done` keys were processed since the run began at `startedAt`. Over
 * any run, keys processed by time t never exceed `batch + rate × (t − startedAt)`.
 */
export function nextBatchAt(startedAt: Millis, done: number, rate: number): Millis {
  return startedAt + (done * 1000) / rate;
}

/** Progress counts of a job, as stored. */
export interface JobCounts {
  readonly matched: number;
  readonly rotated: number;
  readonly skipped: number;
  readonly failed: number;
}

/**
 * The observed rate (keys/s) of the current run, and the expected end: remaining keys at the
 * observed rate, or at the configured rate before anything was observed. Null when not running.
 */
export function jobProgress(
  c: JobCounts & {
    state: RotationJobState;
    rate: number;
    runStartedAt: Millis | null;
    runBase: number;
  },
  now: Millis,
): { processed: number; remaining: number; currentRate: number | null; eta: Millis | null } {
  const processed = c.rotated + c.skipped + c.failed;
  const remaining = Math.max(0, c.matched - processed);
  if (c.state !== "running" || c.runStartedAt === null)
    return { processed, remaining, currentRate: null, eta: null };
  const elapsed = now - c.runStartedAt;
  const observed =
    elapsed >= 1000 && processed > c.runBase ? ((processed - c.runBase) * 1000) / elapsed : null;
  const speed = observed === null ? c.rate : Math.min(observed, c.rate);
  return {
    processed,
    remaining,
    currentRate: observed === null ? null : Math.round(observed * 10) / 10,
    eta: now + Math.ceil((remaining / speed) * 1000),
  };
}
