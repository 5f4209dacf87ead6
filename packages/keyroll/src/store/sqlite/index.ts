import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import { KeyrollError } from "../../core/errors.js";
import { feed, reads, writes } from "../kysely/queries.js";
import type { Database } from "../kysely/schema.js";
import { usageReads, writeUsage } from "../kysely/usage.js";
import { migrations } from "../migrations/index.js";
import type { Store, StoreTx } from "../types.js";

/** Driver failures a caller can act on become registry errors; the driver's text stays in the log. */
function translate(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return err;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    return new KeyrollError("STORE_UNAVAILABLE", "the database is busy; retry", undefined, err);
  }
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new KeyrollError("CONCURRENT_MODIFICATION", "the key changed concurrently; retry", undefined, err);
  }
  return err;
}

/**
 * The embedded default store: one SQLite file (WAL, fully synced commits) that other processes
 * on the same machine may share.
 * @example const store = openSqliteStore("./keyroll.db"); await store.migrate();
 */
export function openSqliteStore(file: string): Store {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const conn = new SQLite(file);
  conn.pragma("journal_mode = WAL");
  // FULL: a commit that was acknowledged survives a crash of the process and of the machine
  conn.pragma("synchronous = FULL");
  conn.pragma("foreign_keys = ON");
  conn.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
  const f = feed(db);

  // One connection, held for the whole callback. BEGIN IMMEDIATE takes the write lock up front, so
  // a second process on the same file waits (busy_timeout) instead of failing half-way with
  // SQLITE_BUSY on lock upgrade.
  const inTx = <T>(fn: (c: Kysely<Database>) => Promise<T>): Promise<T> =>
    db.connection().execute(async (c) => {
      await sql`begin immediate`.execute(c);
      try {
        const out = await fn(c);
        await sql`commit`.execute(c);
        return out;
      } catch (err) {
        await sql`rollback`.execute(c);
        throw translate(err);
      }
    });

  return {
    dialect: "sqlite",
    ...reads(db),
    async migrate() {
      const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === "Error")?.migrationName;
        throw new Error(`migration ${failed ?? "?"} failed`, { cause: error });
      }
    },
    async close() {
      await db.destroy();
    },
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      return inTx((c) => fn(writes(c, async (id) => reads(c).getKey(id))));
    },
    usage: {
      ...usageReads(db),
      flushUsage: (rows, addresses, lastUsed) => inTx((c) => writeUsage(c, rows, addresses, lastUsed)),
    },
    async loadAll() {
      // seq first: a change landing between the two reads is re-applied later, which is harmless
      const seq = await f.latestSeq();
      return { keys: await f.allKeys(), seq };
    },
    changesSince: f.changesSince,
    latestSeq: f.latestSeq,
    listAudit: f.listAudit,
    auditHead: f.auditHead,
    putAuditCheckpoint: f.putAuditCheckpoint,
    listAuditCheckpoints: f.listAuditCheckpoints,
    getAuditSinkPosition: f.getAuditSinkPosition,
    setAuditSinkPosition: f.setAuditSinkPosition,
    dueKeyIds: f.dueKeyIds,
    purgeIdempotency: f.purgeIdempotency,
    async dbNow() {
      return Date.now();
    },
    leaderLock() {
      // one file, one server: the process that serves is the leader (a gateway runs no jobs)
      return { tryAcquire: async () => true, release: async () => undefined };
    },
  };
}
