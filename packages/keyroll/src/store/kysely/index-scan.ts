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

const INDEX_FROM = `select k.id, k.consumer_id, k.scopes, k.prefix, k.expires_at, k.revoked_at, k.admin,
  k.rate_limit, k.rate_limit_period_ms, v.version, v.digest, v.imported, v.activates_at,
  v.grace_starts_at, v.expires_at, v.revoked_at, v.last_used_at, v.checksum_exempt_prefix
  from key_versions v join keys k on k.id = v.key_id`;

/** The scan, ordered by the primary key of `key_versions` (an index walk, no sort). */
export const INDEX_SCAN_SQL = `${INDEX_FROM} order by v.key_id, v.version`;

/**
 * The scan's rows of some keys only (the verifier applying a feed batch): `ids` is the dialect's
 * condition on `v.key_id`, e.g. `in (?, ?)` or `= any($1)`.
 */
export const indexRowsOfSql = (ids: string) =>
  `${INDEX_FROM} where v.key_id ${ids} order by v.key_id, v.version`;

/** Key ids one `indexRowsOf` statement takes (SQLite pads a shorter list, so one statement serves). */
export const INDEX_ROWS_OF_IDS = 500;

/** The feed position a scan in the same snapshot is current to. */
export const INDEX_SEQ_SQL = "select coalesce(max(seq), 0) as seq from changes";

/** Rows handed over at once, between which the event loop runs (a /readyz answers meanwhile). */
export const INDEX_BATCH = 10_000;

/** Receives the rows of a scan batch by batch; the array is reused after the call returns. */
export type IndexSink = (rows: readonly IndexRow[]) => void;
