import { type Kysely, PostgresAdapter, sql } from "kysely";

// Frozen in time. PostgreSQL only: one notification per statement that appends to `changes` (the
// linker's insert of a whole link), carrying its highest seq, instead of one per row (0002).
// Listeners only use a notification as "read the feed now" (decision 0022).

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`
    create or replace function keyroll_notify_changes() returns trigger language plpgsql as $$
    declare last bigint;
    begin
      select max(seq) into last from appended;
      if last is not null then
        perform pg_notify('keyroll_changes', last::text);
      end if;
      return null;
    end $$`.execute(db);
  await sql`drop trigger if exists changes_notify on changes`.execute(db);
  await sql`
    create trigger changes_notify after insert on changes
    referencing new table as appended
    for each statement execute function keyroll_notify_changes()`.execute(db);
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`drop trigger if exists changes_notify on changes`.execute(db);
  await sql`drop function if exists keyroll_notify_changes()`.execute(db);
  await sql`
    create trigger changes_notify after insert on changes
    for each row execute function keyroll_notify_change()`.execute(db);
}
