import type { Kysely } from "kysely";

// Frozen in time: a rate limit per key (a token bucket of `rate_limit` requests per
// `rate_limit_period_ms`); both null for a key without one.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("keys").addColumn("rate_limit", "bigint").execute();
  await db.schema.alterTable("keys").addColumn("rate_limit_period_ms", "bigint").execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("keys").dropColumn("rate_limit_period_ms").execute();
  await db.schema.alterTable("keys").dropColumn("rate_limit").execute();
}
