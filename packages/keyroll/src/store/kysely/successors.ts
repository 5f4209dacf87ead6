import { type Kysely, sql } from "kysely";
import { insertRowOnce } from "./compiled.js";
import type { Database } from "./schema.js";

// Sealed successors and pickup counts (migration 0006, decision 0014).

type Db = Kysely<Database>;
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));

/** A successor secret sealed to the public key of `version` (it carries `successorVersion`). */
export interface SealedSuccessorRow {
  readonly keyId: string;
  readonly version: number;
  readonly successorVersion: number;
  readonly enc: string;
  readonly ciphertext: string;
  readonly createdAt: number;
}

/** Pickups by holders of one version, per client address. */
export interface PickupRow {
  readonly keyId: string;
  readonly version: number;
  readonly address: string;
  readonly count: number;
  readonly firstAt: number;
  readonly lastAt: number;
}

/** Reads of sealed successors and pickups, over the store or a transaction. */
export function successorReads(db: Db) {
  return {
    /** Successors sealed for holders of `version`, newest first. */
    async sealedSuccessors(keyId: string, version: number): Promise<SealedSuccessorRow[]> {
      const rows = await db
        .selectFrom("sealed_successors")
        .selectAll()
        .where("key_id", "=", keyId)
        .where("version", "=", version)
        .orderBy("successor_version", "desc")
        .execute();
      return rows.map((r) => ({
        keyId: r.key_id,
        version: num(r.version),
        successorVersion: num(r.successor_version),
        enc: r.enc,
        ciphertext: r.ciphertext,
        createdAt: num(r.created_at),
      }));
    },
    /** Pickup counts of these keys' versions, per address. */
    async pickups(keyIds: readonly string[]): Promise<PickupRow[]> {
      if (keyIds.length === 0) return [];
      const rows = await db
        .selectFrom("successor_pickups")
        .selectAll()
        .where("key_id", "in", [...keyIds])
        .orderBy("key_id")
        .orderBy("version")
        .orderBy("address")
        .execute();
      return rows.map((r) => ({
        keyId: r.key_id,
        version: num(r.version),
        address: r.address,
        count: num(r.count),
        firstAt: num(r.first_at),
        lastAt: num(r.last_at),
      }));
    },
  };
}

/** Writes of sealed successors and pickups, only inside a transaction. */
export function successorWrites(db: Db, dialect: string) {
  return {
    async putSealedSuccessor(r: SealedSuccessorRow): Promise<void> {
      const row = {
        key_id: r.keyId,
        version: r.version,
        successor_version: r.successorVersion,
        enc: r.enc,
        ciphertext: r.ciphertext,
        created_at: r.createdAt,
      };
      // every rotation's statement: compiled once (kysely/compiled.ts)
      await db.executeQuery(
        insertRowOnce(dialect, "sealed_successors", row, (ps) =>
          db.insertInto("sealed_successors").values(ps as unknown as typeof row),
        ),
      );
    },
    /**
     * `putSealedSuccessor` for many rows in as few multi-row statements as the dialects' limits on
     * bound parameters allow (one for a batch of up to 1 000): a bulk rotation's successors.
     */
    async putSealedSuccessors(rows: readonly SealedSuccessorRow[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 1000) {
        await db
          .insertInto("sealed_successors")
          .values(
            rows.slice(i, i + 1000).map((r) => ({
              key_id: r.keyId,
              version: r.version,
              successor_version: r.successorVersion,
              enc: r.enc,
              ciphertext: r.ciphertext,
              created_at: r.createdAt,
            })),
          )
          .execute();
      }
    },
    /** Deletes what was sealed for holders of these versions (they can no longer open anything useful). */
    async deleteSealedSuccessors(keyId: string, versions?: readonly number[]): Promise<void> {
      let q = db.deleteFrom("sealed_successors").where("key_id", "=", keyId);
      if (versions !== undefined) {
        if (versions.length === 0) return;
        q = q.where("version", "in", [...versions]);
      }
      await q.execute();
    },
    async recordPickup(keyId: string, version: number, address: string, at: number): Promise<void> {
      await db
        .insertInto("successor_pickups")
        .values({ key_id: keyId, version, address, count: 1, first_at: at, last_at: at })
        .onConflict((oc) =>
          oc.columns(["key_id", "version", "address"]).doUpdateSet({
            count: sql<number>`successor_pickups.count + 1`,
            last_at: at,
          }),
        )
        .execute();
    },
  };
}

/** The reads' interface. */
export type SuccessorReads = ReturnType<typeof successorReads>;
/** The writes' interface. */
export type SuccessorWrites = ReturnType<typeof successorWrites>;
