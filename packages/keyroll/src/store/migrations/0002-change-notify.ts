import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time. PostgreSQL only: every row appended to `changes` notifies listeners on commit
// (NOTIFY is delivered at commit, in commit order), whoever wrote it.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create or replace function keyroll_notify_change() returns trigger language plpgsql as $$
    begin
      perform pg_notify('keyroll_changes', new.seq::text);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger changes_notify after insert on changes
    for each row execute function keyroll_notify_change()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger if exists changes_notify on changes`.execute(db);
  await sql`drop function if exists keyroll_notify_change()`.execute(db);
}
