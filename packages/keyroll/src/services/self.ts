import { KeyrollError } from "../core/errors.js";
import {
  type KeyRecord,
  type KeyWithVersions,
  keyExpired,
  type Millis,
  type VersionRecord,
  type VersionState,
  versionState,
} from "../core/model.js";
import { openSuccessor } from "../core/successor.js";
import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import type { KeyService } from "./keys.js";

/** The scope a client key needs to rotate itself. */
export const SELF_ROTATE_SCOPE = "self:rotate";
/** Longest grace a key may give its previous secret when it rotates itself. */
export const MAX_SELF_GRACE_MS = 30 * 86_400_000;
// a pickup follows at most this many sealed hops (v1 → v2 → v3 … when rotations came quickly)
const MAX_HOPS = 16;

/** What a client may learn about its own key. */
export interface SelfView {
  keyId: string;
  consumerId: string;
  version: number;
  state: VersionState;
  scopes: readonly string[];
  /** When this secret stops working (its grace end, or the key's expiry), or null. */
  expiresAt: Millis | null;
  allowSuccessorPickup: boolean;
  /** A successor sealed for this secret is waiting (`POST /v1/self/successor`). */
  successorAvailable: boolean;
  /**
   * A successor is made but not active yet (phased activation): it can be fetched ahead with
   * `POST /v1/self/successor?scheduled=true` and must not be used before `activatesAt`.
   */
  successorScheduled: { version: number; activatesAt: Millis } | null;
}

/** A successor picked up by the holder of a previous secret. */
export interface PickedUp {
  secret: string;
  version: number;
  /** When the successor starts working: now or earlier, or the time a scheduled one activates. */
  activatesAt: Millis;
  /** When the successor stops working (the key's expiry, or a later rotation's grace end), or null. */
  expiresAt: Millis | null;
  previous: { version: number; expiresAt: Millis | null };
}

const stopsAt = (k: KeyRecord, v: VersionRecord): Millis | null => {
  if (k.expiresAt === null) return v.expiresAt;
  if (v.expiresAt === null) return k.expiresAt;
  return Math.min(k.expiresAt, v.expiresAt);
};

/**
 * Calls a client makes about its own key, authenticated by its secret (the HTTP layer has found
 * the key and version through the verifier): read its state, pick up its successor, rotate itself.
 */
