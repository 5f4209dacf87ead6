import { createPrivateKey, createPublicKey, hash, type KeyObject, sign, verify } from "node:crypto";

// The audit log's formats, in one place: the entry, its hash, the signed checkpoint, and the one
// verifier that the server, the CLI (on an exported file) and the tests all run. Pure: no I/O.

/** The hash before the first entry of the audit chain. */
export const GENESIS_HASH = "0".repeat(64);

/** The entry format this version writes (0: entries written before the audit log had its own format). */
export const AUDIT_FORMAT = 1;

// `String.prototype.isWellFormed` (ES2024, in Node ≥ 20): native, where the loop below costs a
// loop turn a character (an import's audit entry has 40 000 strings)
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;

function isWellFormed(s: string): boolean {
  // a lone surrogate is not a Unicode string (I-JSON, RFC 7493 §2.1), so it has no canonical form
  if (nativeWellFormed !== undefined) return nativeWellFormed.call(s);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return false;
  }
  return true;
}

/**
 * RFC 8785 (JSON Canonicalization Scheme) serialization: object members sorted by the UTF-16 code
 * units of their names, no whitespace, numbers in ECMAScript's shortest round-trip form (`1e+21`,
 * `0.000001`, `-0` as `0`), strings escaped as ECMAScript's `JSON.stringify` escapes them (which is
 * what RFC 8785 §3.2.2.2 prescribes). Values JCS cannot represent are refused with a TypeError
 * rather than silently changed: non-finite numbers, lone surrogates, bigints, functions, symbols,
 * `undefined` in an array and objects other than plain objects and arrays (a `Date` among them).
 * An object property whose value is `undefined` is left out, as `JSON.stringify` leaves it out.
 * @example canonicalJson({ b: 1, a: [1e21, "€"] }) // '{"a":[1e+21,"€"],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  switch (typeof value) {
    case "string":
      if (!isWellFormed(value)) throw new TypeError("canonicalJson: a string holds a lone surrogate");
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (value === null) return "null";
      // built by concatenation, not map and join: no array per object or list
      if (Array.isArray(value)) {
        let out = "[";
        for (let i = 0; i < value.length; i++) {
          const v: unknown = value[i];
          // (a hole reads as undefined: refused too, where map and join wrote an empty element)
          if (v === undefined) throw new TypeError("canonicalJson: undefined in an array");
          out += i === 0 ? canonicalJson(v) : `,${canonicalJson(v)}`;
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new TypeError(`canonicalJson: ${proto?.constructor?.name ?? "object"} is not a plain object`);
      }
      const names = Object.keys(value);
      // the default sort compares UTF-16 code units, which is the order RFC 8785 §3.2.3 asks for
      names.sort();
      let out = "{";
      for (const k of names) {
        const v = (value as Record<string, unknown>)[k];
        if (v === undefined) continue;
        out += `${out.length === 1 ? "" : ","}${canonicalJson(k)}:${canonicalJson(v)}`;
      }
      return `${out}}`;
    }
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

/** Who made a change: an admin key (id and version), a key acting on itself, or Keyroll's own rule. */
export type AuditActor =
  | { readonly type: "admin"; readonly keyId: string; readonly version: number | null }
  | { readonly type: "key"; readonly keyId: string; readonly version: number | null }
  | { readonly type: "system"; readonly rule: string | null };

/** A field that an update changed, from its old value to its new one. */
export type AuditDiff = Readonly<Record<string, { readonly from: unknown; readonly to: unknown }>>;

/**
 * One audit entry as the API returns it and an export holds it, one per line. Everything but
 * `prevHash` and `hash` is covered by `hash` (see {@link entryHash}).
 */
export interface AuditEntry {
  /** Entry format: 1, or 0 for an entry written before this format existed. */
  readonly v: number;
  readonly seq: number;
  readonly id: string;
  /** ISO 8601 UTC, millisecond precision. */
  readonly at: string;
  readonly actor: AuditActor;
  readonly action: string;
  readonly targetId: string | null;
  readonly requestId: string | null;
  /** The client address of the request that made the change (null for the scheduler's work). */
  readonly address: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly diff: AuditDiff | null;
  /** Null while the entry is not linked into the chain yet. */
  readonly prevHash: string | null;
  readonly hash: string | null;
}

/** The fields of an entry that its hash covers, in format 1. */
export function hashedBody(e: AuditEntry): Record<string, unknown> {
  return {
    v: e.v,
    seq: e.seq,
    id: e.id,
    at: e.at,
    actor: e.actor,
    action: e.action,
    targetId: e.targetId,
    requestId: e.requestId,
    address: e.address,
    data: e.data,
    diff: e.diff,
  };
}

/** The hash of a format-0 entry, as the store computed it before format 1 (kept so old logs verify). */
export function chainHash(
  prevHash: string,
  entry: {
    id: string;
    at: number;
    actor: string | null;
    action: string;
    targetId: string | null;
    data: unknown;
  },
): string {
  return hash("sha256", `${prevHash}\n${canonicalJson(entry)}`, "hex");
}

