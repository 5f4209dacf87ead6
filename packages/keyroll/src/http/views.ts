import { formatDuration } from "../core/duration.js";
import type { ConsumerRecord, KeyWithVersions, Millis, VersionRecord } from "../core/model.js";
import { keyExpired, versionState } from "../core/model.js";
import type { VerifyResult } from "../core/verify.js";

// Domain records → the public JSON shapes of DESIGN.md (camelCase, ISO 8601 UTC times).

export const iso = (t: Millis | null): string | null => (t === null ? null : new Date(t).toISOString());

/** `Consumer` as the API shows it. */
export function consumerView(
  c: ConsumerRecord & { contacts?: ReadonlyArray<{ email: string; name?: string }> },
) {
  return {
    id: c.id,
    name: c.name,
    externalId: c.externalId,
    metadata: c.metadata,
    contacts: c.contacts ?? [],
    createdAt: iso(c.createdAt),
  };
}

/** `Version` as the API shows it: its state at `now`, and the freshest `lastUsedAt` this node knows. */
export function versionView(v: VersionRecord, now: Millis, keyIsExpired: boolean, lastUsed?: Millis | null) {
  let state = versionState(v, now);
  if (keyIsExpired && state !== "revoked") state = "expired";
  const lastUsedAt = Math.max(v.lastUsedAt ?? 0, lastUsed ?? 0) || null;
  return {
    version: v.version,
    state,
    start: v.start,
    imported: v.imported,
    createdAt: iso(v.createdAt),
    activatesAt: iso(v.activatesAt),
    expiresAt: iso(v.expiresAt),
    revokedAt: iso(v.revokedAt),
    lastUsedAt: iso(lastUsedAt),
  };
}

/** `Key` with its versions as the API shows it. */
export function keyView(k: KeyWithVersions, now: Millis, lastUsed?: (digest: string) => Millis | null) {
  const expired = keyExpired(k.key, now);
  return {
    id: k.key.id,
    consumerId: k.key.consumerId,
    name: k.key.name,
    scopes: k.key.scopes,
    prefix: k.key.prefix,
    metadata: k.key.metadata,
    state: k.key.revokedAt === null ? ("active" as const) : ("revoked" as const),
    expiresAt: iso(k.key.expiresAt),
    createdAt: iso(k.key.createdAt),
    rateLimit: k.key.rateLimit
      ? { limit: k.key.rateLimit.limit, period: formatDuration(k.key.rateLimit.periodMs) }
      : null,
    allowSuccessorPickup: k.key.allowSuccessorPickup,
    externalId: k.key.externalId ?? null,
    versions: k.versions.map((v) => versionView(v, now, expired, lastUsed?.(v.digest))),
  };
}

/** The `POST /v1/verify` answer, the same from the Fastify route and the fast path. */
export function verifyView(v: VerifyResult) {
  return {
    valid: v.valid,
    code: v.code,
    keyId: v.keyId,
    consumerId: v.consumerId,
    version: v.version,
    scopes: v.scopes,
    deprecated: v.deprecated,
    expiresAt: iso(v.expiresAt),
  };
}

/** An RFC 9745 `Deprecation` header value: a structured-field date, `@<epoch seconds>`. */
export function deprecation(t: Millis): string {
  return `@${Math.floor(t / 1000)}`;
}

/** An RFC 8594 `Sunset` header value (IMF-fixdate). */
export function sunset(t: Millis): string {
  return new Date(t).toUTCString();
}
