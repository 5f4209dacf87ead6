import type { Kysely } from "kysely";
import type { JobItemState, KeySelector, RotationJobState } from "../../core/rotation-jobs.js";
import type { Database } from "./schema.js";

// Bulk rotation jobs and their items (migration 0010, decision 0017).

type Db = Kysely<Database>;
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

export interface RotationJobsTable {
  id: string;
  state: string;
  selector: unknown;
  grace_ms: number;
  rate: number;
  require_pickup: number;
  reason: string | null;
  matched: number;
  rotated: number;
  skipped: number;
  failed: number;
  created_by: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  updated_at: number;
  run_started_at: number | null;
  run_base: number;
}

export interface RotationJobItemsTable {
  job_id: string;
  key_id: string;
  state: string;
  reason: string | null;
  version: number | null;
  at: number | null;
}

/** The tables of migration 0010, kept apart from `Database` so that edit stays one line. */
export interface RotationJobTables {
  rotation_jobs: RotationJobsTable;
  rotation_job_items: RotationJobItemsTable;
}

/** A stored rotation job. */
export interface RotationJobRecord {
  readonly id: string;
  readonly state: RotationJobState;
  readonly selector: KeySelector;
  readonly graceMs: number;
  /** Keys per second at most. */
  readonly rate: number;
  readonly requirePickup: boolean;
  readonly reason: string | null;
  readonly matched: number;
  readonly rotated: number;
  readonly skipped: number;
  readonly failed: number;
  readonly createdBy: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly updatedAt: number;
  readonly runStartedAt: number | null;
  readonly runBase: number;
}

/** One key of a job and what became of it. */
export interface RotationJobItem {
  readonly keyId: string;
  readonly state: JobItemState;
  readonly reason: string | null;
  /** The version the job made (rotated items). */
  readonly version: number | null;
  readonly at: number | null;
}

function toJob(r: RotationJobsTable): RotationJobRecord {
  return {
    id: r.id,
    state: r.state as RotationJobState,
    selector: json(r.selector) as KeySelector,
    graceMs: num(r.grace_ms),
    rate: num(r.rate),
    requirePickup: num(r.require_pickup) === 1,
    reason: r.reason,
    matched: num(r.matched),
    rotated: num(r.rotated),
    skipped: num(r.skipped),
    failed: num(r.failed),
    createdBy: r.created_by,
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    finishedAt: numOrNull(r.finished_at),
    updatedAt: num(r.updated_at),
    runStartedAt: numOrNull(r.run_started_at),
    runBase: num(r.run_base),
  };
}

/** Reads of jobs and items, over the store or a transaction. */
export function rotationJobReads(db: Db) {
  return {
    async getJob(id: string): Promise<RotationJobRecord | undefined> {
      const r = await db.selectFrom("rotation_jobs").selectAll().where("id", "=", id).executeTakeFirst();
      return r ? toJob(r) : undefined;
    },
    /** Jobs oldest first, after the `after` id, optionally in one state. */
    async listJobs(q: { limit: number; after?: string | undefined; state?: RotationJobState | undefined }) {
      let qb = db.selectFrom("rotation_jobs").selectAll();
      if (q.after !== undefined) qb = qb.where("id", ">", q.after);
      if (q.state !== undefined) qb = qb.where("state", "=", q.state);
      return (await qb.orderBy("id").limit(q.limit).execute()).map(toJob);
    },
    /** The job the leader should work on: the oldest running one, else the oldest queued one. */
    async nextRunnableJob(): Promise<RotationJobRecord | undefined> {
      const r = await db
        .selectFrom("rotation_jobs")
        .selectAll()
        .where("state", "in", ["running", "queued"])
        .orderBy("state", "desc")
        .orderBy("id")
        .limit(1)
        .executeTakeFirst();
      return r ? toJob(r) : undefined;
    },
    /** Pending keys of a job, in key order. */
    async pendingKeyIds(jobId: string, limit: number, after?: string): Promise<string[]> {
      let qb = db
        .selectFrom("rotation_job_items")
        .select("key_id")
        .where("job_id", "=", jobId)
        .where("state", "=", "pending");
      if (after !== undefined) qb = qb.where("key_id", ">", after);
      const rows = await qb.orderBy("key_id").limit(limit).execute();
      return rows.map((r) => r.key_id);
    },
    /** Items of a job in key order, after the `after` key id, optionally in one state. */
    async listJobItems(
      jobId: string,
      q: { limit: number; after?: string | undefined; state?: JobItemState | undefined },
    ): Promise<RotationJobItem[]> {
      let qb = db.selectFrom("rotation_job_items").selectAll().where("job_id", "=", jobId);
      if (q.after !== undefined) qb = qb.where("key_id", ">", q.after);
      if (q.state !== undefined) qb = qb.where("state", "=", q.state);
      const rows = await qb.orderBy("key_id").limit(q.limit).execute();
      return rows.map((r) => ({
        keyId: r.key_id,
        state: r.state as JobItemState,
        reason: r.reason,
        version: numOrNull(r.version),
        at: numOrNull(r.at),
      }));
    },
  };
}

