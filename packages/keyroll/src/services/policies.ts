import { auditDiff } from "../core/audit.js";
import { KeyrollError } from "../core/errors.js";
import type { KeyWithVersions, Millis } from "../core/model.js";
import { keyExpired, versionState } from "../core/model.js";
import {
  decidePolicyRotation,
  effectivePolicy,
  lastRotationAt,
  type PolicyJson,
  type PolicySource,
  parsePolicy,
  policyJson,
  type RotationPolicy,
} from "../core/policy.js";
import { planRotation } from "../core/rotation.js";
import { inWindow } from "../core/window.js";
import type { PolicyCandidate, PolicyRow } from "../store/kysely/policies.js";
import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import { systemActor } from "./deps.js";
import { writeRotations } from "./rotation-write.js";

/** The rule a policy rotation is audited under (actor `{type: "system", rule}`). */
export const POLICY_RULE = "rotation-policy";
/** At most this many policy rotations per leader tick (the rest follow at the next ticks). */
const MAX_ROTATIONS_PER_TICK = 100;
/**
 * Keys one step of a candidate scan looks at (~10 ms at a million keys on SQLite); the scan yields
 * to the event loop between steps, so the leader keeps answering while it runs.
 */
const CANDIDATE_SPAN = 5_000;
/** A candidate scan serves the ticks of the next minute (see `candidatesAt`). */
const CANDIDATE_HORIZON_MS = 60_000;
/** A scan that finds more candidates than this is not kept: the next tick scans again. */
const CANDIDATE_CACHE_MAX = 10_000;
/** Entries per list of the key-age report unless the caller asks for another limit. */
export const KEY_AGE_LIMIT = 1_000;
/** Keys the key-age report reads per store query. */
const KEY_AGE_PAGE = 1_000;

const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

/** Oldest active secret first; ties by key id, so the order is total. */
const byAge = (a: AgeRow, b: AgeRow) => b.ageMs - a.ageMs || (a.keyId < b.keyId ? -1 : 1);
/** Soonest end of grace first (a version in grace without an end first of all); ties by key id. */
const bySoonestEnd = (a: GraceRow, b: GraceRow) =>
  (a.expiresAt ?? 0) - (b.expiresAt ?? 0) || (a.keyId < b.keyId ? -1 : 1);

/**
 * The first `limit` items in `order` of everything added, holding at most twice that many at any
 * time, and how many were added.
 */
function firstOf<T>(limit: number, order: (a: T, b: T) => number) {
  let items: T[] = [];
  let count = 0;
  return {
    add(item: T): void {
      count++;
      items.push(item);
      if (items.length > 2 * limit) items = items.sort(order).slice(0, limit);
    },
    get count(): number {
      return count;
    },
    list(): T[] {
      return items.sort(order).slice(0, limit);
    },
  };
}

/** A key's policy as the API shows it. */
export interface KeyPolicyState {
  readonly keyId: string;
  /** The key's own policy, if it has one. */
  readonly own: RotationPolicy | null;
  /** The policy that applies, and where it comes from; null when none does. */
  readonly effective: { readonly policy: RotationPolicy; readonly source: PolicySource } | null;
  readonly nextRotationAt: Millis | null;
  /** Why the policy cannot rotate this key, or null. */
  readonly blocked: string | null;
}

/** One line of the key-age report. */
export interface AgeRow {
  readonly keyId: string;
  readonly consumerId: string;
  readonly name: string | null;
  readonly admin: boolean;
  readonly version: number;
  readonly createdAt: Millis;
  /** When this version became the active one. */
  readonly activeSince: Millis;
  /** `now - activeSince`. */
  readonly ageMs: Millis;
  readonly policy: { readonly intervalMs: Millis; readonly source: PolicySource } | null;
  readonly nextRotationAt: Millis | null;
}

/** A version still accepted in grace, in the key-age report. */
export interface GraceRow {
  readonly keyId: string;
  readonly consumerId: string;
  readonly name: string | null;
  readonly version: number;
  readonly graceStartedAt: Millis | null;
  readonly expiresAt: Millis | null;
  readonly lastUsedAt: Millis | null;
}

/** The lists of the key-age report (see docs/rotation.md). */
export type KeyAgeList = "pastPolicyAge" | "inGrace" | "withoutPolicy" | "neverRotated" | "oldestPerConsumer";

