import { hash } from "node:crypto";
import { auditDiff, canonicalJson } from "../core/audit.js";
import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { assertMetadata } from "../core/metadata.js";
import {
  type KeyRecord,
  type KeyWithVersions,
  type Millis,
  type VersionRecord,
  versionState,
} from "../core/model.js";
import { type RateLimit, rateLimitProblem } from "../core/rate-limit.js";
import {
  planKeyRevoke,
  planRollback,
  planRotation,
  planVersionRevoke,
  settle,
  type VersionPatch,
} from "../core/rotation.js";
import { DEFAULT_PREFIX, generateSecret, importProblem, isValidPrefix } from "../core/secret.js";
import { planTrafficPolicies, type TrafficEvent } from "../core/traffic.js";
import { buildVersion } from "../core/version.js";
import type { StoreTx } from "../store/types.js";
import { createCommit, type Write } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import { systemActor } from "./deps.js";
import { iso, keyEvent } from "./events.js";
import { IDEMPOTENCY_TTL_MS, idempotencyHash, seal, unseal } from "./idempotency.js";
import { writeRotations } from "./rotation-write.js";

/** Scopes an admin key may carry. */
export const ADMIN_SCOPES = ["admin", "keys:read", "keys:write", "verify"] as const;

/** Input of `create`. */
export interface CreateKeyInput {
  consumerId: string;
  name?: string | null | undefined;
  scopes?: string[] | undefined;
  prefix?: string | undefined;
  expiresAt?: Millis | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** An existing secret to import instead of generating one. */
  secret?: string | undefined;
  /** Requests per period for this key (a token bucket), or none. */
  rateLimit?: RateLimit | null | undefined;
  /** Holders of a previous secret may fetch its successor (default true). */
  allowSuccessorPickup?: boolean | undefined;
}

function assertRateLimit(r: RateLimit | null | undefined): void {
  const p = r == null ? undefined : rateLimitProblem(r);
  if (p !== undefined) throw new KeyrollError("VALIDATION_FAILED", `rateLimit: ${p}`);
}

/** Input of `rotate`. */
export interface RotateInput {
  graceMs: Millis;
  activateAt?: Millis | undefined;
  reason?: string | undefined;
  /** Retire the previous version early once unused this long (and the new one used). */
  retireWhenUnusedMs?: Millis | undefined;
  /** Extend the previous version's grace while in use, by `stepMs`, up to `maxMs` after the switch. */
  extendWhileInUse?: { maxMs: Millis; stepMs: Millis } | undefined;
  /**
   * Seal the new secret for holders of the previous one (successor pickup, decision 0014), when the
   * key allows it. Default true; an emergency rotation passes false: a leaked secret must not
   * yield its successor.
   */
  sealForPickup?: boolean | undefined;
  /** Set by a policy rotation: where its policy came from and its planned switch time (audited). */
  policy?: { source: string; dueAt: Millis } | undefined;
}

/** A freshly made secret and the key it belongs to; the secret exists nowhere else. */
export interface IssuedSecret {
  key: KeyWithVersions;
  secret: string;
  version: number;
}

