import { type CompiledQuery, Kysely, Migrator, PostgresDialect, type Selectable, sql } from "kysely";
import pg from "pg";
import { KeyrollError } from "../../core/errors.js";
import { createGate, storeBusy } from "../gate.js";
import { compiledOnce } from "../kysely/compiled.js";
import {
  CHANGES_WITH_INDEX_ROWS_SQL,
  INDEX_BATCH,
  INDEX_SCAN_SQL,
  INDEX_SEQ_SQL,
  type IndexRow,
  type IndexSink,
  indexRowsOfSql,
  splitFeedBatch,
} from "../kysely/index-scan.js";
import { nodeStore } from "../kysely/nodes.js";
import { policyReads } from "../kysely/policies.js";
import {
  feed,
  idempotencyQuery,
  reads,
  toConsumer,
  toIdempotency,
  toKey,
  toVersion,
  withVersions,
  writes,
} from "../kysely/queries.js";
import { rotationJobReads } from "../kysely/rotation-jobs.js";
import type { Database } from "../kysely/schema.js";
import { type AddressRow, type UsageRow, usageReads, writeUsage } from "../kysely/usage.js";
import { webhookStore } from "../kysely/webhooks.js";
import { migrations } from "../migrations/index.js";
import type { LeaderLock, Store, StoreTx } from "../types.js";
import { pgBulkReads, pgBulkWrites } from "./bulk.js";
import { compilingDb, linkOnce, pendingWrites, recordingDb } from "./linker.js";
import { held, PreparingClient, pipelined } from "./prepared.js";

// bigint columns hold epoch milliseconds and seqs: well inside 2^53, so numbers are exact
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Advisory lock ids (arbitrary constants, "kr" + purpose). */
const LOCK_MIGRATE = 0x6b72_0001;
/** Was the writers' lock of decision 0006; since 0012 only the linker takes it, for a few statements. */
const LOCK_LINK = 0x6b72_0002;
const LOCK_LEADER = 0x6b72_0003;
/** `StoreTx.serialize`: the rare writes that decide across keys (first admin key, last admin key). */
const LOCK_SERIAL = 0x6b72_0004;

/** Connections beyond the write slots, so that feed reads and plain reads do not queue behind writers. */
const READ_RESERVE = 3;

const CHANNEL = "keyroll_changes";
/** A node that releases leadership on a clean stop says so here, so a waiting node takes it at once. */
const LEADER_CHANNEL = "keyroll_leader_released";

