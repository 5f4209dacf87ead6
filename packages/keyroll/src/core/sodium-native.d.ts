// The two functions of sodium-native (libsodium's bindings) that core/hpke.ts uses. The package
// ships no types, and @types/sodium-native describes its 2.x API; these signatures are libsodium's
// own (https://doc.libsodium.org/advanced/scalar_multiplication).
declare module "sodium-native" {
  /** q = n·B on Curve25519 (X25519 public key of the private scalar n, clamped). */
  export function crypto_scalarmult_base(q: Buffer, n: Buffer): void;
  /** q = n·p (X25519); throws when the result is all zero (a low-order p). */
  export function crypto_scalarmult(q: Buffer, n: Buffer, p: Buffer): void;
  export const crypto_scalarmult_BYTES: number;
  export const crypto_scalarmult_SCALARBYTES: number;
}
