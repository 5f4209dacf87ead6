import { type Kysely, type Selectable, sql } from "kysely";
import {
  AUDIT_FORMAT,
  type AuditActor,
  type AuditCheckpoint,
  type AuditDiff,
  type AuditEntry,
  entryHash,
  GENESIS_HASH,
} from "../../core/audit.js";
import { assertStorableText } from "../../core/metadata.js";
import type {
  ConsumerRecord,
  KeyRecord,
  KeyWithVersions,
  VersionRecord,
  VersionState,
} from "../../core/model.js";
import type { VersionPatch } from "../../core/rotation.js";
import type {
  AuditInput,
  AuditQuery,
  Change,
  IdempotencyRecord,
  PageQuery,
  StoreReads,
  StoreTx,
} from "../types.js";
import { compiledOnce, insertRowOnce } from "./compiled.js";
import { policyReads, policyWrites } from "./policies.js";
import { rotationJobWrites } from "./rotation-jobs.js";
import type { AuditLogTable, ConsumersTable, Database, KeysTable, KeyVersionsTable } from "./schema.js";
import { successorReads, successorWrites } from "./successors.js";
import { ackAlert, raiseAlerts } from "./usage.js";
import { type HeldWrite, webhookWrites } from "./webhooks.js";

// Queries shared by every dialect. Dialect quirks (transactions, locks, notify) live in sqlite/ and postgres/.

type Db = Kysely<Database>;

const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

export function toConsumer(r: ConsumersTable): ConsumerRecord {
  return {
    id: r.id,
    name: r.name,
    externalId: r.external_id,
    metadata: json(r.metadata) as Record<string, unknown>,
    system: num(r.system) === 1,
    createdAt: num(r.created_at),
    deletedAt: numOrNull(r.deleted_at),
  };
}

