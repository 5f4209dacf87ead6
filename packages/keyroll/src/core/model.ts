import type { RateLimit } from "./rate-limit.js";

/** Times are epoch milliseconds inside Keyroll; the HTTP layer renders them as ISO 8601 UTC. */
export type Millis = number;

/** A client of the provider's API. */
export interface ConsumerRecord {
  readonly id: string;
  readonly name: string;
  readonly externalId: string | null;
  readonly metadata: Record<string, unknown>;
  /** The reserved consumer whose keys are Keyroll's admin keys. */
  readonly system: boolean;
  readonly createdAt: Millis;
  readonly deletedAt: Millis | null;
}

/** A stable credential of one consumer; it keeps its id across rotations. */
export interface KeyRecord {
  readonly id: string;
  readonly consumerId: string;
  readonly name: string | null;
  readonly scopes: readonly string[];
  readonly prefix: string;
  readonly metadata: Record<string, unknown>;
  readonly createdAt: Millis;
  readonly expiresAt: Millis | null;
  readonly revokedAt: Millis | null;
  /** True for keys of the reserved admin consumer. */
  readonly admin: boolean;
  /** Requests per period this key may make (a token bucket per key), or none. */
  readonly rateLimit?: RateLimit | null;
  /** Holders of a previous secret may fetch its successor (`POST /v1/self/successor`). */
  readonly allowSuccessorPickup: boolean;
  /** The caller's own id of this key, unique among keys (bulk import re-runs find it), or none. */
  readonly externalId?: string | null;
}

/** Lifecycle state of a version, as stored and as shown. */
export type VersionState = "scheduled" | "active" | "grace" | "revoked" | "expired";

/**
 * One secret of a key. Its state is a function of these stamps and the time (`versionState`),
 * so a grace version stops working the instant `expiresAt` passes without any job running.
 */
export interface VersionRecord {
  readonly keyId: string;
  readonly version: number;
  readonly digest: string;
  readonly start: string;
  readonly imported: boolean;
  readonly createdAt: Millis;
  readonly activatesAt: Millis;
  /** When this version stopped (or stops) being the active one because a successor took over. */
  readonly graceStartsAt: Millis | null;
  readonly expiresAt: Millis | null;
  readonly revokedAt: Millis | null;
  /** The state last written; the partial unique index on `active` is enforced on it. */
  readonly storedState: VersionState;
  readonly lastUsedAt: Millis | null;
  /** Prefix of an imported Keyroll-shaped secret with a bad checksum (see `parseSecret`). */
  readonly checksumExemptPrefix: string | null;
  /** Traffic policy of a version in grace: retire early once unused this long (after the successor is used). */
  readonly retireWhenUnusedMs: Millis | null;
  /** Traffic policy: while in use, grace may be extended up to this instant. */
  readonly extendMaxAt: Millis | null;
  /** Traffic policy: how much one extension adds. */
  readonly extendStepMs: Millis | null;
  /** Why the version stopped before (or after) its planned end, when a policy decided it. */
  readonly retiredReason: string | null;
  /** X25519 public key derived from the secret (base64url), that successors are sealed to; null before 0006. */
  readonly publicKey: string | null;
}

/** A key with all its versions, ordered by version number. */
export interface KeyWithVersions {
  readonly key: KeyRecord;
  readonly versions: readonly VersionRecord[];
}

/** The state of a version at time `now`. */
export function versionState(
  v: Pick<VersionRecord, "revokedAt" | "expiresAt" | "activatesAt" | "graceStartsAt">,
  now: Millis,
): VersionState {
  if (v.revokedAt !== null) return "revoked";
  if (v.expiresAt !== null && now >= v.expiresAt) return "expired";
  if (now < v.activatesAt) return "scheduled";
  if (v.graceStartsAt !== null && now >= v.graceStartsAt) return "grace";
  return "active";
}

/** True when the whole key no longer accepts any version at time `now`. */
export function keyExpired(k: Pick<KeyRecord, "expiresAt">, now: Millis): boolean {
  return k.expiresAt !== null && now >= k.expiresAt;
}
