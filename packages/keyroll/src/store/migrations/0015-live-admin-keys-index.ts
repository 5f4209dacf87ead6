import { type Kysely, sql } from "kysely";

// Frozen in time: counting the live admin keys (at every start, inside the bootstrap's write
// transaction, and before an admin key is revoked) read every row of keys: 0.35 s at a million
// keys on SQLite, holding the write lock. A partial index holds only live admin keys (a handful),
// so the count walks those. The query repeats the condition word for word, which is what lets
// SQLite (and PostgreSQL) use a partial index.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index keys_admin_live on keys (id) where admin = 1 and revoked_at is null`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("keys_admin_live").execute();
}