export function toKey(r: KeysTable): KeyRecord {
  return {
    id: r.id,
    consumerId: r.consumer_id,
    name: r.name,
    scopes: json(r.scopes) as string[],
    prefix: r.prefix,
    metadata: json(r.metadata) as Record<string, unknown>,
    admin: num(r.admin) === 1,
    createdAt: num(r.created_at),
    expiresAt: numOrNull(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
    // absent, not null, on a key without one: a record reads back as it was written
    ...(r.rate_limit !== null &&
      r.rate_limit !== undefined && {
        rateLimit: { limit: num(r.rate_limit), periodMs: num(r.rate_limit_period_ms) },
      }),
    allowSuccessorPickup: num(r.allow_successor_pickup ?? 1) === 1,
    // likewise absent on a key without one
    ...(r.external_id !== null && r.external_id !== undefined && { externalId: r.external_id }),
  };
}

export function toVersion(r: KeyVersionsTable): VersionRecord {
  return {
    keyId: r.key_id,
    version: num(r.version),
    digest: r.digest,
    start: r.start,
    imported: num(r.imported) === 1,
    storedState: r.state as VersionState,
    createdAt: num(r.created_at),
    activatesAt: num(r.activates_at),
    graceStartsAt: numOrNull(r.grace_starts_at),
    expiresAt: numOrNull(r.expires_at),
    revokedAt: numOrNull(r.revoked_at),
    lastUsedAt: numOrNull(r.last_used_at),
    checksumExemptPrefix: r.checksum_exempt_prefix,
    retireWhenUnusedMs: numOrNull(r.retire_when_unused_ms),
    extendMaxAt: numOrNull(r.extend_max_at),
    extendStepMs: numOrNull(r.extend_step_ms),
    retiredReason: r.retired_reason,
    publicKey: r.public_key ?? null,
  };
}

/** Key rows with their versions, in the order given, in one more query. */
export async function withVersions(db: Db, keys: KeysTable[]): Promise<KeyWithVersions[]> {
  if (keys.length === 0) return [];
  const rows = await db
    .selectFrom("key_versions")
    .selectAll()
    .where(
      "key_id",
      "in",
      keys.map((k) => k.id),
    )
    .orderBy("key_id")
    .orderBy("version")
    .execute();
  const byKey = new Map<string, VersionRecord[]>();
  for (const r of rows) {
    const list = byKey.get(r.key_id) ?? [];
    list.push(toVersion(r));
    byKey.set(r.key_id, list);
  }
  return keys.map((k) => ({ key: toKey(k), versions: byKey.get(k.id) ?? [] }));
}

/**
 * Keys by id with their versions in ONE statement (PostgreSQL: each key's versions as a JSON
 * array): a round trip saved per read, and one snapshot for both. Not for a locking read: after
 * waiting for a row lock, READ COMMITTED re-reads the locked row but not a subquery's rows
 * (which would then be the versions from before the lock's holder committed); `lockKey` reads its
 * versions in a second statement for that reason.
 */
async function keysWithVersionsPg(db: Db, ids: readonly string[]): Promise<KeyWithVersions[]> {
  const rows = await db
    .selectFrom("keys")
    .selectAll("keys")
    .select(
      sql<KeyVersionsTable[]>`(select coalesce(json_agg(v order by v.version), '[]'::json)
        from key_versions v where v.key_id = keys.id)`.as("versions"),
    )
    .where("id", "in", [...ids])
    .execute();
  return rows.map(({ versions, ...k }) => ({ key: toKey(k), versions: versions.map(toVersion) }));
}

/** Reads over any Kysely handle (the store or a transaction). */
export function reads(db: Db, flavour: "sqlite" | "postgres" = "sqlite"): StoreReads {
  return {
    ...successorReads(db),
    async getConsumer(id) {
      const r = await db.selectFrom("consumers").selectAll().where("id", "=", id).executeTakeFirst();
      return r ? toConsumer(r) : undefined;
    },
    async listConsumers(q: PageQuery) {
      let qb = db.selectFrom("consumers").selectAll().where("deleted_at", "is", null);
      if (q.after) qb = qb.where("id", ">", q.after);
      const rows = await qb.orderBy("id").limit(q.limit).execute();
      return rows.map(toConsumer);
    },
    async getKey(id) {
      if (flavour === "postgres") return (await keysWithVersionsPg(db, [id]))[0];
      const k = await db.selectFrom("keys").selectAll().where("id", "=", id).executeTakeFirst();
      return k ? (await withVersions(db, [k]))[0] : undefined;
    },
    async getKeys(ids) {
      if (ids.length === 0) return [];
      if (flavour === "postgres") return keysWithVersionsPg(db, ids);
      const keys = await db
        .selectFrom("keys")
        .selectAll()
        .where("id", "in", [...ids])
        .execute();
      return withVersions(db, keys);
    },
    async listKeys(q) {
      let qb = db.selectFrom("keys").selectAll();
      if (q.consumerId) qb = qb.where("consumer_id", "=", q.consumerId);
      if (q.externalId !== undefined) qb = qb.where("external_id", "=", q.externalId);
      if (q.state === "active") qb = qb.where("revoked_at", "is", null);
      if (q.state === "revoked") qb = qb.where("revoked_at", "is not", null);
      if (q.after) qb = qb.where("id", ">", q.after);
      return withVersions(db, await qb.orderBy("id").limit(q.limit).execute());
    },
    async keysByExternalId(externalIds) {
      const out: Array<{ id: string; consumerId: string; externalId: string }> = [];
      for (let i = 0; i < externalIds.length; i += BULK_IDS) {
        const rows = await db
          .selectFrom("keys")
          .select(["id", "consumer_id", "external_id"])
          .where("external_id", "in", externalIds.slice(i, i + BULK_IDS))
          .execute();
        for (const r of rows) out.push({ id: r.id, consumerId: r.consumer_id, externalId: r.external_id! });
      }
      return out;
    },
    async findByDigest(digest) {
      const v = await db
        .selectFrom("key_versions")
        .select("key_id")
        .where("digest", "=", digest)
        .executeTakeFirst();
      if (!v) return undefined;
      const k = await db.selectFrom("keys").selectAll().where("id", "=", v.key_id).executeTakeFirst();
      return k ? (await withVersions(db, [k]))[0] : undefined;
    },
  };
}

/** What a dialect supplies to `writes`: its locks, and (PostgreSQL) where feed and audit rows go. */
export interface DialectWrites {
  /** Which SQL the few dialect-specific statements (multi-row updates over a JSON list) are written in. */
  sql: "sqlite" | "postgres";
  lockKey: StoreTx["lockKey"];
  lockKeys: StoreTx["lockKeys"];
  lockConsumer: StoreTx["lockConsumer"];
  lockConsumers: StoreTx["lockConsumers"];
  /** A lock held until commit, for the rare decisions that read across keys (see `StoreTx.serialize`). */
  serialize?: () => Promise<void>;
  /** Default: insert into `changes` now (SQLite, one writer at a time). */
  appendChange?: StoreTx["appendChange"];
  /** Default: write onto `audit_log` and link it now (SQLite, one writer at a time). */
  appendAudit?: StoreTx["appendAudit"];
  /** A handle whose writes are sent with the transaction's last statement (`StoreTx.atEnd`); default: `db`. */
  deferredDb?: () => Db;
  /**
   * A handle whose writes are sent with the transaction's next statement rather than in a round
   * trip of their own (PostgreSQL: `held` in postgres/prepared.ts), in order; for writes whose
   * result nobody reads (their error is that next statement's). Default: `db`.
   */
  heldDb?: () => Db;
  /** Held writes whose rows are wanted once they ran (`webhooks.queueEvents`); default: none. */
  heldWrite?: HeldWrite;
  /** Default: `lockKey`, then `getIdempotency`. */
  lockKeyAndIdempotency?: StoreTx["lockKeyAndIdempotency"];
}

/** Rows a bulk INSERT writes at once: within both dialects' limits on bound parameters. */
const BULK_ROWS = 1000;
/** Values of one `in (…)` list. */
const BULK_IDS = 5000;
/** Audit rows per INSERT (13 columns each). */
const AUDIT_ROWS = 500;

/** The optional columns of a version patch: left as they are when the patch leaves them undefined. */
const PATCH_COLUMNS = [
  ["graceStartsAt", "grace_starts_at", "bigint"],
  ["expiresAt", "expires_at", "bigint"],
  ["revokedAt", "revoked_at", "bigint"],
  ["retireWhenUnusedMs", "retire_when_unused_ms", "bigint"],
  ["extendMaxAt", "extend_max_at", "bigint"],
  ["extendStepMs", "extend_step_ms", "bigint"],
  ["retiredReason", "retired_reason", "text"],
] as const;

/** Patches one key's versions, one statement per patch, in the given order. */
async function patchVersions(
  db: Db,
  dialect: string,
  keyId: string,
  patches: readonly VersionPatch[],
): Promise<void> {
  // in the given order: plans put demotions before promotions for the one-active index
  for (const p of patches) {
    // the columns a patch sets are its shape: compiled once per set of columns (PATCH_COLUMNS)
    const present = PATCH_COLUMNS.filter(([field]) => p[field] !== undefined);
    await db.executeQuery(
      compiledOnce(
        `${dialect}:patchVersion:${present.map(([, c]) => c).join(",")}`,
        [keyId, p.version, p.storedState, ...present.map(([field]) => p[field])],
        ([keyId, version, state, ...values]) =>
          db
            .updateTable("key_versions")
            .set({
              state: state as VersionState,
              ...Object.fromEntries(present.map(([, column], i) => [column, values[i]])),
            })
            .where("key_id", "=", keyId!)
            .where("version", "=", version as unknown as number),
      ),
    );
  }
}

/**
 * One UPDATE of many versions (at most one patch per version), from one JSON parameter: a field
 * a patch leaves undefined is absent from its element and the column keeps its value.
 */
async function patchRows(
  db: Db,
  dialect: "sqlite" | "postgres",
  rows: ReadonlyArray<{ keyId: string; p: VersionPatch }>,
): Promise<void> {
  const list = JSON.stringify(
    rows.map(({ keyId, p }) => {
      const o: Record<string, unknown> = { key_id: keyId, version: p.version, state: p.storedState };
      for (const [field, column] of PATCH_COLUMNS) if (p[field] !== undefined) o[column] = p[field];
      return o;
    }),
  );
  if (dialect === "postgres") {
    const sets = PATCH_COLUMNS.map(
      ([, c, t]) => `${c} = case when x.p ? '${c}' then (x.p->>'${c}')::${t} else kv.${c} end`,
    ).join(", ");
    await sql`update key_versions kv set state = x.p->>'state', ${sql.raw(sets)}
      from jsonb_array_elements(${list}::jsonb) as x(p)
      where kv.key_id = x.p->>'key_id' and kv.version = (x.p->>'version')::integer`.execute(db);
    return;
  }
  const sets = PATCH_COLUMNS.map(
    ([, c]) =>
      `${c} = case when json_type(x.value, '$.${c}') is null then ${c} else json_extract(x.value, '$.${c}') end`,
  ).join(", ");
  await sql`update key_versions set state = json_extract(x.value, '$.state'), ${sql.raw(sets)}
    from json_each(${list}) as x
    where key_versions.key_id = json_extract(x.value, '$.key_id')
      and key_versions.version = json_extract(x.value, '$.version')`.execute(db);
}

export function keyRow(k: KeyRecord, now: number) {
  return {
    id: k.id,
    consumer_id: k.consumerId,
    name: k.name,
    scopes: JSON.stringify(k.scopes),
    prefix: k.prefix,
    metadata: JSON.stringify(k.metadata),
    admin: k.admin ? 1 : 0,
    created_at: k.createdAt,
    updated_at: now,
    expires_at: k.expiresAt,
    revoked_at: k.revokedAt,
    rate_limit: k.rateLimit?.limit ?? null,
    rate_limit_period_ms: k.rateLimit?.periodMs ?? null,
    allow_successor_pickup: k.allowSuccessorPickup ? 1 : 0,
    external_id: k.externalId ?? null,
  };
}

export function versionRow(v: VersionRecord) {
  return {
    key_id: v.keyId,
    version: v.version,
    digest: v.digest,
    start: v.start,
    imported: v.imported ? 1 : 0,
    state: v.storedState,
    created_at: v.createdAt,
    activates_at: v.activatesAt,
    grace_starts_at: v.graceStartsAt,
    expires_at: v.expiresAt,
    revoked_at: v.revokedAt,
    last_used_at: v.lastUsedAt,
    checksum_exempt_prefix: v.checksumExemptPrefix,
    retire_when_unused_ms: v.retireWhenUnusedMs,
    extend_max_at: v.extendMaxAt,
    extend_step_ms: v.extendStepMs,
    retired_reason: v.retiredReason,
    public_key: v.publicKey,
  };
}

/** The idempotency record of (key, Idempotency-Key hash). */
export function idempotencyQuery(db: Db, keyId: string, keyHash: string) {
  return db
    .selectFrom("idempotency_keys")
    .selectAll()
    .where("key_id", "=", keyId)
    .where("key_hash", "=", keyHash);
}

export function toIdempotency(r: Selectable<Database["idempotency_keys"]>): IdempotencyRecord {
  return {
    requestHash: r.request_hash,
    response: json(r.response) as IdempotencyRecord["response"],
    sealedSecret: r.sealed_secret,
    createdAt: num(r.created_at),
  };
}

/** Writes over a transaction handle, with the dialect's locks and feed. */
export function writes(db: Db, dialect: DialectWrites): StoreTx {
  let deferred: StoreTx | undefined;
  const self: StoreTx = {
    async atEnd(fn) {
      if (!dialect.deferredDb) return fn(self);
      deferred ??= writes(dialect.deferredDb(), { ...dialect, deferredDb: undefined });
      return fn(deferred);
    },
    webhooks: webhookWrites(db, dialect.heldWrite),
    policies: { ...policyReads(db), ...policyWrites(db) },
    rotationJobs: rotationJobWrites(db),
    raiseAlerts: (alerts) => raiseAlerts(db, alerts),
    ackAlert: (id, by, at) => ackAlert(db, id, by, at),
    ...reads(db, dialect.sql),
    ...successorWrites(db, dialect.sql),
    lockKey: dialect.lockKey,
    lockKeyAndIdempotency:
      dialect.lockKeyAndIdempotency ??
      (async (id, keyHash) => {
        const key = await dialect.lockKey(id);
        return { key, idempotency: key && (await self.getIdempotency(id, keyHash)) };
      }),
    lockKeys: dialect.lockKeys,
    lockConsumer: dialect.lockConsumer,
    lockConsumers: dialect.lockConsumers,
    async serialize() {
      await dialect.serialize?.();
    },
    async appendChanges(cs) {
      if (dialect.appendChange) {
        for (const c of cs) await dialect.appendChange(c);
        return;
      }
      for (let i = 0; i < cs.length; i += BULK_ROWS) {
        await db
          .insertInto("changes")
          .values(
            cs
              .slice(i, i + BULK_ROWS)
              .map((c) => ({ op: c.op, key_id: c.keyId, consumer_id: c.consumerId, created_at: c.at })),
          )
          .execute();
      }
    },
    appendChange:
      dialect.appendChange ??
      (async (c) => {
        await db
          .insertInto("changes")
          .values({ op: c.op, key_id: c.keyId, consumer_id: c.consumerId, created_at: c.at })
          .execute();
      }),
    appendAudit:
      dialect.appendAudit ??
      (async (entry: AuditInput) => {
        // one writer at a time (SQLite): written unlinked, then linked in the same transaction
        const row = auditColumns(entry);
        await db
          .insertInto("audit_log")
          .values({
            ...row,
            data: JSON.stringify(row.data),
            diff: row.diff === null ? null : JSON.stringify(row.diff),
            prev_hash: null,
            hash: null,
          })
          .execute();
        await linkAudit(db);
      }),
    async appendAudits(entries) {
      if (dialect.appendAudit) {
        for (const e of entries) await dialect.appendAudit(e);
        return;
      }
      if (entries.length === 0) return;
      // one writer at a time (SQLite): written unlinked in one statement, then linked, whatever
      // their number, in three more (linkAudit)
      for (let i = 0; i < entries.length; i += AUDIT_ROWS) {
        await db
          .insertInto("audit_log")
          .values(
            entries.slice(i, i + AUDIT_ROWS).map((entry) => {
              const row = auditColumns(entry);
              return {
                ...row,
                data: JSON.stringify(row.data),
                diff: row.diff === null ? null : JSON.stringify(row.diff),
                prev_hash: null,
                hash: null,
              };
            }),
          )
          .execute();
      }
      await linkAudit(db);
    },
    async findConsumerByExternalId(externalId) {
      const r = await db
        .selectFrom("consumers")
        .selectAll()
        .where("external_id", "=", externalId)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return r ? toConsumer(r) : undefined;
    },
    async insertConsumer(c, now) {
      assertStorableText([c.name, c.externalId, c.metadata], "consumer");
      await db
        .insertInto("consumers")
        .values({
          id: c.id,
          name: c.name,
          external_id: c.externalId,
          metadata: JSON.stringify(c.metadata),
          system: c.system ? 1 : 0,
          created_at: c.createdAt,
          updated_at: now,
          deleted_at: c.deletedAt,
        })
        .execute();
    },
    async updateConsumer(id, patch, now) {
      assertStorableText(patch, "consumer");
      await db
        .updateTable("consumers")
        .set({
          updated_at: now,
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.externalId !== undefined && { external_id: patch.externalId }),
          ...(patch.metadata !== undefined && { metadata: JSON.stringify(patch.metadata) }),
          ...(patch.deletedAt !== undefined && { deleted_at: patch.deletedAt }),
        })
        .where("id", "=", id)
        .execute();
    },
    async listKeyIdsOfConsumer(consumerId) {
      const rows = await db.selectFrom("keys").select("id").where("consumer_id", "=", consumerId).execute();
      return rows.map((r) => r.id);
    },
    async insertKey(k, now) {
      assertStorableText([k.name, k.scopes, k.metadata, k.externalId], "key");
      await db.insertInto("keys").values(keyRow(k, now)).execute();
    },
    async insertKeys(ks, now) {
      assertStorableText(
        ks.map((k) => [k.name, k.scopes, k.metadata, k.externalId]),
        "key",
      );
      for (let i = 0; i < ks.length; i += BULK_ROWS) {
        await db
          .insertInto("keys")
          .values(ks.slice(i, i + BULK_ROWS).map((k) => keyRow(k, now)))
          .execute();
      }
    },
    async existingDigests(digests) {
      const out: string[] = [];
      for (let i = 0; i < digests.length; i += BULK_IDS) {
        const rows = await db
          .selectFrom("key_versions")
          .select("digest")
          .where("digest", "in", digests.slice(i, i + BULK_IDS))
          .execute();
        for (const r of rows) out.push(r.digest);
      }
      return out;
    },
    async updateKey(id, patch, now) {
      assertStorableText(patch, "key");
      await db
        .updateTable("keys")
        .set({
          updated_at: now,
          ...(patch.name !== undefined && { name: patch.name }),
          ...(patch.scopes !== undefined && { scopes: JSON.stringify(patch.scopes) }),
          ...(patch.metadata !== undefined && { metadata: JSON.stringify(patch.metadata) }),
          ...(patch.revokedAt !== undefined && { revoked_at: patch.revokedAt }),
          ...(patch.rateLimit !== undefined && {
            rate_limit: patch.rateLimit?.limit ?? null,
            rate_limit_period_ms: patch.rateLimit?.periodMs ?? null,
          }),
          ...(patch.allowSuccessorPickup !== undefined && {
            allow_successor_pickup: patch.allowSuccessorPickup ? 1 : 0,
          }),
        })
        .where("id", "=", id)
        .execute();
    },
    async insertVersion(v) {
      await db.executeQuery(
        insertRowOnce(dialect.sql, "key_versions", versionRow(v), (row) =>
          db.insertInto("key_versions").values(row as unknown as ReturnType<typeof versionRow>),
        ),
      );
    },
    async insertVersions(vs) {
      for (let i = 0; i < vs.length; i += BULK_ROWS) {
        await db
          .insertInto("key_versions")
          .values(vs.slice(i, i + BULK_ROWS).map(versionRow))
          .execute();
      }
    },
    // nothing reads a patch's result: held for the next statement where the dialect can
    patchVersions: (keyId, patches: readonly VersionPatch[]) =>
      patchVersions(dialect.heldDb?.() ?? db, dialect.sql, keyId, patches),
    async patchManyVersions(keys) {
      // round r applies the r-th patch of every key: each key's patches keep their order
      // (demotions before promotions, for the one-active index), and a round is one statement
      const rounds = keys.reduce((m, k) => Math.max(m, k.patches.length), 0);
      for (let r = 0; r < rounds; r++) {
        const rows = keys
          .filter((k) => k.patches.length > r)
          .map((k) => ({ keyId: k.keyId, p: k.patches[r]! }));
        if (rows.length === 1) {
          await patchVersions(dialect.heldDb?.() ?? db, dialect.sql, rows[0]!.keyId, [rows[0]!.p]);
          continue;
        }
        for (let i = 0; i < rows.length; i += BULK_ROWS) {
          await patchRows(dialect.heldDb?.() ?? db, dialect.sql, rows.slice(i, i + BULK_ROWS));
        }
      }
    },
    async digestExists(digest) {
      const r = await db
        .selectFrom("key_versions")
        .select("key_id")
        .where("digest", "=", digest)
        .executeTakeFirst();
      return r !== undefined;
    },
    async countAdminKeys() {
      const r = await db
        .selectFrom("keys")
        .select((eb) => eb.fn.countAll().as("n"))
        // word for word the condition of the partial index keys_admin_live (migration 0015)
        .where(sql<boolean>`admin = 1 and revoked_at is null`)
        .executeTakeFirstOrThrow();
      return num(r.n);
    },
    async getIdempotency(keyId, keyHash) {
      const r = await idempotencyQuery(db, keyId, keyHash).executeTakeFirst();
      return r ? toIdempotency(r) : undefined;
    },
    async putIdempotency(keyId, keyHash, rec) {
      const response = JSON.stringify(rec.response);
      // one shape whatever the record (a null sealed secret is bound, not inlined): compiled once
      await db.executeQuery(
        compiledOnce(
          `${dialect.sql}:putIdempotency`,
          [keyId, keyHash, rec.requestHash, response, rec.sealedSecret, rec.createdAt],
          ([keyId, keyHash, requestHash, response, sealedSecret, createdAt]) =>
            db
              .insertInto("idempotency_keys")
              .values({
                key_id: keyId!,
                key_hash: keyHash!,
                request_hash: requestHash!,
                response: response!,
                sealed_secret: sealedSecret!,
                created_at: createdAt as unknown as number,
              })
              // a record past its 24 h is replaced: the key may be reused after that
              .onConflict((oc) =>
                oc.columns(["key_id", "key_hash"]).doUpdateSet({
                  request_hash: requestHash!,
                  response: response!,
                  sealed_secret: sealedSecret!,
                  created_at: createdAt as unknown as number,
                }),
              ),
        ),
      );
    },
  };
  return self;
}