/**
 * The hash of an entry chained to its predecessor: SHA-256 (hex) over the previous hash, a line
 * feed and the RFC 8785 canonical JSON of the entry's hashed fields. Changing, removing or
 * reordering any entry changes every hash after it.
 */
export function entryHash(prevHash: string, e: AuditEntry): string {
  if (e.v === 0) {
    return chainHash(prevHash, {
      id: e.id,
      at: Date.parse(e.at),
      actor: e.actor.type === "system" ? null : e.actor.keyId,
      action: e.action,
      targetId: e.targetId,
      data: e.data,
    });
  }
  return hash("sha256", `${prevHash}\n${canonicalJson(hashedBody(e))}`, "hex");
}

/** A signed statement "the chain had this head": a cut-off tail shows up against the last one. */
export interface AuditCheckpoint {
  readonly v: 1;
  readonly seq: number;
  readonly hash: string;
  /** When it was signed, ISO 8601 UTC. */
  readonly at: string;
  /** Which key signed it: the first 16 hex digits of SHA-256 over the public key's SPKI DER. */
  readonly keyId: string;
  /** Ed25519 over the RFC 8785 canonical JSON of `{v, seq, hash, at, keyId}`, base64. */
  readonly signature: string;
}

/** An Ed25519 key pair loaded for signing checkpoints. */
export interface AuditSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  readonly privateKey: KeyObject;
}

/** The key id of a public key (see {@link AuditCheckpoint.keyId}). */
export function auditKeyId(publicKey: KeyObject): string {
  return hash("sha256", publicKey.export({ type: "spki", format: "der" }), "hex").slice(0, 16);
}

/**
 * Loads the checkpoint signing key from its PEM text (PKCS#8, as `openssl genpkey -algorithm
 * ed25519` writes it). Throws a plain Error naming the problem (never the key) if it is not an
 * Ed25519 private key.
 */
export function loadAuditSigner(pem: string): AuditSigner {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error("the audit signing key is not a PEM private key");
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new Error(`the audit signing key must be Ed25519, not ${privateKey.asymmetricKeyType}`);
  }
  const pub = createPublicKey(privateKey);
  return {
    keyId: auditKeyId(pub),
    publicKeyPem: pub.export({ type: "spki", format: "pem" }).toString(),
    privateKey,
  };
}

/** Parses a public key (SPKI PEM) for verification; throws if it is not Ed25519. */
export function loadAuditPublicKey(pem: string): { keyId: string; key: KeyObject } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    throw new Error("the audit public key is not a PEM public key");
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error("the audit public key must be Ed25519");
  return { keyId: auditKeyId(key), key };
}

const checkpointPayload = (c: Omit<AuditCheckpoint, "signature">) =>
  Buffer.from(canonicalJson({ v: c.v, seq: c.seq, hash: c.hash, at: c.at, keyId: c.keyId }));

/** Signs a checkpoint of the chain head `{seq, hash}` at time `atMs`. */
export function signCheckpoint(
  signer: AuditSigner,
  head: { seq: number; hash: string },
  atMs: number,
): AuditCheckpoint {
  const body = {
    v: 1 as const,
    seq: head.seq,
    hash: head.hash,
    at: new Date(atMs).toISOString(),
    keyId: signer.keyId,
  };
  return { ...body, signature: sign(null, checkpointPayload(body), signer.privateKey).toString("base64") };
}

/** Whether a checkpoint's signature holds under `publicKey`. */
export function checkpointSignatureValid(c: AuditCheckpoint, publicKey: KeyObject): boolean {
  try {
    return verify(null, checkpointPayload(c), publicKey, Buffer.from(c.signature, "base64"));
  } catch {
    return false;
  }
}

/** The outcome of verifying a chain: valid, or the first bad entry and why. */
export interface AuditVerification {
  readonly valid: boolean;
  /** Linked entries read. */
  readonly entries: number;
  /** The last linked entry: what the next checkpoint will sign. */
  readonly head: { readonly seq: number; readonly hash: string } | null;
  /** Entries written but not yet linked into the chain (a linker runs after their commit). */
  readonly pending: number;
  readonly checkpoints: {
    /** Checkpoints whose signature held under the given public key. */
    readonly verified: number;
    /** Checkpoints that could not be judged: no public key given, or signed by another key. */
    readonly unverified: number;
    /** The newest verified checkpoint. */
    readonly last: AuditCheckpoint | null;
    /** Linked entries after the newest verified checkpoint: a cut there is not detectable yet. */
    readonly entriesAfterLast: number;
  };
  /** The first problem found, by the entry's seq (or the checkpoint's, for a checkpoint problem). */
  readonly firstBad: { readonly seq: number; readonly reason: string } | null;
}

