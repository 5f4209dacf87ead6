import { hash, randomFillSync } from "node:crypto";
import { crc32 } from "node:zlib";

// node:crypto and node:zlib are pure computations here (no I/O), which is why core may use them.

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Prefix given to secrets of keys that do not choose their own. */
export const DEFAULT_PREFIX = "kr_live";
/** Number of random base62 characters in a generated secret (≈190 bits). */
export const RANDOM_LENGTH = 32;
/** Length of the base62 CRC32 checksum that ends a generated secret. */
export const CHECKSUM_LENGTH = 6;
/** Shortest secret that can be imported. */
export const MIN_IMPORTED_LENGTH = 20;
/** Longest string ever looked up or imported as a secret. */
export const MAX_SECRET_LENGTH = 256;

const PREFIX_RE = /^[a-z0-9][a-z0-9_]{0,15}$/;
const SHAPED_RE = /^([a-z0-9][a-z0-9_]{0,15})_([0-9A-Za-z]{38,})$/;
const PRINTABLE_RE = /^[\x21-\x7e]+$/;

/** True for a valid key prefix: 1–16 chars of `[a-z0-9_]`, starting with a letter or digit. */
export function isValidPrefix(prefix: string): boolean {
  return PREFIX_RE.test(prefix);
}

function base62(n: number, width: number): string {
  let out = "";
  let v = n >>> 0;
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(width, "0");
}

/** The 6-char base62 CRC32 of `text`. */
export function checksum(text: string): string {
  return base62(crc32(text), CHECKSUM_LENGTH);
}

// CSPRNG bytes drawn 4 KiB at a time and each used once: one randomBytes call per secret was most
// of a generated secret's cost in a 10 000-key import
const pool = Buffer.alloc(4096);
let poolAt = pool.length;

function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    if (poolAt === pool.length) {
      randomFillSync(pool);
      poolAt = 0;
    }
    const byte = pool[poolAt]!;
    pool[poolAt++] = 0;
    // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely
    if (byte < 248) out += BASE62[byte % 62];
  }
  return out;
}

/**
 * Makes a new secret: `<prefix>_<32 base62 chars from a CSPRNG><6-char base62 CRC32 of all before it>`.
 * @example generateSecret("kr_live") // "kr_live_4fT…Qx9" (45 chars)
 */
export function generateSecret(prefix: string = DEFAULT_PREFIX): string {
  if (!isValidPrefix(prefix)) throw new Error("invalid prefix");
  const head = `${prefix}_${randomBase62(RANDOM_LENGTH)}`;
  return head + checksum(head);
}

/** What the shape of a presented string says before any lookup. */
export type ParsedSecret =
  | { readonly shape: "malformed" }
  | { readonly shape: "keyroll"; readonly prefix: string; readonly checksumOk: boolean }
  | { readonly shape: "opaque" };

const MALFORMED: ParsedSecret = { shape: "malformed" };
const OPAQUE: ParsedSecret = { shape: "opaque" };

/**
 * Classifies a presented secret: `keyroll` when it has the Keyroll layout (its checksum checked),
 * `opaque` when it could only be an imported secret, `malformed` when it can be nothing we store.
 */
export function parseSecret(secret: string): ParsedSecret {
  if (
    secret.length < MIN_IMPORTED_LENGTH ||
    secret.length > MAX_SECRET_LENGTH ||
    !PRINTABLE_RE.test(secret)
  ) {
    return MALFORMED;
  }
  const m = SHAPED_RE.exec(secret);
  if (!m) return OPAQUE;
  const cut = secret.length - CHECKSUM_LENGTH;
  return {
    shape: "keyroll",
    prefix: m[1]!,
    checksumOk: checksum(secret.slice(0, cut)) === secret.slice(cut),
  };
}

/** Problems with a secret offered for import, or `undefined` when it may be imported. */
export function importProblem(secret: string): string | undefined {
  if (secret.length < MIN_IMPORTED_LENGTH) return `must be at least ${MIN_IMPORTED_LENGTH} characters`;
  if (secret.length > MAX_SECRET_LENGTH) return `must be at most ${MAX_SECRET_LENGTH} characters`;
  if (!PRINTABLE_RE.test(secret)) return "must be printable ASCII without spaces";
  return undefined;
}

/** The SHA-256 of a secret as lowercase hex: the only form in which a secret is ever stored. */
export function digestSecret(secret: string): string {
  return hash("sha256", secret, "hex");
}

/**
 * The same SHA-256 as 32 one-byte characters (latin1): the key of the verifier's in-memory index.
 * Half the size of the hex form, and about half the work to make, hash and compare as a map key.
 * `rawDigest(s) === rawFromHex(digestSecret(s))`.
 */
export function rawDigest(secret: string): string {
  return hash("sha256", secret, "binary"); // node's name for latin1
}

/** A stored (hex) digest in its raw form. */
export function rawFromHex(hex: string): string {
  return Buffer.from(hex, "hex").toString("latin1");
}

/** A raw digest in its stored (hex) form. */
export function hexFromRaw(raw: string): string {
  return Buffer.from(raw, "latin1").toString("hex");
}

/**
 * The part of a secret kept for display: the prefix and 8 characters for a generated secret,
 * at most a quarter of an imported one (so a short imported secret keeps most of its entropy).
 */
export function secretStart(secret: string, imported: boolean): string {
  if (!imported) {
    const cut = secret.lastIndexOf("_") + 1;
    return secret.slice(0, cut + 8);
  }
  return secret.slice(0, Math.min(8, Math.floor(secret.length / 4)));
}
