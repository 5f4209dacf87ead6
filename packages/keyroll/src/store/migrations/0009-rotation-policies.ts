import { type Kysely, sql } from "kysely";

// Frozen in time: rotation policies (issue 14). One row per key, per consumer, and the global
// default (scope 'default', target ''), holding the policy as JSON text; and the ledger of the
// rotations policies made, one row per key and planned switch time, written in the rotation's own
// transaction so that a due rotation runs once however many leaders try it.

// biome-ignore lint/suspicious/noExplicitAny: migrations are frozen and must not depend on today's table types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("rotation_policies")
    .addColumn("scope", "text", (c) => c.notNull())
    .addColumn("target_id", "text", (c) => c.notNull())
    .addColumn("policy", "text", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("rotation_policies_pk", ["scope", "target_id"])
    .addCheckConstraint("rotation_policies_scope", sql`scope in ('key', 'consumer', 'default')`)
    .execute();
  await db.schema
    .createTable("policy_rotations")
    .addColumn("key_id", "text", (c) => c.notNull())
    .addColumn("due_at", "bigint", (c) => c.notNull())
    .addColumn("version", "integer", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("policy_rotations_pk", ["key_id", "due_at"])
    .execute();
}

// biome-ignore lint/suspicious/noExplicitAny: as above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("policy_rotations").execute();
  await db.schema.dropTable("rotation_policies").execute();
}
