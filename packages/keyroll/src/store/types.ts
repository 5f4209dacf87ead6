import type { AuditActor, AuditCheckpoint, AuditDiff, AuditEntry } from "../core/audit.js";
import type { ConsumerRecord, KeyRecord, KeyWithVersions, Millis, VersionRecord } from "../core/model.js";
import type { VersionPatch } from "../core/rotation.js";
import type { StoreStats } from "./gate.js";
import type { IndexRow, IndexSink } from "./kysely/index-scan.js";
import type { NodeStore } from "./kysely/nodes.js";
import type { PolicyReads, PolicyTx } from "./kysely/policies.js";
import type { RotationJobReads, RotationJobTx } from "./kysely/rotation-jobs.js";
import type { SuccessorReads, SuccessorWrites } from "./kysely/successors.js";
import type { AlertInput, UsageStore } from "./kysely/usage.js";

export type { NodeRecord } from "./kysely/nodes.js";

import type { WebhookStore, WebhookTx } from "./kysely/webhooks.js";

export type { StoreStats } from "./gate.js";

/** One row of the change feed: something about this key (or consumer) changed at `seq`. */
export interface Change {
  readonly seq: number;
  readonly op: string;
  readonly keyId: string | null;
  readonly consumerId: string | null;
  readonly at: Millis;
}

/** A page request: rows after the `after` id, oldest first. */
export interface PageQuery {
  readonly limit: number;
  readonly after?: string | undefined;
}

/** A stored rotation answer, replayed to a retry that carries the same Idempotency-Key. */
export interface IdempotencyRecord {
  readonly requestHash: string;
  readonly response: { version: number; previous: { version: number; expiresAt: Millis } | null };
  readonly sealedSecret: string;
  readonly createdAt: Millis;
}

/** An audit entry before it is chained (its seq, prevHash and hash are the store's to assign). */
export interface AuditInput {
  readonly id: string;
  readonly at: Millis;
  readonly actor: AuditActor;
  readonly action: string;
  readonly targetId: string | null;
  readonly requestId: string | null;
  readonly address: string | null;
  readonly data: Record<string, unknown>;
  readonly diff: AuditDiff | null;
}

/** Filters of an audit log read; entries come oldest first, after `afterSeq`. */
export interface AuditQuery {
  readonly afterSeq: number;
  readonly limit: number;
  readonly targetId?: string | undefined;
  /** An actor's key id, or `system`. */
  readonly actor?: string | undefined;
  readonly action?: string | undefined;
  readonly since?: Millis | undefined;
  readonly until?: Millis | undefined;
}

/** One node's claim on background work. */
export interface LeaderLock {
  /** Takes the lock if free; true while this node holds it. Safe to call repeatedly. */
  tryAcquire(): Promise<boolean>;
  /** Gives the lock up (a clean stop) and tells the nodes waiting for it. */
  release(): Promise<void>;
  /**
   * Calls `fn` when another node releases the lock on a clean stop, so that this one tries at once
   * instead of at its next tick. Absent where there is only ever one leader (SQLite).
   */
  onReleased?(fn: () => void): void;
}

/** Reads shared by the store and its transactions. */
export interface StoreReads extends SuccessorReads {
  getConsumer(id: string): Promise<ConsumerRecord | undefined>;
  listConsumers(q: PageQuery): Promise<ConsumerRecord[]>;
  getKey(id: string): Promise<KeyWithVersions | undefined>;
  /** Several keys with their versions in two queries, whatever their number (missing ids are left out). */
  getKeys(ids: readonly string[]): Promise<KeyWithVersions[]>;
  listKeys(
    q: PageQuery & {
      consumerId?: string | undefined;
      state?: "active" | "revoked" | undefined;
      externalId?: string | undefined;
    },
  ): Promise<KeyWithVersions[]>;
  findByDigest(digest: string): Promise<KeyWithVersions | undefined>;
  /** The keys that carry any of these external ids. */
  keysByExternalId(
    externalIds: readonly string[],
  ): Promise<Array<{ id: string; consumerId: string; externalId: string }>>;
}