export function createSelfService(deps: ServiceDeps & { keys: KeyService }) {
  const { store, clock, logger } = deps;
  const commit = createCommit(deps);

  /** The key and version as the store has them now, refused when the secret no longer works. */
  async function live(keyId: string, version: number, now: Millis) {
    const k = await store.getKey(keyId);
    const v = k?.versions.find((x) => x.version === version);
    if (!k || !v) throw new KeyrollError("CLIENT_UNAUTHORIZED", "this secret matches no key");
    const state = versionState(v, now);
    if (k.key.revokedAt !== null || state === "revoked") {
      throw new KeyrollError("SECRET_REVOKED", "this secret is revoked");
    }
    if (keyExpired(k.key, now) || state === "expired") {
      throw new KeyrollError("SECRET_EXPIRED", "this secret has expired");
    }
    return { k, v, state };
  }

  /** The newest sealed successor of `version` that still works (or, asked for, is scheduled), if any. */
  async function waiting(k: KeyWithVersions, version: number, now: Millis, scheduled = false) {
    const rows = await store.sealedSuccessors(k.key.id, version);
    for (const r of rows) {
      const s = k.versions.find((x) => x.version === r.successorVersion);
      if (!s) continue;
      const st = versionState(s, now);
      if (st === "active" || st === "grace" || (scheduled && st === "scheduled"))
        return { row: r, successor: s, state: st };
    }
    return undefined;
  }

  return {
    /** `GET /v1/self`: the state of the presented secret's version and whether a successor waits. */
    async describe(keyId: string, version: number): Promise<SelfView> {
      const now = clock.now();
      const { k, v, state } = await live(keyId, version, now);
      const next = k.key.allowSuccessorPickup ? await waiting(k, version, now) : undefined;
      const ahead = k.key.allowSuccessorPickup && !next ? await waiting(k, version, now, true) : undefined;
      return {
        keyId,
        consumerId: k.key.consumerId,
        version,
        state,
        scopes: k.key.scopes,
        expiresAt: stopsAt(k.key, v),
        allowSuccessorPickup: k.key.allowSuccessorPickup,
        successorAvailable: next !== undefined,
        successorScheduled:
          ahead?.state === "scheduled"
            ? { version: ahead.successor.version, activatesAt: ahead.successor.activatesAt }
            : null,
      };
    },

    /**
     * `POST /v1/self/successor`: opens the successor sealed to the presented secret's public key
     * (following later rotations to the newest working version), counts the pickup for the
     * presented version and `address`, and audits it. Repeatable while the secret works. With
     * `scheduled`, a successor that is made but not active yet is given too (phased activation).
     */
    async pickup(
      secret: string,
      keyId: string,
      version: number,
      address: string,
      requestId?: string,
      opts: { scheduled?: boolean } = {},
    ): Promise<PickedUp> {
      const now = clock.now();
      const { k, v, state } = await live(keyId, version, now);
      if (!k.key.allowSuccessorPickup) {
        throw new KeyrollError(
          "SUCCESSOR_PICKUP_DISABLED",
          "this key was created or patched with allowSuccessorPickup: false",
        );
      }
      let holder = secret;
      let from = version;
      let found: { secret: string; successor: VersionRecord } | undefined;
      for (let hop = 0; hop < MAX_HOPS; hop++) {
        const next = await waiting(k, from, now, opts.scheduled === true);
        if (!next) break;
        const opened = openSuccessor({
          secret: holder,
          keyId,
          from,
          to: next.row.successorVersion,
          sealed: next.row,
        });
        if (opened === undefined) {
          // only a corrupted row gets here: the presented secret is the one its public key came from
          logger.warn({ keyId, version: from }, "a sealed successor did not open");
          break;
        }
        found = { secret: opened, successor: next.successor };
        holder = opened;
        from = next.successor.version;
        if (next.state === "active" || next.state === "scheduled") break;
      }
      if (!found) {
        let why = "nothing was sealed for this secret: the rotation was an emergency one, or pickup was off";
        if (state === "active" || state === "scheduled")
          why = "this secret is the key's newest: no rotation since";
        else if (v.publicKey === null) why = "this version was made before successor pickup existed";
        const ahead = opts.scheduled ? undefined : await waiting(k, version, now, true);
        if (ahead?.state === "scheduled")
          why = `the successor (version ${ahead.successor.version}) activates at ${new Date(ahead.successor.activatesAt).toISOString()}: fetch it ahead with ?scheduled=true`;
        throw new KeyrollError("SUCCESSOR_NOT_AVAILABLE", why);
      }
      const successor = found.successor;
      await commit(keyActor(keyId, version, { requestId, address }), async (w) => {
        await w.tx.recordPickup(keyId, version, address, w.now);
        w.audit("key.successor_picked_up", keyId, { version, successorVersion: successor.version, address });
      });
      logger.info({ keyId, version, successorVersion: successor.version }, "successor picked up");
      return {
        secret: found.secret,
        version: successor.version,
        activatesAt: successor.activatesAt,
        expiresAt: stopsAt(k.key, successor),
        previous: { version, expiresAt: stopsAt(k.key, v) },
      };
    },

    /**
     * `POST /v1/self/rotate`: a key with scope `self:rotate` rotates itself, presenting its active
     * secret; the previous one keeps working for `graceMs` (at most 30 days).
     */
    async rotate(
      keyId: string,
      version: number,
      graceMs: Millis,
      request: { requestId?: string | undefined; address?: string | undefined } = {},
    ) {
      const now = clock.now();
      const { k, state } = await live(keyId, version, now);
      if (!k.key.scopes.includes(SELF_ROTATE_SCOPE)) {
        throw new KeyrollError(
          "FORBIDDEN",
          `rotating itself needs the "${SELF_ROTATE_SCOPE}" scope on the key`,
        );
      }
      if (state !== "active") {
        throw new KeyrollError("NOT_CURRENT_VERSION", `this secret is ${state}, not the key's active one`);
      }
      if (graceMs > MAX_SELF_GRACE_MS) {
        throw new KeyrollError("INVALID_DURATION", "gracePeriod of a self-rotation is at most 30d");
      }
      return deps.keys.rotate(keyId, { graceMs, reason: "self-rotation" }, keyActor(keyId, version, request));
    },
  };
}

/** The self service's interface. */
export type SelfService = ReturnType<typeof createSelfService>;

/** A key acting on itself, as the audit log records it: `{type: "key", keyId, version}`. */
function keyActor(
  keyId: string,
  version: number,
  request: { requestId?: string | undefined; address?: string | undefined },
): Actor {
  return {
    keyId,
    scopes: [],
    kind: "key",
    version,
    requestId: request.requestId ?? null,
    address: request.address ?? null,
  };
}
