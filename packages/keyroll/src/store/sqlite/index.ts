import { closeSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import SQLite from "better-sqlite3";
import { Kysely, Migrator, SqliteDialect, sql } from "kysely";
import { KeyrollError } from "../../core/errors.js";
import { storeBusy, waitRecorder } from "../gate.js";
import {
  INDEX_BATCH,
  INDEX_ROWS_OF_IDS,
  INDEX_SCAN_SQL,
  INDEX_SEQ_SQL,
  type IndexRow,
  indexRowsOfSql,
} from "../kysely/index-scan.js";
import { nodeStore } from "../kysely/nodes.js";
import { policyReads } from "../kysely/policies.js";
import { feed, reads, toConsumer, writes } from "../kysely/queries.js";
import { rotationJobReads } from "../kysely/rotation-jobs.js";
import type { Database } from "../kysely/schema.js";
import { usageReads, writeUsage } from "../kysely/usage.js";
import { webhookStore } from "../kysely/webhooks.js";
import { migrations } from "../migrations/index.js";
import type { Store, StoreTx } from "../types.js";
import { bulkLookups, bulkWrites } from "./bulk.js";
import { ScanThreadUnavailable, scanOnThread } from "./scan-thread.js";

/** Longest stretch the start-up scan holds the event loop (ms). */
const YIELD_MS = 20;

/** Driver failures a caller can act on become registry errors; the driver's text stays in the log. */
function translate(err: unknown): unknown {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") return err;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
    // another process (a gateway on the same file) held the write lock past busy_timeout
    return new KeyrollError("STORE_BUSY", "the database is busy; retry", undefined, err);
  }
  if (code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY") {
    return new KeyrollError("CONCURRENT_MODIFICATION", "the key changed concurrently; retry", undefined, err);
  }
  return err;
}

/**
 * Makes sure `file` exists with mode 0600 when it is new (SQLite gives its -wal and -shm files the
 * database file's mode), in a directory created 0700 when Keyroll creates it. An existing file is
 * left as it is; `warn` hears when other users of the machine can read it.
 */
function prepareFile(file: string, warn: (data: Record<string, unknown>, msg: string) => void): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  let fd: number | undefined;
  try {
    // wx: created here, or not at all; the mode is given at creation, so no moment with wider access
    fd = openSync(file, "wx", 0o600);
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
  }
  if (fd !== undefined) {
    closeSync(fd);
    return;
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o004) {
    warn(
      { file, mode: `0${mode.toString(8)}` },
      "the database file is readable by every user of this machine; restrict it with chmod 600",
    );
  }
}

/** Distinct statement texts kept prepared; longer texts (multi-row inserts) are prepared each time. */
const MAX_CACHED = 400;
const MAX_CACHED_TEXT = 4_000;

/**
 * The connection as Kysely sees it, with its statements prepared once per SQL text instead of at
 * every execution (Kysely's driver prepares each query it runs; decision 0022). Safe because every
 * statement runs to its end synchronously (`all`/`run`); a statement being iterated is busy, and
 * is then prepared afresh.
 */
function cachedStatements(conn: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => conn.close(),
    prepare(text: string): SQLite.Statement {
      const hit = cache.get(text);
      if (hit !== undefined && !hit.busy) return hit;
      const stmt = conn.prepare(text);
      if (hit === undefined && text.length <= MAX_CACHED_TEXT && cache.size < MAX_CACHED)
        cache.set(text, stmt);
      return stmt;
    },
  };
}

/**
 * The page size of a new database file (decision 0031). A commit costs about the same for each page
 * it writes, and an import of 10 000 keys writes a page of the digest index for nearly every key
 * (digests are random): at a million keys, with 16 KiB pages instead of SQLite's default 4 KiB, an
 * import's commits took a quarter less time (11 s against 15 s in all), and single writes cost the
 * same.
 */
const PAGE_SIZE = 16 * 1024;