/**
 * Writes, only ever inside `Store.transaction`, so each call's rows commit together.
 *
 * One transaction may write any number of keys (bulk rotation, import): lock them all first with
 * `lockKeys` (one statement, in id order, so two bulk writers cannot deadlock each other), then
 * write each, appending one change and one audit entry per key; they commit together, with one
 * flush to disk, and reach the feed together.
 * @example
 * await store.transaction(async (tx) => {
 *   for (const k of await tx.lockKeys(ids)) {
 *     await tx.patchVersions(k.key.id, plan(k).patches);
 *     await tx.appendChange({ op: "key.rotated", keyId: k.key.id, consumerId: k.key.consumerId, at: now });
 *   }
 * });
 */
export interface StoreTx extends StoreReads, SuccessorWrites {
  /** Reads a key and its versions and, where the dialect can, locks the key row until commit. */
  lockKey(id: string): Promise<KeyWithVersions | undefined>;
  /**
   * `lockKey` for many keys at once: locked in id order, returned in id order; missing ids are
   * left out. Whatever their number, two queries.
   */
  lockKeys(ids: readonly string[]): Promise<KeyWithVersions[]>;
  /**
   * Reads a consumer and, where the dialect can, locks its row until commit: `share` for adding a
   * key to it (many may do that at once), `update` for changing or deleting it (which then waits
   * for those, and sees their keys).
   */
  lockConsumer(id: string, mode: "share" | "update"): Promise<ConsumerRecord | undefined>;
  /** `lockConsumer` in `share` mode for many consumers at once (bulk import); missing ids left out. */
  lockConsumers(ids: readonly string[]): Promise<ConsumerRecord[]>;
  findConsumerByExternalId(externalId: string): Promise<ConsumerRecord | undefined>;
  insertConsumer(c: ConsumerRecord, now: Millis): Promise<void>;
  updateConsumer(
    id: string,
    patch: Partial<Pick<ConsumerRecord, "name" | "externalId" | "metadata" | "deletedAt">>,
    now: Millis,
  ): Promise<void>;
  listKeyIdsOfConsumer(consumerId: string): Promise<string[]>;
  insertKey(k: KeyRecord, now: Millis): Promise<void>;
  updateKey(
    id: string,
    patch: Partial<
      Pick<KeyRecord, "name" | "scopes" | "metadata" | "revokedAt" | "rateLimit" | "allowSuccessorPickup">
    >,
    now: Millis,
  ): Promise<void>;
  insertVersion(v: VersionRecord): Promise<void>;
  /** Many keys in a few multi-row statements (bulk import). */
  insertKeys(keys: readonly KeyRecord[], now: Millis): Promise<void>;
  insertVersions(versions: readonly VersionRecord[]): Promise<void>;
  /** Which of these (hex) digests some version already has. */
  existingDigests(digests: readonly string[]): Promise<string[]>;
  patchVersions(keyId: string, patches: readonly VersionPatch[]): Promise<void>;
  /**
   * `patchVersions` for many keys (a batch of rotations): each key's patches applied in their
   * order, in as many statements as the longest list has patches (one multi-row UPDATE per round).
   */
  patchManyVersions(keys: ReadonlyArray<{ keyId: string; patches: readonly VersionPatch[] }>): Promise<void>;
  digestExists(digest: string): Promise<boolean>;
  countAdminKeys(): Promise<number>;
  getIdempotency(keyId: string, keyHash: string): Promise<IdempotencyRecord | undefined>;
  /**
   * `lockKey`, then `getIdempotency` of that key read after the lock was granted, in one round
   * trip where the store can (a rotation with an Idempotency-Key).
   */
  lockKeyAndIdempotency(
    id: string,
    keyHash: string,
  ): Promise<{ key: KeyWithVersions | undefined; idempotency: IdempotencyRecord | undefined }>;
  putIdempotency(keyId: string, keyHash: string, rec: IdempotencyRecord): Promise<void>;
  /**
   * Takes, until commit, a lock that orders the writers that take it (where writers can run
   * concurrently): a read-then-write decision across keys made after it (the first admin key, the
   * last admin key) cannot race another node's. Ordinary writes do not take it (decision 0012).
   */
  serialize(): Promise<void>;
  /** Appends a change to the feed: readers see it, in feed order, once the transaction commits. */
  appendChange(c: { op: string; keyId: string | null; consumerId: string | null; at: Millis }): Promise<void>;
  /** `appendChange` for many rows, in order, in as few statements as the dialect allows. */
  appendChanges(
    cs: ReadonlyArray<{ op: string; keyId: string | null; consumerId: string | null; at: Millis }>,
  ): Promise<void>;
  /**
   * Appends an audit entry (format 1): chained after the entries committed before it, and it
   * commits with the change it records, or neither does. SQLite writes and links it in the
   * writer's transaction (`linkAudit` in kysely/queries.ts); PostgreSQL queues it in
   * `pending_audit` and the linker chains it after the commit (decision 0012).
   */
  appendAudit(entry: AuditInput): Promise<void>;
  /** `appendAudit` for many entries, in order, in a constant number of statements. */
  appendAudits(entries: readonly AuditInput[]): Promise<void>;
  /**
   * Runs `fn`, whose writes are only inserts and upserts that read nothing back (their results are
   * empty) and that do not depend on each other's order, so that the store may send them with the
   * transaction's last statement instead of one by one (PostgreSQL: as CTEs of the statement that
   * queues the feed and audit rows, one round trip for all; SQLite runs them at once). Nothing
   * read later in the transaction may depend on them.
   */
  atEnd(fn: (tx: StoreTx) => Promise<void>): Promise<void>;
  /** Webhook endpoints and the notification outbox, written in the same transaction. */
  readonly webhooks: WebhookTx;
  /** Rotation policies and the ledger of policy rotations (migration 0009). */
  readonly policies: PolicyTx;
  /** Bulk rotation jobs and their items (decision 0017), written in the same transaction. */
  readonly rotationJobs: RotationJobTx;
  /** Raises alerts in this transaction (an emergency rotation's alert commits with it). */
  raiseAlerts(alerts: readonly AlertInput[]): Promise<void>;
  /** Acknowledges an open alert in this transaction; false when it was not open. */
  ackAlert(id: string, by: string | null, at: number): Promise<boolean>;
}

