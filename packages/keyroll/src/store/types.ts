import type { ConsumerRecord, KeyRecord, KeyWithVersions, Millis, VersionRecord } from "../core/model.js";
import type { VersionPatch } from "../core/rotation.js";
import type { UsageStore } from "./kysely/usage.js";

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

/** An audit entry before it is chained. */
export interface AuditInput {
  readonly id: string;
  readonly at: Millis;
  readonly actor: string | null;
  readonly action: string;
  readonly targetId: string | null;
  readonly data: Record<string, unknown>;
}

/** One node's claim on background work. */
export interface LeaderLock {
  /** Takes the lock if free; true while this node holds it. Safe to call repeatedly. */
  tryAcquire(): Promise<boolean>;
  release(): Promise<void>;
}

/** Reads shared by the store and its transactions. */
export interface StoreReads {
  getConsumer(id: string): Promise<ConsumerRecord | undefined>;
  listConsumers(q: PageQuery): Promise<ConsumerRecord[]>;
  getKey(id: string): Promise<KeyWithVersions | undefined>;
  /** Several keys with their versions in two queries, whatever their number (missing ids are left out). */
  getKeys(ids: readonly string[]): Promise<KeyWithVersions[]>;
  listKeys(
    q: PageQuery & { consumerId?: string | undefined; state?: "active" | "revoked" | undefined },
  ): Promise<KeyWithVersions[]>;
  findByDigest(digest: string): Promise<KeyWithVersions | undefined>;
}

/** Writes, only ever inside `Store.transaction`, so each call's rows commit together. */
export interface StoreTx extends StoreReads {
  /** Reads a key and its versions and, where the dialect can, locks the key row until commit. */
  lockKey(id: string): Promise<KeyWithVersions | undefined>;
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
    patch: Partial<Pick<KeyRecord, "name" | "scopes" | "metadata" | "revokedAt" | "rateLimit">>,
    now: Millis,
  ): Promise<void>;
  insertVersion(v: VersionRecord): Promise<void>;
  patchVersions(keyId: string, patches: readonly VersionPatch[]): Promise<void>;
  digestExists(digest: string): Promise<boolean>;
  countAdminKeys(): Promise<number>;
  getIdempotency(keyId: string, keyHash: string): Promise<IdempotencyRecord | undefined>;
  putIdempotency(keyId: string, keyHash: string, rec: IdempotencyRecord): Promise<void>;
  /**
   * Takes, until commit, the lock that orders writers (where writers can run concurrently): a
   * read-then-write decision made after it cannot race another node's.
   */
  serialize(): Promise<void>;
  appendChange(c: { op: string; keyId: string | null; consumerId: string | null; at: Millis }): Promise<void>;
  appendAudit(entry: AuditInput): Promise<void>;
}

/**
 * The one storage interface of Keyroll, implemented per dialect (SQLite, PostgreSQL) over shared
 * Kysely queries. Every mutation appends to the change feed in the same transaction.
 */
export interface Store extends StoreReads {
  readonly dialect: "sqlite" | "postgres";
  migrate(): Promise<void>;
  close(): Promise<void>;
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T>;
  /** Every key with its versions, and the feed position that snapshot is current to. */
  loadAll(): Promise<{ keys: KeyWithVersions[]; seq: number }>;
  changesSince(seq: number, limit: number): Promise<Change[]>;
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
  /** The audit chain in order, for verification. */
  listAudit(
    afterSeq: number,
    limit: number,
  ): Promise<Array<AuditInput & { seq: number; prevHash: string; hash: string }>>;
}
