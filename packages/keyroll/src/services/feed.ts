import type { KeyWithVersions, Millis } from "../core/model.js";
import type { Change } from "../store/types.js";
import type { ServiceDeps } from "./deps.js";

/** Longest usage batch one call may send. */
export const MAX_USAGE_BATCH = 5000;

/** One counted bucket of an in-process verifier: requests of a version in a minute, by outcome. */
export interface UsageBatchRow {
  keyId: string;
  version: number;
  minute: Millis;
  outcome: string;
  count: number;
}

/** Client addresses seen with a version by an in-process verifier during one batch. */
export interface UsageBatchAddress {
  keyId: string;
  version: number;
  address: string;
  firstAt: Millis;
  lastAt: Millis;
  count: number;
}

/**
 * What in-process verifiers (`createVerifier` of @keyroll/client) need: a snapshot of every key
 * with its version digests, the change feed after a sequence number with each changed key's
 * state, and a way to send back the usage they counted.
 */
export function createFeedService(deps: ServiceDeps) {
  const { store, clock } = deps;
  return {
    /** Every key with its versions, and the feed position the snapshot is current to. */
    snapshot(): Promise<{ keys: KeyWithVersions[]; seq: number }> {
      return store.loadAll();
    },

    /** Changes after `seq` (at most `limit`), each with its key as it is now (null: gone). */
    async changesSince(
      seq: number,
      limit: number,
    ): Promise<Array<{ change: Change; key: KeyWithVersions | null }>> {
      const changes = await store.changesSince(seq, limit);
      const ids = [...new Set(changes.map((c) => c.keyId).filter((k): k is string => k !== null))];
      const keys = new Map((await store.getKeys(ids)).map((k) => [k.key.id, k]));
      return changes.map((c) => ({ change: c, key: c.keyId === null ? null : (keys.get(c.keyId) ?? null) }));
    },

    latestSeq: () => store.latestSeq(),

    /**
     * Adds usage counted elsewhere to this node's store, as if its own verifier had counted it:
     * minute buckets by outcome, client addresses, last use. Rows of unknown versions are dropped.
     */
    async ingestUsage(rows: readonly UsageBatchRow[], addresses: readonly UsageBatchAddress[]) {
      const now = clock.now();
      const ids = [...new Set([...rows, ...addresses].map((r) => r.keyId))];
      const known = new Set<string>();
      for (const k of await store.getKeys(ids))
        for (const v of k.versions) known.add(`${k.key.id}:${v.version}`);
      const ok = <T extends { keyId: string; version: number }>(r: T) => known.has(`${r.keyId}:${r.version}`);
      // no bucket from the future: a client clock ahead of ours must not write tomorrow's counts
      const good = rows.filter((r) => ok(r) && r.minute <= now + 60_000 && r.minute % 60_000 === 0);
      const addr = addresses.filter(ok);
      const lastUsed = new Map<string, { keyId: string; version: number; at: number }>();
      for (const r of good) {
        if (r.outcome !== "VALID") continue;
        const k = `${r.keyId}:${r.version}`;
        const at = Math.min(r.minute + 59_999, now);
        if ((lastUsed.get(k)?.at ?? 0) < at) lastUsed.set(k, { keyId: r.keyId, version: r.version, at });
      }
      for (const a of addr) {
        const k = `${a.keyId}:${a.version}`;
        const at = Math.min(a.lastAt, now);
        if ((lastUsed.get(k)?.at ?? 0) < at) lastUsed.set(k, { keyId: a.keyId, version: a.version, at });
      }
      await store.usage.flushUsage(
        good.map((r) => ({
          keyId: r.keyId,
          version: r.version,
          minute: r.minute,
          outcome: r.outcome,
          count: r.count,
        })),
        addr.map((a) => ({
          keyId: a.keyId,
          version: a.version,
          address: a.address,
          firstAt: a.firstAt,
          at: Math.min(a.lastAt, now),
          count: a.count,
        })),
        [...lastUsed.values()],
      );
      return { accepted: good.length, rejected: rows.length - good.length, addresses: addr.length };
    },
  };
}

/** The feed service's interface. */
export type FeedService = ReturnType<typeof createFeedService>;
