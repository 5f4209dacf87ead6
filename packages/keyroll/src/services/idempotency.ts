import { createCipheriv, createDecipheriv, hash, randomBytes } from "node:crypto";

// A retried rotation must hand back the same secret, yet Keyroll never stores a secret in the clear.
// The secret is sealed with AES-256-GCM under a key derived from the caller's Idempotency-Key, which
// the database never holds (only a differently-salted hash of it): only a caller presenting the same
// Idempotency-Key again can open it. See docs/decisions/0002-idempotent-rotation.md.

const derive = (purpose: string, keyId: string, idemKey: string): Buffer =>
  hash("sha256", `keyroll:idempotency:${purpose}\0${keyId}\0${idemKey}`, "buffer") as unknown as Buffer;

/** The lookup hash of an Idempotency-Key for one key. */
export function idempotencyHash(keyId: string, idemKey: string): string {
  return derive("id", keyId, idemKey).toString("hex");
}

/** Seals `secret` so that only the same (keyId, Idempotency-Key) pair can open it. */
export function seal(keyId: string, idemKey: string, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive("seal", keyId, idemKey), iv);
  const ct = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ct]).toString("base64");
}

/** Opens what `seal` made; throws when the key or the data does not match. */
export function unseal(keyId: string, idemKey: string, sealed: string): string {
  const buf = Buffer.from(sealed, "base64");
  const decipher = createDecipheriv("aes-256-gcm", derive("seal", keyId, idemKey), buf.subarray(0, 12));
  decipher.setAuthTag(buf.subarray(12, 28));
  return Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString("utf8");
}

/** How long a rotation's Idempotency-Key is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 3_600_000;
