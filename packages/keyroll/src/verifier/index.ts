import { LRUCache } from "lru-cache";
import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { KeyRecord, KeyWithVersions, VersionRecord } from "../core/model.js";
import type { RateLimit } from "../core/rate-limit.js";
import {
  DEFAULT_PREFIX,
  hexFromRaw,
  MAX_SECRET_LENGTH,
  MIN_IMPORTED_LENGTH,
  parseSecret,
  rawDigest,
  rawFromHex,
} from "../core/secret.js";
import {
  type DecisionKey,
  decide,
  hasScopes,
  nextTransition,
  unknownSecret,
  type VerifyResult,
} from "../core/verify.js";
import {
  type IndexRow,
  IX,
  PACKED_NUMS,
  PACKED_TEXTS,
  type PackedIndexRows,
} from "../store/kysely/index-scan.js";
import type { Store } from "../store/types.js";
import { createUsageRecorder, type Recorded, type VersionUsage } from "./usage.js";

/**
 * The fields of a key that the index keeps, shared by all its versions: only what a decision reads
 * (decision 0019). Scope lists and rate limits equal across keys are one shared object.
 */
interface IndexedKey extends DecisionKey {
  readonly prefix: string;
  /**
   * Its versions in the index (in bounded mode, only those not evicted): the one entry itself for
   * the common key with one version (no array to keep), else a list.
   */
  entries: Entry | Entry[] | null;
}

/** A key's indexed versions as a list (cold paths only: it may allocate). */
function listOf(k: IndexedKey): readonly Entry[] {
  const e = k.entries;
  return e === null ? [] : Array.isArray(e) ? e : [e];
}

/** Removes one entry from its key's list; true when none is left. */
function dropEntry(k: IndexedKey, e: Entry): boolean {
  const list = k.entries;
  if (list === e) k.entries = null;
  else if (Array.isArray(list)) {
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 1) k.entries = list[0]!;
    else if (list.length === 0) k.entries = null;
  }
  return k.entries === null;
}

/**
 * One indexed version: what a decision reads, and what changes on the hot path (usage counted
 * since the last flush, the last decision). A class, so that a million of them share one shape
 * and carry no closures; its decision is built at its first verification, not at load.
 */
class Entry implements Recorded {
  usage: VersionUsage | null = null;
  /** The last decision without scopes, reusable until `until` (the next transition by time). */
  decision: VerifyResult | null = null;
  until = 0;
  /** Bounded mode: the LRU's insertions counted when this entry last moved to its recent end. */
  seen = 0;
  constructor(
    readonly key: IndexedKey,
    /** The raw digest: this entry's key in the index. */
    readonly d: string,
    readonly version: number,
    readonly imported: boolean,
    readonly activatesAt: number,
    readonly graceStartsAt: number | null,
    readonly expiresAt: number | null,
    readonly revokedAt: number | null,
  ) {}
}

/** Settings of the verifier. */
export interface VerifierOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** How long a digest that matched nothing is answered NOT_FOUND without asking the store. */
  readonly negativeTtlMs?: number;
  /** How often to read the change feed when nothing tells us about a change (other processes). */
  readonly pollMs?: number;
  /** How often usage counts and `lastUsedAt` stamps are written back. */
  readonly flushMs?: number;
  /** Count usage per version, minute and outcome (off: only `lastUsedAt` and totals). */
  readonly usageRecording?: boolean;
  /**
   * `full` (default): every version in memory. `bounded`: at most `maxEntries` versions, the most
   * recently used; a miss reads through to the store (docs/operations.md).
   */
  readonly index?: "full" | "bounded";
  /** Versions kept in bounded mode. */
  readonly maxEntries?: number;
}

/**
 * What the caller decides after a valid answer, before the request is counted (the rate limit):
 * its answer is the one counted in usage, so a rate-limited request counts as `RATE_LIMITED`, not
 * `VALID`. A rejected promise (a rate-limit store failing closed) counts nothing: the request got
 * no verification answer.
 */
export type AfterValid = (v: VerifyResult) => VerifyResult | Promise<VerifyResult>;

const MAX_NEGATIVE = 100_000;
// a reused decision is also re-made at least this often, so a clock stepped backwards cannot pin one
const MAX_REUSE_MS = 60_000;
/** A read-through that keeps racing the feed is answered from its own read, without indexing it. */
const MAX_READ_ATTEMPTS = 4;
/** Wait before a failed start-up load is tried again (background loading). */
const LOAD_RETRY_MS = 1_000;

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * The hot path: an in-memory index of versions by secret digest, loaded at start (streamed from
 * the store) and kept current from the change feed. A hit costs a checksum, a SHA-256 and a map
 * lookup: no await, no database. A miss reads through to the store once, then is remembered
 * briefly. In bounded mode the index holds the most recently used versions only.
 * @example const v = createVerifier({ store, clock, logger }); await v.start(); v.verifyCached(secret)
 */
