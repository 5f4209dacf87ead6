import type { AuditActor, AuditDiff } from "../core/audit.js";
import { newId } from "../core/ids.js";
import type { KeyRecord, KeyWithVersions, Millis, VersionRecord } from "../core/model.js";
import type { EventInput } from "../store/kysely/webhooks.js";
import type { AuditInput, StoreTx } from "../store/types.js";
import type { Actor, ServiceDeps } from "./deps.js";

/** What one write sees: its transaction, its time, and what it records besides its own rows. */
export interface Write {
  readonly tx: StoreTx;
  /** The time of this write: its stamps, its audit entry and its feed rows all carry it. */
  readonly now: Millis;
  /**
   * Records an audit entry of this write by the committing actor; `diff` holds the non-secret
   * fields an update changed (see `auditDiff` in core/audit.ts). Never a secret or a digest.
   */
  audit(
    action: string,
    targetId: string | null,
    data: Record<string, unknown>,
    diff?: AuditDiff | null,
  ): void;
  /** Records a change-feed row: every node reloads this key (or consumer) once it commits. */
  changed(op: string, target: { keyId: string | null; consumerId: string | null }): void;
  /**
   * Records a notification (webhooks, mail) in the outbox: `{type, timestamp, data}` goes to every
   * endpoint subscribed to `type`, in order per key. `data` must never hold a secret or a digest.
   */
  event(
    type: string,
    data: Record<string, unknown>,
    target: { keyId: string | null; consumerId: string | null },
  ): void;
  /**
   * Records a key this write creates, with its first version: once the write commits, this node
   * indexes it from these records before it reads the feed, and does not read it back (a bulk
   * import, decision 0031). The write records its `key.created` change as well.
   */
  created(key: KeyRecord, version: VersionRecord): void;
  /** Runs `fn` once the write has committed and this node has caught up with it. */
  afterCommit(fn: () => void): void;
}

/** Runs one write transaction; see {@link createCommit}. */
export type Commit = <T>(actor: Actor, fn: (w: Write) => Promise<T>) => Promise<T>;

/**
 * The one way services write. The callback makes its changes through `w.tx` and records its audit
 * entries and change-feed rows through `w`; those rows are appended at the end of the same
 * transaction (so a mutation and its record commit together, or neither does), and the node's
 * `afterCommit` (the verifier catching up) and the write's own `afterCommit` callbacks run only
 * after the commit, and only when something was recorded. "Notify only after commit" holds by
 * construction: nothing the callback does can run it earlier.
 * @example
 * const commit = createCommit(deps);
 * await commit(actor, async (w) => {
 *   await w.tx.updateKey(id, { name }, w.now);
 *   w.changed("key.updated", { keyId: id, consumerId });
 *   w.audit("key.updated", id, { fields: ["name"] });
 * });
 */
export function createCommit(
  deps: Pick<
    ServiceDeps,
    "store" | "clock" | "logger" | "afterCommit" | "indexCreated" | "eventsCommitted" | "mailEvents"
  >,
): Commit {
  return async <T>(actor: Actor, fn: (w: Write) => Promise<T>): Promise<T> => {
    let recorded = false;
    let evented = false;
    let after: Array<() => void> = [];
    let made: KeyWithVersions[] = [];
    const out = await deps.store.transaction(async (tx) => {
      // reset on every attempt: a store may run the callback again after a conflict
      const now = deps.clock.now();
      const audits: AuditInput[] = [];
      const changes: Array<{ op: string; keyId: string | null; consumerId: string | null; at: Millis }> = [];
      const events: EventInput[] = [];
      after = [];
      made = [];
      const result = await fn({
        tx,
        now,
        audit(action, targetId, data, diff) {
          audits.push({
            id: newId("aud", now),
            at: now,
            actor: auditActor(actor),
            action,
            targetId,
            requestId: actor.requestId ?? null,
            address: actor.address ?? null,
            data,
            diff: diff ?? null,
          });
        },
        changed(op, target) {
          changes.push({ op, keyId: target.keyId, consumerId: target.consumerId, at: now });
        },
        event(type, data, target) {
          const body = JSON.stringify({ type, timestamp: new Date(now).toISOString(), data });
          events.push({
            id: newId("evt", now),
            type,
            keyId: target.keyId,
            consumerId: target.consumerId,
            body,
            at: now,
          });
        },
        created(key, version) {
          made.push({ key, versions: [version] });
        },
        afterCommit(cb) {
          after.push(cb);
        },
      });
      // multi-row: a write of N keys (a batch of rotations) flushes its records in a constant
      // number of statements, whatever N
      if (changes.length > 0) await tx.appendChanges(changes);
      if (audits.length > 0) await tx.appendAudits(audits);
      // the count may come only with the commit (PostgreSQL sends the outbox rows with it)
      evented = false;
      if (events.length > 0)
        await tx.webhooks.queueEvents(events, { mailTypes: deps.mailEvents }, (n) => {
          evented = n > 0;
        });
      recorded = changes.length > 0 || audits.length > 0;
      return result;
    });
    if (made.length > 0) {
      // committed already: a failure here must not fail the write (its answer may hold secrets
      // shown once); a key left unindexed is not in the verifier's set, so the feed reads it
      try {
        deps.indexCreated?.(made);
      } catch (err) {
        deps.logger.error({ err: (err as Error).message }, "created keys not indexed from the write");
      }
    }
    if (recorded) await deps.afterCommit();
    if (evented) deps.eventsCommitted?.();
    for (const cb of after) cb();
    return out;
  };
}

/** The actor as the audit log records it. */
export function auditActor(actor: Actor): AuditActor {
  if (actor.keyId === null) return { type: "system", rule: actor.rule ?? "system" };
  return { type: actor.kind ?? "admin", keyId: actor.keyId, version: actor.version ?? null };
}
