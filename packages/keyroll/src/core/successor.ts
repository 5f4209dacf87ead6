import { deriveKeyPair, openBase, sealBase } from "./hpke.js";

// Successor pickup (decision 0014): every version has an X25519 key pair derived from its secret;
// only the public key is stored. A rotation seals the new secret to the previous version's public
// key, so the database alone never yields a successor: opening it takes the previous secret.

const IKM_LABEL = Buffer.from("keyroll successor key v1\0", "utf8");
const INFO = Buffer.from("keyroll successor v1", "utf8");

const pairOf = (secret: string) => deriveKeyPair(Buffer.concat([IKM_LABEL, Buffer.from(secret, "utf8")]));

// the sealed secret is bound to its key and both versions: a row copied elsewhere does not open
const aadOf = (keyId: string, from: number, to: number) => Buffer.from(`${keyId}\n${from}\n${to}`, "utf8");

/** The public key (base64url, 32 bytes) of the pair derived from `secret`: all that is stored. */
export function successorPublicKey(secret: string): string {
  return pairOf(secret).publicKey.toString("base64url");
}

/** A successor secret sealed to the previous version's public key (HPKE base, AES-256-GCM). */
export interface SealedSuccessor {
  readonly enc: string;
  readonly ciphertext: string;
}

/** Seals version `to`'s secret for holders of version `from` of the same key. */
export function sealSuccessor(input: {
  publicKey: string;
  keyId: string;
  from: number;
  to: number;
  secret: string;
}): SealedSuccessor {
  const out = sealBase(
    Buffer.from(input.publicKey, "base64url"),
    INFO,
    aadOf(input.keyId, input.from, input.to),
    Buffer.from(input.secret, "utf8"),
  );
  return { enc: out.enc.toString("base64url"), ciphertext: out.ciphertext.toString("base64url") };
}

/** Opens a sealed successor with the previous secret; `undefined` when it does not open. */
export function openSuccessor(input: {
  secret: string;
  keyId: string;
  from: number;
  to: number;
  sealed: SealedSuccessor;
}): string | undefined {
  try {
    return openBase(
      pairOf(input.secret).privateKey,
      Buffer.from(input.sealed.enc, "base64url"),
      INFO,
      aadOf(input.keyId, input.from, input.to),
      Buffer.from(input.sealed.ciphertext, "base64url"),
    ).toString("utf8");
  } catch {
    return undefined;
  }
}
