import type SQLite from "better-sqlite3";
import { assertStorableText } from "../../core/metadata.js";
import { keyRow, versionRow } from "../kysely/queries.js";
import type { StoreTx } from "../types.js";

// Bulk rows on SQLite (import, decision 0023): one statement prepared once per connection and run
// once a row, inside the writer's transaction, on the connection that transaction holds. Run that
// way, better-sqlite3 costs a few µs a row; a multi-row INSERT built by Kysely cost about four times
// as much (compiling 1 000 rows of 18 values, then preparing a new statement for each).

type Stmt = SQLite.Statement<unknown[]>;

/**
 * `insert into <table> (<columns of row>) values (?, …)`, the columns named by the row mappers.
 * Rows are bound by position (`Object.values` of a mapper's row, in the same key order): binding
 * 18 named parameters from an object cost ≈ 30 % more a row.
 */
function insertSql(table: string, row: Record<string, unknown>): string {
  const cols = Object.keys(row);
  return `insert into ${table} (${cols.join(", ")}) values (${cols.map(() => "?").join(", ")})`;
}

/**
 * `insertKeys`, `insertVersions` and `appendChanges` of a SQLite writer, over `conn`, the
 * connection the store's one writer uses. Only ever called inside its transaction.
 */
export function bulkWrites(
  conn: SQLite.Database,
): Pick<StoreTx, "insertKeys" | "insertVersions" | "appendChanges" | "keysByExternalId" | "existingDigests"> {
  let keys: Stmt | undefined;
  let versions: Stmt | undefined;
  let changes: Stmt | undefined;
  return {
    ...bulkLookups(conn),
    async insertKeys(ks, now) {
      if (ks.length === 0) return;
      assertStorableText(
        ks.map((k) => [k.name, k.scopes, k.metadata, k.externalId]),
        "key",
      );
      const rows = ks.map((k) => keyRow(k, now));
      keys ??= conn.prepare(insertSql("keys", rows[0]!));
      for (const r of rows) keys.run(Object.values(r));
    },
    async insertVersions(vs) {
      if (vs.length === 0) return;
      const rows = vs.map(versionRow);
      versions ??= conn.prepare(insertSql("key_versions", rows[0]!));
      for (const r of rows) versions.run(Object.values(r));
    },
    async appendChanges(cs) {
      changes ??= conn.prepare(
        "insert into changes (op, key_id, consumer_id, created_at) values (?, ?, ?, ?)",
      );
      for (const c of cs) changes.run(c.op, c.keyId, c.consumerId, c.at);
    },
  };
}

/**
 * The import's look-ups by many values on SQLite: one statement prepared once, its values in one
 * JSON array parameter (`json_each`), where Kysely compiled a 5 000-value `in (…)` list and
 * better-sqlite3 prepared it anew for each call. Run on `conn` by the caller holding it.
 */
export function bulkLookups(conn: SQLite.Database): Pick<StoreTx, "keysByExternalId" | "existingDigests"> {
  let byExternal: SQLite.Statement<[string]> | undefined;
  let digests: SQLite.Statement<[string]> | undefined;
  return {
    async keysByExternalId(externalIds) {
      if (externalIds.length === 0) return [];
      byExternal ??= conn.prepare(
        "select id, consumer_id, external_id from keys where external_id in (select value from json_each(?))",
      );
      return (
        byExternal.all(JSON.stringify(externalIds)) as Array<{
          id: string;
          consumer_id: string;
          external_id: string;
        }>
      ).map((k) => ({ id: k.id, consumerId: k.consumer_id, externalId: k.external_id }));
    },
    async existingDigests(ds) {
      if (ds.length === 0) return [];
      digests ??= conn.prepare(
        "select digest from key_versions where digest in (select value from json_each(?))",
      );
      return digests.pluck().all(JSON.stringify(ds)) as string[];
    },
  };
}