/** The key-age report (see docs/rotation.md): each list holds its first `limit` entries. */
export interface KeyAgeReport {
  readonly generatedAt: Millis;
  readonly keys: number;
  /** Each list's full length (the lists themselves stop at the report's limit). */
  readonly counts: Readonly<Record<KeyAgeList, number>>;
  /** Active versions older than their policy's interval. */
  readonly pastPolicyAge: AgeRow[];
  /** Versions still accepted in grace. */
  readonly inGrace: GraceRow[];
  readonly withoutPolicy: AgeRow[];
  /** Keys still on their first secret (never rotated, or every rotation cancelled or rolled back). */
  readonly neverRotated: AgeRow[];
  /** Per consumer, its key whose active secret is the oldest. */
  readonly oldestPerConsumer: AgeRow[];
}

/**
 * Rotation policies: set and clear them on keys, consumers and the global default (each change
 * audited), show a key's effective policy and next rotation, run due rotations (the leader), and
 * the key-age report.
 */
export function createPolicyService(deps: ServiceDeps) {
  const { store, clock, logger } = deps;
  const commit = createCommit(deps);
  const parsed = new Map<string, RotationPolicy>();
  /** Keys whose due rotation was found blocked, by planned switch time: not looked at again for it. */
  const blockedAt = new Map<string, Millis>();
  /**
   * The last candidate scan: every key that can fall due before `until` (and none other can, see
   * `candidatesAt`), read at `at` under the policies `signature`; null when none was made.
   */
  let candidates: {
    at: Millis;
    until: Millis;
    signature: string;
    complete: boolean;
    rows: Map<string, PolicyCandidate>;
  } | null = null;

  /**
   * The keys that may be due at `now`. The scan aggregates every key's versions, so it is not made
   * at every tick: it takes the keys that can fall due within the next `CANDIDATE_HORIZON_MS`
   * (at most `lead`, the shortest time from a rotation to the next one being due), and later ticks
   * read that list until the horizon passes, the policies change or the clock goes back. A key
   * left out had its last rotation so recently that it cannot be due before the horizon; a key
   * created or rotated after the scan cannot either, as the horizon is at most `lead`. A rotation
   * made by hand meanwhile leaves a stale entry, which the rotation's own transaction finds not
   * due. An incomplete scan (more candidates than the cache holds) is made again at every tick.
   */
  async function candidatesAt(now: Millis, lead: Millis, rows: readonly PolicyRow[]) {
    const signature = JSON.stringify(rows);
    const c = candidates;
    if (c?.complete && c.signature === signature && now >= c.at && now < c.until) return c.rows.values();
    const horizon = Math.max(0, Math.min(CANDIDATE_HORIZON_MS, lead));
    const found = new Map<string, PolicyCandidate>();
    let after: string | undefined;
    let complete = true;
    for (;;) {
      const step = await store.policies.policyCandidates({
        before: now + horizon - lead,
        now,
        after,
        span: CANDIDATE_SPAN,
      });
      for (const row of step.rows) found.set(row.keyId, row);
      if (step.next === null) break;
      if (found.size >= CANDIDATE_CACHE_MAX) {
        complete = false;
        break;
      }
      after = step.next;
      await yieldToLoop();
    }
    candidates = { at: now, until: now + horizon, signature, complete: complete && horizon > 0, rows: found };
    return found.values();
  }

  /** A stored policy, parsed once per distinct text. */
  function read(j: PolicyJson): RotationPolicy {
    const text = JSON.stringify(j);
    let p = parsed.get(text);
    if (!p) {
      p = parsePolicy(j);
      if (parsed.size > 10_000) parsed.clear();
      parsed.set(text, p);
    }
    return p;
  }

  function pick(rows: readonly PolicyRow[], scope: PolicySource, id: string): RotationPolicy | undefined {
    const r = rows.find((x) => x.scope === scope && x.targetId === id);
    return r ? read(r.policy) : undefined;
  }

  function stateOf(k: KeyWithVersions, rows: readonly PolicyRow[], now: Millis): KeyPolicyState {
    const own = pick(rows, "key", k.key.id);
    const eff = effectivePolicy(
      k.key,
      own,
      pick(rows, "consumer", k.key.consumerId),
      pick(rows, "default", ""),
    );
    const d = eff ? decidePolicyRotation(k.key, k.versions, eff.policy, now) : null;
    return {
      keyId: k.key.id,
      own: own ?? null,
      effective: eff,
      nextRotationAt: d?.blocked ? null : (d?.nextRotationAt ?? null),
      blocked: d?.blocked ?? null,
    };
  }

  async function mustKey(id: string): Promise<KeyWithVersions> {
    const k = await store.getKey(id);
    if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${id} does not exist`);
    return k;
  }

  /** Writes or deletes one policy, audited with what it was and what it is. */
  async function change(
    actor: Actor,
    scope: PolicySource,
    targetId: string,
    next: RotationPolicy | null,
    check: (w: Parameters<Parameters<typeof commit>[1]>[0]) => Promise<void>,
  ): Promise<void> {
    await commit(actor, async (w) => {
      await check(w);
      const before = (
        await w.tx.policies.policiesFor(scope === "key" ? targetId : "", scope === "consumer" ? targetId : "")
      ).find((r) => r.scope === scope && r.targetId === targetId);
      const to = next && policyJson(next);
      if (to) await w.tx.policies.putPolicy({ scope, targetId, policy: to, updatedAt: w.now });
      else if (!before) return;
      else await w.tx.policies.deletePolicy(scope, targetId);
      w.audit(
        to ? "policy.set" : "policy.cleared",
        scope === "default" ? null : targetId,
        { scope, policy: to },
        auditDiff({ policy: before?.policy ?? null }, { policy: to }, ["policy"]),
      );
    });
  }

  return {
    /** The policy state of one key: its own, the effective one and its source, the next rotation. */
    async forKey(id: string): Promise<KeyPolicyState> {
      const k = await mustKey(id);
      return stateOf(k, await store.policies.policiesFor(k.key.id, k.key.consumerId), clock.now());
    },

    /** The same for a key already read (GET /v1/keys/:id). */
    async stateOf(k: KeyWithVersions): Promise<KeyPolicyState> {
      return stateOf(k, await store.policies.policiesFor(k.key.id, k.key.consumerId), clock.now());
    },

    /** Sets (`policy`) or clears (null) a key's own policy. Admin keys take none. */
    async setForKey(id: string, policy: PolicyJson | null, actor: Actor): Promise<KeyPolicyState> {
      const p = policy && parsePolicy(policy);
      await change(actor, "key", id, p, async (w) => {
        const k = await w.tx.lockKey(id);
        if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${id} does not exist`);
        if (k.key.admin && p) {
          throw new KeyrollError(
            "POLICY_NOT_ALLOWED",
            "admin keys are rotated by hand: they take no rotation policy",
          );
        }
      });
      return this.forKey(id);
    },

    /** A consumer's policy (the default of its keys) and the one its keys get when they have none of their own. */
    async forConsumer(
      id: string,
    ): Promise<{ consumerId: string; own: RotationPolicy | null; effective: KeyPolicyState["effective"] }> {
      const c = await store.getConsumer(id);
      if (!c || c.deletedAt !== null)
        throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${id} does not exist`);
      const rows = await store.policies.policiesFor("", id);
      const own = pick(rows, "consumer", id) ?? null;
      const global = pick(rows, "default", "");
      return {
        consumerId: id,
        own,
        effective: c.system
          ? null
          : own
            ? { policy: own, source: "consumer" }
            : global
              ? { policy: global, source: "default" }
              : null,
      };
    },

    async setForConsumer(id: string, policy: PolicyJson | null, actor: Actor) {
      const p = policy && parsePolicy(policy);
      await change(actor, "consumer", id, p, async (w) => {
        const c = await w.tx.lockConsumer(id, "update");
        if (!c || c.deletedAt !== null)
          throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${id} does not exist`);
        if (c.system && p) {
          throw new KeyrollError(
            "POLICY_NOT_ALLOWED",
            "admin keys are rotated by hand: their consumer takes no rotation policy",
          );
        }
      });
      return this.forConsumer(id);
    },

    /** The global default policy, or null. */
    async getDefault(): Promise<{ policy: RotationPolicy | null; updatedAt: Millis | null }> {
      const row = (await store.policies.policiesFor("", "")).find((r) => r.scope === "default");
      return { policy: row ? read(row.policy) : null, updatedAt: row?.updatedAt ?? null };
    },

    async setDefault(policy: PolicyJson | null, actor: Actor) {
      const p = policy && parsePolicy(policy);
      await change(actor, "default", "", p, async () => undefined);
      return this.getDefault();
    },

    /**
     * The leader's pass: rotates every key whose policy is due now (at most a hundred per call; the
     * rest at the next). Each rotation claims its key and planned switch time in the ledger inside
     * its own transaction, so a rotation is made once however many leaders (or ticks) try it.
     * @returns how many keys it rotated
     */
    async runDue(): Promise<number> {
      const now = clock.now();
      const rows = await store.policies.listPolicies();
      if (rows.length === 0) {
        candidates = null;
        return 0;
      }
      const policies = rows.map((r) => ({ ...r, parsed: read(r.policy) }));
      const lead = Math.min(...policies.map((p) => p.parsed.intervalMs - (p.parsed.activateAfterMs ?? 0)));
      const byKey = new Map(policies.filter((p) => p.scope === "key").map((p) => [p.targetId, p.parsed]));
      const byConsumer = new Map(
        policies.filter((p) => p.scope === "consumer").map((p) => [p.targetId, p.parsed]),
      );
      const global = policies.find((p) => p.scope === "default")?.parsed;
      const openNow = new Map<RotationPolicy, boolean>();
      const list = await candidatesAt(now, lead, rows);
      const due: string[] = [];
      for (const c of list) {
        const p = byKey.get(c.keyId) ?? byConsumer.get(c.consumerId) ?? global;
        if (!p) continue;
        // necessary conditions only; the rotation's own transaction decides exactly
        if (c.lastRotationAt + p.intervalMs - (p.activateAfterMs ?? 0) > now) continue;
        if (p.activateAfterMs === null && p.window) {
          if (!openNow.has(p)) openNow.set(p, inWindow(now, p.window));
          if (!openNow.get(p)) continue;
        }
        if (blockedAt.get(c.keyId) === c.lastRotationAt) continue;
        due.push(c.keyId);
        if (due.length >= MAX_ROTATIONS_PER_TICK) break;
      }
      let rotated = 0;
      for (const id of due) {
        try {
          if (await this.rotateIfDue(id)) {
            rotated++;
            // its next rotation is a whole interval away: beyond what the cached scan holds
            candidates?.rows.delete(id);
          }
        } catch (err) {
          // one key failing (a concurrent write, a busy store) does not stop the others: next tick
          logger.warn(
            { keyId: id, err: (err as Error).message },
            "policy rotation failed; retrying at the next tick",
          );
        }
      }
      return rotated;
    },

    /**
     * Rotates one key if its policy is due now, deciding on the locked key and the policies read in
     * the same transaction; false when it is not due, blocked, or already made for this switch time.
     */
    async rotateIfDue(id: string): Promise<boolean> {
      const out = await commit(systemActor(POLICY_RULE), async (w) => {
        const k = await w.tx.lockKey(id);
        if (!k) return undefined;
        const rows = await w.tx.policies.policiesFor(k.key.id, k.key.consumerId);
        const eff = effectivePolicy(
          k.key,
          pick(rows, "key", k.key.id),
          pick(rows, "consumer", k.key.consumerId),
          pick(rows, "default", ""),
        );
        if (!eff) return undefined;
        const d = decidePolicyRotation(k.key, k.versions, eff.policy, w.now);
        if (!d) return undefined;
        if (d.blocked) {
          blockedAt.set(id, lastRotationAt(k.versions));
          return undefined;
        }
        if (!d.due) return undefined;
        const next = k.versions.reduce((m, v) => Math.max(m, v.version), 0) + 1;
        if (!(await w.tx.policies.claimPolicyRotation(id, d.dueAt, next, w.now))) return undefined;
        const p = eff.policy;
        const opts = {
          graceMs: p.graceMs,
          activateAt: d.activateAt,
          retireWhenUnusedMs: p.retireWhenUnusedMs ?? undefined,
          extendWhileInUse: p.extendWhileInUse ?? undefined,
        };
        const [made] = await writeRotations(w, [
          {
            k,
            plan: planRotation(k.key, k.versions, w.now, opts),
            seal: true,
            graceMs: p.graceMs,
            reason: `rotation policy (${eff.source})`,
            retireWhenUnusedMs: opts.retireWhenUnusedMs,
            extendWhileInUse: opts.extendWhileInUse,
            audit: { policy: { source: eff.source, dueAt: d.dueAt } },
          },
        ]);
        return { version: made!.version, dueAt: d.dueAt, activateAt: d.activateAt ?? w.now };
      });
      if (out) logger.info({ keyId: id, version: out.version, dueAt: out.dueAt }, "policy rotation made");
      return out !== undefined;
    },

    /**
     * The key-age report over every live key (optionally of one consumer), read a page of keys at a
     * time: memory holds one page, each list's first `limit` entries in its order, and one id per
     * consumer for the count, never the whole fleet. `counts` are the lists' full lengths.
     */
    async keyAgeReport(
      q: { consumerId?: string | undefined; limit?: number | undefined } = {},
    ): Promise<KeyAgeReport> {
      const now = clock.now();
      const limit = q.limit ?? KEY_AGE_LIMIT;
      const rows = await store.policies.listPolicies();
      const pastPolicyAge = firstOf<AgeRow>(limit, byAge);
      const inGrace = firstOf<GraceRow>(limit, bySoonestEnd);
      const withoutPolicy = firstOf<AgeRow>(limit, byAge);
      const neverRotated = firstOf<AgeRow>(limit, byAge);
      // per consumer its oldest row, kept only while it can still be among the `limit` oldest
      // (dropping the others is safe: the bar only gets older, and a dropped consumer's later
      // rows are younger than its dropped one or compete afresh)
      const oldest = new Map<string, AgeRow>();
      const consumers = new Set<string>();
      let keys = 0;
      let after: string | undefined;
      for (;;) {
        const page = await store.listKeys({
          limit: KEY_AGE_PAGE,
          after,
          consumerId: q.consumerId,
          state: "active",
        });
        for (const k of page) {
          if (keyExpired(k.key, now)) continue;
          keys++;
          const states = k.versions.map((v) => versionState(v, now));
          k.versions.forEach((v, i) => {
            if (states[i] !== "grace") return;
            inGrace.add({
              keyId: k.key.id,
              consumerId: k.key.consumerId,
              name: k.key.name,
              version: v.version,
              graceStartedAt: v.graceStartsAt,
              expiresAt: v.expiresAt,
              lastUsedAt: v.lastUsedAt,
            });
          });
          const active = k.versions[states.indexOf("active")];
          if (!active) continue;
          const st = stateOf(k, rows, now);
          const row: AgeRow = {
            keyId: k.key.id,
            consumerId: k.key.consumerId,
            name: k.key.name,
            admin: k.key.admin,
            version: active.version,
            createdAt: active.createdAt,
            activeSince: active.activatesAt,
            ageMs: now - active.activatesAt,
            policy: st.effective && {
              intervalMs: st.effective.policy.intervalMs,
              source: st.effective.source,
            },
            nextRotationAt: st.nextRotationAt,
          };
          if (!row.policy) withoutPolicy.add(row);
          else if (row.ageMs > row.policy.intervalMs) pastPolicyAge.add(row);
          if (active.version === 1) neverRotated.add(row);
          consumers.add(row.consumerId);
          const o = oldest.get(row.consumerId);
          if (!o || byAge(row, o) < 0) oldest.set(row.consumerId, row);
        }
        if (oldest.size > 2 * limit) {
          const keep = [...oldest.values()].sort(byAge).slice(0, limit);
          oldest.clear();
          for (const r of keep) oldest.set(r.consumerId, r);
        }
        if (page.length < KEY_AGE_PAGE) break;
        after = page[page.length - 1]!.key.id;
      }
      const oldestPerConsumer = [...oldest.values()].sort(byAge).slice(0, limit);
      return {
        generatedAt: now,
        keys,
        counts: {
          pastPolicyAge: pastPolicyAge.count,
          inGrace: inGrace.count,
          withoutPolicy: withoutPolicy.count,
          neverRotated: neverRotated.count,
          oldestPerConsumer: consumers.size,
        },
        pastPolicyAge: pastPolicyAge.list(),
        inGrace: inGrace.list(),
        withoutPolicy: withoutPolicy.list(),
        neverRotated: neverRotated.list(),
        oldestPerConsumer,
      };
    },
  };
}

/** The policy service's interface. */
export type PolicyService = ReturnType<typeof createPolicyService>;
