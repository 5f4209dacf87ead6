import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { type KeyWithVersions, type Millis, versionState } from "../core/model.js";
import { IN_USE_WINDOW_MS } from "../core/traffic.js";
import type { AlertInput, AlertRecord } from "../store/kysely/usage.js";

export type { AlertRecord } from "../store/kysely/usage.js";

import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";

/** Longest range of one usage query, per granularity. */
export const MAX_RANGE_MS = { minute: 24 * 3_600_000, hour: 90 * 86_400_000 } as const;

/** Spike detection: the recent window, the baseline before it, and the thresholds. */
export const SPIKES = {
  recentMs: 5 * 60_000,
  baselineMs: 60 * 60_000,
  /** A key's requests in the recent window must exceed this many times its baseline rate… */
  requestFactor: 5,
  /** …and at least this many requests, so a quiet key going from 1 to 6 is no spike. */
  minRequests: 300,
  /** A consumer's rejected share in the recent window at or above this… */
  rejectionShare: 0.5,
  /** …with at least this many rejections, and this many times its baseline share. */
  minRejections: 50,
  rejectionFactor: 3,
} as const;

/** One series point: counts by outcome in a bucket. */
export interface UsagePoint {
  at: Millis;
  counts: Record<string, number>;
  total: number;
}

/** A key in rotation: the previous version still in grace beside the current one. */
export interface RotationView {
  keyId: string;
  consumerId: string;
  startedAt: Millis;
  graceEndsAt: Millis;
  current: { version: number; lastUsedAt: Millis | null; requests: number };
  previous: {
    version: number;
    lastUsedAt: Millis | null;
    requests: number;
    addresses: Array<{ address: string; lastSeenAt: Millis; count: number }>;
    retireWhenUnusedMs: Millis | null;
    extendMaxAt: Millis | null;
    /** Successor pickups by holders of this version (decision 0014), per client address. */
    pickups: { count: number; addresses: Array<{ address: string; lastAt: Millis; count: number }> };
  };
  /** Share of the last 15 minutes' valid traffic of the two versions that used the current one (null: no traffic). */
  currentShare: number | null;
  safeToRetire: boolean;
}

/**
 * Usage reads (series per version, rotation progress), alerts, and the leader's upkeep of them
 * (spike detection, retention roll-up).
 */
