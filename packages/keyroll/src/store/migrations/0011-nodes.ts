import type { Kysely } from "kysely";

// Frozen in time: node heartbeats (decision 0018). Every running node (server or gateway) keeps
// one row: where it can be reached, its software version, when it started and was last seen, and
// how far it has applied the change feed (its position, and the latest revocation it applied).

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("nodes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("version", "text", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("feed_seq", "bigint", (c) => c.notNull())
    .addColumn("last_revocation_at", "bigint")
    .execute();
  await db.schema.createIndex("nodes_last_seen").on("nodes").column("last_seen_at").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("nodes").execute();
}
