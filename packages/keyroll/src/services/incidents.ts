import { planCompromise } from "../core/compromise.js";
import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { LeakReport } from "../core/leaks.js";
import { type KeyWithVersions, type Millis, versionState } from "../core/model.js";
import { digestSecret, generateSecret, MAX_SECRET_LENGTH, MIN_IMPORTED_LENGTH } from "../core/secret.js";
import { buildVersion } from "../core/version.js";
import { createCommit, type Write } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import { iso, keyEvent } from "./events.js";

// The emergency: a secret leaked. Its versions are revoked at once, a replacement is minted that
// nothing was sealed for, an alert is raised and the notifications go out, all in one transaction
// (decision 0018). Leak reports (GitHub's secret scanning partner program) end up here too.

/** Input of an emergency rotation of one key. */
export interface CompromiseInput {
  reason: string;
  /** The versions whose secret leaked; absent: every version that still works. */
  versions?: readonly number[] | undefined;
  /** How long an active version that is NOT among `versions` keeps working (default 0: it ends now). */
  graceMs?: Millis | undefined;
}

/** What an emergency rotation of one key did; `secret` is the replacement's, shown once. */
export interface Compromised {
  key: KeyWithVersions;
  secret: string;
  version: number;
  revoked: number[];
  previous: { version: number; expiresAt: Millis } | null;
}

/** What happens to a key whose secret a leak report names. */
export type LeakAction = "revoke" | "alert";

