import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time. PostgreSQL only (decision 0012): writers no longer append to `changes` and
// `audit_log` themselves under a lock held through commit. They queue their rows in
// `pending_changes` and `pending_audit`, and after commit one linker at a time moves them into
// `changes` (assigning `seq`; the trigger of 0002 notifies) and `audit_log` (chaining the hashes).
// `ticket` is one number per writing transaction, drawn when it queues its rows just before its
// commit (after every lock it took); `ord` is a row's place within it. Rows are linked in
// (ticket, ord) order, in both tables alike.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`create sequence pending_ticket`.execute(db);
  await db.schema
    .createTable("pending_changes")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("ticket", "bigint", (c) => c.notNull())
    .addColumn("ord", "integer", (c) => c.notNull())
    .addColumn("op", "text", (c) => c.notNull())
    .addColumn("key_id", "text")
    .addColumn("consumer_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("pending_audit")
    .addColumn("id", "bigserial", (c) => c.primaryKey())
    .addColumn("ticket", "bigint", (c) => c.notNull())
    .addColumn("ord", "integer", (c) => c.notNull())
    .addColumn("audit_id", "text", (c) => c.notNull().unique())
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("actor", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("target_id", "text")
    .addColumn("data", "jsonb", (c) => c.notNull())
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await db.schema.dropTable("pending_audit").execute();
  await db.schema.dropTable("pending_changes").execute();
  await sql`drop sequence pending_ticket`.execute(db);
}