function translate(err: unknown, poolFull: () => boolean = () => false, waitMs = 5_000): unknown {
  if (err instanceof KeyrollError) return err;
  const code = (err as { code?: unknown }).code;
  if (typeof code !== "string") {
    // pg reports a connection lost between statements without a code (and Kysely may replace the
    // original error with the failed ROLLBACK's)
    const message = err instanceof Error ? err.message : "";
    // the pool's wait for a connection ran out while every connection was in use: overload
    if (/timeout exceeded when trying to connect/i.test(message) && poolFull()) return storeBusy(waitMs, err);
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
  // 55P03 lock_not_available: a row lock not granted within lock_timeout (the store wait)
  if (code === "55P03") return storeBusy(waitMs, err);
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
export function openPostgresStore(url: string, opts: { poolSize?: number; waitMs?: number } = {}): Store {
  const slots = opts.poolSize ?? 10;
  const waitMs = opts.waitMs ?? 5_000;
  const max = slots + READ_RESERVE;
  const pool = new pg.Pool({
    connectionString: url,
    // the store's queries as named prepared statements (prepared.ts)
    Client: PreparingClient,
    max,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    application_name: "keyroll",
    keepAlive: true,
    // a row lock is waited for as long as a turn at the store, then the answer is STORE_BUSY
    options: `-c lock_timeout=${waitMs}`,
  });
  const gate = createGate(slots, waitMs);
  const poolFull = () => pool.totalCount >= max && pool.idleCount === 0;
  // the linker has a connection of its own: linking never waits behind the writers it links for
  const linkPool = new pg.Pool({
    connectionString: url,
    Client: PreparingClient,
    max: 1,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 0,
    application_name: "keyroll-link",
    keepAlive: true,
  });
  linkPool.on("error", () => undefined);
  linkPool.on("connect", (client) => {
    client.on("error", () => undefined);
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
        throw translate(err, poolFull, waitMs);
      }
    };
  /** Every method of a store part, with its errors translated as `wrap` does. */
  const wrapAll = <T extends object>(part: T): T =>
    Object.fromEntries(
      Object.entries(part).map(([k, fn]) => [k, wrap(fn as (...a: unknown[]) => Promise<unknown>)]),
    ) as T;
  const r = reads(db, "postgres");

  // Node-local coalescing: a caller arriving while a link runs gets the next one, which starts
  // after it and so sees the caller's commit; across nodes the link lock orders the linkers.
  let linking: Promise<void> | null = null;
  let nextLink: Promise<void> | null = null;
  const linkAll = async () => {
    await linkOnce(linkPool, LOCK_LINK);
  };
  const link = (): Promise<void> => {
    if (linking) {
      if (!nextLink) {
        const go = () => {
          nextLink = null;
          return link();
        };
        nextLink = linking.then(go, go);
      }
      return nextLink;
    }
    linking = linkAll().finally(() => {
      linking = null;
    });
    return linking;
  };
  /** Runs `fn` in a write slot: STORE_BUSY when none frees up within the wait. */
  const inSlot = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await gate.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  };

  return {
    dialect: "postgres",
    getConsumer: wrap(r.getConsumer),
    listConsumers: wrap(r.listConsumers),
    getKey: wrap(r.getKey),
    getKeys: wrap(r.getKeys),
    listKeys: wrap(r.listKeys),
    findByDigest: wrap(r.findByDigest),
    keysByExternalId: wrap(pgBulkReads(db).keysByExternalId),
    sealedSuccessors: wrap(r.sealedSuccessors),
    pickups: wrap(r.pickups),

    async migrate() {
      // a session lock on one connection: nodes starting together migrate one after another
      const client = await pool.connect();
      try {
        // nodes starting together wait for the first one's migration however long it takes
        await client.query("set lock_timeout = 0");
        await client.query("select pg_advisory_lock($1)", [LOCK_MIGRATE]);
        const { error, results } = await new Migrator({ db, provider: migrations }).migrateToLatest();
        if (error) {
          const failed = results?.find((x) => x.status === "Error")?.migrationName;
          throw new Error(`migration ${failed ?? "?"} failed`, { cause: error });
        }
      } finally {
        await client.query("select pg_advisory_unlock($1)", [LOCK_MIGRATE]).catch(() => undefined);
        await client.query("reset lock_timeout").catch(() => undefined);
        client.release();
      }
      // rows a node queued before it died, linked now rather than at the next write
      await link();
    },

    async close() {
      await linking?.catch(() => undefined);
      await nextLink?.catch(() => undefined);
      await linkPool.end();
      await db.destroy();
    },

    link: wrap(link),
    stats: () => gate.stats(),

    async transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
      let out: T;
      try {
        out = await inSlot(() =>
          db.transaction().execute(async (trx) => {
            // No lock across writers here (decision 0012): writers of one key order themselves by
            // its row lock; feed and audit rows are queued and linked after commit, below.
            // The lock, then what is read under it, in one round trip (with the held BEGIN):
            // separate statements of one pipeline, so each read after the lock takes its own
            // snapshot once the lock is granted (READ COMMITTED; a subquery of the locking
            // statement would still see the rows from before the lock holder's commit).
            const lockAndRead = async (id: string, keyHash?: string) => {
              // every rotation's first statements: compiled once, bound per call
              const qs = [
                compiledOnce("postgres:lockKey", [id], ([id]) =>
                  trx.selectFrom("keys").selectAll().where("id", "=", id!).forUpdate(),
                ),
                compiledOnce("postgres:versionsOfKey", [id], ([id]) =>
                  trx.selectFrom("key_versions").selectAll().where("key_id", "=", id!).orderBy("version"),
                ),
                ...(keyHash === undefined
                  ? []
                  : [
                      compiledOnce("postgres:idempotency", [id, keyHash], ([id, keyHash]) =>
                        idempotencyQuery(trx, id!, keyHash!),
                      ),
                    ]),
              ];
              const { rows } = await trx.executeQuery(pipelined(qs));
              const [k, vs, idem] = rows as unknown as Array<{ rows: unknown[] }>;
              const key = k!.rows[0] as Selectable<Database["keys"]> | undefined;
              if (!key) return { key: undefined, idempotency: undefined };
              const i = idem?.rows[0] as Selectable<Database["idempotency_keys"]> | undefined;
              return {
                key: {
                  key: toKey(key),
                  versions: (vs!.rows as Array<Selectable<Database["key_versions"]>>).map(toVersion),
                },
                idempotency: i && toIdempotency(i),
              };
            };
            const lockKey: StoreTx["lockKey"] = async (id) => (await lockAndRead(id)).key;
            const lockKeys: StoreTx["lockKeys"] = async (ids) => {
              if (ids.length === 0) return [];
              // one order for every bulk writer: row locks are taken as the sorted rows come out
              const ks = await trx
                .selectFrom("keys")
                .selectAll()
                .where("id", "in", [...ids])
                .orderBy("id")
                .forUpdate()
                .execute();
              return withVersions(trx, ks);
            };
            const lockConsumer: StoreTx["lockConsumer"] = async (id, mode) => {
              const q = trx.selectFrom("consumers").selectAll().where("id", "=", id);
              const c = await (mode === "share" ? q.forShare() : q.forUpdate()).executeTakeFirst();
              return c ? toConsumer(c) : undefined;
            };
            const lockConsumers: StoreTx["lockConsumers"] = async (ids) => {
              if (ids.length === 0) return [];
              const cs = await trx
                .selectFrom("consumers")
                .selectAll()
                .where("id", "in", [...ids])
                .orderBy("id")
                .forShare()
                .execute();
              return cs.map(toConsumer);
            };
            const pending = pendingWrites(trx);
            const deferred: CompiledQuery[] = [];
            let recorder: ReturnType<typeof recordingDb> | undefined;
            let holder: ReturnType<typeof compilingDb> | undefined;
            const result = await fn({
              ...writes(trx, {
                sql: "postgres",
                lockKey,
                lockKeys,
                lockConsumer,
                lockConsumers,
                serialize: async () => {
                  // rare and short (first admin key at boot, last admin key): waited for however
                  // long it takes, so that a node starting beside another does not fail its boot
                  await sql`select set_config('lock_timeout', '0', true)`.execute(trx);
                  await sql`select pg_advisory_xact_lock(${LOCK_SERIAL})`.execute(trx);
                },
                appendChange: pending.appendChange,
                appendAudit: pending.appendAudit,
                deferredDb: () => (recorder ??= recordingDb(deferred)),
                heldDb: () =>
                  (holder ??= compilingDb(async (q) => {
                    await trx.executeQuery(held(q));
                  })),
                lockKeyAndIdempotency: lockAndRead,
                heldWrite: async (q, onRows) => {
                  await trx.executeQuery(held(q, onRows));
                },
              }),
              // bulk rows in one statement a table, as one jsonb parameter (decision 0025)
              ...pgBulkWrites(trx),
            });
            // queued last, after every lock this transaction took (decision 0012), with the
            // writes deferred to the end (StoreTx.atEnd): one round trip for all of them
            await pending.flush(deferred);
            return result;
          }),
        );
      } catch (err) {
        throw translate(err, poolFull, waitMs);
      }
      // committed: link it (with whatever else committed meanwhile) before the caller reads the
      // feed. A failure here loses nothing: the rows stay queued for the next link, by any node.
      await link().catch(() => undefined);
      return out;
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
          ) => inSlot(() => db.transaction().execute((trx) => writeUsage(trx, rows, addresses, lastUsed))),
        ),
      };
    })(),
    webhooks: wrapAll(webhookStore(db)),
    policies: wrapAll(policyReads(db)),
    rotationJobs: wrapAll(rotationJobReads(db)),
    nodes: wrapAll(nodeStore(db)),
    scanIndex: wrap(async (sink: IndexSink) => {
      // a server-side cursor in one read-only snapshot: the seq and the rows agree, and the node
      // holds one batch at a time, as arrays (no object per row)
      const client = await pool.connect();
      let failed = false;
      try {
        await client.query("begin isolation level repeatable read read only");
        const seq = Number((await client.query<{ seq: number }>(INDEX_SEQ_SQL)).rows[0]!.seq);
        await client.query(`declare keyroll_index no scroll cursor for ${INDEX_SCAN_SQL}`);
        for (;;) {
          const r = await client.query({ text: `fetch ${INDEX_BATCH} from keyroll_index`, rowMode: "array" });
          if (r.rows.length > 0) sink(r.rows as IndexRow[]);
          if (r.rows.length < INDEX_BATCH) break;
        }
        await client.query("commit");
        return seq;
      } catch (err) {
        failed = true;
        await client.query("rollback").catch(() => undefined);
        throw err;
      } finally {
        client.release(failed);
      }
    }),
    indexRowsOf: wrap(async (keyIds: readonly string[]) => {
      if (keyIds.length === 0) return [];
      const r = await pool.query({
        text: indexRowsOfSql("= any($1)"),
        values: [keyIds],
        rowMode: "array",
      });
      return r.rows as IndexRow[];
    }),
    loadAll: wrap(async () => {
      const seq = await f.latestSeq();
      return { keys: await f.allKeys(), seq };
    }),
    changesSince: wrap(f.changesSince),
    changesWithIndexRows: wrap(async (seq: number, limit: number) => {
      const r = await pool.query({
        name: "kr_feed_batch",
        text: CHANGES_WITH_INDEX_ROWS_SQL,
        values: [seq, limit],
        rowMode: "array",
      });
      return splitFeedBatch(r.rows as IndexRow[]);
    }),
    latestSeq: wrap(f.latestSeq),
    listAudit: wrap(f.listAudit),
    queuedAudit: wrap(async () => {
      const r = await db
        .selectFrom("pending_audit")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    }),
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
      let onReleased: (() => void) | undefined;
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
              c.on("notification", (msg) => {
                if (msg.channel === LEADER_CHANNEL && !held) onReleased?.();
              });
              client = c;
              await c.connect();
              await c.query(`listen ${LEADER_CHANNEL}`);
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
          if (client && held) {
            // unlocked first: whoever hears the notification finds the lock free
            const c = client;
            await c
              .query("select pg_advisory_unlock($1)", [LOCK_LEADER])
              .then(() => c.query(`select pg_notify('${LEADER_CHANNEL}', '')`))
              .catch(() => undefined);
          }
          drop();
        },
        onReleased(fn) {
          onReleased = fn;
        },
      };
    },
  };
}