/** Rows per insert statement: well under SQLite's limit of bound parameters. */
const INSERT_CHUNK = 1000;

/** Writes of jobs and items, only inside a transaction (`tx.rotationJobs`). */
export function rotationJobWrites(db: Db) {
  return {
    ...rotationJobReads(db),
    /** Stores a job and one pending item per key. */
    async insertJob(j: RotationJobRecord, keyIds: readonly string[]): Promise<void> {
      await db
        .insertInto("rotation_jobs")
        .values({
          id: j.id,
          state: j.state,
          selector: JSON.stringify(j.selector),
          grace_ms: j.graceMs,
          rate: j.rate,
          require_pickup: j.requirePickup ? 1 : 0,
          reason: j.reason,
          matched: j.matched,
          rotated: j.rotated,
          skipped: j.skipped,
          failed: j.failed,
          created_by: j.createdBy,
          created_at: j.createdAt,
          started_at: j.startedAt,
          finished_at: j.finishedAt,
          updated_at: j.updatedAt,
          run_started_at: j.runStartedAt,
          run_base: j.runBase,
        })
        .execute();
      for (let i = 0; i < keyIds.length; i += INSERT_CHUNK) {
        await db
          .insertInto("rotation_job_items")
          .values(
            keyIds.slice(i, i + INSERT_CHUNK).map((key_id) => ({
              job_id: j.id,
              key_id,
              state: "pending",
              reason: null,
              version: null,
              at: null,
            })),
          )
          .execute();
      }
    },
    /**
     * Changes a job's state (and stamps), only from one of the states `from`; returns whether it did.
     * Guarded so that a pause and the runner's completion cannot overwrite each other.
     */
    async setJobState(
      id: string,
      from: readonly RotationJobState[],
      patch: {
        state: RotationJobState;
        startedAt?: number | undefined;
        finishedAt?: number | undefined;
        run?: { startedAt: number; base: number } | undefined;
      },
      now: number,
    ): Promise<boolean> {
      const r = await db
        .updateTable("rotation_jobs")
        .set({
          state: patch.state,
          updated_at: now,
          ...(patch.startedAt !== undefined && { started_at: patch.startedAt }),
          ...(patch.finishedAt !== undefined && { finished_at: patch.finishedAt }),
          ...(patch.run !== undefined && { run_started_at: patch.run.startedAt, run_base: patch.run.base }),
        })
        .where("id", "=", id)
        .where("state", "in", [...from])
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Of `keyIds`, those still pending in the job (read after their keys are locked). */
    async pendingAmong(jobId: string, keyIds: readonly string[]): Promise<Set<string>> {
      if (keyIds.length === 0) return new Set();
      const rows = await db
        .selectFrom("rotation_job_items")
        .select("key_id")
        .where("job_id", "=", jobId)
        .where("key_id", "in", [...keyIds])
        .where("state", "=", "pending")
        .execute();
      return new Set(rows.map((r) => r.key_id));
    },
    /**
     * Marks pending items done (`rotated` with the version made, or `skipped`/`failed` with a
     * reason) and adds them to the job's counts. Throws when an item was not pending any more: the
     * transaction, and the rotations in it, must not commit then.
     */
    async finishItems(
      jobId: string,
      items: ReadonlyArray<{
        keyId: string;
        state: Exclude<JobItemState, "pending">;
        reason: string | null;
        version: number | null;
      }>,
      now: number,
    ): Promise<void> {
      if (items.length === 0) return;
      // one statement per outcome and version: a batch of rotations is mostly one group
      const groups = new Map<
        string,
        { state: string; reason: string | null; version: number | null; ids: string[] }
      >();
      for (const it of items) {
        const g = `${it.state}\n${it.reason ?? ""}\n${it.version ?? ""}`;
        const group = groups.get(g) ?? { state: it.state, reason: it.reason, version: it.version, ids: [] };
        group.ids.push(it.keyId);
        groups.set(g, group);
      }
      let updated = 0;
      for (const g of groups.values()) {
        const r = await db
          .updateTable("rotation_job_items")
          .set({ state: g.state, reason: g.reason, version: g.version, at: now })
          .where("job_id", "=", jobId)
          .where("key_id", "in", g.ids)
          .where("state", "=", "pending")
          .executeTakeFirst();
        updated += Number(r.numUpdatedRows);
      }
      if (updated !== items.length)
        throw new Error(`rotation job ${jobId}: ${items.length - updated} item(s) were no longer pending`);
      const count = (s: string) => items.filter((i) => i.state === s).length;
      await db
        .updateTable("rotation_jobs")
        .set((eb) => ({
          rotated: eb("rotated", "+", count("rotated")),
          skipped: eb("skipped", "+", count("skipped")),
          failed: eb("failed", "+", count("failed")),
          updated_at: now,
        }))
        .where("id", "=", jobId)
        .execute();
    },
  };
}

/** The job reads of a store. */
export type RotationJobReads = ReturnType<typeof rotationJobReads>;
/** The job writes of a transaction. */
export type RotationJobTx = ReturnType<typeof rotationJobWrites>;
