import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time: this file never changes once released and imports nothing of the app.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  const json = pg ? "jsonb" : "text";

  await db.schema
    .createTable("consumers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("external_id", "text")
    .addColumn("metadata", sql.raw(json), (c) => c.notNull())
    .addColumn("system", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();
  await sql`create unique index consumers_external_id on consumers (external_id) where deleted_at is null and external_id is not null`.execute(
    db,
  );

  await db.schema
    .createTable("keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("consumer_id", "text", (c) => c.notNull().references("consumers.id"))
    .addColumn("name", "text")
    .addColumn("scopes", sql.raw(json), (c) => c.notNull())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("metadata", sql.raw(json), (c) => c.notNull())
    .addColumn("admin", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("keys_consumer_id").on("keys").columns(["consumer_id", "id"]).execute();

  await db.schema
    .createTable("key_versions")
    .addColumn("key_id", "text", (c) => c.notNull().references("keys.id"))
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("digest", "text", (c) => c.notNull().unique())
    .addColumn("start", "text", (c) => c.notNull())
    .addColumn("imported", "integer", (c) => c.notNull())
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("activates_at", "bigint", (c) => c.notNull())
    .addColumn("grace_starts_at", "bigint")
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("last_used_at", "bigint")
    // set for an imported secret that looks like a Keyroll secret but fails its checksum: the
    // verifier must then look such secrets up instead of rejecting them by shape alone
    .addColumn("checksum_exempt_prefix", "text")
    .addPrimaryKeyConstraint("key_versions_pk", ["key_id", "version"])
    .addCheckConstraint(
      "key_versions_state",
      sql`state in ('scheduled', 'active', 'grace', 'revoked', 'expired')`,
    )
    .execute();
  // The database itself guarantees at most one active version per key, whatever the code does.
  await sql`create unique index key_versions_one_active on key_versions (key_id) where state = 'active'`.execute(
    db,
  );

  await db.schema
    .createTable("changes")
    .addColumn("seq", pg ? "bigserial" : "integer", (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("op", "text", (c) => c.notNull())
    .addColumn("key_id", "text")
    .addColumn("consumer_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("response", sql.raw(json), (c) => c.notNull())
    .addColumn("sealed_secret", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["key_id", "key_hash"])
    .execute();

  await db.schema
    .createTable("audit_log")
    .addColumn("seq", pg ? "bigserial" : "integer", (c) =>
      pg ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn("id", "text", (c) => c.notNull().unique())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("data", sql.raw(json), (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ["audit_log", "idempotency_keys", "changes", "key_versions", "keys", "consumers"]) {
    await db.schema.dropTable(t).execute();
  }
}
