import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { KeyRecord, KeyWithVersions, VersionRecord } from "../core/model.js";
import {
  DEFAULT_PREFIX,
  hexFromRaw,
  MAX_SECRET_LENGTH,
  MIN_IMPORTED_LENGTH,
  parseSecret,
  rawDigest,
  rawFromHex,
} from "../core/secret.js";
import { decide, hasScopes, nextTransition, unknownSecret, type VerifyResult } from "../core/verify.js";
import type { Store } from "../store/types.js";
import { createUsageRecorder, type Recorded } from "./usage.js";

/** One indexed version; mutable only for the usage counted since the last flush. */
interface Entry extends Recorded {
  readonly key: KeyRecord;
  readonly version: VersionRecord;
  /** The last decision without scopes, reusable until `until` (the next transition by time). */
  decision: VerifyResult | null;
  until: number;
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
}

const MAX_NEGATIVE = 100_000;
// a reused decision is also re-made at least this often, so a clock stepped backwards cannot pin one
const MAX_REUSE_MS = 60_000;

/**
 * The hot path: an in-memory index of every version by secret digest, loaded at start and kept
 * current from the change feed. A hit costs a checksum, a SHA-256 and a map lookup: no await,
 * no database. A miss reads through to the store once, then is remembered briefly.
 * @example const v = createVerifier({ store, clock, logger }); await v.start(); v.verifyCached(secret)
 */
