import { CompiledQuery, type Kysely } from "kysely";
import { assertStorableText } from "../../core/metadata.js";
import { keyRow, versionRow } from "../kysely/queries.js";
import type { Database } from "../kysely/schema.js";
import type { StoreTx } from "../types.js";

// Bulk rows on PostgreSQL (import, decision 0025): one statement a table, its rows in one jsonb
// parameter read back by `jsonb_populate_recordset` with the table's own row type. Kysely's
// multi-row INSERTs of 1 000 rows had 18 000 parameters each, which PostgreSQL parsed, planned and
// bound statement by statement; one short statement text is prepared once per connection
// (prepared.ts) and reads its 10 000 rows as one value.

/** Rows in one statement at most: a request has at most 10 000; bigger lists are split. */
const ROWS = 10_000;

/** `insert into <table> (<columns of row>) select <columns> from jsonb_populate_recordset(…)`. */
function insertSql(table: "keys" | "key_versions", row: Record<string, unknown>): string {
  // the column names are the row mappers' own: no input reaches this text
  const cols = Object.keys(row).join(", ");
  return `insert into ${table} (${cols}) select ${cols} from jsonb_populate_recordset(null::${table}, $1::jsonb)`;
}

/**
 * `insertKeys` and `insertVersions` of a PostgreSQL transaction, over `db` (the transaction). The
 * columns are those of the shared row mappers (`keyRow`, `versionRow`), so the two paths cannot
 * drift; `scopes` and `metadata` go in as JSON values, since their columns are jsonb here.
 */
export function pgBulkWrites(
  db: Kysely<Database>,
): Pick<StoreTx, "insertKeys" | "insertVersions" | "keysByExternalId" | "existingDigests"> {
  const run = async (table: "keys" | "key_versions", rows: Record<string, unknown>[]) => {
    const text = insertSql(table, rows[0]!);
    for (let i = 0; i < rows.length; i += ROWS) {
      const part = rows.length <= ROWS ? rows : rows.slice(i, i + ROWS);
      await db.executeQuery(CompiledQuery.raw(text, [JSON.stringify(part)]));
    }
  };
  return {
    ...pgBulkReads(db),
    async insertKeys(ks, now) {
      if (ks.length === 0) return;
      assertStorableText(
        ks.map((k) => [k.name, k.scopes, k.metadata, k.externalId]),
        "key",
      );
      await run(
        "keys",
        ks.map((k) => ({ ...keyRow(k, now), scopes: k.scopes, metadata: k.metadata })),
      );
    },
    async insertVersions(vs) {
      if (vs.length === 0) return;
      await run("key_versions", vs.map(versionRow));
    },
  };
}

/**
 * The import's look-ups by many values, each one statement with one array parameter
 * (`= any($1::text[])`): one prepared text whatever the count, where a 5 000-value `in (…)` list
 * was a new statement to parse and plan for every length.
 */
export function pgBulkReads(db: Kysely<Database>): Pick<StoreTx, "keysByExternalId" | "existingDigests"> {
  return {
    async keysByExternalId(externalIds) {
      if (externalIds.length === 0) return [];
      const r = await db.executeQuery<{ id: string; consumer_id: string; external_id: string }>(
        CompiledQuery.raw(
          "select id, consumer_id, external_id from keys where external_id = any($1::text[])",
          [externalIds],
        ),
      );
      return r.rows.map((k) => ({ id: k.id, consumerId: k.consumer_id, externalId: k.external_id }));
    },
    async existingDigests(digests) {
      if (digests.length === 0) return [];
      const r = await db.executeQuery<{ digest: string }>(
        CompiledQuery.raw("select digest from key_versions where digest = any($1::text[])", [digests]),
      );
      return r.rows.map((v) => v.digest);
    },
  };
}
