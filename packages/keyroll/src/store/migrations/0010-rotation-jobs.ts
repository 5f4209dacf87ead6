import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: bulk rotation jobs (issue 14, decision 0017). A job's selector is resolved once,
// at creation, to one item row per key; the leader rotates a key and marks its item in the same
// transaction, so a job resumed after a crash never rotates a key twice.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? "jsonb" : "text";

  await db.schema
    .createTable("rotation_jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("selector", sql.raw(json), (c) => c.notNull())
    .addColumn("grace_ms", "bigint", (c) => c.notNull())
    .addColumn("rate", "double precision", (c) => c.notNull())
    .addColumn("require_pickup", "integer", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("matched", "integer", (c) => c.notNull())
    .addColumn("rotated", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("skipped", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_by", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("finished_at", "bigint")
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    // the current run (since the last start, resume or take-over): its start and the count then
    .addColumn("run_started_at", "bigint")
    .addColumn("run_base", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("rotation_jobs_state").on("rotation_jobs").columns(["state", "id"]).execute();

  await db.schema
    .createTable("rotation_job_items")
    .addColumn("job_id", "text", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("reason", "text")
    .addColumn("version", "integer")
    .addColumn("at", "bigint")
    .addPrimaryKeyConstraint("rotation_job_items_pk", ["job_id", "key_id"])
    .execute();
  // the runner takes the next pending keys of a job in key order
  await db.schema
    .createIndex("rotation_job_items_state")
    .on("rotation_job_items")
    .columns(["job_id", "state", "key_id"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("rotation_job_items").execute();
  await db.schema.dropTable("rotation_jobs").execute();
}