/**
 * Links every audit entry that is not linked yet, in seq order, onto the head of the chain (at most
 * four statements, whatever their number; the last one is written in SQLite's SQL). SQLite
 * runs it in the writer's transaction (one writer at a time, so no two linkers read the same head);
 * PostgreSQL chains its queued entries in its linker instead (store/postgres/linker.ts, decision
 * 0012), with the same `entryHash`, so either gives the same chain.
 * @returns how many entries it linked
 */
export async function linkAudit(db: Db): Promise<number> {
  const todo = await db
    .selectFrom("audit_log")
    .selectAll()
    .where("hash", "is", null)
    .orderBy("seq")
    .execute();
  if (todo.length === 0) return 0;
  const head = await db
    .selectFrom("audit_log")
    .select("hash")
    .where("hash", "is not", null)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  let prev = head?.hash ?? GENESIS_HASH;
  const links: Array<{ s: number; p: string; h: string }> = [];
  for (const r of todo) {
    const h = entryHash(prev, toAuditEntry(r));
    links.push({ s: num(r.seq), p: prev, h });
    prev = h;
  }
  if (links.length === 1) {
    await db
      .updateTable("audit_log")
      .set({ prev_hash: links[0]!.p, hash: links[0]!.h })
      .where("seq", "=", links[0]!.s)
      .execute();
    return 1;
  }
  // every entry linked in one statement (SQLite: only it links here)
  await sql`update audit_log set prev_hash = json_extract(x.value, '$.p'), hash = json_extract(x.value, '$.h')
    from json_each(${JSON.stringify(links)}) as x
    where audit_log.seq = json_extract(x.value, '$.s')`.execute(db);
  return todo.length;
}

