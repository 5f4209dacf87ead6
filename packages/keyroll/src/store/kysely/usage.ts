import { type Kysely, sql } from "kysely";
import { recordLastUsed } from "./queries.js";
import type { Database } from "./schema.js";

// Usage, client addresses and alerts: shared queries for every dialect.

type Db = Kysely<Database>;
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

/** Addresses kept per version: the most recently seen ones. */
export const MAX_ADDRESSES_PER_VERSION = 50;

/** Counts of one version, minute and outcome, to add to what is stored. */
export interface UsageRow {
  readonly keyId: string;
  readonly version: number;
  readonly minute: number;
  readonly outcome: string;
  readonly count: number;
}

/** A client address seen with a version during one flush. */
export interface AddressRow {
  readonly keyId: string;
  readonly version: number;
  readonly address: string;
  /** First and last use from this address during the flush interval. */
  readonly firstAt: number;
  readonly at: number;
  readonly count: number;
}

/** An alert to raise, or to add to when an open one with the same `dedupeKey` exists. */
export interface AlertInput {
  readonly id: string;
  readonly kind: string;
  readonly dedupeKey: string;
  readonly keyId: string | null;
  readonly consumerId: string | null;
  readonly version: number | null;
  readonly address: string | null;
  readonly message: string;
  readonly data: Record<string, unknown>;
  readonly count: number;
  readonly at: number;
}

/** An alert as stored. */
export interface AlertRecord extends Omit<AlertInput, "at"> {
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly acknowledgedAt: number | null;
  readonly acknowledgedBy: string | null;
}

const CHUNK = 200;