/**
 * Checks a chain, entry by entry in seq order, then against its signed checkpoints. Feed every
 * entry to `add` (it may be called with pages, so an export of any size streams through) and
 * call `finish`. A problem does not stop reading, but only the first is reported.
 * @example
 * const v = new AuditChainVerifier(publicKey);
 * for (const e of entries) v.add(e);
 * const result = v.finish(checkpoints); // { valid: false, firstBad: { seq: 12, reason: "…" } }
 */
export class AuditChainVerifier {
  private prevHash = GENESIS_HASH;
  private prevSeq = 0;
  private count = 0;
  private pending = 0;
  private firstPending: number | null = null;
  private bad: { seq: number; reason: string } | null = null;
  /** seq → hash of every linked entry seen (hex strings: a million entries is ~100 MB at worst). */
  private readonly hashes = new Map<number, string>();

  constructor(private readonly publicKey?: KeyObject) {}

  private fail(seq: number, reason: string): void {
    if (this.bad === null) this.bad = { seq, reason };
  }

  /** Checks the next entry of the chain. */
  add(e: AuditEntry): void {
    if (!Number.isSafeInteger(e.seq) || e.seq <= this.prevSeq) {
      this.fail(
        e.seq,
        `seq ${e.seq} does not follow seq ${this.prevSeq}: entries were reordered or duplicated`,
      );
      return;
    }
    this.prevSeq = e.seq;
    if (e.hash === null || e.prevHash === null) {
      this.pending++;
      this.firstPending ??= e.seq;
      return;
    }
    if (this.firstPending !== null) {
      this.fail(this.firstPending, `seq ${this.firstPending} is not linked, but seq ${e.seq} after it is`);
    }
    this.count++;
    if (e.prevHash !== this.prevHash) {
      this.fail(
        e.seq,
        this.count === 1
          ? "the first entry does not start from the genesis hash: the entries before it were removed"
          : "prevHash is not the hash of the entry before it: an entry was removed, inserted or moved",
      );
    }
    let expected: string | undefined;
    try {
      expected = entryHash(e.prevHash, e);
    } catch (err) {
      this.fail(e.seq, `the entry cannot be canonicalized: ${(err as Error).message}`);
    }
    if (expected !== undefined && expected !== e.hash) {
      this.fail(e.seq, "hash does not match the entry's content: the entry was edited");
    }
    this.prevHash = e.hash;
    this.hashes.set(e.seq, e.hash);
  }

  /** Checks the checkpoints (any order) against the entries read and returns the outcome. */
  finish(checkpoints: readonly AuditCheckpoint[]): AuditVerification {
    const myKeyId = this.publicKey ? auditKeyId(this.publicKey) : undefined;
    const lastSeq = this.hashes.size > 0 ? [...this.hashes.keys()].at(-1)! : 0;
    let verified = 0;
    let unverified = 0;
    let last: AuditCheckpoint | null = null;
    for (const c of [...checkpoints].sort((a, b) => a.seq - b.seq)) {
      if (!this.publicKey || c.keyId !== myKeyId) {
        unverified++;
        continue;
      }
      if (!checkpointSignatureValid(c, this.publicKey)) {
        this.fail(c.seq, `the checkpoint at seq ${c.seq} has a bad signature: it was forged or altered`);
        continue;
      }
      verified++;
      last = c;
      const h = this.hashes.get(c.seq);
      if (h === undefined) {
        this.fail(
          c.seq,
          c.seq > lastSeq
            ? `the checkpoint signed at ${c.at} covers seq ${c.seq}, but the log ends at seq ${lastSeq}: its tail was cut off`
            : `entry seq ${c.seq}, signed by the checkpoint of ${c.at}, is missing: it was removed`,
        );
      } else if (h !== c.hash) {
        this.fail(
          c.seq,
          `entry seq ${c.seq} does not have the hash its checkpoint of ${c.at} signed: the chain was rewritten`,
        );
      }
    }
    let after = 0;
    if (last) for (const s of this.hashes.keys()) if (s > last.seq) after++;
    return {
      valid: this.bad === null,
      entries: this.count,
      head: this.count > 0 ? { seq: lastSeq, hash: this.prevHash } : null,
      pending: this.pending,
      checkpoints: { verified, unverified, last, entriesAfterLast: last ? after : this.count },
      firstBad: this.bad,
    };
  }
}

/** Each changed field of `after` against `before`, `{from, to}`; only the names listed are compared. */
export function auditDiff<B extends object>(
  before: B,
  after: { readonly [F in keyof B]?: unknown },
  fields: ReadonlyArray<keyof B & string>,
): AuditDiff | null {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of fields) {
    if (after[f] === undefined) continue;
    const from = before[f] ?? null;
    const to = after[f] ?? null;
    if (canonicalJson(from) !== canonicalJson(to)) out[f] = { from, to };
  }
  return Object.keys(out).length > 0 ? out : null;
}
