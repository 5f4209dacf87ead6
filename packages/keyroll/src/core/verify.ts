import { type KeyRecord, keyExpired, type Millis, type VersionRecord, versionState } from "./model.js";
import type { RateLimit } from "./rate-limit.js";

/** Every outcome of a verification, in the order the contract lists them. */
export const VERIFY_CODES = [
  "VALID",
  "MALFORMED",
  "NOT_FOUND",
  "REVOKED",
  "EXPIRED",
  "NOT_YET_ACTIVE",
  "INSUFFICIENT_SCOPE",
  "RATE_LIMITED",
  "DISABLED",
] as const;

/** One outcome of a verification. */
export type VerifyCode = (typeof VERIFY_CODES)[number];

/**
 * What usage counts a request as: every verification outcome, and `ROUTE_NOT_ALLOWED`, the
 * refusal of a request that no route rule allows (`keyroll gateway` and `GET /v1/authorize` with
 * `unmatched: deny`; the key itself was valid). `POST /v1/verify` never answers it.
 */
export const USAGE_OUTCOMES = [...VERIFY_CODES, "ROUTE_NOT_ALLOWED"] as const;

/** One outcome counted in usage. */
export type UsageOutcome = (typeof USAGE_OUTCOMES)[number];

/** The answer to "may this secret be used now?": an expected outcome is a value, never an exception. */
export interface VerifyResult {
  readonly valid: boolean;
  /** A verification outcome; `ROUTE_NOT_ALLOWED` only from a gateway's step after a valid answer. */
  readonly code: UsageOutcome;
  readonly keyId: string | null;
  readonly consumerId: string | null;
  readonly version: number | null;
  readonly scopes: readonly string[];
  /** True while the version is in grace: it works, but the client should move to the new secret. */
  readonly deprecated: boolean;
  /** When the presented version (or the whole key) stops working, or null for never. */
  readonly expiresAt: Millis | null;
  /** True for keys of the reserved admin consumer. */
  readonly admin: boolean;
  /** For a version in grace: when its successor took over (the RFC 9745 `Deprecation` date). */
  readonly deprecatedAt: Millis | null;
  /** The key's own rate limit, applied by whoever answers (core/rate-limit.ts), or null. */
  readonly rateLimit: RateLimit | null;
}

/** What a decision reads of a key: the verifier's index keeps only these fields. */
export type DecisionKey = Pick<
  KeyRecord,
  "id" | "consumerId" | "scopes" | "expiresAt" | "revokedAt" | "admin" | "rateLimit"
>;

/** What a decision reads of a version. */
export type DecisionVersion = Pick<
  VersionRecord,
  "version" | "activatesAt" | "graceStartsAt" | "expiresAt" | "revokedAt"
>;

const NO_SCOPES: readonly string[] = Object.freeze([]);

/** The answer for a secret that matched nothing, or could never match. */
export function unknownSecret(code: "MALFORMED" | "NOT_FOUND"): VerifyResult {
  return code === "MALFORMED" ? MALFORMED_RESULT : NOT_FOUND_RESULT;
}

const MALFORMED_RESULT: VerifyResult = Object.freeze(base("MALFORMED"));
const NOT_FOUND_RESULT: VerifyResult = Object.freeze(base("NOT_FOUND"));

function base(code: "MALFORMED" | "NOT_FOUND"): VerifyResult {
  return {
    valid: false,
    code,
    keyId: null,
    consumerId: null,
    version: null,
    scopes: NO_SCOPES,
    deprecated: false,
    expiresAt: null,
    admin: false,
    deprecatedAt: null,
    rateLimit: null,
  };
}

function earliest(a: Millis | null, b: Millis | null): Millis | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/**
 * Decides whether `version` of `key` is accepted at `now` for the `required` scopes (all of them).
 * A revoked or expired version is still attributed to its key and version.
 */
export function decide(
  key: DecisionKey,
  version: DecisionVersion,
  now: Millis,
  required?: readonly string[],
): VerifyResult {
  const state = versionState(version, now);
  let code: VerifyCode = "VALID";
  if (key.revokedAt !== null || state === "revoked") code = "REVOKED";
  else if (keyExpired(key, now) || state === "expired") code = "EXPIRED";
  else if (state === "scheduled") code = "NOT_YET_ACTIVE";
  else if (required !== undefined && required.length > 0 && !hasScopes(key.scopes, required)) {
    code = "INSUFFICIENT_SCOPE";
  }
  // in grace and otherwise still standing: an expired or revoked key has nothing left to deprecate
  const deprecated = state === "grace" && code !== "REVOKED" && code !== "EXPIRED";
  return {
    valid: code === "VALID",
    code,
    keyId: key.id,
    consumerId: key.consumerId,
    version: version.version,
    scopes: key.scopes,
    deprecated,
    expiresAt: earliest(version.expiresAt, key.expiresAt),
    admin: key.admin,
    deprecatedAt: deprecated ? version.graceStartsAt : null,
    rateLimit: key.rateLimit ?? null,
  };
}

/**
 * The next instant at which `decide()` for this key and version can change by time alone
 * (activation, grace start, expiry, key expiry), or Infinity. Until then a decision can be reused.
 */
export function nextTransition(key: DecisionKey, version: DecisionVersion, now: Millis): Millis {
  let next = Number.POSITIVE_INFINITY;
  for (const t of [version.activatesAt, version.graceStartsAt, version.expiresAt, key.expiresAt]) {
    if (t !== null && t > now && t < next) next = t;
  }
  return next;
}

/**
 * The answer for a valid `v` that its rate limit refused: still attributed to its key and version,
 * so usage and logs say who was throttled.
 */
export function rateLimited(v: VerifyResult): VerifyResult {
  return { ...v, valid: false, code: "RATE_LIMITED" };
}

/**
 * The answer for a valid `v` whose request no route rule allows (403 `ROUTE_NOT_ALLOWED`): still
 * attributed to its key and version, and counted in usage as such, not as `VALID`.
 */
export function routeNotAllowed(v: VerifyResult): VerifyResult {
  return { ...v, valid: false, code: "ROUTE_NOT_ALLOWED" };
}

/** True when `granted` contains every scope of `required`. */
export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  for (const r of required) if (!granted.includes(r)) return false;
  return true;
}

/** A scope is 1–64 chars of letters, digits and `:._-*`. */
export const SCOPE_PATTERN = "^[A-Za-z0-9:._*-]{1,64}$";
