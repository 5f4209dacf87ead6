import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import { type KeyRecord, versionState } from "../core/model.js";
import { type DecisionVersion, USAGE_OUTCOMES, type UsageOutcome } from "../core/verify.js";
import type { AddressRow, AlertInput, UsageRow } from "../store/kysely/usage.js";
import type { Store } from "../store/types.js";

/** Outcomes counted per version (MALFORMED and NOT_FOUND belong to no version). */
const OUTCOMES = USAGE_OUTCOMES.filter((c) => c !== "MALFORMED" && c !== "NOT_FOUND");
const OUTCOME_INDEX: Record<string, number> = Object.fromEntries(OUTCOMES.map((o, i) => [o, i]));
/** Client addresses remembered per version between two flushes. */
const MAX_ADDRESSES_PER_FLUSH = 50;
/** Rows kept for a retry when the store is unreachable; beyond it, the oldest counts are dropped (and logged). */
const MAX_RETRY_ROWS = 100_000;

const zeros = (): number[] => OUTCOMES.map(() => 0);

const MINUTE_MS = 60_000;

/**
 * Usage of one version since the last flush: counts by minute and outcome, addresses, last use.
 * Laid out for the hot path: a `VALID` answer touches only this object's own fields (small
 * integers and one number updated in place), not the counts array.
 */
export interface VersionUsage {
  /** The current minute, as minutes since the epoch (a small integer). */
  minute: number;
  /** `VALID` answers in the current minute (kept out of `counts`, whose slot 0 stays 0 until folded). */
  valid: number;
  /** The other outcomes' counts in the current minute, by OUTCOMES index. */
  counts: number[];
  pending: Array<{ minute: number; counts: number[] }>;
  addresses: Map<string, { first: number; at: number; count: number }> | null;
  /** When the version last answered `VALID` on this node, epoch ms; 0 when never. */
  lastUsedAt: number;
  dirty: boolean;
}

/** The current minute's counts of all outcomes, `VALID` included, stamped with its start in ms. */
function currentBucket(u: VersionUsage): { minute: number; counts: number[] } {
  const counts = u.counts;
  counts[0] = u.valid;
  return { minute: u.minute * MINUTE_MS, counts };
}

/** What the recorder needs to know of an indexed version (the index entry itself). */
export interface Recorded extends DecisionVersion {
  readonly key: Pick<KeyRecord, "id" | "consumerId">;
  usage: VersionUsage | null;
}

/**
 * Counts verifications per version, minute and outcome in memory and writes them in batches: the
 * database sees at most one row per version, minute and outcome per flush, whatever the request
 * rate. Counts from several nodes add up in the store. At each flush it also raises the alerts that
 * need the counts: a client still sending a revoked or expired version (a failed rollover), and a
 * version in grace used from an address never seen with it before (a leak signal).
 */