/** Emergency rotations, the digest lookup of the incident playbook, and leak reports. */
export function createIncidentService(deps: ServiceDeps) {
  const { store } = deps;
  const commit = createCommit(deps);

  /** The emergency rotation of one locked key, inside the caller's write. */
  async function compromiseIn(
    w: Write,
    k: KeyWithVersions,
    input: CompromiseInput & { source: string },
    actor: Actor,
  ): Promise<Compromised> {
    const { tx, now } = w;
    const id = k.key.id;
    if (k.key.admin && !actor.scopes.includes("admin"))
      throw new KeyrollError("FORBIDDEN", "changing an admin key needs the admin scope");
    // which versions a holder of each secret could have picked up (successor pickup, 0014)
    const sealed = new Map<number, number[]>();
    for (const v of k.versions) {
      const rows = await tx.sealedSuccessors(id, v.version);
      if (rows.length > 0)
        sealed.set(
          v.version,
          rows.map((r) => r.successorVersion),
        );
    }
    const plan = planCompromise(k.key, k.versions, now, {
      exposed: input.versions,
      graceMs: input.graceMs,
      sealedTo: (n) => sealed.get(n) ?? [],
    });
    const secret = generateSecret(k.key.prefix);
    const v = buildVersion({
      keyId: id,
      version: plan.next.version,
      secret,
      imported: false,
      now,
      activatesAt: now,
      storedState: "active",
    });
    await tx.patchVersions(id, plan.patches);
    await tx.insertVersion(v);
    // nothing of the old generation may open anything any more, and the holders of this key's
    // secrets are not trusted to hand successors on until an admin turns pickup on again
    await tx.deleteSealedSuccessors(id);
    if (k.key.allowSuccessorPickup) await tx.updateKey(id, { allowSuccessorPickup: false }, now);
    w.changed("key.compromised", { keyId: id, consumerId: k.key.consumerId });
    const data = {
      reason: input.reason,
      source: input.source,
      revokedVersions: plan.revoked,
      version: v.version,
      previousVersion: plan.previous?.version ?? null,
      previousExpiresAt: iso(plan.previous?.expiresAt),
    };
    w.audit("key.compromised", id, data);
    keyEvent(w, "key.compromised", k.key, { ...data, at: iso(now) });
    await tx.raiseAlerts([
      {
        id: newId("alr", now),
        kind: "key_compromised",
        dedupeKey: `key_compromised:${id}:${v.version}`,
        keyId: id,
        consumerId: k.key.consumerId,
        version: v.version,
        address: null,
        message: `key ${id} compromised (${input.source}): version${plan.revoked.length === 1 ? "" : "s"} ${plan.revoked.join(", ") || "none"} revoked, replaced by version ${v.version}`,
        data: { reason: input.reason, source: input.source, revokedVersions: plan.revoked },
        count: 1,
        at: now,
      },
    ]);
    return {
      key: (await tx.getKey(id))!,
      secret,
      version: v.version,
      revoked: [...plan.revoked],
      previous: plan.previous,
    };
  }

  function log(r: Compromised, source: string): void {
    deps.logger.warn(
      { keyId: r.key.key.id, revoked: r.revoked, version: r.version, source },
      "key compromised: versions revoked, replacement minted",
    );
  }

  return {
    /** Emergency rotation of one key: the exposed versions revoked now, a replacement active now. */
    async compromiseKey(id: string, input: CompromiseInput, actor: Actor): Promise<Compromised> {
      const out = await commit(actor, async (w) => {
        const k = await w.tx.lockKey(id);
        if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${id} does not exist`);
        return compromiseIn(w, k, { ...input, source: "api" }, actor);
      });
      log(out, "api");
      return out;
    },

    /**
     * Emergency rotation of every live key of a consumer, in one transaction: each key's working
     * versions revoked, one replacement per key.
     */
    async compromiseConsumer(
      consumerId: string,
      input: Omit<CompromiseInput, "versions">,
      actor: Actor,
    ): Promise<Compromised[]> {
      const out = await commit(actor, async (w) => {
        const c = await w.tx.lockConsumer(consumerId, "update");
        if (!c || c.deletedAt !== null)
          throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${consumerId} does not exist`);
        const ids = await w.tx.listKeyIdsOfConsumer(consumerId);
        const results: Compromised[] = [];
        for (const k of await w.tx.lockKeys(ids)) {
          if (k.key.revokedAt !== null) continue;
          if (k.key.expiresAt !== null && k.key.expiresAt <= w.now) continue;
          results.push(await compromiseIn(w, k, { ...input, source: "api" }, actor));
        }
        w.audit("consumer.compromised", consumerId, {
          reason: input.reason,
          keys: results.map((r) => r.key.key.id),
        });
        return results;
      });
      for (const r of out) log(r, "api");
      return out;
    },

    /**
     * The key and version a secret's SHA-256 (hex) belongs to, whatever their state: how the
     * incident playbook names the key of a leaked secret without sending or printing the secret.
     */
    async lookupDigest(digest: string): Promise<{ key: KeyWithVersions; version: number }> {
      const k = await store.findByDigest(digest.toLowerCase());
      const v = k?.versions.find((x) => x.digest === digest.toLowerCase());
      if (!k || !v) throw new KeyrollError("KEY_NOT_FOUND", "no key has a secret with this digest");
      return { key: k, version: v.version };
    },

    /**
     * Who used the given versions of a key, since when and from where: requests by outcome (the
     * last 90 days, from usage per hour), first and last use, and the client addresses seen with
     * each version (the most recent 50 per version, as usage keeps them).
     */
    async exposure(keyId: string, versions: readonly number[] | undefined) {
      const k = await store.getKey(keyId);
      if (!k) throw new KeyrollError("KEY_NOT_FOUND", `key ${keyId} does not exist`);
      const now = deps.clock.now();
      const from = now - 90 * 86_400_000;
      const rows = await store.usage.usageSeries(keyId, from, now + 60_000, "hour");
      const wanted = versions ?? k.versions.map((v) => v.version);
      return {
        keyId,
        consumerId: k.key.consumerId,
        from,
        versions: await Promise.all(
          k.versions
            .filter((v) => wanted.includes(v.version))
            .map(async (v) => {
              const counts: Record<string, number> = {};
              let firstUsedAt: number | null = null;
              for (const r of rows) {
                if (r.version !== v.version) continue;
                counts[r.outcome] = (counts[r.outcome] ?? 0) + r.count;
                if (firstUsedAt === null || r.at < firstUsedAt) firstUsedAt = r.at;
              }
              const addresses = await store.usage.versionAddresses(keyId, v.version);
              for (const a of addresses)
                if (firstUsedAt === null || a.firstSeenAt < firstUsedAt) firstUsedAt = a.firstSeenAt;
              const lastSeen = addresses.reduce((m, a) => Math.max(m, a.lastSeenAt), 0);
              return {
                version: v.version,
                state: versionState(v, now),
                createdAt: v.createdAt,
                revokedAt: v.revokedAt,
                firstUsedAt,
                lastUsedAt: Math.max(v.lastUsedAt ?? 0, lastSeen) || null,
                requests: counts,
                addresses,
              };
            }),
        ),
      };
    },

    /**
     * Handles a leak report: every reported token that is the secret of a version still working is
     * treated as compromised (`revoke`: as `compromiseKey` with those versions; the replacement's
     * secret is shown to nobody, an admin rotates to hand one out) or raises an alert (`alert`).
     * Always one write with one audit entry, whether any token matched or not, and no answer about
     * which did: the caller answers every report the same way.
     */
    async reportLeaks(reports: readonly LeakReport[], action: LeakAction, actor: Actor): Promise<void> {
      const byDigest = new Map<string, LeakReport>();
      for (const r of reports) {
        if (r.token.length < MIN_IMPORTED_LENGTH || r.token.length > MAX_SECRET_LENGTH) continue;
        byDigest.set(digestSecret(r.token), r);
      }
      const done = await commit(actor, async (w) => {
        // which versions of which key were reported
        const hits = new Map<string, { versions: Set<number>; reports: LeakReport[] }>();
        for (const [digest, r] of byDigest) {
          const k = await w.tx.findByDigest(digest);
          const v = k?.versions.find((x) => x.digest === digest);
          if (!k || !v) continue;
          const h = hits.get(k.key.id) ?? { versions: new Set<number>(), reports: [] };
          h.versions.add(v.version);
          h.reports.push(r);
          hits.set(k.key.id, h);
        }
        const results: Compromised[] = [];
        let alerted = 0;
        for (const k of await w.tx.lockKeys([...hits.keys()])) {
          const h = hits.get(k.key.id)!;
          if (k.key.revokedAt !== null) continue;
          // a report repeated (scanners send a token once per place they find it): nothing left to do
          const live = k.versions
            .filter((v) => h.versions.has(v.version))
            .filter((v) => ["active", "grace", "scheduled"].includes(versionState(v, w.now)))
            .map((v) => v.version);
          if (live.length === 0) continue;
          const where = h.reports.map((r) => r.url).filter((u): u is string => u !== null);
          const reason =
            `leak reported (${[...new Set(h.reports.map((r) => r.type))].join(", ")})${where.length > 0 ? ` at ${where.slice(0, 3).join(" ")}` : ""}`.slice(
              0,
              500,
            );
          // an admin key's replacement would be shown to nobody: revoking it could lock every admin
          // out, so a human runs the playbook for it (`keyroll incident`); the report raises an alert
          if (action === "revoke" && !k.key.admin) {
            results.push(await compromiseIn(w, k, { reason, versions: live, source: "leak_report" }, actor));
            continue;
          }
          alerted++;
          w.audit("key.leak_reported", k.key.id, { versions: live, reason, action, admin: k.key.admin });
          await w.tx.raiseAlerts([
            {
              id: newId("alr", w.now),
              kind: "key_leaked",
              dedupeKey: `key_leaked:${k.key.id}:${live.join(",")}`,
              keyId: k.key.id,
              consumerId: k.key.consumerId,
              version: live[live.length - 1]!,
              address: null,
              message: `a leak report names version${live.length === 1 ? "" : "s"} ${live.join(", ")} of ${k.key.admin ? "admin key" : "key"} ${k.key.id}: run keyroll incident --key ${k.key.id} (POST /v1/keys/${k.key.id}/compromised)`,
              data: { versions: live, reason, urls: where.slice(0, 20) },
              count: 1,
              at: w.now,
            },
          ]);
        }
        w.audit("leak.reported", null, {
          tokens: reports.length,
          compromised: results.map((r) => r.key.key.id),
          alerted,
          action,
        });
        return results;
      });
      for (const r of done) log(r, "leak_report");
    },
  };
}

/** The incident service's interface. */
export type IncidentService = ReturnType<typeof createIncidentService>;
