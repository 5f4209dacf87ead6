import { type Kysely, sql } from "kysely";

// Frozen in time: the leader's background queries (versions due to settle, versions in grace,
// versions under a traffic policy) read every row of key_versions without an index: at a million
// keys, about a second each on SQLite, where a query runs on the thread that answers requests.
// Partial indexes hold only the versions those queries can find (none of a freshly imported key),
// so each is a walk of a few rows. The queries repeat each index's condition word for word, which
// is what lets SQLite (and PostgreSQL) use a partial index.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index key_versions_due on key_versions (key_id) where revoked_at is null and (state = 'scheduled' or expires_at is not null or grace_starts_at is not null)`.execute(
    db,
  );
  await sql`create index key_versions_grace on key_versions (key_id) where revoked_at is null and grace_starts_at is not null`.execute(
    db,
  );
  await sql`create index key_versions_traffic on key_versions (key_id) where revoked_at is null and (retire_when_unused_ms is not null or extend_max_at is not null)`.execute(
    db,
  );
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("key_versions_traffic").execute();
  await db.schema.dropIndex("key_versions_grace").execute();
  await db.schema.dropIndex("key_versions_due").execute();
}