export function createUsageRecorder(opts: { store: Store; clock: Clock; logger: Logger; enabled: boolean }) {
  const { store, clock, logger } = opts;
  const dirty = new Set<Recorded>();
  // by outcome index (OUTCOMES): an array slot, not a keyed property, on the hot path
  const attributed = zeros();
  const unattributed = Object.fromEntries(USAGE_OUTCOMES.map((c) => [c, 0])) as Record<UsageOutcome, number>;
  let retryRows: UsageRow[] = [];
  let retryAddresses: AddressRow[] = [];
  let lastFlushAt = clock.now();
  let flushing: Promise<void> | null = null;

  function usageOf(e: Recorded, now: number): VersionUsage {
    let u = e.usage;
    if (u === null) {
      u = {
        minute: Math.floor(now / MINUTE_MS),
        valid: 0,
        counts: zeros(),
        pending: [],
        addresses: null,
        lastUsedAt: 0,
        dirty: false,
      };
      e.usage = u;
    }
    return u;
  }

  return {
    /** Counts one answer for an indexed version. Cheap: no allocation on the common path. */
    record(e: Recorded, code: UsageOutcome, now: number, address: string | undefined): void {
      const i = code === "VALID" ? 0 : OUTCOME_INDEX[code]!;
      attributed[i]!++;
      const u = e.usage ?? usageOf(e, now);
      if (opts.enabled) {
        const minute = Math.floor(now / MINUTE_MS);
        if (minute !== u.minute) {
          if (u.valid > 0 || u.counts.some((c) => c > 0)) u.pending.push(currentBucket(u));
          u.minute = minute;
          u.valid = 0;
          u.counts = zeros();
        }
        if (i === 0) u.valid++;
        else u.counts[i]!++;
        if (address !== undefined) {
          if (u.addresses === null) u.addresses = new Map();
          const a = u.addresses.get(address);
          if (a) {
            a.at = now;
            a.count++;
          } else if (u.addresses.size < MAX_ADDRESSES_PER_FLUSH) {
            u.addresses.set(address, { first: now, at: now, count: 1 });
          }
        }
      } else if (i !== 0) return;
      if (i === 0) u.lastUsedAt = now;
      if (!u.dirty) {
        u.dirty = true;
        dirty.add(e);
      }
    },

    /** Counts an answer that belongs to no version (MALFORMED, NOT_FOUND). */
    recordUnattributed(code: UsageOutcome): void {
      unattributed[code]++;
    },

    /** Moves pending usage from an index entry that is being replaced to its successor. */
    transfer(from: Recorded, to: Recorded): void {
      if (from.usage === null) return;
      to.usage = from.usage;
      if (dirty.delete(from)) dirty.add(to);
    },

    /** Writes everything counted so far; on failure keeps it for the next flush. */
    flush,

    /** Verifications answered by this node since it started, by outcome. */
    totals(): Readonly<Record<UsageOutcome, number>> {
      const out = { ...unattributed };
      OUTCOMES.forEach((o, i) => {
        out[o] += attributed[i]!;
      });
      return out;
    },

    /** When the last flush succeeded, and how many versions wait for the next one. */
    status() {
      return { lastFlushAt, pendingVersions: dirty.size, retryRows: retryRows.length };
    },
  };

  function flush(): Promise<void> {
    if (flushing) return flushing.then(flush);
    flushing = (async () => {
      const now = clock.now();
      const rows: UsageRow[] = retryRows;
      const addresses: AddressRow[] = retryAddresses;
      retryRows = [];
      retryAddresses = [];
      const lastUsed: Array<{ keyId: string; version: number; at: number }> = [];
      const failed = new Map<
        string,
        { e: Recorded; outcome: string; count: number; address: string | null }
      >();
      // versions in grace, with when grace started: only an address first seen after that is news
      const inGrace = new Map<string, number>();
      const entries = [...dirty];
      dirty.clear();
      for (const e of entries) {
        const u = e.usage!;
        u.dirty = false;
        const keyId = e.key.id;
        const version = e.version;
        if (u.lastUsedAt !== 0) lastUsed.push({ keyId, version, at: u.lastUsedAt });
        const current = currentBucket(u);
        const buckets = current.counts.some((c) => c > 0) ? [...u.pending, current] : u.pending;
        for (const b of buckets) {
          b.counts.forEach((count, i) => {
            if (count > 0) rows.push({ keyId, version, minute: b.minute, outcome: OUTCOMES[i]!, count });
          });
        }
        let latest: string | null = null;
        let latestAt = -1;
        for (const [address, a] of u.addresses ?? []) {
          addresses.push({ keyId, version, address, firstAt: a.first, at: a.at, count: a.count });
          if (a.at > latestAt) {
            latest = address;
            latestAt = a.at;
          }
        }
        for (const b of buckets) {
          for (const outcome of ["REVOKED", "EXPIRED"] as const) {
            const n = b.counts[OUTCOME_INDEX[outcome]!]!;
            if (n === 0) continue;
            const k = `${keyId}:${version}`;
            const f = failed.get(k) ?? { e, outcome, count: 0, address: latest };
            f.count += n;
            failed.set(k, f);
          }
        }
        if (versionState(e, now) === "grace") inGrace.set(`${keyId}:${version}`, e.graceStartsAt ?? 0);
        u.pending = [];
        u.valid = 0;
        u.counts = zeros();
        u.addresses = null;
      }
      // rows kept from a failed flush and this flush's may name the same minute and outcome (or
      // address): one row each, summed, as one INSERT … ON CONFLICT may touch a row only once
      coalesceUsage(rows);
      coalesceAddresses(addresses);
      // every node locks rows in the same order (by key and version): two nodes flushing the same
      // versions at once wait for each other instead of deadlocking
      const byVersion = (a: { keyId: string; version: number }, b: { keyId: string; version: number }) =>
        a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.version - b.version;
      lastUsed.sort(byVersion);
      rows.sort((a, b) => byVersion(a, b) || a.minute - b.minute || (a.outcome < b.outcome ? -1 : 1));
      addresses.sort((a, b) => byVersion(a, b) || (a.address < b.address ? -1 : 1));
      if (rows.length === 0 && addresses.length === 0 && lastUsed.length === 0) {
        lastFlushAt = now;
        return;
      }
      // one transaction per chunk: one commit per flush of ordinary size, and other writers wait
      // for at most one chunk
      const CHUNK = 1000;
      let done = 0;
      try {
        const fresh: AddressRow[] = [];
        const n = Math.max(rows.length, addresses.length, lastUsed.length);
        for (let i = 0; i < n; i += CHUNK, done = i) {
          fresh.push(
            ...(await store.usage.flushUsage(
              rows.slice(i, i + CHUNK),
              addresses.slice(i, i + CHUNK),
              lastUsed.slice(i, i + CHUNK),
            )),
          );
        }
        const alerts: AlertInput[] = [];
        for (const [k, f] of failed) {
          alerts.push({
            id: newId("alr", now),
            kind: "failed_rollover",
            dedupeKey: `failed_rollover:${k}`,
            keyId: f.e.key.id,
            consumerId: f.e.key.consumerId,
            version: f.e.version,
            address: f.address,
            message: `consumer ${f.e.key.consumerId} still sends version ${f.e.version} of key ${f.e.key.id}, which is ${f.outcome}`,
            data: { outcome: f.outcome },
            count: f.count,
            at: now,
          });
        }
        for (const a of fresh) {
          const graceStart = inGrace.get(`${a.keyId}:${a.version}`);
          if (graceStart === undefined || a.firstAt < graceStart) continue;
          const e = entries.find((x) => x.key.id === a.keyId && x.version === a.version);
          alerts.push({
            id: newId("alr", now),
            kind: "previous_version_new_address",
            dedupeKey: `new_address:${a.keyId}:${a.version}:${a.address}`,
            keyId: a.keyId,
            consumerId: e?.key.consumerId ?? null,
            version: a.version,
            address: a.address,
            message: `version ${a.version} of key ${a.keyId} is in grace and was used from ${a.address}, an address never seen with it before: a possible leak`,
            data: {},
            count: a.count,
            at: now,
          });
        }
        if (alerts.length > 0) await store.usage.raiseAlerts(alerts);
        lastFlushAt = now;
      } catch (err) {
        // nothing lost and nothing counted twice: the chunks not committed wait for the next flush
        retryRows = rows.slice(done).slice(-MAX_RETRY_ROWS);
        retryAddresses = addresses.slice(done).slice(-MAX_RETRY_ROWS);
        if (rows.length > MAX_RETRY_ROWS)
          logger.error({ dropped: rows.length - MAX_RETRY_ROWS }, "usage rows dropped");
        logger.warn({ err: (err as Error).message, rows: rows.length }, "usage flush failed; will retry");
      }
    })().finally(() => {
      flushing = null;
    });
    return flushing;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Merges rows of the same version, minute and outcome into one (counts summed), in place. */
export function coalesceUsage(rows: UsageRow[]): void {
  const seen = new Map<string, Mutable<UsageRow>>();
  let n = 0;
  for (const r of rows) {
    const k = `${r.keyId}\u0000${r.version}\u0000${r.minute}\u0000${r.outcome}`;
    const s = seen.get(k);
    if (s === undefined) {
      const copy = { ...r };
      seen.set(k, copy);
      rows[n++] = copy;
    } else s.count += r.count;
  }
  rows.length = n;
}

/** Merges address rows of the same version and address into one (first and last use kept), in place. */
export function coalesceAddresses(rows: AddressRow[]): void {
  const seen = new Map<string, Mutable<AddressRow>>();
  let n = 0;
  for (const r of rows) {
    const k = `${r.keyId}\u0000${r.version}\u0000${r.address}`;
    const s = seen.get(k);
    if (s === undefined) {
      const copy = { ...r };
      seen.set(k, copy);
      rows[n++] = copy;
    } else {
      s.count += r.count;
      s.firstAt = Math.min(s.firstAt, r.firstAt);
      s.at = Math.max(s.at, r.at);
    }
  }
  rows.length = n;
}

/** The usage recorder's interface. */
export type UsageRecorder = ReturnType<typeof createUsageRecorder>;