/** Usage writes, run inside one transaction per flush. */
export async function writeUsage(
  db: Db,
  rows: readonly UsageRow[],
  addresses: readonly AddressRow[],
  lastUsed: ReadonlyArray<{ keyId: string; version: number; at: number }> = [],
): Promise<AddressRow[]> {
  // in the flush's one transaction: one commit (one fsync) per flush, not one per version
  await recordLastUsed(db, lastUsed);
  for (let i = 0; i < rows.length; i += CHUNK) {
    // one statement per chunk: writes do not grow with the request rate, only with versions in use
    await db
      .insertInto("usage_minutes")
      .values(
        rows.slice(i, i + CHUNK).map((r) => ({
          key_id: r.keyId,
          version: r.version,
          minute: r.minute,
          outcome: r.outcome,
          count: r.count,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(["key_id", "version", "minute", "outcome"])
          .doUpdateSet({ count: sql<number>`usage_minutes.count + excluded.count` }),
      )
      .execute();
  }
  if (addresses.length === 0) return [];
  const fresh: AddressRow[] = [];
  const byVersion = new Map<string, AddressRow[]>();
  for (const a of addresses) {
    const k = `${a.keyId}\u0000${a.version}`;
    byVersion.set(k, [...(byVersion.get(k) ?? []), a]);
  }
  for (const list of byVersion.values()) {
    const { keyId, version } = list[0]!;
    const known = new Set(
      (
        await db
          .selectFrom("version_addresses")
          .select("address")
          .where("key_id", "=", keyId)
          .where("version", "=", version)
          .where(
            "address",
            "in",
            list.map((a) => a.address),
          )
          .execute()
      ).map((r) => r.address),
    );
    for (const a of list) if (!known.has(a.address)) fresh.push(a);
    await db
      .insertInto("version_addresses")
      .values(
        list.map((a) => ({
          key_id: a.keyId,
          version: a.version,
          address: a.address,
          first_seen_at: a.firstAt,
          last_seen_at: a.at,
          count: a.count,
        })),
      )
      .onConflict((oc) =>
        oc.columns(["key_id", "version", "address"]).doUpdateSet({
          last_seen_at: sql<number>`case when excluded.last_seen_at > version_addresses.last_seen_at then excluded.last_seen_at else version_addresses.last_seen_at end`,
          count: sql<number>`version_addresses.count + excluded.count`,
        }),
      )
      .execute();
    // keep the set bounded: the most recently seen addresses stay
    await db
      .deleteFrom("version_addresses")
      .where("key_id", "=", keyId)
      .where("version", "=", version)
      .where("address", "not in", (eb) =>
        eb
          .selectFrom("version_addresses")
          .select("address")
          .where("key_id", "=", keyId)
          .where("version", "=", version)
          .orderBy("last_seen_at", "desc")
          .orderBy("address")
          .limit(MAX_ADDRESSES_PER_VERSION),
      )
      .execute();
  }
  return fresh;
}

/** Raises alerts; one open alert per `dedupeKey` gathers repeats (count, last seen, latest address). */
/** Acknowledges an open alert; false when it was acknowledged already (or does not exist). */
export async function ackAlert(db: Db, id: string, by: string | null, at: number): Promise<boolean> {
  const r = await db
    .updateTable("alerts")
    .set({ acknowledged_at: at, acknowledged_by: by })
    .where("id", "=", id)
    .where("acknowledged_at", "is", null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function raiseAlerts(db: Db, alerts: readonly AlertInput[]): Promise<void> {
  for (const a of alerts) {
    await db
      .insertInto("alerts")
      .values({
        id: a.id,
        kind: a.kind,
        dedupe_key: a.dedupeKey,
        key_id: a.keyId,
        consumer_id: a.consumerId,
        version: a.version,
        address: a.address,
        message: a.message,
        data: JSON.stringify(a.data),
        count: a.count,
        created_at: a.at,
        last_seen_at: a.at,
        acknowledged_at: null,
        acknowledged_by: null,
      })
      .onConflict((oc) =>
        oc.column("dedupe_key").where("acknowledged_at", "is", null).doUpdateSet({
          count: sql<number>`alerts.count + excluded.count`,
          last_seen_at: sql<number>`excluded.last_seen_at`,
          address: sql<string | null>`coalesce(excluded.address, alerts.address)`,
        }),
      )
      .execute();
  }
}

function toAlert(r: Database["alerts"]): AlertRecord {
  return {
    id: r.id,
    kind: r.kind,
    dedupeKey: r.dedupe_key,
    keyId: r.key_id,
    consumerId: r.consumer_id,
    version: r.version === null ? null : num(r.version),
    address: r.address,
    message: r.message,
    data: json(r.data) as Record<string, unknown>,
    count: num(r.count),
    createdAt: num(r.created_at),
    lastSeenAt: num(r.last_seen_at),
    acknowledgedAt: r.acknowledged_at === null ? null : num(r.acknowledged_at),
    acknowledgedBy: r.acknowledged_by,
  };
}

/** Usage reads and upkeep that need no transaction. */
export function usageReads(db: Db) {
  return {
    /** Counts per version, bucket and outcome in [from, to), from minute rows or hour rows. */
    async usageSeries(
      keyId: string,
      from: number,
      to: number,
      granularity: "minute" | "hour",
    ): Promise<Array<{ version: number; at: number; outcome: string; count: number }>> {
      const minutes = await db
        .selectFrom("usage_minutes")
        .select(["version", "minute", "outcome", "count"])
        .where("key_id", "=", keyId)
        .where("minute", ">=", granularity === "hour" ? from - (from % 3_600_000) : from)
        .where("minute", "<", to)
        .execute();
      const out = new Map<string, { version: number; at: number; outcome: string; count: number }>();
      const add = (version: number, at: number, outcome: string, count: number) => {
        const k = `${version}|${at}|${outcome}`;
        const cur = out.get(k);
        if (cur) cur.count += count;
        else out.set(k, { version, at, outcome, count });
      };
      for (const r of minutes) {
        const m = num(r.minute);
        add(num(r.version), granularity === "hour" ? m - (m % 3_600_000) : m, r.outcome, num(r.count));
      }
      if (granularity === "hour") {
        const hours = await db
          .selectFrom("usage_hours")
          .select(["version", "hour", "outcome", "count"])
          .where("key_id", "=", keyId)
          .where("hour", ">=", from - (from % 3_600_000))
          .where("hour", "<", to)
          .execute();
        for (const r of hours) add(num(r.version), num(r.hour), r.outcome, num(r.count));
      }
      return [...out.values()].sort((a, b) => a.version - b.version || a.at - b.at);
    },

    /** Sums per key, version and outcome since `since` (minute rows). */
    async usageSince(
      since: number,
      keyIds?: readonly string[],
    ): Promise<Array<{ keyId: string; version: number; outcome: string; count: number }>> {
      if (keyIds && keyIds.length === 0) return [];
      let q = db
        .selectFrom("usage_minutes")
        .select(["key_id", "version", "outcome", (eb) => eb.fn.sum<number>("count").as("count")])
        .where("minute", ">=", since);
      if (keyIds) q = q.where("key_id", "in", [...keyIds]);
      const rows = await q.groupBy(["key_id", "version", "outcome"]).execute();
      return rows.map((r) => ({
        keyId: r.key_id,
        version: num(r.version),
        outcome: r.outcome,
        count: num(r.count),
      }));
    },

    /**
     * Per key: requests in [recentFrom, now) and in [baseFrom, recentFrom), in total and rejected,
     * for spike detection.
     */
    async usageWindows(
      baseFrom: number,
      recentFrom: number,
    ): Promise<
      Array<{
        keyId: string;
        consumerId: string;
        recent: number;
        base: number;
        recentRejected: number;
        baseRejected: number;
      }>
    > {
      const rows = await db
        .selectFrom("usage_minutes as u")
        .innerJoin("keys as k", "k.id", "u.key_id")
        .select([
          "u.key_id as keyId",
          "k.consumer_id as consumerId",
          sql<number>`sum(case when u.minute >= ${recentFrom} then u.count else 0 end)`.as("recent"),
          sql<number>`sum(case when u.minute < ${recentFrom} then u.count else 0 end)`.as("base"),
          sql<number>`sum(case when u.minute >= ${recentFrom} and u.outcome <> 'VALID' then u.count else 0 end)`.as(
            "recentRejected",
          ),
          sql<number>`sum(case when u.minute < ${recentFrom} and u.outcome <> 'VALID' then u.count else 0 end)`.as(
            "baseRejected",
          ),
        ])
        .where("u.minute", ">=", baseFrom)
        .groupBy(["u.key_id", "k.consumer_id"])
        .execute();
      return rows.map((r) => ({
        keyId: r.keyId,
        consumerId: r.consumerId,
        recent: num(r.recent),
        base: num(r.base),
        recentRejected: num(r.recentRejected),
        baseRejected: num(r.baseRejected),
      }));
    },

    /** Client addresses seen with a version, most recent first. */
    async versionAddresses(
      keyId: string,
      version: number,
      since = 0,
    ): Promise<Array<{ address: string; firstSeenAt: number; lastSeenAt: number; count: number }>> {
      const rows = await db
        .selectFrom("version_addresses")
        .selectAll()
        .where("key_id", "=", keyId)
        .where("version", "=", version)
        .where("last_seen_at", ">=", since)
        .orderBy("last_seen_at", "desc")
        .execute();
      return rows.map((r) => ({
        address: r.address,
        firstSeenAt: num(r.first_seen_at),
        lastSeenAt: num(r.last_seen_at),
        count: num(r.count),
      }));
    },

    /** Rolls minute buckets before `before` up into hour buckets and deletes them. */
    async rollUp(before: number): Promise<number> {
      const cut = before - (before % 3_600_000);
      return db.transaction().execute(async (trx) => {
        await sql`
          insert into usage_hours (key_id, version, hour, outcome, count)
          select key_id, version, minute - (minute % 3600000), outcome, sum(count)
          from usage_minutes where minute < ${cut}
          group by key_id, version, minute - (minute % 3600000), outcome
          on conflict (key_id, version, hour, outcome) do update set count = usage_hours.count + excluded.count`.execute(
          trx,
        );
        const res = await trx.deleteFrom("usage_minutes").where("minute", "<", cut).executeTakeFirst();
        return Number(res.numDeletedRows);
      });
    },

    async listAlerts(q: {
      state: "open" | "acknowledged" | "all";
      limit: number;
      after?: string | undefined;
      keyId?: string | undefined;
    }): Promise<AlertRecord[]> {
      let qb = db.selectFrom("alerts").selectAll();
      if (q.state === "open") qb = qb.where("acknowledged_at", "is", null);
      if (q.state === "acknowledged") qb = qb.where("acknowledged_at", "is not", null);
      if (q.keyId) qb = qb.where("key_id", "=", q.keyId);
      if (q.after) qb = qb.where("id", ">", q.after);
      return (await qb.orderBy("id").limit(q.limit).execute()).map(toAlert);
    },

    async getAlert(id: string): Promise<AlertRecord | undefined> {
      const r = await db.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirst();
      return r ? toAlert(r) : undefined;
    },

    ackAlert: (id: string, by: string | null, at: number) => ackAlert(db, id, by, at),

    raiseAlerts: (alerts: readonly AlertInput[]) => raiseAlerts(db, alerts),

    /** Keys with a version in grace at `now`. */
    async keyIdsInGrace(now: number): Promise<string[]> {
      const rows = await db
        .selectFrom("key_versions")
        .select("key_id")
        .distinct()
        .where("revoked_at", "is", null)
        .where("grace_starts_at", "<=", now)
        .where("expires_at", ">", now)
        .execute();
      return rows.map((r) => r.key_id);
    },

    /** Versions with a traffic policy whose grace is running or pending, for the leader. */
    async trafficPolicyKeyIds(now: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom("key_versions")
        .select("key_id")
        .distinct()
        .where("revoked_at", "is", null)
        // the condition of the partial index key_versions_traffic (migration 0014), word for word
        .where(sql<boolean>`(retire_when_unused_ms is not null or extend_max_at is not null)`)
        .where("expires_at", ">", now)
        .limit(limit)
        .execute();
      return rows.map((r) => r.key_id);
    },
  };
}

/** The usage part of the Store. */
export type UsageStore = ReturnType<typeof usageReads> & {
  /**
   * Adds counts, addresses and last-use stamps in one transaction; returns the addresses never seen
   * before with their version.
   */
  flushUsage(
    rows: readonly UsageRow[],
    addresses: readonly AddressRow[],
    lastUsed?: ReadonlyArray<{ keyId: string; version: number; at: number }>,
  ): Promise<AddressRow[]>;
};
