import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import sodium from "sodium-native";

// HPKE (RFC 9180), base mode only, with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256 and AES-GCM
// (128 for the RFC's test vector A.1, 256 for Keyroll's sealed successors): HKDF and AES-GCM on
// node:crypto, X25519 on libsodium (sodium-native, decision 0030). Single-shot seal and open: one
// message per encapsulation, sequence number 0. Both are pure computation here (no I/O), which is
// why core may use them.

const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
/** AEAD identifiers of RFC 9180 §7.3 that this module implements. */
export const AEAD = { AES_128_GCM: 0x0001, AES_256_GCM: 0x0002 } as const;
type AeadId = (typeof AEAD)[keyof typeof AEAD];

const NK: Record<AeadId, number> = { 1: 16, 2: 32 };
const NN = 12;
const NT = 16;
const NH = 32;
const N_SECRET = 32;

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const utf8 = (s: string) => Buffer.from(s, "utf8");
const HPKE_V1 = utf8("HPKE-v1");
const KEM_SUITE = Buffer.concat([utf8("KEM"), u16(KEM_ID)]);
const hpkeSuite = (aead: AeadId) => Buffer.concat([utf8("HPKE"), u16(KEM_ID), u16(KDF_ID), u16(aead)]);

function extract(salt: Buffer, ikm: Buffer): Buffer {
  // HKDF-Extract with an empty salt uses HashLen zero bytes (RFC 5869 §2.2)
  return createHmac("sha256", salt.length === 0 ? Buffer.alloc(NH) : salt)
    .update(ikm)
    .digest();
}

function expand(prk: Buffer, info: Buffer, length: number): Buffer {
  const out: Buffer[] = [];
  let t = Buffer.alloc(0);
  for (let i = 1; Buffer.concat(out).length < length; i++) {
    t = createHmac("sha256", prk)
      .update(Buffer.concat([t, info, Buffer.from([i])]))
      .digest();
    out.push(t);
  }
  return Buffer.concat(out).subarray(0, length);
}

const labeledExtract = (suite: Buffer, salt: Buffer, label: string, ikm: Buffer) =>
  extract(salt, Buffer.concat([HPKE_V1, suite, utf8(label), ikm]));

const labeledExpand = (suite: Buffer, prk: Buffer, label: string, info: Buffer, length: number) =>
  expand(prk, Buffer.concat([u16(length), HPKE_V1, suite, utf8(label), info]), length);

// X25519 on raw 32-byte strings, by libsodium: node:crypto needs a key object for each key, and
// making one (through OpenSSL 3's key import) cost ≈ 85 µs against libsodium's 31 µs for a public
// key, 154 against 50 µs for a shared secret (decision 0030); every imported key derives one key
// pair and every rotation seals one successor. libsodium clamps the scalar as RFC 7748 says.

function publicOf(sk: Buffer): Buffer {
  if (sk.length !== 32) throw new Error("an X25519 private key is 32 bytes");
  const pk = Buffer.alloc(32);
  sodium.crypto_scalarmult_base(pk, sk);
  return pk;
}

function dh(sk: Buffer, pk: Buffer): Buffer {
  if (sk.length !== 32) throw new Error("an X25519 private key is 32 bytes");
  if (pk.length !== 32) throw new Error("an X25519 public key is 32 bytes");
  const z = Buffer.alloc(32);
  try {
    sodium.crypto_scalarmult(z, sk, pk);
  } catch {
    // libsodium refuses an all-zero result: a low-order public key (RFC 9180 §7.1.4)
    throw new Error("X25519 produced the all-zero value");
  }
  if (z.every((b) => b === 0)) throw new Error("X25519 produced the all-zero value");
  return z;
}

/** An X25519 key pair as raw 32-byte strings. */
export interface KeyPair {
  readonly privateKey: Buffer;
  readonly publicKey: Buffer;
}

/**
 * RFC 9180 §7.1.3 DeriveKeyPair for DHKEM(X25519, HKDF-SHA256): the same `ikm` always gives the
 * same pair. Keyroll derives each version's pair from its secret, so only a holder of the secret
 * can rebuild the private key.
 * @example deriveKeyPair(Buffer.from(secret)).publicKey.toString("base64url")
 */
