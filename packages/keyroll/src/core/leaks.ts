import { createPublicKey, type KeyObject, verify } from "node:crypto";

// Leak reports in the shape of GitHub's secret scanning partner program: the payload, and the
// ECDSA signature a scanner without an admin key proves itself with. Pure but for parsing keys.

/** One reported match: the token found, its type as the scanner names it, where, and in what. */
export interface LeakReport {
  readonly token: string;
  readonly type: string;
  readonly url: string | null;
  readonly source: string | null;
}

/** The scanner public keys a signature is checked against, by their identifier. */
export type LeakKeys = ReadonlyMap<string, KeyObject>;

/**
 * Reads scanner public keys: GitHub's published document (`{"public_keys": [{"key_identifier",
 * "key", "is_current"}]}`, from https://api.github.com/meta/public_keys/secret_scanning) or a
 * plain object `{identifier: PEM}`. Only P-256 keys are accepted. Throws on anything else, naming
 * the identifier (never the key).
 * @example parseLeakKeys(JSON.parse(readFileSync("github-keys.json", "utf8")))
 */
export function parseLeakKeys(doc: unknown): LeakKeys {
  const entries: Array<[string, unknown]> = [];
  if (
    doc !== null &&
    typeof doc === "object" &&
    Array.isArray((doc as { public_keys?: unknown }).public_keys)
  ) {
    for (const k of (doc as { public_keys: unknown[] }).public_keys) {
      const e = k as { key_identifier?: unknown; key?: unknown };
      entries.push([String(e.key_identifier ?? ""), e.key]);
    }
  } else if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) {
    entries.push(...Object.entries(doc as Record<string, unknown>));
  } else {
    throw new Error('expected {"public_keys": [...]} or {"<identifier>": "<PEM>"}');
  }
  const out = new Map<string, KeyObject>();
  for (const [id, pem] of entries) {
    if (!/^[\x21-\x7e]{1,256}$/.test(id)) throw new Error("a key identifier is empty or not printable");
    if (typeof pem !== "string") throw new Error(`key ${id}: expected a PEM string`);
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch (err) {
      throw new Error(`key ${id}: not a PEM public key`, { cause: err });
    }
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1")
      throw new Error(`key ${id}: must be an ECDSA P-256 key`);
    out.set(id, key);
  }
  return out;
}

/**
 * Checks GitHub's signature of a leak report: `Github-Public-Key-Signature` is the base64 DER
 * ECDSA P-256 signature over SHA-256 of the raw body, by the key `Github-Public-Key-Identifier`
 * names. False for an unknown identifier, a signature that is not base64 DER, or a wrong one.
 */
export function verifyLeakSignature(
  keys: LeakKeys,
  identifier: string,
  signature: string,
  rawBody: Buffer | string,
): boolean {
  const key = keys.get(identifier);
  if (!key) return false;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signature) || signature.length > 256) return false;
  try {
    return verify(
      "sha256",
      Buffer.from(rawBody),
      { key, dsaEncoding: "der" },
      Buffer.from(signature, "base64"),
    );
  } catch {
    // not a DER signature at all
    return false;
  }
}
