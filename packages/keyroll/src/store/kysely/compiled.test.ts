import assert from "node:assert/strict";
import { test } from "node:test";
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from "kysely";
import { compiledOnce, insertRowOnce } from "./compiled.js";
import type { Database } from "./schema.js";

const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (d) => new PostgresIntrospector(d),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const lockKey = (id: string) => db.selectFrom("keys").selectAll().where("id", "=", id).forUpdate();

test("a precompiled statement is the text and parameters Kysely builds for the same arguments", () => {
  for (const id of ["key_a", "key_b", "x'); drop table keys; --"]) {
    const once = compiledOnce(`test:lockKey`, [id], ([id]) => lockKey(id!));
    const fresh = lockKey(id).compile();
    assert.equal(once.sql, fresh.sql);
    assert.deepEqual(once.parameters, fresh.parameters);
  }
});

test("an argument used twice is bound twice; a constant of the builder keeps its place", () => {
  const build = (a: string, b: number) =>
    db
      .updateTable("keys")
      .set({ name: a, scopes: a, created_at: b })
      .where("prefix", "=", "kr_live")
      .where("id", "=", a);
  const once = compiledOnce("test:twice", ["n1", 7], ([a, b]) => build(a!, b as unknown as number));
  assert.deepEqual(once.parameters, build("n1", 7).compile().parameters);
  assert.deepEqual(once.parameters, ["n1", "n1", 7, "kr_live", "n1"]);
});

test("a row insert is compiled per column list: the columns whose value is defined, as Kysely's values()", () => {
  const build = (row: Record<string, unknown>) => db.insertInto("sealed_successors").values(row as never);
  const full = {
    key_id: "key_a",
    version: 1,
    successor_version: 2,
    enc: "e",
    ciphertext: "c",
    created_at: 5,
  };
  for (const row of [
    full,
    { ...full, enc: null },
    { ...full, enc: undefined },
    { ...full, key_id: "key_b" },
  ]) {
    const once = insertRowOnce("test", "sealed_successors", row, build);
    const fresh = build(row).compile();
    assert.equal(once.sql, fresh.sql);
    assert.deepEqual(once.parameters, fresh.parameters);
  }
});

test("a builder that does not bind each argument as a value is refused", () => {
  assert.throws(
    () => compiledOnce("test:dropped", ["key_a", "ignored"], ([id]) => lockKey(id!)),
    /must bind each of its arguments/,
  );
  // an argument that is not a value must not become SQL text: the template is refused
  assert.throws(
    () =>
      compiledOnce("test:inlined", ["key_a", "name"], ([id, column]) =>
        db
          .selectFrom("keys")
          .select(column as "name")
          .where("id", "=", id!),
      ),
    /must bind|inlined/,
  );
});
