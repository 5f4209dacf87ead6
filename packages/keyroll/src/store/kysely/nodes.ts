import type { Kysely } from "kysely";
import type { Database } from "./schema.js";

// Node heartbeats: shared queries for every dialect.

type Db = Kysely<Database>;
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));

/** One node as it last reported itself. */
export interface NodeRecord {
  readonly id: string;
  /** `server` or `gateway`. */
  readonly kind: string;
  /** The base URL other machines reach it at (KEYROLL_ADVERTISE_URL). */
  readonly address: string;
  /** Its software version. */
  readonly version: string;
  readonly startedAt: number;
  readonly lastSeenAt: number;
  /** The change-feed position it has applied. */
  readonly feedSeq: number;
  /** The latest revocation (its `revokedAt`) its verifier has applied, or null. */
  readonly lastRevocationAt: number | null;
}

/** Node rows: a heartbeat upserts, a list reads those seen since a time. */
export function nodeStore(db: Db) {
  return {
    /** Writes this node's row (insert or refresh). */
    async heartbeat(n: NodeRecord): Promise<void> {
      await db
        .insertInto("nodes")
        .values({
          id: n.id,
          kind: n.kind,
          address: n.address,
          version: n.version,
          started_at: n.startedAt,
          last_seen_at: n.lastSeenAt,
          feed_seq: n.feedSeq,
          last_revocation_at: n.lastRevocationAt,
        })
        .onConflict((oc) =>
          oc.column("id").doUpdateSet({
            address: n.address,
            version: n.version,
            last_seen_at: n.lastSeenAt,
            feed_seq: n.feedSeq,
            last_revocation_at: n.lastRevocationAt,
          }),
        )
        .execute();
    },

    /** Nodes seen at or after `since`, by id. */
    async listNodes(since: number): Promise<NodeRecord[]> {
      const rows = await db
        .selectFrom("nodes")
        .selectAll()
        .where("last_seen_at", ">=", since)
        .orderBy("id")
        .limit(1000)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind,
        address: r.address,
        version: r.version,
        startedAt: num(r.started_at),
        lastSeenAt: num(r.last_seen_at),
        feedSeq: num(r.feed_seq),
        lastRevocationAt: r.last_revocation_at === null ? null : num(r.last_revocation_at),
      }));
    },

    /** Deletes rows not seen since `before` (nodes long gone); returns how many. */
    async forgetNodes(before: number): Promise<number> {
      const r = await db.deleteFrom("nodes").where("last_seen_at", "<", before).executeTakeFirst();
      return Number(r.numDeletedRows);
    },

    /** Deletes this node's row (a clean stop). */
    async removeNode(id: string): Promise<void> {
      await db.deleteFrom("nodes").where("id", "=", id).execute();
    },
  };
}

/** The node part of the Store. */
export type NodeStore = ReturnType<typeof nodeStore>;