export function deriveKeyPair(ikm: Buffer): KeyPair {
  const prk = labeledExtract(KEM_SUITE, Buffer.alloc(0), "dkp_prk", ikm);
  const sk = labeledExpand(KEM_SUITE, prk, "sk", Buffer.alloc(0), 32);
  return { privateKey: sk, publicKey: publicOf(sk) };
}

function extractAndExpand(dhValue: Buffer, kemContext: Buffer): Buffer {
  const prk = labeledExtract(KEM_SUITE, Buffer.alloc(0), "eae_prk", dhValue);
  return labeledExpand(KEM_SUITE, prk, "shared_secret", kemContext, N_SECRET);
}

// The key schedule's context depends only on the suite and `info` (base mode: no PSK), and a
// caller uses one `info` for all its messages: two HMACs a message saved, a few entries kept.
const contexts = new Map<string, Buffer>();

function contextOf(aead: AeadId, suite: Buffer, info: Buffer): Buffer {
  const id = `${aead}:${info.toString("hex")}`;
  let context = contexts.get(id);
  if (context === undefined) {
    const pskIdHash = labeledExtract(suite, Buffer.alloc(0), "psk_id_hash", Buffer.alloc(0));
    const infoHash = labeledExtract(suite, Buffer.alloc(0), "info_hash", info);
    context = Buffer.concat([Buffer.from([0x00]), pskIdHash, infoHash]);
    if (contexts.size < 16) contexts.set(id, context);
  }
  return context;
}

function keySchedule(aead: AeadId, sharedSecret: Buffer, info: Buffer) {
  const suite = hpkeSuite(aead);
  const context = contextOf(aead, suite, info);
  const secret = labeledExtract(suite, sharedSecret, "secret", Buffer.alloc(0));
  return {
    key: labeledExpand(suite, secret, "key", context, NK[aead]),
    nonce: labeledExpand(suite, secret, "base_nonce", context, NN),
  };
}

const cipherName = (aead: AeadId) => (aead === AEAD.AES_128_GCM ? "aes-128-gcm" : "aes-256-gcm");

/**
 * SealBase (RFC 9180 §6.1) of one message to `publicKey`: returns the encapsulated key `enc` and
 * the ciphertext (with its 16-byte tag). `ephemeral` is for test vectors only.
 */
export function sealBase(
  publicKey: Buffer,
  info: Buffer,
  aad: Buffer,
  plaintext: Buffer,
  opts: { aead?: AeadId; ephemeralPrivateKey?: Buffer } = {},
): { enc: Buffer; ciphertext: Buffer } {
  const aead = opts.aead ?? AEAD.AES_256_GCM;
  // GenerateKeyPair (RFC 9180 §4): 32 random bytes are an X25519 private key (the scalar is
  // clamped when used); DeriveKeyPair of random bytes would cost two HMACs more for the same
  // distribution. (Not node's generateKeyPairSync: with OpenSSL 3.0 it deadlocked two threads,
  // decision 0027; libsodium keeps no shared state between calls.)
  const skE = opts.ephemeralPrivateKey ?? randomBytes(32);
  const enc = publicOf(skE);
  const sharedSecret = extractAndExpand(dh(skE, publicKey), Buffer.concat([enc, publicKey]));
  const { key, nonce } = keySchedule(aead, sharedSecret, info);
  const c = createCipheriv(cipherName(aead), key, nonce, { authTagLength: NT });
  c.setAAD(aad);
  const ciphertext = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return { enc, ciphertext };
}

/** OpenBase (RFC 9180 §6.1); throws when the ciphertext, `enc`, `info` or `aad` do not match. */
export function openBase(
  privateKey: Buffer,
  enc: Buffer,
  info: Buffer,
  aad: Buffer,
  ciphertext: Buffer,
  opts: { aead?: AeadId } = {},
): Buffer {
  const aead = opts.aead ?? AEAD.AES_256_GCM;
  if (ciphertext.length < NT) throw new Error("ciphertext too short");
  const pkR = publicOf(privateKey);
  const sharedSecret = extractAndExpand(dh(privateKey, enc), Buffer.concat([enc, pkR]));
  const { key, nonce } = keySchedule(aead, sharedSecret, info);
  const d = createDecipheriv(cipherName(aead), key, nonce, { authTagLength: NT });
  d.setAAD(aad);
  d.setAuthTag(ciphertext.subarray(ciphertext.length - NT));
  return Buffer.concat([d.update(ciphertext.subarray(0, ciphertext.length - NT)), d.final()]);
}
