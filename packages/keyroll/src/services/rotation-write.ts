import type { KeyWithVersions, Millis, VersionRecord } from "../core/model.js";
import type { RotationPlan, VersionPatch } from "../core/rotation.js";
import { makeNewVersion, type NewVersionInput } from "../core/rotation-secret.js";
import type { Write } from "./commit.js";
import { iso, keyEvent } from "./events.js";

// The one rotation write (issue 10): `keys.rotate` (one key), policy rotations and the bulk
// rotation jobs runner (a batch of keys) all write their rotations here, so a rotation is the same
// rows, audit entry, feed row and event whoever makes it, and a batch of N keys costs a constant
// number of statements.

/**
 * A key's new secret made ready ahead (the CPU-heavy part: the version's X25519 public key and
 * the HPKE seal for holders of the current version), so that a bulk rotation can make it outside
 * its transaction, on a key pair thread (decision 0017, 0027). `secret` is null when it was made on
 * such a thread: a bulk rotation's secret is shown to nobody, so it never leaves that thread.
 */
export interface PreparedRotation {
  readonly secret: string | null;
  readonly version: VersionRecord;
  readonly from: number | null;
  readonly fromPublicKey: string | null;
  readonly box: { enc: string; ciphertext: string } | null;
}

/** One key's rotation in a write. */
export interface RotationSpec {
  /** The key and its versions, locked in this write. */
  readonly k: KeyWithVersions;
  /** `planRotation` of that key, at the write's time. */
  readonly plan: RotationPlan;
  /**
   * Seal the new secret for holders of the previous one (successor pickup, decision 0014), when
   * the key allows it; an emergency rotation passes false: a leaked secret must not yield its successor.
   */
  readonly seal: boolean;
  /** A secret made ready earlier; used only when it still fits the key as locked. */
  readonly ready?: PreparedRotation | undefined;
  /** What the audit entry records of the request. */
  readonly graceMs: Millis;
  readonly reason: string | null;
  readonly retireWhenUnusedMs?: Millis | null | undefined;
  readonly extendWhileInUse?: { maxMs: Millis; stepMs: Millis } | null | undefined;
  /** Added to the audit entry (a policy's source and due time, a job's id). */
  readonly audit?: Record<string, unknown> | undefined;
}

/** What one rotation made. */
export interface RotationMade {
  /**
   * The new secret: shown to the caller of `rotate`, else never seen by anyone but its sealed box;
   * null when it was made ready on a key pair thread (a bulk rotation), where it stayed.
   */
  readonly secret: string | null;
  readonly version: number;
  readonly previous: { version: number; expiresAt: Millis } | null;
  readonly sealed: boolean;
  /** The key with its versions as this write leaves them (what a read after the commit returns). */
  readonly key: KeyWithVersions;
}

/** The version holders of which may fetch the new secret, when `seal` and the key allow it. */
function recipientOf(k: KeyWithVersions, plan: RotationPlan, seal: boolean): VersionRecord | undefined {
  if (!seal || !k.key.allowSuccessorPickup || plan.previous === null) return undefined;
  const v = k.versions.find((x) => x.version === plan.previous!.version);
  return v?.publicKey != null ? v : undefined;
}

/** What making the new version of key `k` for the rotation `plan` needs (for a key pair thread). */
export function newVersionInput(
  k: KeyWithVersions,
  plan: RotationPlan,
  now: Millis,
  seal = true,
): NewVersionInput {
  const recipient = recipientOf(k, plan, seal);
  return {
    keyId: k.key.id,
    prefix: k.key.prefix,
    version: plan.next.version,
    activatesAt: plan.next.activatesAt,
    storedState: plan.next.storedState,
    now,
    recipient:
      recipient === undefined ? null : { version: recipient.version, publicKey: recipient.publicKey! },
  };
}

/** Makes the new secret of key `k` for the rotation `plan` (at version `plan.next.version`). */
export function prepareRotation(
  k: KeyWithVersions,
  plan: RotationPlan,
  now: Millis,
  seal = true,
): PreparedRotation {
  return makeNewVersion(newVersionInput(k, plan, now, seal));
}

/** True when what was prepared on an earlier read still fits the key as locked now. */
function stillFits(p: PreparedRotation, k: KeyWithVersions, plan: RotationPlan, seal: boolean): boolean {
  const recipient = recipientOf(k, plan, seal);
  return (
    p.version.version === plan.next.version &&
    p.from === (recipient?.version ?? null) &&
    p.fromPublicKey === (recipient?.publicKey ?? null) &&
    (p.box !== null) === (recipient !== undefined)
  );
}

