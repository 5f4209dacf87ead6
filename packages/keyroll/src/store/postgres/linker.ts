import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type Selectable,
} from "kysely";
import type pg from "pg";
import { entryHash, GENESIS_HASH } from "../../core/audit.js";
import { auditColumns, toAuditEntry } from "../kysely/queries.js";
import type { AuditLogTable, Database } from "../kysely/schema.js";
import type { AuditInput, StoreTx } from "../types.js";
import { held, type PreparingClient } from "./prepared.js";

// Decision 0012: on PostgreSQL a writer queues its feed and audit rows just before its commit;
// after the commit, one linker at a time (a short advisory lock around one small transaction)
// gives them their feed positions and chains their hashes, for every writer that committed
// meanwhile. No writer holds a lock shared with other keys' writers through its commit.

type Db = Kysely<Database>;

/** Bound parameters of one statement at most (PostgreSQL allows 65 535). */
const MAX_PARAMS = 30_000;

/** The queue's statement (after any deferred writes' CTEs): $1 the changes, $2 the audit entries. */
const QUEUE_SQL = `t as (select nextval('pending_ticket') as ticket),
        c as (
          insert into pending_changes (ticket, ord, op, key_id, consumer_id, created_at)
          select t.ticket, x.ord, x.op, x.key_id, x.consumer_id, x.created_at
            from t, jsonb_to_recordset($1::jsonb)
              as x(ord integer, op text, key_id text, consumer_id text, created_at bigint)
          returning 1
        )
        insert into pending_audit (ticket, ord, audit_id, at, v, actor, actor_type, actor_version, actor_rule,
                                   action, target_id, request_id, address, data, diff)
        select t.ticket, x.ord, x.audit_id, x.at, x.v, x.actor, x.actor_type, x.actor_version, x.actor_rule,
               x.action, x.target_id, x.request_id, x.address, x.data, x.diff
          from t, jsonb_to_recordset($2::jsonb)
            as x(ord integer, audit_id text, at bigint, v integer, actor text, actor_type text,
                 actor_version integer, actor_rule text, action text, target_id text, request_id text,
                 address text, data jsonb, diff jsonb)`;

/**
 * `appendChange` and `appendAudit` of a PostgreSQL writer: kept in memory, queued by `flush` in
 * one statement at the end of the transaction, under one ticket drawn then (after every lock the
 * transaction took, so a writer that waited for another's lock gets a later ticket).
 */
export function pendingWrites(db: Db): Pick<StoreTx, "appendChange" | "appendAudit"> & {
  /** Queues the rows, and sends `deferred` writes (see `recordingDb`) in the same statement. */
  flush(deferred?: readonly CompiledQuery[]): Promise<void>;
} {
  const changes: Array<{
    op: string;
    key_id: string | null;
    consumer_id: string | null;
    created_at: number;
  }> = [];
  const audit: Array<Omit<PendingAudit, "ticket" | "ord">> = [];
  return {
    async appendChange(c) {
      changes.push({ op: c.op, key_id: c.keyId, consumer_id: c.consumerId, created_at: c.at });
    },
    async appendAudit(entry: AuditInput) {
      const { id, ...columns } = auditColumns(entry);
      audit.push({ audit_id: id, ...columns });
    },
    async flush(deferred = []) {
      if (changes.length === 0 && audit.length === 0) {
        for (const q of deferred) await db.executeQuery(held(q));
        return;
      }
      // the deferred writes as data-modifying CTEs of the queue's statement (their parameters
      // renumbered after the queue's two): one round trip for all. They run together, so they
      // must not depend on each other's order (inserts into different tables; foreign keys are
      // checked at the statement's end).
      const params: unknown[] = [
        JSON.stringify(changes.map((r, ord) => ({ ...r, ord }))),
        JSON.stringify(audit.map((r, ord) => ({ ...r, ord }))),
      ];
      const ctes: string[] = [];
      for (const q of deferred) {
        if (params.length + q.parameters.length > MAX_PARAMS) {
          await db.executeQuery(held(q));
          continue;
        }
        const base = params.length;
        ctes.push(`d${ctes.length} as (${q.sql.replace(/\$(\d+)/g, (_, n) => `$${base + Number(n)}`)})`);
        params.push(...q.parameters);
      }
      // held: sent with the COMMIT that follows (prepared.ts), one round trip for both
      await db.executeQuery(
        held(CompiledQuery.raw(`with ${ctes.map((c) => `${c},\n`).join("")}${QUEUE_SQL}`, params)),
      );
      changes.length = 0;
      audit.length = 0;
    },
  };
}

/**
 * One link, on a connection of its own, in two round trips: first the link lock (a session lock),
 * then, once it is granted, a transaction whose one statement (one snapshot, taken after the lock,
 * so after the previous linker committed) moves every committed pending change into `changes`
 * (seq = the last seq + 1, 2, … in (ticket, ord) order) and takes every pending audit entry with
 * the chain's last entry; then the audit entries chained onto it, the commit and the lock's release,
 * in that order, as one pipeline (the unlock runs only once the commit is done, so the next
 * linker's snapshot holds this link). Returns how many of each it moved.
 */