/**
 * The columns of a new audit entry (data and diff as values), checked storable: what SQLite writes
 * into `audit_log` and a PostgreSQL writer queues in `pending_audit` (store/postgres/linker.ts).
 */
export function auditColumns(entry: AuditInput) {
  assertStorableText(entry, "audit entry");
  return {
    id: entry.id,
    at: entry.at,
    v: AUDIT_FORMAT,
    actor: entry.actor.type === "system" ? null : entry.actor.keyId,
    actor_type: entry.actor.type,
    actor_version: entry.actor.type === "system" ? null : entry.actor.version,
    actor_rule: entry.actor.type === "system" ? entry.actor.rule : null,
    action: entry.action,
    target_id: entry.targetId,
    request_id: entry.requestId,
    address: entry.address,
    data: entry.data as unknown,
    diff: entry.diff as unknown,
  };
}

/** An audit row as the API and exports show it. */
export function toAuditEntry(r: Selectable<AuditLogTable>): AuditEntry {
  const type = (r.actor_type ?? (r.actor === null ? "system" : "admin")) as AuditActor["type"];
  const actor: AuditActor =
    type === "system"
      ? { type, rule: r.actor_rule }
      : { type, keyId: r.actor ?? "", version: numOrNull(r.actor_version) };
  return {
    v: num(r.v),
    seq: num(r.seq),
    id: r.id,
    at: new Date(num(r.at)).toISOString(),
    actor,
    action: r.action,
    targetId: r.target_id,
    requestId: r.request_id,
    address: r.address,
    data: json(r.data) as Record<string, unknown>,
    diff: (json(r.diff) ?? null) as AuditDiff | null,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

/** Moves `lastUsedAt` of versions forward (never back: nodes flush in any order). */
export async function recordLastUsed(
  db: Db,
  entries: ReadonlyArray<{ keyId: string; version: number; at: number }>,
): Promise<void> {
  for (const e of entries) {
    await db
      .updateTable("key_versions")
      .set({
        last_used_at: sql<number>`case when last_used_at is null or last_used_at < ${e.at} then ${e.at} else last_used_at end`,
      })
      .where("key_id", "=", e.keyId)
      .where("version", "=", e.version)
      .execute();
  }
}

/** Store-level reads that are not part of a transaction. */
export function feed(db: Db) {
  return {
    async latestSeq(): Promise<number> {
      const r = await db
        .selectFrom("changes")
        .select((eb) => eb.fn.max("seq").as("seq"))
        .executeTakeFirst();
      return numOrNull(r?.seq) ?? 0;
    },
    async changesSince(seq: number, limit: number): Promise<Change[]> {
      const rows = await db
        .selectFrom("changes")
        .selectAll()
        .where("seq", ">", seq)
        .orderBy("seq")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        seq: num(r.seq),
        op: r.op,
        keyId: r.key_id,
        consumerId: r.consumer_id,
        at: num(r.created_at),
      }));
    },
    async allKeys(): Promise<KeyWithVersions[]> {
      const keys = await db.selectFrom("keys").selectAll().orderBy("id").execute();
      const versions = await db
        .selectFrom("key_versions")
        .selectAll()
        .orderBy("key_id")
        .orderBy("version")
        .execute();
      const byKey = new Map<string, VersionRecord[]>();
      for (const r of versions) {
        const list = byKey.get(r.key_id) ?? [];
        list.push(toVersion(r));
        byKey.set(r.key_id, list);
      }
      return keys.map((k) => ({ key: toKey(k), versions: byKey.get(k.id) ?? [] }));
    },
    /** Deletes remembered rotation answers (and their sealed secrets) older than `before`. */
    async purgeIdempotency(before: number): Promise<number> {
      const r = await db.deleteFrom("idempotency_keys").where("created_at", "<", before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    /** Keys with a version whose stored state lags the time (due activations and grace ends). */
    async dueKeyIds(now: number, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom("key_versions")
        .select("key_id")
        .distinct()
        .where((eb) =>
          eb.or([
            eb.and([eb("state", "=", "scheduled"), eb("activates_at", "<=", now)]),
            eb.and([eb("state", "in", ["active", "grace"]), eb("expires_at", "<=", now)]),
            eb.and([eb("state", "=", "active"), eb("grace_starts_at", "<=", now)]),
          ]),
        )
        .where("revoked_at", "is", null)
        // the condition of the partial index key_versions_due (migration 0014), word for word
        .where(sql<boolean>`(state = 'scheduled' or expires_at is not null or grace_starts_at is not null)`)
        .limit(limit)
        .execute();
      return rows.map((r) => r.key_id);
    },
    async listAudit(q: AuditQuery): Promise<AuditEntry[]> {
      let qb = db.selectFrom("audit_log").selectAll().where("seq", ">", q.afterSeq);
      if (q.targetId !== undefined) qb = qb.where("target_id", "=", q.targetId);
      if (q.actor === "system") qb = qb.where("actor_type", "=", "system");
      else if (q.actor !== undefined) qb = qb.where("actor", "=", q.actor);
      if (q.action !== undefined) qb = qb.where("action", "=", q.action);
      if (q.since !== undefined) qb = qb.where("at", ">=", q.since);
      if (q.until !== undefined) qb = qb.where("at", "<", q.until);
      const rows = await qb.orderBy("seq").limit(q.limit).execute();
      return rows.map(toAuditEntry);
    },
    async auditHead(): Promise<{ seq: number; hash: string } | null> {
      const r = await db
        .selectFrom("audit_log")
        .select(["seq", "hash"])
        .where("hash", "is not", null)
        .orderBy("seq", "desc")
        .limit(1)
        .executeTakeFirst();
      return r ? { seq: num(r.seq), hash: r.hash! } : null;
    },
    async putAuditCheckpoint(c: AuditCheckpoint): Promise<void> {
      await db
        .insertInto("audit_checkpoints")
        .values({ seq: c.seq, hash: c.hash, at: Date.parse(c.at), key_id: c.keyId, signature: c.signature })
        .onConflict((oc) => oc.column("seq").doNothing())
        .execute();
    },
    async getAuditSinkPosition(name: string): Promise<{ seq: number; checkpointSeq: number }> {
      const r = await db.selectFrom("audit_sinks").selectAll().where("name", "=", name).executeTakeFirst();
      return r ? { seq: num(r.seq), checkpointSeq: num(r.checkpoint_seq) } : { seq: 0, checkpointSeq: 0 };
    },
    async setAuditSinkPosition(name: string, pos: { seq: number; checkpointSeq: number }, now: number) {
      await db
        .insertInto("audit_sinks")
        .values({ name, seq: pos.seq, checkpoint_seq: pos.checkpointSeq, updated_at: now })
        .onConflict((oc) =>
          oc.column("name").doUpdateSet({ seq: pos.seq, checkpoint_seq: pos.checkpointSeq, updated_at: now }),
        )
        .execute();
    },
    async listAuditCheckpoints(afterSeq: number, limit: number): Promise<AuditCheckpoint[]> {
      const rows = await db
        .selectFrom("audit_checkpoints")
        .selectAll()
        .where("seq", ">", afterSeq)
        .orderBy("seq")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        v: 1 as const,
        seq: num(r.seq),
        hash: r.hash,
        at: new Date(num(r.at)).toISOString(),
        keyId: r.key_id,
        signature: r.signature,
      }));
    },
  };
}