/** The versions of `k` with `patches` applied and `added` appended, in version order. */
function applied(
  k: KeyWithVersions,
  patches: readonly VersionPatch[],
  added: VersionRecord,
): KeyWithVersions {
  const byVersion = new Map(patches.map((p) => [p.version, p]));
  const versions = k.versions.map((v) => {
    const p = byVersion.get(v.version);
    if (p === undefined) return v;
    const out: { -readonly [F in keyof VersionRecord]: VersionRecord[F] } = {
      ...v,
      storedState: p.storedState,
    };
    if (p.graceStartsAt !== undefined) out.graceStartsAt = p.graceStartsAt;
    if (p.expiresAt !== undefined) out.expiresAt = p.expiresAt;
    if (p.revokedAt !== undefined) out.revokedAt = p.revokedAt;
    if (p.retireWhenUnusedMs !== undefined) out.retireWhenUnusedMs = p.retireWhenUnusedMs;
    if (p.extendMaxAt !== undefined) out.extendMaxAt = p.extendMaxAt;
    if (p.extendStepMs !== undefined) out.extendStepMs = p.extendStepMs;
    if (p.retiredReason !== undefined) out.retiredReason = p.retiredReason;
    return out;
  });
  versions.push(added);
  versions.sort((a, b) => a.version - b.version);
  return { key: k.key, versions };
}

/**
 * Writes the rotations of keys locked in `w` (each: its previous version patched into grace, a new
 * version, the successor sealed for pickup, a `key.rotated` feed row, audit entry and event), in a
 * constant number of statements whatever their number: one multi-row UPDATE per round of patches
 * (one for a plain rotation), one multi-row INSERT of versions and one of sealed successors (sent
 * with the transaction's last statement where the store can: `StoreTx.atEnd`); the feed, audit and
 * outbox rows are flushed multi-row by `commit` at the end of the transaction.
 * The keys must be distinct. Returns what each made, in the order given.
 */
export async function writeRotations(w: Write, specs: readonly RotationSpec[]): Promise<RotationMade[]> {
  const { tx, now } = w;
  const versions: VersionRecord[] = [];
  const sealed: Array<Parameters<typeof tx.putSealedSuccessor>[0]> = [];
  const made: RotationMade[] = [];
  for (const s of specs) {
    const { k, plan } = s;
    const p =
      s.ready !== undefined && stillFits(s.ready, k, plan, s.seal)
        ? s.ready
        : prepareRotation(k, plan, now, s.seal);
    // stamped with this transaction's time, whenever the secret was made
    const v: VersionRecord = {
      ...p.version,
      createdAt: now,
      activatesAt: plan.next.activatesAt,
      storedState: plan.next.storedState,
    };
    versions.push(v);
    if (p.box !== null) {
      sealed.push({
        keyId: k.key.id,
        version: p.from!,
        successorVersion: v.version,
        ...p.box,
        createdAt: now,
      });
    }
    made.push({
      secret: p.secret,
      version: v.version,
      previous: plan.previous,
      sealed: p.box !== null,
      key: applied(k, plan.patches, v),
    });
  }
  // demotions first (the plans order them), before any new active version is inserted
  await tx.patchManyVersions(specs.map((s) => ({ keyId: s.k.key.id, patches: s.plan.patches })));
  // inserts that nothing in this write reads back: sent with the transaction's last statement
  await tx.atEnd(async (end) => {
    if (versions.length === 1) await end.insertVersion(versions[0]!);
    else await end.insertVersions(versions);
    if (sealed.length === 1) await end.putSealedSuccessor(sealed[0]!);
    else if (sealed.length > 1) await end.putSealedSuccessors(sealed);
  });
  specs.forEach((s, i) => {
    const { k, plan } = s;
    const m = made[i]!;
    w.changed("key.rotated", { keyId: k.key.id, consumerId: k.key.consumerId });
    w.audit("key.rotated", k.key.id, {
      version: m.version,
      previous: plan.previous?.version ?? null,
      graceMs: s.graceMs,
      activatesAt: plan.next.activatesAt,
      reason: s.reason,
      retireWhenUnusedMs: s.retireWhenUnusedMs ?? null,
      extendWhileInUse: s.extendWhileInUse ?? null,
      sealedForPickup: m.sealed,
      ...s.audit,
    });
    keyEvent(w, "key.rotated", k.key, {
      version: m.version,
      activatesAt: iso(plan.next.activatesAt),
      previousVersion: plan.previous?.version ?? null,
      previousExpiresAt: iso(plan.previous?.expiresAt),
      reason: s.reason,
    });
  });
  return made;
}
