import type { Millis, VersionRecord } from "./model.js";
import { digestSecret, parseSecret, secretStart } from "./secret.js";
import { successorPublicKey } from "./successor.js";

/**
 * The stored record of a new version made from `secret`: only its digest and display start are
 * kept. An imported secret that looks like a Keyroll secret but fails its checksum records its
 * prefix, so the verifier looks such secrets up instead of rejecting them by shape.
 */
export function buildVersion(input: {
  keyId: string;
  version: number;
  secret: string;
  imported: boolean;
  now: Millis;
  activatesAt: Millis;
  storedState: VersionRecord["storedState"];
  /** `successorPublicKey(secret)` when the caller derived it already (bulk import, on threads);
   * `null` for a record that is never written (a dry run). */
  publicKey?: string | null | undefined;
  /** `digestSecret(secret)` when the caller has it already (bulk import). */
  digest?: string | undefined;
}): VersionRecord {
  // only an imported secret can fail its own checksum: a generated one is never parsed again
  const parsed = input.imported ? parseSecret(input.secret) : null;
  return {
    keyId: input.keyId,
    version: input.version,
    digest: input.digest ?? digestSecret(input.secret),
    start: secretStart(input.secret, input.imported),
    imported: input.imported,
    createdAt: input.now,
    activatesAt: input.activatesAt,
    graceStartsAt: null,
    expiresAt: null,
    revokedAt: null,
    storedState: input.storedState,
    lastUsedAt: null,
    retireWhenUnusedMs: null,
    extendMaxAt: null,
    extendStepMs: null,
    retiredReason: null,
    publicKey: input.publicKey !== undefined ? input.publicKey : successorPublicKey(input.secret),
    checksumExemptPrefix:
      parsed !== null && parsed.shape === "keyroll" && !parsed.checksumOk ? parsed.prefix : null,
  };
}
