import type { Kysely } from "kysely";

// Frozen in time: a key may carry the caller's own id (`external_id`), unique among keys, so that a
// bulk import run twice finds the keys it made the first time instead of making them again.
// NULLs are distinct in a unique index on both SQLite and PostgreSQL: keys without one never clash.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("keys").addColumn("external_id", "text").execute();
  await db.schema.createIndex("keys_external_id").unique().on("keys").column("external_id").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("keys_external_id").execute();
  await db.schema.alterTable("keys").dropColumn("external_id").execute();
}