/**
 * The one storage interface of Keyroll, implemented per dialect (SQLite, PostgreSQL) over shared
 * Kysely queries. Every mutation appends to the change feed in the same transaction.
 */
export interface Store extends StoreReads {
  readonly dialect: "sqlite" | "postgres";
  migrate(): Promise<void>;
  close(): Promise<void>;
  /**
   * Runs `fn` in one transaction. Waits for its turn at most the store's configured wait, then
   * fails with STORE_BUSY; STORE_UNAVAILABLE means the database cannot be reached. When it
   * resolves, the transaction has committed and its changes and audit entries are in the feed and
   * the chain. On SQLite, transactions that queue while another commits are committed together,
   * each in its own savepoint (a failing one rolls back alone).
   */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /**
   * Links committed changes and audit entries that no linker took yet (a writer that died between
   * its commit and its link): PostgreSQL; nothing to do on SQLite. `transaction` does it itself.
   */
  link(): Promise<void>;
  /** Wait time, queue length and use of the write slots, for /metrics. */
  stats(): StoreStats;
  /** Every key with its versions, and the feed position that snapshot is current to. */
  loadAll(): Promise<{ keys: KeyWithVersions[]; seq: number }>;
  /**
   * Streams every version with its key's index fields (kysely/index-scan.ts) to `sink`, in batches,
   * from one snapshot, yielding to the event loop between batches; resolves with the feed position
   * that snapshot is current to. The verifier's start-up load: nothing is materialised at once.
   */
  scanIndex(sink: IndexSink): Promise<number>;
  /** The `scanIndex` rows of these keys (a key that is gone has none), for a feed batch. */
  indexRowsOf(keyIds: readonly string[]): Promise<IndexRow[]>;
  changesSince(seq: number, limit: number): Promise<Change[]>;
  /**
   * `changesSince` and the `indexRowsOf` the keys those changes name, as they are at least as of
   * those changes: a node's catch-up (PostgreSQL answers it in one statement, one snapshot). Keys
   * that no longer exist have no rows.
   */
  changesWithIndexRows(
    seq: number,
    limit: number,
    opts?: {
      /**
       * Keys the caller indexed from its own write (a bulk import, decision 0031): a key of this set
       * whose only change in the batch is its `key.created` needs no rows, and a store may leave
       * them out (SQLite does; PostgreSQL reads the batch in one statement and returns them).
       */
      readonly ownCreated?: ReadonlySet<string> | undefined;
    },
  ): Promise<{ changes: Change[]; rows: IndexRow[] }>;
  latestSeq(): Promise<number>;
  /** Deletes remembered rotation answers older than `before`; returns how many. */
  purgeIdempotency(before: Millis): Promise<number>;
  /** Keys with a version whose stored state lags the time, for the leader to settle. */
  dueKeyIds(now: Millis, limit: number): Promise<string[]>;
  /** The database's clock (epoch ms): stamps and expiry decisions follow it on shared stores. */
  dbNow(): Promise<number>;
  /**
   * Pushes change notifications (PostgreSQL LISTEN). Absent where the feed is only polled (SQLite).
   * `onNotify` fires for each committed change; `onConnected` after every (re)connect, when the
   * caller must read the feed because notifications may have been missed while disconnected.
   */
  listen?(handlers: {
    onNotify(): void;
    onConnected(): void;
    onDisconnected(err: Error | undefined): void;
  }): { close(): Promise<void> };
  /** A lock that at most one node holds at a time, released when its holder dies. */
  leaderLock(): LeaderLock;
  /** Usage per version and minute, client addresses per version, alerts. */
  readonly usage: UsageStore;
  /** Webhook endpoints, deliveries and the delivery worker's bookkeeping. */
  readonly webhooks: WebhookStore;
  /** Rotation policies, and the keys they may be due for. */
  readonly policies: PolicyReads;
  /** Bulk rotation jobs and their items (decision 0017). */
  readonly rotationJobs: RotationJobReads;
  /** Node heartbeats: which nodes run, where, and how far they applied the feed. */
  readonly nodes: NodeStore;
  /** Audit entries in seq order (linked or not), filtered; with no filter, the chain itself. */
  listAudit(q: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Audit entries committed but still queued for the linker, not in `listAudit` yet (PostgreSQL,
   * decision 0012); absent where entries are linked in their writer's transaction (SQLite).
   */
  queuedAudit?(): Promise<number>;
  /** The last linked entry of the chain, or null on an empty log. */
  auditHead(): Promise<{ seq: number; hash: string } | null>;
  /** Stores a signed checkpoint (once per seq: a second one for the same head is ignored). */
  putAuditCheckpoint(c: AuditCheckpoint): Promise<void>;
  /** Checkpoints in seq order, after `afterSeq`. */
  listAuditCheckpoints(afterSeq: number, limit: number): Promise<AuditCheckpoint[]>;
  /** How far the shipping sink `name` got (entries and checkpoints), or zeros. */
  getAuditSinkPosition(name: string): Promise<{ seq: number; checkpointSeq: number }>;
  setAuditSinkPosition(name: string, pos: { seq: number; checkpointSeq: number }, now: Millis): Promise<void>;
}