export async function linkOnce(pool: pg.Pool, lockId: number): Promise<{ changes: number; audit: number }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  let unlocked = false;
  try {
    try {
      // one simple-protocol round trip: the statements run in order; BEGIN turns the lock's
      // implicit transaction into this link's, and the moving statement, which starts only once
      // the lock is granted, reads everything from one snapshot
      const results = (await client.query(`
        select pg_advisory_lock(${lockId});
        begin;
        with picked as (
          delete from pending_changes returning ticket, ord, op, key_id, consumer_id, created_at
        ),
        base as (select coalesce(max(seq), 0) as s from changes),
        ins as (
          insert into changes (seq, op, key_id, consumer_id, created_at)
          select base.s + row_number() over (order by picked.ticket, picked.ord),
                 op, key_id, consumer_id, created_at
            from picked, base
          returning seq
        ),
        audit as (
          delete from pending_audit returning ticket, ord, audit_id, at, v, actor, actor_type, actor_version,
            actor_rule, action, target_id, request_id, address, data, diff
        )
        select (select count(*) from ins)::int as n,
               (select coalesce(json_agg(audit), '[]'::json) from audit) as audit,
               (select json_build_object('seq', seq, 'hash', hash) from audit_log
                 order by seq desc limit 1) as last;
      `)) as unknown as pg.QueryResult[];
      const row = results[2]!.rows[0] as {
        n: number;
        audit: PendingAudit[];
        last: { seq: number; hash: string } | null;
      };
      const changes = Number(row.n);
      const pending = row.audit;
      if (pending.length > 0) {
        // the chained entries, the commit and the unlock: one pipeline (prepared.ts)
        const [text, values] = auditInsert(pending, row.last ?? undefined);
        await (client as unknown as PreparingClient).sendTogether([
          { text, values },
          { text: "commit", values: [] },
          { text: `select pg_advisory_unlock(${lockId})`, values: [] },
        ]);
      } else {
        await client.query(`commit; select pg_advisory_unlock(${lockId})`);
      }
      unlocked = true;
      return { changes, audit: pending.length };
    } catch (err) {
      broken = err as Error;
      await client.query("rollback").catch(() => undefined);
      throw err;
    } finally {
      if (!unlocked)
        await client.query(`select pg_advisory_unlock(${lockId})`).catch((err: Error) => {
          broken = err;
        });
    }
  } finally {
    // a connection that failed mid-link is dropped (its session lock goes with it)
    client.release(broken);
  }
}

/** A queued audit entry (a row of `pending_audit`). */
interface PendingAudit {
  ticket: number;
  ord: number;
  audit_id: string;
  at: number;
  /** Entry format: 1; 0 for a row queued before migration 0008. */
  v: number;
  actor: string | null;
  actor_type: "admin" | "key" | "system" | null;
  actor_version: number | null;
  actor_rule: string | null;
  action: string;
  target_id: string | null;
  request_id: string | null;
  address: string | null;
  data: unknown;
  diff: unknown;
}

/**
 * The INSERT of a batch of audit entries chained onto `last`, in (ticket, ord) order: each gets
 * the next seq and is hashed as the entry the API shows (`entryHash`, the format of core/audit.ts).
 */
function auditInsert(
  pending: PendingAudit[],
  last: { seq: number; hash: string } | undefined,
): [string, unknown[]] {
  pending.sort((a, b) => Number(a.ticket) - Number(b.ticket) || a.ord - b.ord);
  let prevHash = last?.hash ?? GENESIS_HASH;
  let seq = Number(last?.seq ?? 0);
  const rows = pending.map((r) => {
    const row: Selectable<AuditLogTable> = {
      seq: ++seq,
      id: r.audit_id,
      at: Number(r.at),
      v: Number(r.v ?? 0),
      actor: r.actor,
      actor_type: r.actor_type ?? (r.actor === null ? "system" : "admin"),
      actor_version: r.actor_version,
      actor_rule: r.actor_rule ?? null,
      action: r.action,
      target_id: r.target_id,
      request_id: r.request_id ?? null,
      address: r.address ?? null,
      data: r.data,
      diff: r.diff ?? null,
      prev_hash: prevHash,
      hash: null,
    };
    // hashed as the API shows the row (queries.ts toAuditEntry), as SQLite's linkAudit does
    row.hash = entryHash(prevHash, toAuditEntry(row));
    prevHash = row.hash;
    return row;
  });
  return [
    `insert into audit_log (seq, id, at, v, actor, actor_type, actor_version, actor_rule, action, target_id,
                            request_id, address, data, diff, prev_hash, hash)
     select seq, id, at, v, actor, actor_type, actor_version, actor_rule, action, target_id,
            request_id, address, data, diff, prev_hash, hash
       from jsonb_to_recordset($1::jsonb) as x(seq bigint, id text, at bigint, v integer, actor text,
            actor_type text, actor_version integer, actor_rule text, action text, target_id text,
            request_id text, address text, data jsonb, diff jsonb, prev_hash text, hash text)`,
    [JSON.stringify(rows)],
  ];
}

/**
 * A Kysely handle that runs nothing: each query it is given is compiled (PostgreSQL SQL) and kept
 * in `sink`, and answers no rows. `StoreTx.atEnd` hands it to writes that read nothing back, so
 * that `pendingWrites.flush` sends them with the queued feed and audit rows in one statement.
 */
export function recordingDb(sink: CompiledQuery[]): Db {
  return compilingDb(async (q) => {
    sink.push(q);
  });
}

/**
 * A Kysely handle that compiles each query (PostgreSQL SQL), hands it to `run` and answers no
 * rows: `recordingDb`, and the held writes of a transaction (`held` in prepared.ts).
 */
export function compilingDb(run: (q: CompiledQuery) => Promise<void>): Db {
  const connection: DatabaseConnection = {
    async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
      await run(q);
      return { rows: [] };
    },
    // biome-ignore lint/correctness/useYield: never streams
    async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
      throw new Error("a deferred write cannot stream");
    },
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => connection,
    beginTransaction: async () => undefined,
    commitTransaction: async () => undefined,
    rollbackTransaction: async () => undefined,
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
