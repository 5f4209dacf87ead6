import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: the audit log's own entry format (actor kind and version, request id, client
// address, a diff of updated fields), entries that may wait to be linked into the chain (hash
// null), indexes for the filters of GET /v1/audit, signed checkpoints of the chain head, and the
// position of each shipping sink. On PostgreSQL the queue of 0004 (`pending_audit`), from which the
// linker chains entries after their writers' commit, gets the same format-1 columns.
// Entries written before this migration keep format 0 and their hashes; they verify as they are.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? "jsonb" : "text";

  if (pg) {
    await sql`alter table audit_log alter column prev_hash drop not null, alter column hash drop not null`.execute(
      db,
    );
    for (const [name, type] of [
      ["v", "integer not null default 0"],
      ["actor_type", "text"],
      ["actor_version", "integer"],
      ["actor_rule", "text"],
      ["request_id", "text"],
      ["address", "text"],
      ["diff", "jsonb"],
    ] as const) {
      await sql`alter table audit_log add column ${sql.raw(name)} ${sql.raw(type)}`.execute(db);
      // rows queued before this migration (none in a release: 0004 and 0008 ship together) stay format 0
      await sql`alter table pending_audit add column ${sql.raw(name)} ${sql.raw(type)}`.execute(db);
    }
  } else {
    // SQLite cannot drop NOT NULL in place: the table is rebuilt, seqs and hashes copied as they are
    await db.schema
      .createTable("audit_log_v8")
      .addColumn("seq", "integer", (c) => c.primaryKey().autoIncrement())
      .addColumn("id", "text", (c) => c.notNull().unique())
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("actor", "text")
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("target_id", "text")
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("prev_hash", "text")
      .addColumn("hash", "text")
      .addColumn("v", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("actor_type", "text")
      .addColumn("actor_version", "integer")
      .addColumn("actor_rule", "text")
      .addColumn("request_id", "text")
      .addColumn("address", "text")
      .addColumn("diff", sql.raw(json))
      .execute();
    await sql`insert into audit_log_v8 (seq, id, at, actor, action, target_id, data, prev_hash, hash, v)
              select seq, id, at, actor, action, target_id, data, prev_hash, hash, 0 from audit_log`.execute(
      db,
    );
    await db.schema.dropTable("audit_log").execute();
    await sql`alter table audit_log_v8 rename to audit_log`.execute(db);
  }
  await sql`update audit_log set actor_type = case when actor is null then 'system' else 'admin' end`.execute(
    db,
  );

  await db.schema.createIndex("audit_log_target").on("audit_log").columns(["target_id", "seq"]).execute();
  await db.schema.createIndex("audit_log_actor").on("audit_log").columns(["actor", "seq"]).execute();
  await db.schema.createIndex("audit_log_action").on("audit_log").columns(["action", "seq"]).execute();
  await db.schema.createIndex("audit_log_at").on("audit_log").column("at").execute();
  // the linker finds what is left to link without reading the chain
  await db.schema
    .createIndex("audit_log_unlinked")
    .on("audit_log")
    .column("seq")
    .where(sql.ref("hash"), "is", null)
    .execute();

  await db.schema
    .createTable("audit_checkpoints")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("signature", "text", (c) => c.notNull())
    .execute();

  // how far each shipping sink got: it catches up from here after a restart or a slow destination
  await db.schema
    .createTable("audit_sinks")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("checkpoint_seq", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    for (const name of ["v", "actor_type", "actor_version", "actor_rule", "request_id", "address", "diff"]) {
      await sql`alter table pending_audit drop column ${sql.raw(name)}`.execute(db);
    }
  }
  await db.schema.dropTable("audit_sinks").execute();
  await db.schema.dropTable("audit_checkpoints").execute();
  for (const i of [
    "audit_log_target",
    "audit_log_actor",
    "audit_log_action",
    "audit_log_at",
    "audit_log_unlinked",
  ])
    await db.schema.dropIndex(i).execute();
}