export function createVerifier(opts: VerifierOptions) {
  const { store, clock, logger } = opts;
  const negativeTtlMs = opts.negativeTtlMs ?? 2_000;
  const pollMs = opts.pollMs ?? 250;
  const flushMs = opts.flushMs ?? 5_000;

  // every map below is keyed by raw digests (core/secret.ts rawDigest), the store by hex ones
  const index = new Map<string, Entry>();
  const digestsByKey = new Map<string, string[]>();
  const negative = new Map<string, number>();
  const inflight = new Map<string, Promise<Entry | undefined>>();
  // prefixes whose secrets Keyroll generated: a bad checksum there is MALFORMED without a lookup
  const generatedPrefixes = new Map<string, number>([[DEFAULT_PREFIX, 1]]);
  const recorder = createUsageRecorder({ store, clock, logger, enabled: opts.usageRecording ?? true });

  let lastSeq = 0;
  let lastSyncAt = 0;
  let syncing: Promise<void> | null = null;
  let pending: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  let started = false;
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

  function unindex(keyId: string): void {
    for (const d of digestsByKey.get(keyId) ?? []) {
      const e = index.get(d);
      if (!e) continue;
      index.delete(d);
      if (!e.version.imported) bump(generatedPrefixes, e.key.prefix, -1);
    }
    digestsByKey.delete(keyId);
  }

  function put(k: KeyWithVersions): void {
    const previous = new Map<number, Entry>();
    for (const d of digestsByKey.get(k.key.id) ?? []) {
      const e = index.get(d);
      if (e) previous.set(e.version.version, e);
    }
    unindex(k.key.id);
    const digests: string[] = [];
    for (const v of k.versions) {
      const old = previous.get(v.version);
      if (
        (v.revokedAt !== null || k.key.revokedAt !== null) &&
        !revokedSeen.has(`${k.key.id}:${v.version}`)
      ) {
        revokedSeen.set(
          `${k.key.id}:${v.version}`,
          started ? clock.now() : (v.revokedAt ?? k.key.revokedAt!),
        );
        const at = v.revokedAt ?? k.key.revokedAt!;
        if (lastRevocationAt === null || at > lastRevocationAt) lastRevocationAt = at;
      }
      const e: Entry = { key: k.key, version: v, usage: null, decision: null, until: 0 };
      if (old) recorder.transfer(old, e);
      const d = rawFromHex(v.digest);
      index.set(d, e);
      negative.delete(d);
      digests.push(d);
      if (!v.imported) bump(generatedPrefixes, k.key.prefix, 1);
    }
    digestsByKey.set(k.key.id, digests);
  }

  /**
   * Shape and checksum check of a secret the index does not hold; returns its raw digest `d` when
   * the store must be asked, or a final answer. A bad checksum under a prefix Keyroll generates is
   * MALFORMED without a store lookup: an imported checksum-exempt secret under that prefix (0004)
   * would have been found in memory already, and every indexed version is in memory.
   */
  function precheck(secret: string, d: string): string | VerifyResult {
    const p = parseSecret(secret);
    if (p.shape === "malformed") return unknownSecret("MALFORMED");
    if (p.shape === "keyroll" && !p.checksumOk && generatedPrefixes.has(p.prefix))
      return unknownSecret("MALFORMED");
    return d;
  }

  /** An indexed version's answer, counted as a use. */
  function hit(
    e: Entry,
    scopes: readonly string[] | undefined,
    address: string | undefined,
    now: number,
  ): VerifyResult {
    stats.hits++;
    const r = decision(e, scopes, now);
    recorder.record(e, r.code, now, address);
    return r;
  }

  /** An indexed version's decision: its last one while no transition by time has passed. */
  function decision(e: Entry, scopes: readonly string[] | undefined, now: number): VerifyResult {
    let r = e.decision;
    if (r === null || now >= e.until || now < e.until - MAX_REUSE_MS) {
      r = decide(e.key, e.version, now);
      e.decision = r;
      e.until = Math.min(nextTransition(e.key, e.version, now), now + MAX_REUSE_MS);
    }
    if (r.valid && scopes !== undefined && scopes.length > 0 && !hasScopes(e.key.scopes, scopes)) {
      r = decide(e.key, e.version, now, scopes);
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
  ): VerifyResult | string {
    if (secret.length < MIN_IMPORTED_LENGTH || secret.length > MAX_SECRET_LENGTH) {
      recorder.recordUnattributed("MALFORMED");
      return unknownSecret("MALFORMED");
    }
    const d = rawDigest(secret);
    const e = index.get(d);
    const now = clock.now();
    if (e !== undefined) return hit(e, scopes, address, now);
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

  async function readThrough(
    digest: string,
    scopes: readonly string[] | undefined,
    address: string | undefined,
  ): Promise<VerifyResult> {
    let p = inflight.get(digest);
    if (!p) {
      // concurrent misses on one digest share a single store read
      p = (async () => {
        stats.storeLookups++;
        const k = await store.findByDigest(hexFromRaw(digest));
        if (!k) {
          if (negative.size >= MAX_NEGATIVE) negative.clear();
          negative.set(digest, clock.now() + negativeTtlMs);
          return undefined;
        }
        // a sync may have loaded this key meanwhile, with newer data than this read: never overwrite
        // it; if the index lacks this version, catch up with the feed, which has it
        if (!digestsByKey.has(k.key.id)) put(k);
        else if (!index.has(digest)) await verifier.sync();
        return index.get(digest);
      })().finally(() => inflight.delete(digest));
      inflight.set(digest, p);
    }
    const e = await p;
    if (!e) {
      recorder.recordUnattributed("NOT_FOUND");
      return unknownSecret("NOT_FOUND");
    }
    const now = clock.now();
    const r = decide(e.key, e.version, now, scopes);
    recorder.record(e, r.code, now, address);
    return r;
  }

  async function applyChanges(): Promise<void> {
    for (;;) {
      const changes = await store.changesSince(lastSeq, 1000);
      if (changes.length === 0) break;
      const keyIds = new Set<string>();
      for (const c of changes) if (c.keyId) keyIds.add(c.keyId);
      // one round trip for all keys of the batch: propagation time does not grow with its size
      const found = await store.getKeys([...keyIds]);
      for (const k of found) {
        put(k);
        keyIds.delete(k.key.id);
      }
      for (const id of keyIds) unindex(id);
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

  const flush = (): Promise<void> => recorder.flush();

  const verifier = {
    /** Loads the whole index and starts following the change feed. */
    async start(): Promise<void> {
      const snapshot = await store.loadAll();
      for (const k of snapshot.keys) put(k);
      lastSeq = snapshot.seq;
      lastSyncAt = clock.now();
      started = true;
      logger.info({ keys: snapshot.keys.length, seq: lastSeq }, "verifier index loaded");
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
    },

    /** Stops polling and writes pending usage stamps. */
    async stop(): Promise<void> {
      started = false;
      clearTimeout(timer);
      clearInterval(flushTimer);
      await listener?.close();
      if (syncing) await syncing.catch(() => undefined);
      await flush();
    },

    /**
     * Reads the change feed up to now. Concurrent callers share one read; a caller arriving
     * during a read gets another one after it, so its own committed change is always included.
     */
    sync(): Promise<void> {
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
      const r = fromMemory(secret, scopes, address);
      return typeof r === "string" ? undefined : r;
    },

    /**
     * Verifies by raw digest (`rawDigest` of core/secret.ts), for a caller that already knows the
     * digest of a secret it verified before (the admin key of a kept-alive connection): the same
     * answer and usage counting as `verifyCached` without hashing again. `undefined` when no
     * version has this digest (any more).
     */
    verifyRawDigest(raw: string, scopes?: readonly string[], address?: string): VerifyResult | undefined {
      const e = index.get(raw);
      return e === undefined ? undefined : hit(e, scopes, address, clock.now());
    },

    /**
     * The decision for a raw digest, like `verifyRawDigest`, without counting a use: for a caller
     * that may still hand the request on to one that verifies it again (the fast verify path and
     * its admin key). `countRawDigest` counts the use once that caller answers itself.
     */
    peekRawDigest(raw: string): VerifyResult | undefined {
      const e = index.get(raw);
      return e === undefined ? undefined : decision(e, undefined, clock.now());
    },

    /** Counts one use, with outcome `code`, of the version whose raw digest this is (see `peekRawDigest`). */
    countRawDigest(raw: string, code: VerifyResult["code"]): void {
      const e = index.get(raw);
      if (e === undefined) return;
      stats.hits++;
      recorder.record(e, code, clock.now(), undefined);
    },

    /**
     * Verifies a secret: from memory on a hit, reading through to the store on a miss. `address`
     * is the client's address, counted with the version for rotation progress and leak alerts.
     */
    verify(
      secret: string,
      scopes?: readonly string[],
      address?: string,
    ): VerifyResult | Promise<VerifyResult> {
      const r = fromMemory(secret, scopes, address);
      if (typeof r !== "string") return r;
      stats.misses++;
      return readThrough(r, scopes, address);
    },

    /**
     * The key and version a secret belongs to, whatever their state, without counting usage: the
     * `/v1/self` calls authenticate this way (a client asking about its own key is not traffic).
     * Same shape and checksum rules as `verify`; reads through to the store on a miss.
     */
    async inspect(secret: string): Promise<{ key: KeyRecord; version: VersionRecord } | undefined> {
      if (secret.length < MIN_IMPORTED_LENGTH || secret.length > MAX_SECRET_LENGTH) return undefined;
      const d = rawDigest(secret);
      const e = index.get(d);
      if (e !== undefined) return { key: e.key, version: e.version };
      if (typeof precheck(secret, d) !== "string") return undefined;
      const hex = hexFromRaw(d);
      const k = await store.findByDigest(hex);
      const v = k?.versions.find((x) => x.digest === hex);
      return k && v ? { key: k.key, version: v } : undefined;
    },

    /**
     * Whether this node's in-memory index now rejects each given version of a key: the decision it
     * would answer a request with (the same `decide` as the hot path), and since when this node has
     * held the version as revoked. A version the index does not hold is reported `indexed: false`
     * and not rejected: its answer would need the store, which is not what is being proven.
     */
    rejection(keyId: string, versions: readonly number[]) {
      const now = clock.now();
      const held = new Map<number, Entry>();
      for (const d of digestsByKey.get(keyId) ?? []) {
        const e = index.get(d);
        if (e) held.set(e.version.version, e);
      }
      return versions.map((n) => {
        const e = held.get(n);
        if (!e) return { version: n, indexed: false, rejected: false, code: null, since: null };
        const r = decide(e.key, e.version, now);
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
      return { started, listening, size: index.size, lastSeq, lastSyncAt, ...stats };
    },

    /** The freshest `lastUsedAt` this node knows for a (hex) digest (flushed to the store in batches). */
    lastUsedAt(digest: string): number | null {
      const e = index.get(rawFromHex(digest));
      if (!e) return null;
      return Math.max(e.version.lastUsedAt ?? 0, e.usage?.lastUsedAt ?? 0) || null;
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