/** Use cases on keys: create or import, read, update, rotate, roll back, revoke. */
export function createKeyService(deps: ServiceDeps) {
  const { store, clock } = deps;
  const commit = createCommit(deps);

  async function mustLock(tx: StoreTx, id: string): Promise<KeyWithVersions> {
    const k = await tx.lockKey(id);
    if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${id} does not exist`);
    return k;
  }

  function assertMayWrite(k: KeyRecord, actor: Actor): void {
    // changing an admin key could hand its secret to a caller without the admin scope
    if (k.admin && !actor.scopes.includes("admin")) {
      throw new KeyrollError("FORBIDDEN", "changing an admin key needs the admin scope");
    }
  }

  function newVersion(
    keyId: string,
    version: number,
    secret: string,
    imported: boolean,
    now: Millis,
    activatesAt: Millis,
    storedState: VersionRecord["storedState"],
  ): VersionRecord {
    return buildVersion({ keyId, version, secret, imported, now, activatesAt, storedState });
  }

  /** Records that this key changed: every node reloads it once the write commits. */
  function keyChanged(w: Write, k: KeyRecord, op: string): void {
    w.changed(op, { keyId: k.id, consumerId: k.consumerId });
  }

  return {
    /** Creates a key with version 1, generated (or imported from `input.secret`). */
    async create(input: CreateKeyInput, actor: Actor): Promise<IssuedSecret> {
      assertMetadata(input.metadata);
      assertRateLimit(input.rateLimit);
      const now = clock.now();
      const prefix = input.prefix ?? DEFAULT_PREFIX;
      if (!isValidPrefix(prefix)) {
        throw new KeyrollError(
          "VALIDATION_FAILED",
          "prefix must be 1-16 chars of [a-z0-9_], starting with [a-z0-9]",
        );
      }
      if (input.expiresAt != null && input.expiresAt <= now) {
        throw new KeyrollError("VALIDATION_FAILED", "expiresAt must be in the future");
      }
      const imported = input.secret !== undefined;
      if (imported) {
        const problem = importProblem(input.secret!);
        if (problem) throw new KeyrollError("INVALID_SECRET", `secret ${problem}`);
      }
      const secret = input.secret ?? generateSecret(prefix);
      const scopes = [...new Set(input.scopes ?? [])];
      const out = await commit(actor, async (w) => {
        const { tx, now } = w;
        // shared: keys may be added to one consumer at once; its deletion waits and sees them
        const consumer = await tx.lockConsumer(input.consumerId, "share");
        if (!consumer || consumer.deletedAt !== null) {
          throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${input.consumerId} does not exist`);
        }
        if (consumer.system) {
          if (!actor.scopes.includes("admin")) {
            throw new KeyrollError("FORBIDDEN", "creating an admin key needs the admin scope");
          }
          const bad = scopes.filter((s) => !(ADMIN_SCOPES as readonly string[]).includes(s));
          if (bad.length > 0 || scopes.length === 0) {
            throw new KeyrollError(
              "VALIDATION_FAILED",
              `admin keys take scopes from: ${ADMIN_SCOPES.join(", ")}`,
            );
          }
        }
        const key: KeyRecord = {
          id: newId("key", now),
          consumerId: consumer.id,
          name: input.name ?? null,
          scopes,
          prefix,
          metadata: input.metadata ?? {},
          createdAt: now,
          expiresAt: input.expiresAt ?? null,
          revokedAt: null,
          admin: consumer.system,
          rateLimit: input.rateLimit ?? null,
          allowSuccessorPickup: input.allowSuccessorPickup ?? true,
        };
        const v = newVersion(key.id, 1, secret, imported, now, now, "active");
        if (await tx.digestExists(v.digest)) {
          throw new KeyrollError("SECRET_ALREADY_EXISTS", "this secret is already in use by a key");
        }
        await tx.insertKey(key, now);
        await tx.insertVersion(v);
        keyChanged(w, key, "key.created");
        w.audit(imported ? "key.imported" : "key.created", key.id, {
          consumerId: key.consumerId,
          name: key.name,
          scopes,
          prefix,
          expiresAt: key.expiresAt,
          metadata: key.metadata,
          admin: key.admin,
          version: 1,
        });
        keyEvent(w, "key.created", key, { version: 1, imported, createdAt: iso(now) });
        return (await tx.getKey(key.id))!;
      });
      deps.logger.info({ keyId: out.key.id, consumerId: out.key.consumerId, imported }, "key created");
      return { key: out, secret, version: 1 };
    },

    async get(id: string): Promise<KeyWithVersions> {
      const k = await store.getKey(id);
      if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${id} does not exist`);
      return k;
    },

    async list(q: {
      consumerId?: string | undefined;
      state?: "active" | "revoked" | undefined;
      externalId?: string | undefined;
      limit: number;
      after?: string | undefined;
    }): Promise<KeyWithVersions[]> {
      return store.listKeys(q);
    },

    async update(
      id: string,
      patch: {
        name?: string | null | undefined;
        scopes?: string[] | undefined;
        metadata?: Record<string, unknown> | undefined;
        rateLimit?: RateLimit | null | undefined;
        allowSuccessorPickup?: boolean | undefined;
      },
      actor: Actor,
    ): Promise<KeyWithVersions> {
      assertMetadata(patch.metadata);
      assertRateLimit(patch.rateLimit);
      return commit(actor, async (w) => {
        const { tx, now } = w;
        const k = await mustLock(tx, id);
        assertMayWrite(k.key, actor);
        if (k.key.revokedAt !== null) throw new KeyrollError("KEY_REVOKED", `key ${id} is revoked`);
        const scopes = patch.scopes === undefined ? undefined : [...new Set(patch.scopes)];
        if (k.key.admin && scopes) {
          const bad = scopes.filter((s) => !(ADMIN_SCOPES as readonly string[]).includes(s));
          if (bad.length > 0 || scopes.length === 0) {
            throw new KeyrollError(
              "VALIDATION_FAILED",
              `admin keys take scopes from: ${ADMIN_SCOPES.join(", ")}`,
            );
          }
        }
        await tx.updateKey(id, { ...patch, scopes } as Parameters<StoreTx["updateKey"]>[1], now);
        keyChanged(w, k.key, "key.updated");
        const diff = auditDiff(k.key, { ...patch, scopes }, ["name", "scopes", "metadata"]);
        w.audit(
          "key.updated",
          id,
          { fields: Object.keys(patch).filter((f) => patch[f as keyof typeof patch] !== undefined) },
          diff,
        );
        return (await tx.getKey(id))!;
      });
    },

    /**
     * Rotates a key in one transaction: a new version (active now or at `activateAt`), the previous
     * one in grace until `graceMs` after that. With an Idempotency-Key, a retry returns the same
     * successor and secret instead of making another.
     */
    async rotate(
      id: string,
      input: RotateInput,
      actor: Actor,
      idempotencyKey?: string,
    ): Promise<
      IssuedSecret & { previous: { version: number; expiresAt: Millis } | null; replayed: boolean }
    > {
      const requestHash = hash(
        "sha256",
        canonicalJson({
          graceMs: input.graceMs,
          activateAt: input.activateAt ?? null,
          reason: input.reason ?? null,
          retireWhenUnusedMs: input.retireWhenUnusedMs ?? null,
          extendWhileInUse: input.extendWhileInUse ?? null,
        }),
        "hex",
      );
      const idemHash = idempotencyKey === undefined ? undefined : idempotencyHash(id, idempotencyKey);
      const out = await commit(actor, async (w) => {
        const { tx, now } = w;
        // with an Idempotency-Key, its record is read under the key's lock, in the same round trip
        const locked = idemHash === undefined ? undefined : await tx.lockKeyAndIdempotency(id, idemHash);
        const k = locked === undefined ? await mustLock(tx, id) : locked.key;
        if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${id} does not exist`);
        assertMayWrite(k.key, actor);
        if (idemHash !== undefined) {
          const prior = locked!.idempotency;
          if (prior && now - prior.createdAt < IDEMPOTENCY_TTL_MS) {
            if (prior.requestHash !== requestHash) {
              throw new KeyrollError(
                "IDEMPOTENCY_KEY_REUSED",
                "this Idempotency-Key was sent with a different body",
              );
            }
            return {
              key: k,
              secret: unseal(id, idempotencyKey!, prior.sealedSecret),
              version: prior.response.version,
              previous: prior.response.previous,
              replayed: true,
            };
          }
        }
        const plan = planRotation(k.key, k.versions, now, {
          graceMs: input.graceMs,
          activateAt: input.activateAt,
          retireWhenUnusedMs: input.retireWhenUnusedMs,
          extendWhileInUse: input.extendWhileInUse,
        });
        const [made] = await writeRotations(w, [
          {
            k,
            plan,
            seal: input.sealForPickup !== false,
            graceMs: input.graceMs,
            reason: input.reason ?? null,
            retireWhenUnusedMs: input.retireWhenUnusedMs,
            extendWhileInUse: input.extendWhileInUse,
          },
        ]);
        if (idemHash !== undefined) {
          // an expired record is replaced; a fresh one cannot exist here (checked above, same lock)
          const rec = {
            requestHash,
            response: { version: made!.version, previous: made!.previous },
            sealedSecret: seal(id, idempotencyKey!, made!.secret!),
            createdAt: now,
          };
          await tx.atEnd((end) => end.putIdempotency(id, idemHash, rec));
        }
        return {
          // as the write leaves it: no second read of what this transaction just wrote
          key: made!.key,
          // made here, not ahead on a thread: the secret is known
          secret: made!.secret!,
          version: made!.version,
          previous: made!.previous,
          replayed: false,
        };
      });
      if (!out.replayed) deps.logger.info({ keyId: id, version: out.version }, "key rotated");
      return out;
    },

    /** Makes the previous version active again (while it is in grace) and revokes the newer one. */
    async rollback(id: string, actor: Actor): Promise<KeyWithVersions> {
      return commit(actor, async (w) => {
        const { tx, now } = w;
        const k = await mustLock(tx, id);
        assertMayWrite(k.key, actor);
        const patches = planRollback(k.key, k.versions, now);
        await tx.patchVersions(id, patches);
        keyChanged(w, k.key, "key.rolled_back");
        const revoked = patches
          .filter((p) => p.storedState === "revoked" && p.revokedAt === now)
          .map((p) => p.version);
        w.audit("key.rolled_back", id, { revoked });
        keyEvent(w, "key.rolled_back", k.key, {
          version: patches.find((p) => p.storedState === "active")?.version ?? null,
          revokedVersions: revoked,
          at: iso(now),
        });
        return (await tx.getKey(id))!;
      });
    },

    /** Revokes one version: it is rejected as `REVOKED` from now on. */
    async revokeVersion(
      id: string,
      version: number,
      reason: string | undefined,
      actor: Actor,
    ): Promise<KeyWithVersions> {
      return commit(actor, async (w) => {
        const { tx, now } = w;
        const k = await mustLock(tx, id);
        assertMayWrite(k.key, actor);
        const patches = planVersionRevoke(k.key, k.versions, version, now);
        if (patches.length > 0) {
          await tx.patchVersions(id, patches);
          await tx.deleteSealedSuccessors(id, [version]);
          keyChanged(w, k.key, "version.revoked");
          w.audit("version.revoked", id, { version, reason: reason ?? null });
          const was = k.versions.find((v) => v.version === version);
          keyEvent(w, "key.version.revoked", k.key, { version, revokedAt: iso(now), reason: reason ?? null });
          if (was && versionState(was, now) === "grace")
            keyEvent(w, "key.version.retired", k.key, { version, reason: "manual", retiredAt: iso(now) });
        }
        return (await tx.getKey(id))!;
      });
    },

    /**
     * Cancels a scheduled version before it activates: it is revoked (answers `REVOKED`), the
     * current version keeps working with no end, and nothing was ever switched.
     * `409 VERSION_NOT_SCHEDULED` once it has activated (roll back instead) or when it was never scheduled.
     */
    async cancelVersion(
      id: string,
      version: number,
      reason: string | undefined,
      actor: Actor,
    ): Promise<KeyWithVersions> {
      return commit(actor, async (w) => {
        const { tx, now } = w;
        const k = await mustLock(tx, id);
        assertMayWrite(k.key, actor);
        const target = k.versions.find((v) => v.version === version);
        if (!target) throw new KeyrollError("VERSION_NOT_FOUND", `key ${id} has no version ${version}`);
        const state = versionState(target, now);
        if (state !== "scheduled") {
          throw new KeyrollError(
            "VERSION_NOT_SCHEDULED",
            state === "revoked"
              ? `version ${version} is already revoked`
              : `version ${version} is ${state}, not scheduled: roll back instead`,
          );
        }
        const patches = planVersionRevoke(k.key, k.versions, version, now);
        await tx.patchVersions(id, patches);
        keyChanged(w, k.key, "version.cancelled");
        w.audit("version.cancelled", id, {
          version,
          activatesAt: target.activatesAt,
          reason: reason ?? null,
        });
        keyEvent(w, "key.version.cancelled", k.key, {
          version,
          activatesAt: iso(target.activatesAt),
          cancelledAt: iso(now),
          reason: reason ?? null,
        });
        return (await tx.getKey(id))!;
      });
    },

    /** Revokes the key and every version of it. Idempotent. */
    async revoke(id: string, reason: string | undefined, actor: Actor): Promise<KeyWithVersions> {
      return commit(actor, async (w) => {
        const { tx, now } = w;
        const k = await mustLock(tx, id);
        assertMayWrite(k.key, actor);
        if (k.key.revokedAt !== null) return k;
        // two admin keys revoked at once on two nodes must not both count the other as left
        if (k.key.admin) await tx.serialize();
        if (k.key.admin && (await tx.countAdminKeys()) <= 1) {
          throw new KeyrollError(
            "CONSUMER_RESERVED",
            "the last admin key cannot be revoked: create another first",
          );
        }
        await tx.updateKey(id, { revokedAt: now }, now);
        await tx.patchVersions(id, planKeyRevoke(k.versions, now));
        await tx.deleteSealedSuccessors(id);
        keyChanged(w, k.key, "key.revoked");
        w.audit("key.revoked", id, { reason: reason ?? null });
        keyEvent(w, "key.revoked", k.key, { revokedAt: iso(now), reason: reason ?? null });
        return (await tx.getKey(id))!;
      });
    },

    /**
     * Applies the traffic policies (retire when unused, extend while in use) of one key's versions in
     * grace, given the freshest known last use of each version; audits each decision with its reason.
     */
    async applyTrafficPolicies(
      id: string,
      lastUsed: (v: VersionRecord) => Millis | null,
      lookaheadMs: Millis,
    ): Promise<TrafficEvent[]> {
      const now = clock.now();
      // decide on a plain read first: most ticks change nothing and need no writers' lock
      const peek = await store.getKey(id);
      if (!peek || peek.key.revokedAt !== null) return [];
      if (planTrafficPolicies(peek.versions, now, lastUsed, lookaheadMs).patches.length === 0) return [];
      const events = await commit(systemActor("traffic-policy"), async (w) => {
        const k = await w.tx.lockKey(id);
        if (!k || k.key.revokedAt !== null) return [];
        // decided on the time read above, as the peek was: the same rule, the same instant
        const plan = planTrafficPolicies(k.versions, now, lastUsed, lookaheadMs);
        if (plan.patches.length === 0) return [];
        await w.tx.patchVersions(id, plan.patches);
        await w.tx.deleteSealedSuccessors(id, endedVersions(plan.patches));
        keyChanged(w, k.key, "key.policy_applied");
        for (const e of plan.events) {
          w.audit(`version.${e.action}`, id, {
            version: e.version,
            reason: e.reason,
            expiresAt: e.expiresAt,
          });
          if (e.action === "retired")
            keyEvent(w, "key.version.retired", k.key, {
              version: e.version,
              reason: "unused",
              detail: e.reason,
              retiredAt: iso(now),
            });
        }
        return plan.events;
      });
      if (events.length > 0) {
        for (const e of events)
          deps.logger.info({ keyId: id, version: e.version, action: e.action }, "traffic policy applied");
      }
      return events;
    },

    /**
     * Brings stored version states in line with the time (scheduled activations, grace ends) and
     * audits each transition. Run by the leader; verification does not depend on it.
     */
    async settleKey(id: string): Promise<void> {
      await commit(systemActor("scheduler.settle"), async (w) => {
        const { tx, now } = w;
        const k = await tx.lockKey(id);
        if (!k) return;
        const patches = settle(k.versions, now);
        if (patches.length === 0) return;
        await tx.patchVersions(id, patches);
        // a version past its grace can open nothing useful any more: drop what was sealed for it
        await tx.deleteSealedSuccessors(id, endedVersions(patches));
        keyChanged(w, k.key, "key.settled");
        const transitions = patches.map((p) => ({
          version: p.version,
          from: k.versions.find((v) => v.version === p.version)?.storedState ?? null,
          to: p.storedState,
        }));
        w.audit("key.settled", id, { transitions });
        for (const t of transitions) {
          // said when the leader settles it; every node accepted the version from activatesAt on
          if (t.from === "scheduled" && t.to !== "revoked") {
            const v = k.versions.find((x) => x.version === t.version);
            keyEvent(w, "key.version.activated", k.key, {
              version: t.version,
              activatedAt: iso(v?.activatesAt ?? now),
            });
          }
          if (t.from !== "grace" || t.to !== "expired") continue;
          const v = k.versions.find((x) => x.version === t.version);
          keyEvent(w, "key.version.retired", k.key, {
            version: t.version,
            reason: "grace_ended",
            retiredAt: iso(v?.expiresAt ?? now),
          });
        }
      });
    },
  };
}

/** Versions a plan ends (expired or revoked): what was sealed for their holders is dropped. */
function endedVersions(patches: readonly VersionPatch[]): number[] {
  return patches
    .filter((p) => p.storedState === "expired" || p.storedState === "revoked")
    .map((p) => p.version);
}

/** The key service's interface. */
export type KeyService = ReturnType<typeof createKeyService>;
