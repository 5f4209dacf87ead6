import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: usage per version, client addresses per version, traffic-driven retirement
// settings on versions, and alerts.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? "jsonb" : "text";

  for (const [table, col] of [
    ["usage_minutes", "minute"],
    ["usage_hours", "hour"],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn("key_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn(col, "bigint", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("count", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint(`${table}_pk`, ["key_id", "version", col, "outcome"])
      .execute();
    await db.schema.createIndex(`${table}_${col}`).on(table).column(col).execute();
  }

  await db.schema
    .createTable("version_addresses")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("first_seen_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("version_addresses_pk", ["key_id", "version", "address"])
    .execute();

  await db.schema.alterTable("key_versions").addColumn("retire_when_unused_ms", "bigint").execute();
  await db.schema.alterTable("key_versions").addColumn("extend_max_at", "bigint").execute();
  await db.schema.alterTable("key_versions").addColumn("extend_step_ms", "bigint").execute();
  await db.schema.alterTable("key_versions").addColumn("retired_reason", "text").execute();

  await db.schema
    .createTable("alerts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.notNull())
    .addColumn("key_id", "text")
    .addColumn("consumer_id", "text")
    .addColumn("version", "integer")
    .addColumn("address", "text")
    .addColumn("message", "text", (c) => c.notNull())
    .addColumn("data", sql.raw(json), (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("acknowledged_at", "bigint")
    .addColumn("acknowledged_by", "text")
    .execute();
  // one open alert per subject: repeats add to its count instead of flooding the list
  await sql`create unique index alerts_open on alerts (dedupe_key) where acknowledged_at is null`.execute(db);
  await db.schema.createIndex("alerts_created").on("alerts").column("created_at").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["alerts", "version_addresses", "usage_hours", "usage_minutes"])
    await db.schema.dropTable(t).execute();
  for (const c of ["retire_when_unused_ms", "extend_max_at", "extend_step_ms", "retired_reason"]) {
    await db.schema.alterTable("key_versions").dropColumn(c).execute();
  }
}
