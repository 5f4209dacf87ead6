import { Kysely, Migrator, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { KeyrollError } from "../../core/errors.js";
import { feed, reads, toKey, toVersion, writes } from "../kysely/queries.js";
import type { Database } from "../kysely/schema.js";
import { type AddressRow, type UsageRow, usageReads, writeUsage } from "../kysely/usage.js";
import { migrations } from "../migrations/index.js";
import type { LeaderLock, Store, StoreTx } from "../types.js";

// bigint columns hold epoch milliseconds and seqs: well inside 2^53, so numbers are exact
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Advisory lock ids (arbitrary constants, "kr" + purpose). */
const LOCK_MIGRATE = 0x6b72_0001;
const LOCK_FEED = 0x6b72_0002;
const LOCK_LEADER = 0x6b72_0003;

const CHANNEL = "keyroll_changes";

function translate(err: unknown): unknown {
  if (err instanceof KeyrollError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") {
    // pg reports a connection lost between statements without a code (and Kysely may replace the
    // original error with the failed ROLLBACK's)
    const message = err instanceof Error ? err.message : "";
    if (
      /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended/i.test(
        message,
      )
    ) {
      return new KeyrollError("STORE_UNAVAILABLE", "the database is not reachable; retry", undefined, err);
    }
    return err;
  }
  // 23505 unique_violation (two writers raced past the one-active index), 40001/40P01 serialization/deadlock
  if (code === "23505" || code === "40001" || code === "40P01") {
    return new KeyrollError("CONCURRENT_MODIFICATION", "the key changed concurrently; retry", undefined, err);
  }
  // connection failures, admin shutdown, cannot connect now
  if (/^(08|57P0)/.test(code) || ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE"].includes(code)) {
    return new KeyrollError("STORE_UNAVAILABLE", "the database is not reachable; retry", undefined, err);
  }
  return err;
}

function isConnectionError(err: unknown): boolean {
  const e = translate(err);
  return e instanceof KeyrollError && e.code === "STORE_UNAVAILABLE";
}

/**
 * The shared store of a multi-node deployment: PostgreSQL ≥ 14 through a connection pool, the
 * change feed pushed by LISTEN/NOTIFY, the leader chosen by an advisory lock.
 * @example const store = openPostgresStore("postgres://keyroll@db/keyroll"); await store.migrate();
 */
export function openPostgresStore(url: string, opts: { poolSize?: number } = {}): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: "keyroll",
    keepAlive: true,
  });
  // a client losing its server must not crash the process, idle (pool 'error') or checked out
  // for a transaction (the client's own 'error' between statements); the pool discards it on release
  pool.on("error", () => undefined);
  pool.on("connect", (client) => {
    client.on("error", () => undefined);
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const f = feed(db);
  const wrap =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    async (...a: A): Promise<R> => {
      try {
        return await fn(...a);
      } catch (err) {
        throw translate(err);
      }
    };
  const r = reads(db);

  return {
    dialect: "postgres",
    getConsumer: wrap(r.getConsumer),
    listConsumers: wrap(r.listConsumers),
    getKey: wrap(r.getKey),
    getKeys: wrap(r.getKeys),
    listKeys: wrap(r.listKeys),
    findByDigest: wrap(r.findByDigest),

    async migrate() {
      // a session lock on one connection: nodes starting together migrate one after another
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [LOCK_MIGRATE]);
        const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
        if (error) {
          const failed = results?.find((x) => x.status === "Error")?.migrationName;
          throw new Error(`migration ${failed ?? "?"} failed`, { cause: error });
        }
      } finally {
        await client.query("select pg_advisory_unlock($1)", [LOCK_MIGRATE]).catch(() => undefined);
        client.release();
      }
    },

    async close() {
      await db.destroy();
    },

    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      try {
        return await db.transaction().execute(async (trx) => {
          // every writer takes the feed lock first: one lock order (feed, then keys) for all
          // transactions, so none can deadlock, and seq order is commit order
          await sql`select pg_advisory_xact_lock(${LOCK_FEED})`.execute(trx);
          const lockKey: StoreTx["lockKey"] = async (id) => {
            const k = await trx
              .selectFrom("keys")
              .selectAll()
              .where("id", "=", id)
              .forUpdate()
              .executeTakeFirst();
            if (!k) return undefined;
            const vs = await trx
              .selectFrom("key_versions")
              .selectAll()
              .where("key_id", "=", id)
              .orderBy("version")
              .execute();
            return { key: toKey(k), versions: vs.map(toVersion) };
          };
          return fn(writes(trx, lockKey, async () => undefined));
        });
      } catch (err) {
        throw translate(err);
      }
    },

    usage: (() => {
      const u = usageReads(db);
      return {
        ...u,
        usageSeries: wrap(u.usageSeries),
        usageSince: wrap(u.usageSince),
        usageWindows: wrap(u.usageWindows),
        versionAddresses: wrap(u.versionAddresses),
        rollUp: wrap(u.rollUp),
        listAlerts: wrap(u.listAlerts),
        getAlert: wrap(u.getAlert),
        ackAlert: wrap(u.ackAlert),
        raiseAlerts: wrap(u.raiseAlerts),
        trafficPolicyKeyIds: wrap(u.trafficPolicyKeyIds),
        keyIdsInGrace: wrap(u.keyIdsInGrace),
        flushUsage: wrap(
          (
            rows: readonly UsageRow[],
            addresses: readonly AddressRow[],
            lastUsed?: ReadonlyArray<{ keyId: string; version: number; at: number }>,
          ) => db.transaction().execute((trx) => writeUsage(trx, rows, addresses, lastUsed)),
        ),
      };
    })(),
    loadAll: wrap(async () => {
      const seq = await f.latestSeq();
      return { keys: await f.allKeys(), seq };
    }),
    changesSince: wrap(f.changesSince),
    latestSeq: wrap(f.latestSeq),
    listAudit: wrap(f.listAudit),
    auditHead: wrap(f.auditHead),
    putAuditCheckpoint: wrap(f.putAuditCheckpoint),
    listAuditCheckpoints: wrap(f.listAuditCheckpoints),
    getAuditSinkPosition: wrap(f.getAuditSinkPosition),
    setAuditSinkPosition: wrap(f.setAuditSinkPosition),
    dueKeyIds: wrap(f.dueKeyIds),
    purgeIdempotency: wrap(f.purgeIdempotency),

    dbNow: wrap(async () => {
      const row = await sql<{
        now: number;
      }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as now`.execute(db);
      return Math.round(row.rows[0]!.now);
    }),

    listen(handlers) {
      let client: pg.Client | undefined;
      let closed = false;
      let retry: NodeJS.Timeout | undefined;
      let backoff = 100;
      const connect = async () => {
        if (closed) return;
        const c = new pg.Client({
          connectionString: url,
          application_name: "keyroll-listen",
          connectionTimeoutMillis: 5_000,
          keepAlive: true,
        });
        client = c;
        let failed = false;
        const fail = (err?: Error) => {
          if (failed) return;
          failed = true;
          c.removeAllListeners("notification");
          c.end().catch(() => undefined);
          if (closed) return;
          handlers.onDisconnected(err);
          retry = setTimeout(() => void connect(), backoff);
          backoff = Math.min(backoff * 2, 2_000);
        };
        c.on("error", (err) => fail(err));
        c.on("end", () => fail(undefined));
        c.on("notification", (msg) => {
          if (msg.channel === CHANNEL) handlers.onNotify();
        });
        try {
          await c.connect();
          await c.query(`listen ${CHANNEL}`);
          backoff = 100;
          handlers.onConnected();
        } catch (err) {
          fail(err as Error);
        }
      };
      void connect();
      return {
        async close() {
          closed = true;
          clearTimeout(retry);
          await client?.end().catch(() => undefined);
        },
      };
    },

    leaderLock(): LeaderLock {
      // a session-level lock on a dedicated connection: if this node dies, or its connection
      // does, the server releases the lock and another node's next try takes it
      let client: pg.Client | undefined;
      let held = false;
      const drop = () => {
        held = false;
        const c = client;
        client = undefined;
        c?.end().catch(() => undefined);
      };
      return {
        async tryAcquire() {
          try {
            if (!client) {
              const c = new pg.Client({
                connectionString: url,
                application_name: "keyroll-leader",
                connectionTimeoutMillis: 5_000,
                // a leader cut off without a FIN is noticed by keepalive, not only at the next query
                keepAlive: true,
              });
              c.on("error", drop);
              c.on("end", () => {
                held = false;
                if (client === c) client = undefined;
              });
              client = c;
              await c.connect();
            }
            if (held) {
              await client.query("select 1");
              return true;
            }
            const res = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [
              LOCK_LEADER,
            ]);
            held = res.rows[0]!.ok;
            return held;
          } catch (err) {
            drop();
            if (isConnectionError(err)) return false;
            throw err;
          }
        },
        async release() {
          if (client && held)
            await client.query("select pg_advisory_unlock($1)", [LOCK_LEADER]).catch(() => undefined);
          drop();
        },
      };
    },
  };
}