export function createUsageService(deps: ServiceDeps & { lastUsedAt: (digest: string) => Millis | null }) {
  const { store, clock } = deps;
  const commit = createCommit(deps);
  const freshest = (k: KeyWithVersions, version: number): Millis | null => {
    const v = k.versions.find((x) => x.version === version);
    if (!v) return null;
    return Math.max(v.lastUsedAt ?? 0, deps.lastUsedAt(v.digest) ?? 0) || null;
  };

  return {
    /** Counts per version and bucket, by outcome, in [from, to). Buckets without traffic are left out. */
    async series(
      keyId: string,
      q: { from?: Millis | undefined; to?: Millis | undefined; granularity: "minute" | "hour" },
    ) {
      const k = await store.getKey(keyId);
      if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${keyId} does not exist`);
      const to = q.to ?? clock.now();
      const from = q.from ?? to - (q.granularity === "minute" ? 3_600_000 : 86_400_000);
      if (from >= to) throw new KeyrollError("VALIDATION_FAILED", "from must be before to");
      if (to - from > MAX_RANGE_MS[q.granularity]) {
        throw new KeyrollError(
          "VALIDATION_FAILED",
          q.granularity === "minute"
            ? "a minute series spans at most 24h"
            : "an hour series spans at most 90d",
        );
      }
      const rows = await store.usage.usageSeries(keyId, from, to, q.granularity);
      const byVersion = new Map<number, Map<number, UsagePoint>>();
      for (const r of rows) {
        const points = byVersion.get(r.version) ?? new Map<number, UsagePoint>();
        byVersion.set(r.version, points);
        const p = points.get(r.at) ?? { at: r.at, counts: {}, total: 0 };
        points.set(r.at, p);
        p.counts[r.outcome] = (p.counts[r.outcome] ?? 0) + r.count;
        p.total += r.count;
      }
      return {
        keyId,
        granularity: q.granularity,
        from,
        to,
        versions: k.versions.map((v) => {
          const points = [...(byVersion.get(v.version)?.values() ?? [])].sort((a, b) => a.at - b.at);
          const totals: Record<string, number> = {};
          for (const p of points)
            for (const [o, n] of Object.entries(p.counts)) totals[o] = (totals[o] ?? 0) + n;
          return { version: v.version, totals, series: points };
        }),
      };
    },

    /** Keys whose previous version is still in grace, with how far their clients have moved. */
    async activeRotations(): Promise<RotationView[]> {
      const now = clock.now();
      const keys = await store.getKeys(await store.usage.keyIdsInGrace(now));
      const rotating = keys.filter(
        (k) => k.key.revokedAt === null && k.versions.some((v) => versionState(v, now) === "grace"),
      );
      const since = now - IN_USE_WINDOW_MS;
      const usage = await store.usage.usageSince(
        since - (since % 60_000),
        rotating.map((k) => k.key.id),
      );
      const valid = new Map<string, number>();
      for (const u of usage) {
        if (u.outcome !== "VALID") continue;
        valid.set(`${u.keyId}:${u.version}`, (valid.get(`${u.keyId}:${u.version}`) ?? 0) + u.count);
      }
      const pickups = await store.pickups(rotating.map((k) => k.key.id));
      const out: RotationView[] = [];
      for (const k of rotating) {
        const current = k.versions.find((v) => versionState(v, now) === "active");
        const previous = k.versions
          .filter((v) => versionState(v, now) === "grace")
          .sort((a, b) => b.version - a.version)[0]!;
        const curReq = current ? (valid.get(`${k.key.id}:${current.version}`) ?? 0) : 0;
        const prevReq = valid.get(`${k.key.id}:${previous.version}`) ?? 0;
        const prevUsed = freshest(k, previous.version);
        const curUsed = current ? freshest(k, current.version) : null;
        const addresses = await store.usage.versionAddresses(
          k.key.id,
          previous.version,
          previous.graceStartsAt ?? 0,
        );
        out.push({
          keyId: k.key.id,
          consumerId: k.key.consumerId,
          startedAt: previous.graceStartsAt ?? previous.createdAt,
          graceEndsAt: previous.expiresAt!,
          current: { version: current?.version ?? 0, lastUsedAt: curUsed, requests: curReq },
          previous: {
            version: previous.version,
            lastUsedAt: prevUsed,
            requests: prevReq,
            addresses: addresses.map((a) => ({
              address: a.address,
              lastSeenAt: a.lastSeenAt,
              count: a.count,
            })),
            retireWhenUnusedMs: previous.retireWhenUnusedMs,
            extendMaxAt: previous.extendMaxAt,
            pickups: (() => {
              const rows = pickups.filter((p) => p.keyId === k.key.id && p.version === previous.version);
              return {
                count: rows.reduce((n, p) => n + p.count, 0),
                addresses: rows.map((p) => ({ address: p.address, lastAt: p.lastAt, count: p.count })),
              };
            })(),
          },
          currentShare: curReq + prevReq === 0 ? null : curReq / (curReq + prevReq),
          // the new secret works for someone, and nobody used the old one in the window
          safeToRetire: curUsed !== null && (prevUsed === null || prevUsed < since) && prevReq === 0,
        });
      }
      return out.sort((a, b) => a.graceEndsAt - b.graceEndsAt);
    },

    async listAlerts(q: {
      state: "open" | "acknowledged" | "all";
      limit: number;
      after?: string;
      keyId?: string;
    }) {
      return store.usage.listAlerts(q);
    },

    async ackAlert(id: string, actor: Actor): Promise<AlertRecord> {
      const a = await store.usage.getAlert(id);
      if (!a) throw new KeyrollError("ALERT_NOT_FOUND", `alert ${id} does not exist`);
      if (a.acknowledgedAt === null) {
        await commit(actor, async (w) => {
          // a second acknowledgement racing this one changes nothing and writes no entry
          if (!(await w.tx.ackAlert(id, actor.keyId, w.now))) return;
          w.audit("alert.acknowledged", a.keyId ?? a.consumerId ?? null, {
            alertId: id,
            kind: a.kind,
            keyId: a.keyId,
            consumerId: a.consumerId,
          });
        });
      }
      return (await store.usage.getAlert(id))!;
    },

    /** Leader: raises request-rate spikes per key and rejection-rate spikes per consumer. */
    async detectSpikes(): Promise<number> {
      const now = clock.now();
      const minute = now - (now % 60_000);
      const recentFrom = minute - SPIKES.recentMs;
      const baseFrom = recentFrom - SPIKES.baselineMs;
      const rows = await store.usage.usageWindows(baseFrom, recentFrom);
      const alerts: AlertInput[] = [];
      const windows = SPIKES.baselineMs / SPIKES.recentMs;
      const consumers = new Map<
        string,
        { recent: number; base: number; recentRejected: number; baseRejected: number }
      >();
      for (const r of rows) {
        const baseline = r.base / windows;
        if (r.recent >= SPIKES.minRequests && r.recent > SPIKES.requestFactor * baseline) {
          alerts.push({
            id: newId("alr", now),
            kind: "request_spike",
            dedupeKey: `request_spike:${r.keyId}`,
            keyId: r.keyId,
            consumerId: r.consumerId,
            version: null,
            address: null,
            message: `key ${r.keyId} received ${r.recent} requests in 5 minutes, against a baseline of ${Math.round(baseline)}`,
            data: { recent: r.recent, baseline },
            count: 1,
            at: now,
          });
        }
        const c = consumers.get(r.consumerId) ?? { recent: 0, base: 0, recentRejected: 0, baseRejected: 0 };
        c.recent += r.recent;
        c.base += r.base;
        c.recentRejected += r.recentRejected;
        c.baseRejected += r.baseRejected;
        consumers.set(r.consumerId, c);
      }
      for (const [consumerId, c] of consumers) {
        const share = c.recent === 0 ? 0 : c.recentRejected / c.recent;
        const baseShare = c.base === 0 ? 0 : c.baseRejected / c.base;
        if (
          c.recentRejected >= SPIKES.minRejections &&
          share >= SPIKES.rejectionShare &&
          share >= SPIKES.rejectionFactor * baseShare
        ) {
          alerts.push({
            id: newId("alr", now),
            kind: "rejection_spike",
            dedupeKey: `rejection_spike:${consumerId}`,
            keyId: null,
            consumerId,
            version: null,
            address: null,
            message: `consumer ${consumerId}: ${Math.round(share * 100)}% of requests rejected in 5 minutes (baseline ${Math.round(baseShare * 100)}%)`,
            data: { recent: c.recent, rejected: c.recentRejected, share, baselineShare: baseShare },
            count: 1,
            at: now,
          });
        }
      }
      if (alerts.length > 0) await store.usage.raiseAlerts(alerts);
      return alerts.length;
    },

    /** Leader: rolls minute buckets older than the retention up into hours. */
    async rollUp(retentionMs: Millis): Promise<number> {
      return store.usage.rollUp(clock.now() - retentionMs);
    },
  };
}

/** The usage service's interface. */
export type UsageService = ReturnType<typeof createUsageService>;
