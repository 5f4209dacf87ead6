import type { Kysely } from "kysely";

// Frozen in time: successor pickup (decision 0014). Each version's public key (derived from its
// secret; versions made before this have none), a key-level switch, the successors sealed to a
// previous version's public key, and pickups counted per version and client address.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("key_versions").addColumn("public_key", "text").execute();
  await db.schema
    .alterTable("keys")
    .addColumn("allow_successor_pickup", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .createTable("sealed_successors")
    .addColumn("key_id", "text", (c) => c.notNull())
    // the version whose holders may open it, and the version it carries the secret of
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("successor_version", "integer", (c) => c.notNull())
    .addColumn("enc", "text", (c) => c.notNull())
    .addColumn("ciphertext", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("sealed_successors_pk", ["key_id", "version", "successor_version"])
    .execute();
  await db.schema
    .createTable("successor_pickups")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("address", "text", (c) => c.notNull())
    .addColumn("count", "bigint", (c) => c.notNull())
    .addColumn("first_at", "bigint", (c) => c.notNull())
    .addColumn("last_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("successor_pickups_pk", ["key_id", "version", "address"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("successor_pickups").execute();
  await db.schema.dropTable("sealed_successors").execute();
  await db.schema.alterTable("keys").dropColumn("allow_successor_pickup").execute();
  await db.schema.alterTable("key_versions").dropColumn("public_key").execute();
}
