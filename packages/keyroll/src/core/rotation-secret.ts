import type { Millis, VersionRecord } from "./model.js";
import { digestSecret, generateSecret } from "./secret.js";
import { type SealedSuccessor, sealSuccessor, successorPublicKey } from "./successor.js";
import { buildVersion } from "./version.js";

// A rotation's new secret and everything made from it (decision 0014): the version record (its
// digest and its own X25519 public key) and, for holders of the previous version, the secret
// sealed to that version's public key. Pure computation, so it runs on the thread that calls it or
// on a key pair thread (services/keypair-pool.ts) for a bulk rotation.

/** What making a key's next version needs to know of the key. */
export interface NewVersionInput {
  readonly keyId: string;
  readonly prefix: string;
  readonly version: number;
  readonly activatesAt: Millis;
  readonly storedState: VersionRecord["storedState"];
  readonly now: Millis;
  /** The version whose holders may fetch the new secret (successor pickup), if any. */
  readonly recipient: { readonly version: number; readonly publicKey: string } | null;
}

/** A new secret, its version record and its sealed successor box. */
export interface NewVersion {
  readonly secret: string;
  readonly version: VersionRecord;
  readonly from: number | null;
  readonly fromPublicKey: string | null;
  readonly box: SealedSuccessor | null;
}

/** A generated secret of a new key (bulk create), its digest and its successor public key. */
export type GeneratedSecret = readonly [secret: string, digest: string, publicKey: string];

/**
 * A new key's generated secret with its digest and successor public key: the work of a bulk
 * create's row, made where it is called (a key pair thread of an import, decision 0023).
 */
export function generateWithKeys(prefix: string): GeneratedSecret {
  const secret = generateSecret(prefix);
  return [secret, digestSecret(secret), successorPublicKey(secret)];
}

/** Makes a new secret for `input.version` of the key, and what a rotation stores of it. */
export function makeNewVersion(input: NewVersionInput): NewVersion {
  const secret = generateSecret(input.prefix);
  const version = buildVersion({
    keyId: input.keyId,
    version: input.version,
    secret,
    imported: false,
    now: input.now,
    activatesAt: input.activatesAt,
    storedState: input.storedState,
  });
  const r = input.recipient;
  const box =
    r === null
      ? null
      : sealSuccessor({
          publicKey: r.publicKey,
          keyId: input.keyId,
          from: r.version,
          to: version.version,
          secret,
        });
  return { secret, version, from: r?.version ?? null, fromPublicKey: r?.publicKey ?? null, box };
}
