// The verifier's start-up read (issue 16): every version with the fields of its key that a
// decision needs, as one row of plain values, streamed from the store in batches. Dialects run
// this query with their own streaming (a SQLite iterator on a read connection, a PostgreSQL cursor)
// and hand the rows over as arrays, never as an object per column.

/**
 * One indexed version with its key's fields, as positional values (see the `INDEX_*` column
 * numbers). Rows of one key come together, ordered by version.
 */
export type IndexRow = readonly unknown[];

/** Column numbers of an {@link IndexRow}. */
export const IX = {
  keyId: 0,
  consumerId: 1,
  scopes: 2,
  prefix: 3,
  keyExpiresAt: 4,
  keyRevokedAt: 5,
  admin: 6,
  rateLimit: 7,
  rateLimitPeriodMs: 8,
  version: 9,
  digest: 10,
  imported: 11,
  activatesAt: 12,
  graceStartsAt: 13,
  expiresAt: 14,
  revokedAt: 15,
  lastUsedAt: 16,
  checksumExemptPrefix: 17,
} as const;

const INDEX_COLUMNS = `k.id, k.consumer_id, k.scopes, k.prefix, k.expires_at, k.revoked_at, k.admin,
  k.rate_limit, k.rate_limit_period_ms, v.version, v.digest, v.imported, v.activates_at,
  v.grace_starts_at, v.expires_at, v.revoked_at, v.last_used_at, v.checksum_exempt_prefix`;
const INDEX_JOIN = "from key_versions v join keys k on k.id = v.key_id";
const INDEX_FROM = `select ${INDEX_COLUMNS} ${INDEX_JOIN}`;

/** The scan, ordered by the primary key of `key_versions` (an index walk, no sort). */
export const INDEX_SCAN_SQL = `${INDEX_FROM} order by v.key_id, v.version`;

/**
 * The scan's rows of some keys only (the verifier applying a feed batch): `ids` is the dialect's
 * condition on `v.key_id`, e.g. `in (?, ?)` or `= any($1)`.
 */
export const indexRowsOfSql = (ids: string) =>
  `${INDEX_FROM} where v.key_id ${ids} order by v.key_id, v.version`;

/**
 * A feed batch in one statement (PostgreSQL: one round trip, one snapshot): the changes after `$1`
 * (at most `$2`) and the index rows of the keys they name. Rows are 22 wide: an index row's first
 * 18 columns are {@link IX}'s, the last four null; a change row has its key id in column 0 and
 * `seq, op, consumer_id, created_at` in {@link CX}'s columns. See {@link splitFeedBatch}.
 */
export const CHANGES_WITH_INDEX_ROWS_SQL = `with c as (
    select seq, op, key_id, consumer_id, created_at from changes where seq > $1 order by seq limit $2)
  select ${INDEX_COLUMNS}, null::bigint, null::text, null::text, null::bigint ${INDEX_JOIN}
    where v.key_id in (select key_id from c where key_id is not null)
  union all
  select c.key_id, ${Array(17).fill("null").join(", ")}, c.seq, c.op, c.consumer_id, c.created_at from c`;

/** The columns of a change in a {@link CHANGES_WITH_INDEX_ROWS_SQL} row. */
export const CX = { seq: 18, op: 19, consumerId: 20, at: 21 } as const;

/**
 * The rows of {@link CHANGES_WITH_INDEX_ROWS_SQL} as the changes (in feed order) and the index rows
 * (by key, then version, 18 wide: as `indexRowsOf` gives them).
 */
export function splitFeedBatch(rows: readonly IndexRow[]): {
  changes: Array<{ seq: number; op: string; keyId: string | null; consumerId: string | null; at: number }>;
  rows: IndexRow[];
} {
  const changes = [];
  const index: IndexRow[] = [];
  for (const r of rows) {
    if (r[CX.seq] === null) index.push(r.slice(0, CX.seq));
    else
      changes.push({
        seq: Number(r[CX.seq]),
        op: r[CX.op] as string,
        keyId: r[IX.keyId] as string | null,
        consumerId: r[CX.consumerId] as string | null,
        at: Number(r[CX.at]),
      });
  }
  changes.sort((a, b) => a.seq - b.seq);
  index.sort((a, b) => {
    const x = a[IX.keyId] as string;
    const y = b[IX.keyId] as string;
    return x < y ? -1 : x > y ? 1 : Number(a[IX.version]) - Number(b[IX.version]);
  });
  return { changes, rows: index };
}

/** Key ids one `indexRowsOf` statement takes (SQLite pads a shorter list, so one statement serves). */
export const INDEX_ROWS_OF_IDS = 500;

/** The feed position a scan in the same snapshot is current to. */
export const INDEX_SEQ_SQL = "select coalesce(max(seq), 0) as seq from changes";

/** Rows handed over at once, between which the event loop runs (a /readyz answers meanwhile). */
export const INDEX_BATCH = 10_000;

/**
 * A batch of scan rows packed by a thread that read them (SQLite, decision 0025): the same rows as
 * {@link IndexRow}s, column by column in three transferable buffers, so that the thread reading
 * the database hands them over without an object per row or per value.
 */
export interface PackedIndexRows {
  readonly packed: true;
  /** Rows in the batch. */
  readonly n: number;
  /** {@link PACKED_NUMS} numbers a row (NaN for null). */
  readonly nums: Float64Array;
  /** {@link PACKED_TEXTS} byte lengths a row (-1 for null) of the texts in `bytes`, in that order. */
  readonly lens: Int32Array;
  /** Each row's texts one after the other, UTF-8; the digest as its raw bytes (hex decoded). */
  readonly bytes: Uint8Array;
}

/** The text columns of a packed row, in order (`digest` is written hex-decoded). */
export const PACKED_TEXTS = [
  IX.keyId,
  IX.consumerId,
  IX.scopes,
  IX.prefix,
  IX.checksumExemptPrefix,
  IX.digest,
] as const;

/** The number columns of a packed row, in order (the scan's others; `lastUsedAt` is not loaded). */
export const PACKED_NUMS = [
  IX.keyExpiresAt,
  IX.keyRevokedAt,
  IX.admin,
  IX.rateLimit,
  IX.rateLimitPeriodMs,
  IX.version,
  IX.imported,
  IX.activatesAt,
  IX.graceStartsAt,
  IX.expiresAt,
  IX.revokedAt,
] as const;

/** Rows in a packed batch: ≈ 20 ms of the receiving thread's work, so it answers between batches. */
export const PACKED_BATCH = 4_000;

/**
 * Receives a scan batch by batch: rows (the array is reused after the call returns), or a packed
 * batch (SQLite's scan thread).
 */
export type IndexSink = (rows: readonly IndexRow[] | PackedIndexRows) => void;