/** The writer connection's page cache, KiB. */
const WRITER_CACHE_KIB = 64 * 1024;

/**
 * The embedded default store: one SQLite file (WAL, fully synced commits) that other processes
 * on the same machine may share. A new file is created with mode 0600.
 * @example const store = openSqliteStore("./keyroll.db"); await store.migrate();
 */

export function openSqliteStore(
  file: string,
  opts: {
    waitMs?: number | undefined;
    maxBatch?: number | undefined;
    warn?: ((data: Record<string, unknown>, msg: string) => void) | undefined;
    /**
     * The start-up scan reads on a thread of its own (default; decision 0025) when the table holds
     * at least `scanThreadMinRows` versions (default 50 000: below, a thread's start costs more
     * than it saves), else on this one.
     */
    scanThread?: boolean | undefined;
    scanThreadMinRows?: number | undefined;
  } = {},
): Store {
  const waitMs = opts.waitMs ?? 5_000;
  const maxBatch = opts.maxBatch ?? 256;
  if (file !== ":memory:" && file !== "") prepareFile(file, opts.warn ?? (() => undefined));
  const conn = new SQLite(file);
  // before anything is written: a new file gets 16 KiB pages (decision 0031). An existing file keeps
  // the page size it was made with (SQLite ignores this then).
  conn.pragma(`page_size = ${PAGE_SIZE}`);
  conn.pragma("journal_mode = WAL");
  // FULL: a commit that was acknowledged survives a crash of the process and of the machine
  conn.pragma("synchronous = FULL");
  conn.pragma("foreign_keys = ON");
  conn.pragma("busy_timeout = 5000");
  // the writer's page cache (SQLite's default is 2 MiB): every key's digest lands on a random page
  // of its unique index, so at a million keys nearly every insert missed the cache and read, then
  // rewrote, a page; pages are allocated only as used, so a small file costs nothing more
  conn.pragma(`cache_size = -${WRITER_CACHE_KIB}`);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachedStatements(conn) }) });
  const bulk = bulkWrites(conn);
  /** Stops a start-up scan running on its thread (close). */
  let stopScan: (() => void) | null = null;
  /** Whether the start-up scan reads on a thread of its own (else on this one, as before 0025). */
  const scanThread = opts.scanThread ?? true;
  const scanThreadMinRows = opts.scanThreadMinRows ?? 50_000;
  let rowsOf: SQLite.Statement<unknown[]> | undefined;
  const f = feed(db);

  /** `Store.indexRowsOf`; `changesWithIndexRows` calls it too. */
  async function indexRowsOf(keyIds: readonly string[]): Promise<IndexRow[]> {
    if (keyIds.length === 0) return [];
    // holding the connection as every read does (never inside another's open transaction): one
    // statement prepared once, its id list padded with '' (no key has that id)
    return db.connection().execute(async () => {
      rowsOf ??= conn
        .prepare(indexRowsOfSql(`in (${Array(INDEX_ROWS_OF_IDS).fill("?").join(", ")})`))
        .raw(true);
      const out: IndexRow[] = [];
      for (let i = 0; i < keyIds.length; i += INDEX_ROWS_OF_IDS) {
        const ids = keyIds.slice(i, i + INDEX_ROWS_OF_IDS);
        while (ids.length < INDEX_ROWS_OF_IDS) ids.push("");
        for (const r of rowsOf.all(...ids) as IndexRow[]) out.push(r);
      }
      return out;
    });
  }

  // Group commit. One connection; BEGIN IMMEDIATE takes the write lock up front, so a second
  // process on the same file waits (busy_timeout) instead of failing half-way with SQLITE_BUSY on
  // lock upgrade. Transactions that queue while one commits run next, together: one BEGIN, each in
  // its own savepoint (a failure rolls back only its own writes), one COMMIT, one flush to disk.
  // Each caller is answered only after that COMMIT.
  interface Job {
    run: (c: Kysely<Database>) => Promise<unknown>;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
    at: number;
    timer: NodeJS.Timeout;
  }
  const queue: Job[] = [];
  const rec = waitRecorder();
  let committing = false;
  let commits = 0;

  const runBatch = (batch: Job[]) =>
    db.connection().execute(async (c) => {
      await sql`begin immediate`.execute(c);
      const results: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
      try {
        for (const job of batch) {
          if (batch.length === 1) {
            results.push({ ok: true, value: await job.run(c) });
            continue;
          }
          await sql`savepoint job`.execute(c);
          try {
            const value = await job.run(c);
            await sql`release job`.execute(c);
            results.push({ ok: true, value });
          } catch (error) {
            // if even this fails the transaction is gone: the outer catch fails the whole batch
            await sql`rollback to job`.execute(c);
            await sql`release job`.execute(c);
            results.push({ ok: false, error });
          }
        }
        await sql`commit`.execute(c);
        commits++;
      } catch (err) {
        await sql`rollback`.execute(c).catch(() => undefined);
        // a single job's own failure is its answer; a failed COMMIT or savepoint fails them all
        for (const job of batch) job.reject(translate(err));
        return;
      }
      batch.forEach((job, i) => {
        const r = results[i]!;
        if (r.ok) job.resolve(r.value);
        else job.reject(translate(r.error));
      });
    });

  const drain = async () => {
    if (committing) return;
    committing = true;
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, maxBatch);
        const now = performance.now();
        for (const job of batch) {
          clearTimeout(job.timer);
          rec.observe(now - job.at);
        }
        await runBatch(batch).catch((err) => {
          for (const job of batch) job.reject(translate(err));
        });
      }
    } finally {
      committing = false;
    }
  };

  const inTx = <T>(fn: (c: Kysely<Database>) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const job: Job = {
        run: fn,
        resolve: resolve as (v: unknown) => void,
        reject,
        at: performance.now(),
        timer: setTimeout(() => {
          const i = queue.indexOf(job);
          if (i < 0) return;
          queue.splice(i, 1);
          rec.observe(performance.now() - job.at);
          rec.busy();
          reject(storeBusy(waitMs));
        }, waitMs),
      };
      queue.push(job);
      void drain();
    });

  const lookups = bulkLookups(conn);
  return {
    dialect: "sqlite",
    ...reads(db),
    // holding the connection as every read does (never inside another's open transaction)
    keysByExternalId: (ids) => db.connection().execute(() => lookups.keysByExternalId(ids)),
    async migrate() {
      const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
      if (error) {
        const failed = results?.find((r) => r.status === "Error")?.migrationName;
        throw new Error(`migration ${failed ?? "?"} failed`, { cause: error });
      }
    },
    async close() {
      stopScan?.();
      await db.destroy();
    },
    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      return inTx((c) => {
        const r = reads(c);
        // one writer at a time: the write lock is the lock
        return fn({
          ...writes(c, {
            sql: "sqlite",
            lockKey: (id) => r.getKey(id),
            lockKeys: async (ids) =>
              (await r.getKeys([...new Set(ids)])).sort((a, b) => (a.key.id < b.key.id ? -1 : 1)),
            lockConsumer: (id) => r.getConsumer(id),
            lockConsumers: async (ids) =>
              ids.length === 0
                ? []
                : (
                    await c
                      .selectFrom("consumers")
                      .selectAll()
                      .where("id", "in", [...ids])
                      .execute()
                  ).map(toConsumer),
          }),
          ...bulk,
        });
      });
    },
    async link() {},
    stats: () => ({ waiting: queue.length, inUse: committing ? 1 : 0, size: 1, commits, ...rec.snapshot() }),
    usage: {
      ...usageReads(db),
      flushUsage: (rows, addresses, lastUsed) => inTx((c) => writeUsage(c, rows, addresses, lastUsed)),
    },
    webhooks: webhookStore(db),
    policies: policyReads(db),
    rotationJobs: rotationJobReads(db),
    nodes: (() => {
      // a heartbeat is a write: it queues with the others, so it never meets a locked database
      const n = nodeStore(db);
      return {
        ...n,
        heartbeat: (row) => inTx((c) => nodeStore(c).heartbeat(row)),
        forgetNodes: (before) => inTx((c) => nodeStore(c).forgetNodes(before)),
        removeNode: (id) => inTx((c) => nodeStore(c).removeNode(id)),
      } satisfies ReturnType<typeof nodeStore>;
    })(),
    async scanIndex(sink) {
      const rows: IndexRow[] = [];
      const yieldTurn = () => new Promise<void>((r) => setImmediate(r));
      if (file === ":memory:" || file === "") {
        // one connection only (tests): read at once
        const seq = Number((conn.prepare(INDEX_SEQ_SQL).get() as { seq: number }).seq);
        const all = conn.prepare(INDEX_SCAN_SQL).raw(true).all() as IndexRow[];
        for (let i = 0; i < all.length; i += INDEX_BATCH) sink(all.slice(i, i + INDEX_BATCH));
        return seq;
      }
      // On a thread of its own (decision 0025), unless it cannot start: then here, as follows.
      // the versions' largest rowid: about their number, read from the end of the table's B-tree
      const approxVersions = () =>
        Number(conn.prepare("select coalesce(max(rowid), 0) from key_versions").pluck().get());
      if (scanThread && approxVersions() >= scanThreadMinRows)
        try {
          return await scanOnThread(file, sink, (stop) => {
            stopScan = stop;
          });
        } catch (err) {
          if (!(err instanceof ScanThreadUnavailable)) throw err;
        }
      // A read connection of its own (WAL: readers do not block the writer, nor it them), in one
      // read transaction: the seq and the rows come from the same snapshot. Between batches the
      // iterator waits and the event loop runs (the writer connection stays free meanwhile).
      const reader = new SQLite(file, { readonly: true, fileMustExist: true });
      try {
        reader.pragma("busy_timeout = 5000");
        reader.exec("begin");
        const seq = Number((reader.prepare(INDEX_SEQ_SQL).get() as { seq: number }).seq);
        // the iterator is synchronous: the event loop gets a turn at least every YIELD_MS (a probe
        // of /readyz, the listen itself), whatever the machine's speed. Yielding every 50 000 rows
        // held it for over 5 s at a million keys on a loaded host.
        let since = performance.now();
        for (const row of reader.prepare(INDEX_SCAN_SQL).raw(true).iterate() as Iterable<IndexRow>) {
          rows.push(row);
          if (
            rows.length === INDEX_BATCH ||
            (rows.length % 500 === 0 && performance.now() - since > YIELD_MS)
          ) {
            sink(rows);
            rows.length = 0;
            if (performance.now() - since > YIELD_MS) {
              await yieldTurn();
              since = performance.now();
            }
          }
        }
        if (rows.length > 0) sink(rows);
        reader.exec("commit");
        return seq;
      } finally {
        reader.close();
      }
    },
    indexRowsOf,
    async loadAll() {
      // seq first: a change landing between the two reads is re-applied later, which is harmless
      const seq = await f.latestSeq();
      return { keys: await f.allKeys(), seq };
    },
    changesSince: f.changesSince,
    async changesWithIndexRows(seq, limit, opts) {
      // two statements: SQLite has no round trip to save
      const changes = await f.changesSince(seq, limit);
      const own = opts?.ownCreated;
      const ids = new Set<string>();
      for (const c of changes)
        if (c.keyId !== null && !(c.op === "key.created" && own?.has(c.keyId))) ids.add(c.keyId);
      return { changes, rows: await indexRowsOf([...ids]) };
    },
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