export function createVerifier(opts: VerifierOptions) {
  const { store, clock, logger } = opts;
  const negativeTtlMs = opts.negativeTtlMs ?? 2_000;
  const pollMs = opts.pollMs ?? 250;
  const flushMs = opts.flushMs ?? 5_000;
  const bounded = opts.index === "bounded";
  const maxEntries = opts.maxEntries ?? 1_000_000;
  let evictions = 0;

  // every map below is keyed by raw digests (core/secret.ts rawDigest), the store by hex ones.
  // The index is two maps, a digest in one of them at most: `cold` holds the versions the start-up
  // scan loaded and nobody has used since, `hot` every other (used, or indexed from the feed or a
  // read-through). A key's first use moves it from cold to hot (`warm`), so that the keys in use
  // are looked up in a map of their own size, not in one of the whole index's (bench/README)
  const hot = new Map<string, Entry>();
  const cold = new Map<string, Entry>();
  // bounded mode: the order of use and the evictions. The maps stay the lookup, so that a hit
  // costs what it costs in full mode: the LRU's own lookup and relinking touched more random memory
  // and made a hit 0.87× of full mode's at 1 M keys (bench/README)
  const lru = bounded
    ? new LRUCache<string, Entry>({
        max: maxEntries,
        dispose: (e, d, reason) => {
          // only evictions: deletes and replacements are this module's own, and it keeps the books
          if (reason !== "evict") return;
          evictions++;
          if (hot.get(d) === e) hot.delete(d);
          else if (cold.get(d) === e) cold.delete(d);
          if (dropEntry(e.key, e) && keys.get(e.key.id) === e.key) keys.delete(e.key.id);
        },
      })
    : null;
  // the LRU's insertions so far, and how many may pass before a use moves an entry again
  let inserts = 0;
  const refreshAfter = Math.max(1, Math.floor(maxEntries / 2));
  /** The indexed version of a digest; no use counted (bounded mode: no change of recency). */
  const peek = (d: string): Entry | undefined => hot.get(d) ?? cold.get(d);
  /** Versions indexed. */
  const indexSize = (): number => hot.size + cold.size;
  /** Indexes a version (`loaded`: by the start-up scan, not used yet). */
  const indexSet = (e: Entry, loaded = false): void => {
    if (loaded) cold.set(e.d, e);
    else {
      if (cold.size > 0) cold.delete(e.d);
      hot.set(e.d, e);
    }
    if (lru === null) return;
    e.seen = ++inserts;
    lru.set(e.d, e);
  };
  const indexDelete = (d: string): void => {
    if (!hot.delete(d)) cold.delete(d);
    lru?.delete(d);
  };
  const keys = new Map<string, IndexedKey>();
  const negative = new Map<string, number>();
  const inflight = new Map<string, Promise<Entry | KeyWithVersions | undefined>>();
  // prefixes whose secrets Keyroll generated: a bad checksum there is MALFORMED without a lookup.
  // Full mode counts them per indexed version; bounded mode cannot (evicted versions), so there the
  // counts only grow, and prefixes of checksum-exempt imported secrets (0004) are kept apart.
  const generatedPrefixes = new Map<string, number>([[DEFAULT_PREFIX, 1]]);
  const exemptPrefixes = new Set<string>();
  // one object per distinct scope list, rate limit and prefix, whatever the number of keys
  const scopePool = new Map<string, readonly string[]>();
  const ratePool = new Map<string, RateLimit>();
  const prefixPool = new Map<string, string>();
  const recorder = createUsageRecorder({ store, clock, logger, enabled: opts.usageRecording ?? true });

  let lastSeq = 0;
  let lastSyncAt = 0;
  // feed batches applied (and the load): a read-through indexes its row only if none landed meanwhile
  let applied = 0;
  let syncing: Promise<void> | null = null;
  let pending: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let started = false;
  let loading: Promise<void> | null = null;
  let loadMs: number | null = null;
  let listener: { close(): Promise<void> } | undefined;
  let listening = false;
  let stats = { hits: 0, misses: 0, storeLookups: 0 };
  // when this node first held each version as revoked (by "keyId:version"), and the newest revocation
  // it applied: what an incident asks every node to prove (decision 0018)
  const revokedSeen = new Map<string, number>();
  let lastRevocationAt: number | null = null;

  const bump = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
  };

  /** Remembers when this node first held a version as revoked (`at`: when it was revoked, or null). */
  function noteRevocation(keyId: string, version: number, at: number | null): void {
    if (at === null) return;
    const k = `${keyId}:${version}`;
    if (revokedSeen.has(k)) return;
    revokedSeen.set(k, started ? clock.now() : at);
    if (lastRevocationAt === null || at > lastRevocationAt) lastRevocationAt = at;
  }

  function scopesOf(text: string, parsed?: readonly string[]): readonly string[] {
    let s = scopePool.get(text);
    if (s === undefined) {
      s = parsed ?? (JSON.parse(text) as string[]);
      scopePool.set(text, s);
    }
    return s;
  }

  function rateOf(limit: number | null, periodMs: number | null): RateLimit | null {
    if (limit === null) return null;
    const k = `${limit}/${periodMs}`;
    let r = ratePool.get(k);
    if (r === undefined) {
      r = { limit, periodMs: periodMs ?? 0 };
      ratePool.set(k, r);
    }
    return r;
  }

  function prefixOf(p: string): string {
    const q = prefixPool.get(p);
    if (q !== undefined) return q;
    prefixPool.set(p, p);
    return p;
  }

  function noteVersion(prefix: string, imported: boolean, exemptPrefix: string | null): void {
    if (!imported) bump(generatedPrefixes, prefix, 1);
    else if (bounded && exemptPrefix !== null) exemptPrefixes.add(exemptPrefix);
  }

  function unindex(keyId: string): void {
    const k = keys.get(keyId);
    if (k === undefined) return;
    keys.delete(keyId);
    for (const e of listOf(k)) {
      indexDelete(e.d);
      if (!bounded && !e.imported) bump(generatedPrefixes, k.prefix, -1);
    }
    k.entries = null;
  }

  function indexedKey(k: KeyRecord): IndexedKey {
    const scopes = k.scopes;
    return {
      id: k.id,
      consumerId: k.consumerId,
      scopes: scopesOf(JSON.stringify(scopes), scopes),
      prefix: prefixOf(k.prefix),
      expiresAt: k.expiresAt,
      revokedAt: k.revokedAt,
      admin: k.admin,
      rateLimit: k.rateLimit ? rateOf(k.rateLimit.limit, k.rateLimit.periodMs) : null,
      entries: null,
    };
  }

  /**
   * Keys this node created and indexed from the records it committed (`indexCreated`), whose
   * `key.created` change the feed has not brought yet: their rows are not read back.
   */
  const ownCreated = new Set<string>();

  /** Indexes a key read from the store (the feed, a read-through), replacing what was held of it. */
  function put(k: KeyWithVersions): void {
    putKey(indexedKey(k.key), k.versions);
  }

  /** What `putKey` reads of a version: a stored record, or one made from an index row. */
  type IndexedVersion = Pick<
    VersionRecord,
    | "version"
    | "digest"
    | "imported"
    | "activatesAt"
    | "graceStartsAt"
    | "expiresAt"
    | "revokedAt"
    | "checksumExemptPrefix"
  >;

  /** The key of an index row, with its pooled scopes, prefix and rate limit (no entries yet). */
  function keyOfRow(r: IndexRow): IndexedKey {
    const scopes = r[IX.scopes];
    return {
      id: r[IX.keyId] as string,
      consumerId: r[IX.consumerId] as string,
      scopes:
        typeof scopes === "string" ? scopesOf(scopes) : scopesOf(JSON.stringify(scopes), scopes as string[]),
      prefix: prefixOf(r[IX.prefix] as string),
      expiresAt: num(r[IX.keyExpiresAt]),
      revokedAt: num(r[IX.keyRevokedAt]),
      admin: Number(r[IX.admin]) === 1,
      rateLimit: rateOf(num(r[IX.rateLimit]), num(r[IX.rateLimitPeriodMs])),
      entries: null,
    };
  }

  /** The version of an index row. */
  function versionOfRow(r: IndexRow): IndexedVersion {
    return {
      version: Number(r[IX.version]),
      digest: r[IX.digest] as string,
      imported: Number(r[IX.imported]) === 1,
      activatesAt: Number(r[IX.activatesAt]),
      graceStartsAt: num(r[IX.graceStartsAt]),
      expiresAt: num(r[IX.expiresAt]),
      revokedAt: num(r[IX.revokedAt]),
      checksumExemptPrefix: r[IX.checksumExemptPrefix] as string | null,
    };
  }

  /** Indexes `ik` with these versions, replacing what was held of the key. */
  function putKey(ik: IndexedKey, versions: readonly IndexedVersion[]): void {
    const held = keys.get(ik.id);
    const previous = held === undefined ? [] : listOf(held);
    unindex(ik.id);
    const entries: Entry[] = [];
    for (const v of versions) {
      noteRevocation(ik.id, v.version, v.revokedAt ?? ik.revokedAt);
      const d = rawFromHex(v.digest);
      const e = new Entry(
        ik,
        d,
        v.version,
        v.imported,
        v.activatesAt,
        v.graceStartsAt,
        v.expiresAt,
        v.revokedAt,
      );
      const old = previous.find((x) => x.version === v.version);
      if (old) recorder.transfer(old, e);
      entries.push(e);
      negative.delete(d);
      noteVersion(ik.prefix, v.imported, v.checksumExemptPrefix);
    }
    ik.entries = entries.length === 1 ? entries[0]! : entries.length === 0 ? null : entries;
    keys.set(ik.id, ik);
    // after the books: an eviction this causes finds its key where it expects it
    for (const e of entries) indexSet(e);
  }

  // the key whose rows the start-up scan is reading (rows of one key come together)
  let scanKey: IndexedKey | null = null;
  let scanSkip = false;

  /** Indexes a batch of the start-up scan: compact entries straight from the row values. */
  function loadRows(batch: readonly IndexRow[] | PackedIndexRows): void {
    if (!Array.isArray(batch)) {
      loadPacked(batch as PackedIndexRows);
      return;
    }
    for (const r of batch as readonly IndexRow[]) {
      const keyId = r[IX.keyId] as string;
      if (scanKey === null || scanKey.id !== keyId) {
        // a read-through during the load indexed this key already, from a fresher read
        scanSkip = keys.has(keyId);
        scanKey = keyOfRow(r);
      }
      scanVersion(
        scanKey,
        r[IX.digest] as string,
        null,
        Number(r[IX.version]),
        Number(r[IX.imported]) === 1,
        Number(r[IX.activatesAt]),
        num(r[IX.graceStartsAt]),
        num(r[IX.expiresAt]),
        num(r[IX.revokedAt]),
        r[IX.checksumExemptPrefix] as string | null,
      );
    }
  }

  /** `loadRows` of a packed batch (SQLite's scan thread): the same rows, read from buffers. */
  function loadPacked(b: PackedIndexRows): void {
    const buf = Buffer.from(b.bytes.buffer, b.bytes.byteOffset, b.bytes.byteLength);
    const { nums, lens } = b;
    const NT = PACKED_TEXTS.length;
    const NN = PACKED_NUMS.length;
    const nn = (x: number) => (Number.isNaN(x) ? null : x);
    let off = 0;
    // the next text of the row (null for a null), in PACKED_TEXTS order: key id, consumer id,
    // scopes, prefix, exempt prefix, digest (raw bytes, read as a latin1 string: the raw digest)
    let t = 0;
    const text = (latin1 = false): string | null => {
      const len = lens[t++]!;
      if (len < 0) return null;
      const s = buf.toString(latin1 ? "latin1" : "utf8", off, off + len);
      off += len;
      return s;
    };
    const skip = () => {
      off += Math.max(0, lens[t++]!);
    };
    for (let i = 0; i < b.n; i++) {
      t = i * NT;
      const x = i * NN;
      const keyId = text()!;
      if (scanKey === null || scanKey.id !== keyId) {
        scanSkip = keys.has(keyId);
        scanKey = {
          id: keyId,
          consumerId: text()!,
          scopes: scopesOf(text()!),
          prefix: prefixOf(text()!),
          expiresAt: nn(nums[x]!),
          revokedAt: nn(nums[x + 1]!),
          admin: nums[x + 2] === 1,
          rateLimit: rateOf(nn(nums[x + 3]!), nn(nums[x + 4]!)),
          entries: null,
        };
      } else {
        skip();
        skip();
        skip();
      }
      const exempt = text();
      const d = text(true)!;
      scanVersion(
        scanKey,
        null,
        d,
        nums[x + 5]!,
        nums[x + 6] === 1,
        nums[x + 7]!,
        nn(nums[x + 8]!),
        nn(nums[x + 9]!),
        nn(nums[x + 10]!),
        exempt,
      );
    }
  }

  /** One version of the start-up scan, of the key `k` being read (its hex or raw digest). */
  function scanVersion(
    k: IndexedKey,
    hex: string | null,
    raw: string | null,
    version: number,
    imported: boolean,
    activatesAt: number,
    graceStartsAt: number | null,
    expiresAt: number | null,
    revokedAt: number | null,
    exemptPrefix: string | null,
  ): void {
    noteVersion(k.prefix, imported, exemptPrefix);
    noteRevocation(k.id, version, revokedAt ?? k.revokedAt);
    // bounded: a warm start with the first versions read, up to the bound
    if (scanSkip || (bounded && indexSize() >= maxEntries)) return;
    const e = new Entry(
      k,
      raw ?? rawFromHex(hex!),
      version,
      imported,
      activatesAt,
      graceStartsAt,
      expiresAt,
      revokedAt,
    );
    const held = k.entries;
    if (held === null) {
      k.entries = e;
      keys.set(k.id, k);
    } else if (Array.isArray(held)) held.push(e);
    else k.entries = [held, e];
    indexSet(e, true);
  }

  /**
   * Shape and checksum check of a secret the index does not hold; returns its raw digest `d` when
   * the store must be asked, or a final answer. A bad checksum under a prefix Keyroll generates is
   * MALFORMED without a store lookup: an imported checksum-exempt secret under that prefix (0004)
   * would have been found in memory already, as every indexed version is in memory once the index
   * is loaded (in bounded mode: unless such a secret exists under that prefix).
   */
  function precheck(secret: string, d: string): string | VerifyResult {
    const p = parseSecret(secret);
    if (p.shape === "malformed") return unknownSecret("MALFORMED");
    if (
      p.shape === "keyroll" &&
      !p.checksumOk &&
      started &&
      generatedPrefixes.has(p.prefix) &&
      !exemptPrefixes.has(p.prefix)
    )
      return unknownSecret("MALFORMED");
    return d;
  }

  /**
   * The indexed version of a raw digest, for a use. The first use of a key moves it (its record
   * and every version of it, with fresh digest strings) into new objects, from the cold map to the
   * hot one: the keys in use end up side by side in memory and in a map of their own number,
   * instead of scattered over the whole index as loaded. At a million keys a lookup otherwise
   * touches four or five places spread over half a gigabyte, and the loop waits on memory
   * (bench/README, "Why verify in process slows down at 1 M keys"). Once per key, so the garbage
   * is the index's own size at most.
   */
  function lookup(d: string): Entry | undefined {
    const e = hot.get(d) ?? cold.get(d);
    // bounded: a use moves an entry to the recent end of the LRU list only once half the bound has
    // been inserted since it last moved, not at every hit. Only an insertion evicts, and one at the
    // recent end is evicted after `maxEntries` more at the earliest: an entry used at least once
    // every `maxEntries / 2` insertions is never evicted
    if (lru !== null && e !== undefined && inserts - e.seen >= refreshAfter) {
      e.seen = inserts;
      lru.get(d);
    }
    return e === undefined || e.decision !== null || e.usage !== null ? e : warm(e, d);
  }

  /** `lookup`'s move of a key used for the first time; returns the entry for `d`. */
  function warm(e: Entry, d: string): Entry {
    const k = e.key;
    // the key the start-up scan is reading may still get versions: it moves at a later use; and
    // only the key the books hold moves (never an orphan copy)
    if (k === scanKey || keys.get(k.id) !== k) return e;
    const list = listOf(k);
    // a key already in use (another of its versions was) has been moved
    for (const x of list) if (x.decision !== null || x.usage !== null) return e;
    const moved: IndexedKey = {
      id: k.id,
      consumerId: k.consumerId,
      scopes: k.scopes,
      prefix: k.prefix,
      expiresAt: k.expiresAt,
      revokedAt: k.revokedAt,
      admin: k.admin,
      rateLimit: k.rateLimit,
      entries: null,
    };
    const entries = list.map(
      (x) =>
        new Entry(
          moved,
          x === e ? d : Buffer.from(x.d, "latin1").toString("latin1"),
          x.version,
          x.imported,
          x.activatesAt,
          x.graceStartsAt,
          x.expiresAt,
          x.revokedAt,
        ),
    );
    moved.entries = entries.length === 1 ? entries[0]! : entries;
    keys.set(k.id, moved);
    // delete, then add: a map's set of a held key keeps its old slot and its old key string
    for (let i = 0; i < list.length; i++) {
      indexDelete(list[i]!.d);
      indexSet(entries[i]!);
    }
    return entries[list.indexOf(e)]!;
  }

  /** An indexed version's answer, counted as a use. */
  function hit(
    e: Entry,
    scopes: readonly string[] | undefined,
    address: string | undefined,
    now: number,
  ): VerifyResult {
    stats.hits++;
    return counted(e, decision(e, scopes, now), now, address);
  }

  /** `hit` with the caller's step after a valid answer, counted by that step's answer. */
  function hitThen(
    e: Entry,
    scopes: readonly string[] | undefined,
    address: string | undefined,
    now: number,
    after: AfterValid,
  ): VerifyResult | Promise<VerifyResult> {
    stats.hits++;
    const r = decision(e, scopes, now);
    return r.valid ? settle(e, after(r), now, address) : counted(e, r, now, address);
  }

  function counted(e: Entry, r: VerifyResult, now: number, address: string | undefined): VerifyResult {
    recorder.record(e, r.code, now, address);
    return r;
  }

  /** Counts the caller's final answer (see `AfterValid`), sync when it is. */
  function settle(
    e: Entry,
    r: VerifyResult | Promise<VerifyResult>,
    now: number,
    address: string | undefined,
  ): VerifyResult | Promise<VerifyResult> {
    return r instanceof Promise
      ? r.then((x) => counted(e, x, clock.now(), address))
      : counted(e, r, now, address);
  }

  /** An indexed version's decision: its last one while no transition by time has passed. */
  function decision(e: Entry, scopes: readonly string[] | undefined, now: number): VerifyResult {
    let r = e.decision;
    if (r === null || now >= e.until || now < e.until - MAX_REUSE_MS) {
      r = decide(e.key, e, now);
      e.decision = r;
      e.until = Math.min(nextTransition(e.key, e, now), now + MAX_REUSE_MS);
    }
    if (r.valid && scopes !== undefined && scopes.length > 0 && !hasScopes(e.key.scopes, scopes)) {
      r = decide(e.key, e, now, scopes);
    }
    return r;
  }

  /**
   * The hot path. A stored secret is found by its digest first: a hit needs no shape check (only
   * well-formed secrets are ever stored) and reuses its last decision until the next transition.
   * Only a miss pays for the shape and checksum rules. Returns the raw digest when the store must be asked.
   */
  function fromMemory(
    secret: string,
    scopes: readonly string[] | undefined,
    address: string | undefined,
    after?: AfterValid,
  ): VerifyResult | Promise<VerifyResult> | string {
    if (secret.length < MIN_IMPORTED_LENGTH || secret.length > MAX_SECRET_LENGTH) {
      recorder.recordUnattributed("MALFORMED");
      return unknownSecret("MALFORMED");
    }
    const d = rawDigest(secret);
    const now = clock.now();
    const e = lookup(d);
    if (e !== undefined)
      return after === undefined ? hit(e, scopes, address, now) : hitThen(e, scopes, address, now, after);
    const shape = precheck(secret, d);
    if (typeof shape !== "string") {
      recorder.recordUnattributed(shape.code);
      return shape;
    }
    const until = negative.get(d);
    if (until !== undefined && until > now) {
      recorder.recordUnattributed("NOT_FOUND");
      return unknownSecret("NOT_FOUND");
    }
    return d;
  }

  /**
   * Reads a digest's key from the store and indexes it, unless a feed batch landed during the read
   * (it may carry a change that this read predates: read again). Resolves with the indexed entry,
   * or with the key itself when the feed kept racing (answered from that read, not indexed).
   */
  async function readAndIndex(digest: string): Promise<Entry | KeyWithVersions | undefined> {
    stats.storeLookups++;
    const hex = hexFromRaw(digest);
    for (let attempt = 1; ; attempt++) {
      const before = applied;
      const k = await store.findByDigest(hex);
      if (!k) {
        if (negative.size >= MAX_NEGATIVE) negative.clear();
        negative.set(digest, clock.now() + negativeTtlMs);
        return undefined;
      }
      if (applied === before) {
        // nothing applied since the read began: it is at least as fresh as anything held
        put(k);
        return peek(digest) ?? k;
      }
      const held = peek(digest);
      if (held !== undefined) return held;
      if (attempt >= MAX_READ_ATTEMPTS) return k;
    }
  }

  async function readThrough(
    digest: string,
    scopes: readonly string[] | undefined,
    address: string | undefined,
    after?: AfterValid,
  ): Promise<VerifyResult> {
    let p = inflight.get(digest);
    if (!p) {
      // concurrent misses on one digest share a single store read
      p = readAndIndex(digest).finally(() => inflight.delete(digest));
      inflight.set(digest, p);
    }
    const found = await p;
    if (!found) {
      recorder.recordUnattributed("NOT_FOUND");
      return unknownSecret("NOT_FOUND");
    }
    const now = clock.now();
    if (found instanceof Entry) {
      const r = decide(found.key, found, now, scopes);
      return after === undefined || !r.valid
        ? counted(found, r, now, address)
        : settle(found, after(r), now, address);
    }
    // not indexed (the feed kept moving): decided from this read, counted without a usage record
    const v = found.versions.find((x) => x.digest === hexFromRaw(digest))!;
    const decided = decide(found.key, v, now, scopes);
    const r = after === undefined || !decided.valid ? decided : await after(decided);
    recorder.recordUnattributed(r.code);
    return r;
  }

  async function applyChanges(): Promise<void> {
    for (;;) {
      // one round trip for the changes and the index's own narrow rows of all keys they name
      // (PostgreSQL; no record objects, no metadata), ordered by key and version: propagation
      // time does not grow with the batch's size
      const { changes, rows } = await store.changesWithIndexRows(
        lastSeq,
        1000,
        ownCreated.size > 0 ? { ownCreated } : undefined,
      );
      if (changes.length === 0) break;
      const keyIds = new Set<string>();
      // keys this node indexed from its own write (indexCreated) whose only change here is their
      // creation: what they hold is what the rows say, so they are neither read nor touched
      const own = new Set<string>();
      for (const c of changes) {
        if (!c.keyId) continue;
        if (c.op === "key.created" && ownCreated.delete(c.keyId)) own.add(c.keyId);
        else keyIds.add(c.keyId);
      }
      for (const id of keyIds) own.delete(id);
      for (let i = 0; i < rows.length; ) {
        const id = rows[i]![IX.keyId] as string;
        let j = i + 1;
        while (j < rows.length && rows[j]![IX.keyId] === id) j++;
        keyIds.delete(id);
        if (own.has(id)) {
          // a store may send a skipped key's rows all the same (PostgreSQL's one statement)
          i = j;
          continue;
        }
        // bounded: refresh what is held; a key not held is read through at its next use, and
        // none of its digests may stay NOT_FOUND
        if (!bounded || keys.has(id)) {
          const versions: IndexedVersion[] = [];
          for (let k = i; k < j; k++) versions.push(versionOfRow(rows[k]!));
          putKey(keyOfRow(rows[i]!), versions);
        } else for (let k = i; k < j; k++) negative.delete(rawFromHex(rows[k]![IX.digest] as string));
        i = j;
      }
      for (const id of keyIds) unindex(id);
      applied++;
      // positions only: what a test (or an operator at debug level) needs to see that the feed was
      // applied in order with nothing skipped
      logger.debug(
        {
          after: lastSeq,
          first: changes[0]!.seq,
          last: changes[changes.length - 1]!.seq,
          count: changes.length,
        },
        "feed applied",
      );
      lastSeq = changes[changes.length - 1]!.seq;
      if (changes.length < 1000) break;
    }
    lastSyncAt = clock.now();
  }

  /** Streams the index from the store, then follows the feed. */
  async function load(): Promise<void> {
    const t0 = performance.now();
    ownCreated.clear();
    const seq = await store.scanIndex(loadRows);
    scanKey = null;
    lastSeq = seq;
    lastSyncAt = clock.now();
    applied++;
    started = true;
    loadMs = performance.now() - t0;
    logger.info(
      {
        keys: keys.size,
        versions: indexSize(),
        seq: lastSeq,
        ms: Math.round(loadMs),
        index: bounded ? "bounded" : "full",
      },
      "verifier index loaded",
    );
  }

  function follow(): void {
    const tick = () => {
      timer = setTimeout(() => {
        verifier
          .sync()
          .catch((err: Error) => logger.warn({ err: err.message }, "change feed read failed"))
          .finally(() => {
            if (started) tick();
          });
      }, pollMs);
      timer.unref();
    };
    tick();
    if (store.listen) {
      // push: a NOTIFY per committed change; after any reconnect, read everything missed
      listener = store.listen({
        onNotify: () => void verifier.sync().catch(() => undefined),
        onConnected: () => {
          listening = true;
          void verifier.sync().catch(() => undefined);
        },
        onDisconnected: (err) => {
          listening = false;
          logger.warn(
            { err: err?.message ?? "connection ended" },
            "change feed listener disconnected; reconnecting",
          );
        },
      });
    }
    flushTimer = setInterval(() => void flush(), flushMs);
    flushTimer.unref();
  }

  const flush = (): Promise<void> => recorder.flush();

  let stopLoading: () => void = () => undefined;

  const verifier = {
    /**
     * Loads the index (streamed from the store) and starts following the change feed; resolves
     * once loaded. With `retry`, a failed load is logged and tried again until it succeeds (a node
     * that serves while it loads: `/readyz` says 503 meanwhile).
     */
    start(o: { retry?: boolean } = {}): Promise<void> {
      if (loading) return loading;
      let stopped = false;
      stopLoading = () => {
        stopped = true;
      };
      const attempt = async (): Promise<void> => {
        for (;;) {
          try {
            await load();
            break;
          } catch (err) {
            if (!o.retry || stopped) throw err;
            logger.warn({ err: (err as Error).message }, "verifier index load failed; retrying");
            // a retry starts from nothing: what a failed scan indexed is dropped
            for (const id of [...keys.keys()]) unindex(id);
            scanKey = null;
            await new Promise((r) => setTimeout(r, LOAD_RETRY_MS));
            if (stopped) throw err;
          }
        }
        if (!stopped) follow();
      };
      loading = attempt();
      return loading;
    },

    /** Stops polling and writes pending usage stamps. */
    async stop(): Promise<void> {
      stopLoading();
      await loading?.catch(() => undefined);
      started = false;
      clearTimeout(timer);
      clearInterval(flushTimer);
      await listener?.close();
      if (syncing) await syncing.catch(() => undefined);
      await flush();
    },

    /**
     * Indexes keys this node has just created and committed, from the records it wrote (a bulk
     * import, decision 0031), so that the feed's `key.created` rows of them are not read back. Call
     * it after the commit and before `sync`. A key the index holds already (a read of the feed got
     * there first, maybe with a later change) is left as it is. Bounded mode and a verifier still
     * loading keep nothing here: the feed does what it always does with those keys.
     */
    indexCreated(made: readonly KeyWithVersions[]): void {
      if (!started || bounded) return;
      for (const k of made) {
        if (keys.has(k.key.id)) continue;
        put(k);
        ownCreated.add(k.key.id);
      }
    },

    /**
     * Reads the change feed up to now. Concurrent callers share one read; a caller arriving
     * during a read gets another one after it, so its own committed change is always included.
     */
    sync(): Promise<void> {
      // before the index is loaded there is no position to read the feed from: the load's end is
      // the first sync (a write's own catch-up waits for it). Once stopped there is nothing to
      // read: a write committed during shutdown (the leader's last tick) must not wait for one
      if (!started)
        return loading ? loading.then(() => (started ? verifier.sync() : undefined)) : Promise.resolve();
      if (syncing) {
        if (!pending) {
          const next = () => {
            pending = null;
            return verifier.sync();
          };
          pending = syncing.then(next, next);
        }
        return pending;
      }
      syncing = applyChanges().finally(() => {
        syncing = null;
      });
      return syncing;
    },

    /**
     * Verifies from memory only. Returns `undefined` when the answer needs the store (a digest
     * never seen), so the caller can take the async path.
     */
    verifyCached(secret: string, scopes?: readonly string[], address?: string): VerifyResult | undefined {
      // without a step after a valid answer, never a promise
      const r = fromMemory(secret, scopes, address) as VerifyResult | string;
      return typeof r === "string" ? undefined : r;
    },

    /**
     * Verifies by raw digest (`rawDigest` of core/secret.ts), for a caller that already knows the
     * digest of a secret it verified before (the admin key of a kept-alive connection): the same
     * answer and usage counting as `verifyCached` without hashing again. `undefined` when no
     * version has this digest (any more).
     */
    verifyRawDigest(raw: string, scopes?: readonly string[], address?: string): VerifyResult | undefined {
      const now = clock.now();
      const e = lookup(raw);
      return e === undefined ? undefined : hit(e, scopes, address, now);
    },

    /**
     * The decision for a raw digest, like `verifyRawDigest`, without counting a use: for a caller
     * that may still hand the request on to one that verifies it again (the fast verify path and
     * its admin key). `countRawDigest` counts the use once that caller answers itself.
     */
    peekRawDigest(raw: string): VerifyResult | undefined {
      const now = clock.now();
      const e = lookup(raw);
      return e === undefined ? undefined : decision(e, undefined, now);
    },

    /** Counts one use, with outcome `code`, of the version whose raw digest this is (see `peekRawDigest`). */
    countRawDigest(raw: string, code: VerifyResult["code"]): void {
      const now = clock.now();
      const e = lookup(raw);
      if (e === undefined) return;
      stats.hits++;
      recorder.record(e, code, now, undefined);
    },

    /**
     * Verifies a secret: from memory on a hit, reading through to the store on a miss. `address`
     * is the client's address, counted with the version for rotation progress and leak alerts.
     * `after` (the rate limit) runs on a valid answer before it is counted: see `AfterValid`.
     */
    verify(
      secret: string,
      scopes?: readonly string[],
      address?: string,
      after?: AfterValid,
    ): VerifyResult | Promise<VerifyResult> {
      const r = fromMemory(secret, scopes, address, after);
      if (typeof r !== "string") return r;
      stats.misses++;
      return readThrough(r, scopes, address, after);
    },

    /**
     * The key and version a secret belongs to, whatever their state, without counting usage: the
     * `/v1/self` calls authenticate this way (a client asking about its own key is not traffic).
     * Same shape and checksum rules as `verify`; reads through to the store on a miss.
     */
    async inspect(secret: string): Promise<{ keyId: string; version: number } | undefined> {
      if (secret.length < MIN_IMPORTED_LENGTH || secret.length > MAX_SECRET_LENGTH) return undefined;
      const d = rawDigest(secret);
      const e = peek(d);
      if (e !== undefined) return { keyId: e.key.id, version: e.version };
      if (typeof precheck(secret, d) !== "string") return undefined;
      const hex = hexFromRaw(d);
      const k = await store.findByDigest(hex);
      const v = k?.versions.find((x) => x.digest === hex);
      return k && v ? { keyId: k.key.id, version: v.version } : undefined;
    },

    /**
     * Whether this node's in-memory index now rejects each given version of a key: the decision it
     * would answer a request with (the same `decide` as the hot path), and since when this node has
     * held the version as revoked. A version the index does not hold is reported `indexed: false`:
     * in full mode not rejected (its answer would need the store, which is not what is being
     * proven); in bounded mode rejected, as its next request reads the store's revocation through.
     */
    rejection(keyId: string, versions: readonly number[]) {
      const now = clock.now();
      const k = keys.get(keyId);
      const held = new Map<number, Entry>();
      for (const e of k === undefined ? [] : listOf(k)) held.set(e.version, e);
      return versions.map((n) => {
        const e = held.get(n);
        // bounded mode: a version not held is read through to the store on its next request, and
        // the store has the revocation (it committed before anyone asks); full mode holds them all
        if (!e) return { version: n, indexed: false, rejected: bounded, code: null, since: null };
        const r = decide(e.key, e, now);
        return {
          version: n,
          indexed: true,
          rejected: !r.valid,
          code: r.code,
          since: r.valid ? null : (revokedSeen.get(`${keyId}:${n}`) ?? null),
        };
      });
    },

    /** The newest revocation time this node's index has applied, or null. */
    lastRevocationAt: (): number | null => lastRevocationAt,

    /** True when the index is loaded and was caught up with the feed within `maxLagMs`. */
    isFresh(maxLagMs: number): boolean {
      return started && clock.now() - lastSyncAt <= maxLagMs;
    },

    /** Counters and positions for health and metrics. */
    status() {
      return {
        started,
        listening,
        size: indexSize(),
        lastSeq,
        lastSyncAt,
        ...stats,
        index: bounded ? ("bounded" as const) : ("full" as const),
        maxEntries: bounded ? maxEntries : null,
        evictions,
        loadMs,
      };
    },

    /** This node's own `lastUsedAt` for a (hex) digest, not yet flushed to the store (callers merge the stored one). */
    lastUsedAt(digest: string): number | null {
      const e = peek(rawFromHex(digest));
      if (!e) return null;
      // the stored stamp is the caller's (views merge both): only this node's unflushed one is here
      return e.usage?.lastUsedAt || null;
    },

    /** Writes pending usage counts and `lastUsedAt` stamps now. */
    flush,

    /** Verifications by outcome, and the state of usage flushing, for metrics. */
    usage: () => ({ totals: recorder.totals(), ...recorder.status() }),

    resetStats() {
      stats = { hits: 0, misses: 0, storeLookups: 0 };
    },
  };
  return verifier;
}

/** The verifier's interface. */
export type Verifier = ReturnType<typeof createVerifier>;
