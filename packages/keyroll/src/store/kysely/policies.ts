import { type Kysely, sql } from "kysely";
import type { PolicyJson, PolicySource } from "../../core/policy.js";
import type { Database } from "./schema.js";

// Rotation policies and the ledger of the rotations they made (migration 0009).

type Db = Kysely<Database>;
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));

/** One stored policy: of a key, of a consumer, or the global default (`targetId` ""). */
export interface PolicyRow {
  readonly scope: PolicySource;
  readonly targetId: string;
  readonly policy: PolicyJson;
  readonly updatedAt: number;
}

/** A key a policy may be due for: live, not an admin key, its clients able to pick a successor up. */
export interface PolicyCandidate {
  readonly keyId: string;
  readonly consumerId: string;
  /** `lastRotationAt` of core/policy.ts, computed by the database. */
  readonly lastRotationAt: number;
}

const toRow = (r: { scope: string; target_id: string; policy: string; updated_at: number }): PolicyRow => ({
  scope: r.scope as PolicySource,
  targetId: r.target_id,
  policy: JSON.parse(r.policy) as PolicyJson,
  updatedAt: num(r.updated_at),
});

/** Reads of policies, over the store or a transaction. */
export function policyReads(db: Db) {
  return {
    async listPolicies(): Promise<PolicyRow[]> {
      const rows = await db
        .selectFrom("rotation_policies")
        .selectAll()
        .orderBy("scope")
        .orderBy("target_id")
        .execute();
      return rows.map(toRow);
    },
    /** The key's own policy, its consumer's and the default, whichever exist. */
    async policiesFor(keyId: string, consumerId: string): Promise<PolicyRow[]> {
      const rows = await db
        .selectFrom("rotation_policies")
        .selectAll()
        .where((eb) =>
          eb.or([
            eb.and([eb("scope", "=", "key"), eb("target_id", "=", keyId)]),
            eb.and([eb("scope", "=", "consumer"), eb("target_id", "=", consumerId)]),
            eb("scope", "=", "default"),
          ]),
        )
        .execute();
      return rows.map(toRow);
    },
    /**
     * Live, non-admin keys with successor pickup on whose last rotation is at or before `before`,
     * among the next `span` keys in id order after `after`: the only keys a policy can be due for.
     * One call looks at `span` keys whatever it finds (the aggregate over their versions is what
     * costs), so a scan of a large fleet is many short calls; `next` is the cursor of the next
     * call, null after the last key.
     */
    async policyCandidates(q: {
      before: number;
      now: number;
      after?: string | undefined;
      span: number;
    }): Promise<{ rows: PolicyCandidate[]; next: string | null }> {
      let ids = db.selectFrom("keys").select("id");
      if (q.after !== undefined) ids = ids.where("id", ">", q.after);
      const bound = await ids
        .orderBy("id")
        .limit(1)
        .offset(q.span - 1)
        .executeTakeFirst();
      const last = sql<number>`max(case when v.revoked_at is not null and v.revoked_at < v.activates_at then v.revoked_at else v.activates_at end)`;
      let qb = db
        .selectFrom("keys as k")
        .innerJoin("key_versions as v", "v.key_id", "k.id")
        .select(["k.id as keyId", "k.consumer_id as consumerId", last.as("lastRotationAt")])
        .where("k.revoked_at", "is", null)
        .where("k.admin", "=", 0)
        .where("k.allow_successor_pickup", "=", 1)
        .where((eb) => eb.or([eb("k.expires_at", "is", null), eb("k.expires_at", ">", q.now)]));
      if (q.after !== undefined) qb = qb.where("k.id", ">", q.after);
      if (bound) qb = qb.where("k.id", "<=", bound.id);
      const rows = await qb
        .groupBy(["k.id", "k.consumer_id"])
        .having(last, "<=", q.before)
        .orderBy("k.id")
        .execute();
      return {
        rows: rows.map((r) => ({
          keyId: r.keyId,
          consumerId: r.consumerId,
          lastRotationAt: num(r.lastRotationAt),
        })),
        next: bound?.id ?? null,
      };
    },
    /** How many rotations policies made for this key (the ledger), newest first. */
    async policyRotations(
      keyId: string,
    ): Promise<Array<{ dueAt: number; version: number; createdAt: number }>> {
      const rows = await db
        .selectFrom("policy_rotations")
        .selectAll()
        .where("key_id", "=", keyId)
        .orderBy("due_at", "desc")
        .execute();
      return rows.map((r) => ({
        dueAt: num(r.due_at),
        version: num(r.version),
        createdAt: num(r.created_at),
      }));
    },
  };
}

/** Writes of policies and the ledger, only inside a transaction. */
export function policyWrites(db: Db) {
  return {
    async putPolicy(row: PolicyRow): Promise<void> {
      const policy = JSON.stringify(row.policy);
      await db
        .insertInto("rotation_policies")
        .values({ scope: row.scope, target_id: row.targetId, policy, updated_at: row.updatedAt })
        .onConflict((oc) =>
          oc.columns(["scope", "target_id"]).doUpdateSet({ policy, updated_at: row.updatedAt }),
        )
        .execute();
    },
    /** Deletes a policy; false when there was none. */
    async deletePolicy(scope: PolicySource, targetId: string): Promise<boolean> {
      const r = await db
        .deleteFrom("rotation_policies")
        .where("scope", "=", scope)
        .where("target_id", "=", targetId)
        .executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    /**
     * Claims the policy rotation of `keyId` planned for `dueAt`: true for the first claim, false when
     * one was already made (by this leader or another). In the rotation's transaction, so a rotation
     * that rolls back releases its claim.
     */
    async claimPolicyRotation(keyId: string, dueAt: number, version: number, now: number): Promise<boolean> {
      const r = await db
        .insertInto("policy_rotations")
        .values({ key_id: keyId, due_at: dueAt, version, created_at: now })
        .onConflict((oc) => oc.columns(["key_id", "due_at"]).doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}

/** The reads' interface. */
export type PolicyReads = ReturnType<typeof policyReads>;
/** The writes' interface (with the reads, inside a transaction). */
export type PolicyTx = PolicyReads & ReturnType<typeof policyWrites>;
