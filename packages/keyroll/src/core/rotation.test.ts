import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { KeyrollError } from "./errors.js";
import { type KeyRecord, keyExpired, type VersionRecord, type VersionState, versionState } from "./model.js";
import {
  applyPatches,
  MAX_GRACE_MS,
  MAX_SCHEDULE_MS,
  planKeyRevoke,
  planRollback,
  planRotation,
  planVersionRevoke,
  settle,
  type VersionPatch,
} from "./rotation.js";
import { generateSecret } from "./secret.js";
import { buildVersion } from "./version.js";

// every rotation writes the previous version's traffic policy, null when none was asked for
const NO_POLICY = { retireWhenUnusedMs: null, extendMaxAt: null, extendStepMs: null } as const;

const T0 = Date.parse("2026-01-01T00:00:00Z");
const HOUR = 3_600_000;

function makeKey(over: Partial<KeyRecord> = {}): KeyRecord {
  return Object.freeze({
    id: "key_01jh3k5v7q9x2m4n6p8r0s2t4v",
    consumerId: "con_01jh3k5v7q9x2m4n6p8r0s2t4v",
    name: null,
    scopes: Object.freeze([]) as readonly string[],
    prefix: "kr_live",
    metadata: {},
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    admin: false,
    allowSuccessorPickup: true,
    ...over,
  });
}

function newVersion(
  key: KeyRecord,
  version: number,
  now: number,
  activatesAt: number,
  storedState: VersionState,
): VersionRecord {
  return buildVersion({
    keyId: key.id,
    version,
    secret: generateSecret(key.prefix),
    imported: false,
    now,
    activatesAt,
    storedState,
  });
}

/** Frozen, so that a plan that mutates its input fails loudly instead of passing by accident. */
function freeze(versions: readonly VersionRecord[]): readonly VersionRecord[] {
  return Object.freeze(versions.map((v) => Object.freeze({ ...v })));
}

function initial(key: KeyRecord, now = T0): readonly VersionRecord[] {
  return freeze([newVersion(key, 1, now, now, "active")]);
}

/** A rotation written the way services/keys.ts writes it: the plan's patches, then the new version. */
function rotate(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  now: number,
  graceMs: number,
  activateAt?: number,
): readonly VersionRecord[] {
  const plan = planRotation(key, versions, now, { graceMs, activateAt });
  const next = newVersion(key, plan.next.version, now, plan.next.activatesAt, plan.next.storedState);
  return freeze([...applyPatches(versions, plan.patches), next]);
}

function get(versions: readonly VersionRecord[], n: number): VersionRecord {
  const v = versions.find((x) => x.version === n);
  assert.ok(v, `no version ${n}`);
  return v;
}

function states(versions: readonly VersionRecord[], now: number): VersionState[] {
  return versions.map((v) => versionState(v, now));
}

function storedActive(versions: readonly VersionRecord[]): number[] {
  return versions.filter((v) => v.storedState === "active").map((v) => v.version);
}

/** Applies patches one at a time, as the store does, and returns every intermediate state. */
function patchByPatch(
  versions: readonly VersionRecord[],
  patches: readonly VersionPatch[],
): VersionRecord[][] {
  const out: VersionRecord[][] = [];
  let cur = [...versions];
  for (const p of patches) {
    cur = applyPatches(cur, [p]);
    out.push(cur);
  }
  return out;
}

function refusedWith(code: KeyrollError["code"]): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof KeyrollError, `expected KeyrollError ${code}, got ${String(e)}`);
    assert.equal(e.code, code);
    return true;
  };
}

describe("planRotation", () => {
  const key = makeKey();

  test("an immediate rotation: the new version is active now, the old one in grace until now + grace", () => {
    const v = initial(key);
    const now = T0 + HOUR;
    const plan = planRotation(key, v, now, { graceMs: 2 * HOUR });
    assert.deepEqual(plan, {
      patches: [
        { version: 1, graceStartsAt: now, expiresAt: now + 2 * HOUR, storedState: "grace", ...NO_POLICY },
      ],
      next: { version: 2, activatesAt: now, storedState: "active" },
      previous: { version: 1, expiresAt: now + 2 * HOUR },
    });
    const after = rotate(key, v, now, 2 * HOUR);
    assert.deepEqual(states(after, now), ["grace", "active"]);
    assert.deepEqual(states(after, now + 2 * HOUR - 1), ["grace", "active"]);
    assert.deepEqual(states(after, now + 2 * HOUR), ["expired", "active"]);
    assert.equal(get(after, 1).digest, get(v, 1).digest, "rotation never changes an old secret");
    assert.notEqual(get(after, 2).digest, get(v, 1).digest);
  });

  test("a zero grace period retires the old version at once", () => {
    const now = T0 + HOUR;
    const plan = planRotation(key, initial(key), now, { graceMs: 0 });
    assert.deepEqual(plan.patches, [
      { version: 1, graceStartsAt: now, expiresAt: now, storedState: "expired", ...NO_POLICY },
    ]);
    assert.deepEqual(plan.previous, { version: 1, expiresAt: now });
    assert.deepEqual(states(rotate(key, initial(key), now, 0), now), ["expired", "active"]);
  });

  test("a scheduled rotation: nothing changes for clients until activateAt, then the usual grace", () => {
    const now = T0 + HOUR;
    const at = now + 10 * HOUR;
    const plan = planRotation(key, initial(key), now, { graceMs: HOUR, activateAt: at });
    assert.deepEqual(plan, {
      patches: [{ version: 1, graceStartsAt: at, expiresAt: at + HOUR, storedState: "active", ...NO_POLICY }],
      next: { version: 2, activatesAt: at, storedState: "scheduled" },
      previous: { version: 1, expiresAt: at + HOUR },
    });
    const v = rotate(key, initial(key), now, HOUR, at);
    assert.deepEqual(states(v, now), ["active", "scheduled"]);
    assert.deepEqual(states(v, at - 1), ["active", "scheduled"]);
    assert.deepEqual(states(v, at), ["grace", "active"]);
    assert.deepEqual(states(v, at + HOUR), ["expired", "active"]);
  });

  test("activateAt equal to now is an immediate rotation", () => {
    const now = T0 + HOUR;
    const plan = planRotation(key, initial(key), now, { graceMs: HOUR, activateAt: now });
    assert.equal(plan.next.storedState, "active");
    assert.equal(plan.patches[0]?.storedState, "grace");
  });

  test("the grace period must be an integer from 0 to 365 days", () => {
    const v = initial(key);
    assert.equal(MAX_GRACE_MS, 365 * 24 * HOUR);
    assert.doesNotThrow(() => planRotation(key, v, T0, { graceMs: MAX_GRACE_MS }));
    for (const graceMs of [-1, MAX_GRACE_MS + 1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => planRotation(key, v, T0, { graceMs }),
        refusedWith("INVALID_DURATION"),
        String(graceMs),
      );
    }
  });

  test("activateAt must not be in the past nor more than 365 days ahead", () => {
    const v = initial(key);
    const now = T0 + HOUR;
    assert.doesNotThrow(() => planRotation(key, v, now, { graceMs: 0, activateAt: now + MAX_SCHEDULE_MS }));
    for (const activateAt of [now - 1, T0 - HOUR, now + MAX_SCHEDULE_MS + 1]) {
      assert.throws(
        () => planRotation(key, v, now, { graceMs: 0, activateAt }),
        refusedWith("VALIDATION_FAILED"),
        String(activateAt - now),
      );
    }
  });

  test("a second rotation while one is scheduled is refused with ROTATION_PENDING", () => {
    const v = rotate(key, initial(key), T0, HOUR, T0 + HOUR);
    assert.throws(() => planRotation(key, v, T0 + 1, { graceMs: HOUR }), refusedWith("ROTATION_PENDING"));
    assert.throws(
      () => planRotation(key, v, T0 + 1, { graceMs: HOUR, activateAt: T0 + 2 * HOUR }),
      refusedWith("ROTATION_PENDING"),
    );
    // once the scheduled version has taken over, rotating again is fine
    const plan = planRotation(key, v, T0 + HOUR, { graceMs: HOUR });
    assert.equal(plan.next.version, 3);
    assert.deepEqual(plan.previous, { version: 2, expiresAt: T0 + 2 * HOUR });
  });

  test("a revoked or expired key cannot be rotated", () => {
    const revoked = makeKey({ revokedAt: T0 });
    assert.throws(
      () => planRotation(revoked, initial(revoked), T0, { graceMs: 0 }),
      refusedWith("KEY_REVOKED"),
    );
    const expiring = makeKey({ expiresAt: T0 + HOUR });
    assert.doesNotThrow(() => planRotation(expiring, initial(expiring), T0 + HOUR - 1, { graceMs: 0 }));
    assert.throws(
      () => planRotation(expiring, initial(expiring), T0 + HOUR, { graceMs: 0 }),
      refusedWith("KEY_EXPIRED"),
    );
  });

  test("version numbers are never reused, even after a rollback revoked the newest", () => {
    let v = rotate(key, initial(key), T0, HOUR);
    v = rotate(key, v, T0 + 1, HOUR);
    v = freeze(applyPatches(v, planRollback(key, v, T0 + 2)));
    assert.deepEqual(states(v, T0 + 2), ["grace", "active", "revoked"]);
    const plan = planRotation(key, v, T0 + 3, { graceMs: HOUR });
    assert.equal(plan.next.version, 4);
  });

  test("rotation only touches the active version; older grace versions keep their own end", () => {
    let v = rotate(key, initial(key), T0, 3 * HOUR);
    v = rotate(key, v, T0 + HOUR, HOUR);
    assert.deepEqual(states(v, T0 + HOUR), ["grace", "grace", "active"]);
    assert.equal(get(v, 1).expiresAt, T0 + 3 * HOUR);
    assert.equal(get(v, 2).expiresAt, T0 + 2 * HOUR);
  });
});

describe("planRollback", () => {
  const key = makeKey();

  test("during grace the previous version is active again (no end) and the newer one revoked", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    const now = T0 + HOUR - 1;
    const patches = planRollback(key, v, now);
    assert.deepEqual(patches, [
      { version: 2, revokedAt: now, storedState: "revoked" },
      { version: 1, graceStartsAt: null, expiresAt: null, storedState: "active", ...NO_POLICY },
    ]);
    const after = applyPatches(v, patches);
    assert.deepEqual(states(after, now), ["active", "revoked"]);
    assert.deepEqual(states(after, now + 1000 * HOUR), ["active", "revoked"]);
    for (const step of patchByPatch(v, patches)) assert.ok(storedActive(step).length <= 1);
  });

  test("at exactly the old version's expiresAt a rollback is no longer possible", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    assert.throws(() => planRollback(key, v, T0 + HOUR), refusedWith("ROLLBACK_NOT_POSSIBLE"));
    assert.throws(() => planRollback(key, v, T0 + 5 * HOUR), refusedWith("ROLLBACK_NOT_POSSIBLE"));
  });

  test("after a zero-grace rotation there is nothing to return to", () => {
    const v = rotate(key, initial(key), T0, 0);
    assert.throws(() => planRollback(key, v, T0), refusedWith("ROLLBACK_NOT_POSSIBLE"));
  });

  test("a key with one version cannot be rolled back", () => {
    assert.throws(() => planRollback(key, initial(key), T0), refusedWith("ROLLBACK_NOT_POSSIBLE"));
  });

  test("a pending scheduled rotation is cancelled: the current version keeps working without an end", () => {
    const v = rotate(key, initial(key), T0, HOUR, T0 + 10 * HOUR);
    const now = T0 + HOUR;
    const patches = planRollback(key, v, now);
    const after = applyPatches(v, patches);
    assert.deepEqual(states(after, now), ["active", "revoked"]);
    assert.deepEqual(states(after, T0 + 100 * HOUR), ["active", "revoked"]);
    assert.equal(get(after, 1).expiresAt, null);
    assert.equal(get(after, 1).graceStartsAt, null);
    assert.equal(get(after, 2).revokedAt, now);
  });

  test("rolling back twice walks back through versions still in grace", () => {
    let v = rotate(key, initial(key), T0, 10 * HOUR);
    v = rotate(key, v, T0 + 1, 10 * HOUR);
    v = freeze(applyPatches(v, planRollback(key, v, T0 + 2)));
    assert.deepEqual(states(v, T0 + 2), ["grace", "active", "revoked"]);
    v = freeze(applyPatches(v, planRollback(key, v, T0 + 3)));
    assert.deepEqual(states(v, T0 + 3), ["active", "revoked", "revoked"]);
    assert.throws(() => planRollback(key, v, T0 + 4), refusedWith("ROLLBACK_NOT_POSSIBLE"));
  });

  test("a revoked or expired key cannot be rolled back", () => {
    const revoked = makeKey({ revokedAt: T0 });
    assert.throws(() => planRollback(revoked, initial(revoked), T0), refusedWith("KEY_REVOKED"));
    const expired = makeKey({ expiresAt: T0 });
    assert.throws(() => planRollback(expired, initial(expired), T0), refusedWith("KEY_EXPIRED"));
  });
});

describe("planVersionRevoke", () => {
  const key = makeKey();

  test("the active version cannot be revoked on its own", () => {
    assert.throws(() => planVersionRevoke(key, initial(key), 1, T0), refusedWith("VERSION_ACTIVE"));
    const v = rotate(key, initial(key), T0, HOUR);
    assert.throws(() => planVersionRevoke(key, v, 2, T0 + 1), refusedWith("VERSION_ACTIVE"));
  });

  test("a version in grace is revoked now; the active one is untouched", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    const patches = planVersionRevoke(key, v, 1, T0 + 1);
    assert.deepEqual(patches, [{ version: 1, revokedAt: T0 + 1, storedState: "revoked" }]);
    assert.deepEqual(states(applyPatches(v, patches), T0 + 1), ["revoked", "active"]);
  });

  test("an expired version can still be revoked (a tombstone that says REVOKED)", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    const patches = planVersionRevoke(key, v, 1, T0 + 2 * HOUR);
    assert.deepEqual(states(applyPatches(v, patches), T0 + 2 * HOUR), ["revoked", "active"]);
  });

  test("revoking a scheduled version cancels it and the current one keeps working without an end", () => {
    const v = rotate(key, initial(key), T0, HOUR, T0 + 10 * HOUR);
    const after = applyPatches(v, planVersionRevoke(key, v, 2, T0 + 1));
    assert.deepEqual(states(after, T0 + 1), ["active", "revoked"]);
    assert.deepEqual(states(after, T0 + 100 * HOUR), ["active", "revoked"]);
    assert.equal(get(after, 1).expiresAt, null);
  });

  test("revoking an already revoked version changes nothing", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    const once = freeze(applyPatches(v, planVersionRevoke(key, v, 1, T0 + 1)));
    assert.deepEqual(planVersionRevoke(key, once, 1, T0 + 2), []);
  });

  test("an unknown version is VERSION_NOT_FOUND", () => {
    assert.throws(() => planVersionRevoke(key, initial(key), 2, T0), refusedWith("VERSION_NOT_FOUND"));
    assert.throws(() => planVersionRevoke(key, initial(key), 0, T0), refusedWith("VERSION_NOT_FOUND"));
  });

  test("written patch by patch it never shows two stored active versions (scheduled rotation not yet settled)", () => {
    // v2 was scheduled for T0 + 1000 and its time has come, but no write has settled the stored
    // states yet (the scheduler runs later): stored v1 = active, v2 = scheduled.
    const v = rotate(key, initial(key), T0, HOUR, T0 + 1000);
    const now = T0 + 2000;
    assert.deepEqual(storedActive(v), [1]);
    assert.deepEqual(states(v, now), ["grace", "active"]);
    const patches = planVersionRevoke(key, v, 1, now);
    const final = applyPatches(v, patches);
    assert.deepEqual(states(final, now), ["revoked", "active"]);
    for (const [i, step] of patchByPatch(v, patches).entries()) {
      assert.ok(
        storedActive(step).length <= 1,
        `after patch ${i} ${JSON.stringify(patches[i])}: stored active versions ${storedActive(step)}`,
      );
    }
  });
});

describe("planKeyRevoke", () => {
  test("revokes every version not yet revoked, at now; earlier revocations keep their time", () => {
    const key = makeKey();
    let v = rotate(key, initial(key), T0, HOUR);
    v = rotate(key, v, T0 + 1, HOUR);
    v = freeze(applyPatches(v, planVersionRevoke(key, v, 1, T0 + 2)));
    const patches = planKeyRevoke(v, T0 + 3);
    assert.deepEqual(patches, [
      { version: 2, revokedAt: T0 + 3, storedState: "revoked" },
      { version: 3, revokedAt: T0 + 3, storedState: "revoked" },
    ]);
    const after = applyPatches(v, patches);
    assert.deepEqual(states(after, T0 + 3), ["revoked", "revoked", "revoked"]);
    assert.equal(get(after, 1).revokedAt, T0 + 2);
  });
});

describe("settle", () => {
  const key = makeKey();

  test("nothing to do when the stored states describe the present", () => {
    assert.deepEqual(settle(initial(key), T0), []);
    assert.deepEqual(settle(rotate(key, initial(key), T0, HOUR), T0 + 1), []);
  });

  test("a scheduled version whose time came becomes active, its predecessor grace, demotion first", () => {
    const v = rotate(key, initial(key), T0, HOUR, T0 + 1000);
    const patches = settle(v, T0 + 1000);
    assert.deepEqual(patches, [
      { version: 1, storedState: "grace" },
      { version: 2, storedState: "active" },
    ]);
    for (const step of patchByPatch(v, patches)) assert.ok(storedActive(step).length <= 1);
  });

  test("a grace version past its end is stored as expired", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    assert.deepEqual(settle(v, T0 + HOUR), [{ version: 1, storedState: "expired" }]);
  });

  test("whatever the stored states, writing its patches one by one never stores two active versions (property)", () => {
    const stateArb = fc.constantFrom<VersionState>("scheduled", "active", "grace", "revoked", "expired");
    const versionArb = fc.record({
      activatesAt: fc.integer({ min: 0, max: 100 }),
      grace: fc.option(fc.tuple(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }))),
      revoked: fc.boolean(),
      storedState: stateArb,
    });
    fc.assert(
      fc.property(
        fc.array(versionArb, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 300 }),
        (vs, t) => {
          const now = T0 + t;
          const versions = vs.map((x, i) => {
            const graceStartsAt = x.grace === null ? null : T0 + x.activatesAt + x.grace[0];
            return {
              ...newVersion(key, i + 1, T0, T0 + x.activatesAt, x.storedState),
              graceStartsAt,
              expiresAt: x.grace === null || graceStartsAt === null ? null : graceStartsAt + x.grace[1],
              revokedAt: x.revoked ? T0 : null,
            };
          });
          // what the database can hold: at most one stored active, and a present with at most one active
          fc.pre(storedActive(versions).length <= 1);
          fc.pre(states(versions, now).filter((s) => s === "active").length <= 1);
          const patches = settle(versions, now);
          for (const step of patchByPatch(versions, patches)) {
            assert.ok(storedActive(step).length <= 1, JSON.stringify(patches));
          }
          const final = applyPatches(versions, patches);
          assert.deepEqual(
            final.map((v) => v.storedState),
            states(versions, now),
          );
        },
      ),
      { numRuns: 500 },
    );
  });

  test("is idempotent and agrees with versionState", () => {
    const v = rotate(key, initial(key), T0, HOUR, T0 + 1000);
    for (const now of [T0, T0 + 999, T0 + 1000, T0 + HOUR + 999, T0 + HOUR + 1000, T0 + 10 * HOUR]) {
      const settled = applyPatches(v, settle(v, now));
      assert.deepEqual(
        settled.map((x) => x.storedState),
        states(v, now),
      );
      assert.deepEqual(settle(settled, now), []);
    }
  });
});

describe("applyPatches", () => {
  const key = makeKey();

  test("returns new records, leaves the input alone, and later patches win", () => {
    const v = rotate(key, initial(key), T0, HOUR);
    const before = structuredClone(v);
    const out = applyPatches(v, [
      { version: 1, storedState: "expired" },
      { version: 1, revokedAt: T0 + 5, storedState: "revoked" },
      { version: 9, storedState: "active" },
    ]);
    assert.deepEqual(v, before);
    assert.equal(out.length, 2);
    assert.equal(get(out, 1).storedState, "revoked");
    assert.equal(get(out, 1).revokedAt, T0 + 5);
    assert.equal(get(out, 1).expiresAt, T0 + HOUR, "fields absent from the patch are kept");
    assert.equal(get(out, 1).digest, get(v, 1).digest);
    assert.equal(out[1], v[1], "an unpatched version is the same record");
  });
});

// ---------------------------------------------------------------------------------------------
// Model-based: random sequences of actions against a key, with invariants after every step.

interface World {
  readonly key: KeyRecord;
  readonly versions: readonly VersionRecord[];
  readonly now: number;
}

type Action =
  | { readonly kind: "rotate"; readonly graceMs: number; readonly activateIn: number | undefined }
  | { readonly kind: "rollback" }
  | { readonly kind: "revokeVersion"; readonly pick: number }
  | { readonly kind: "revokeKey" }
  | { readonly kind: "advance"; readonly ms: number }
  | { readonly kind: "toBoundary"; readonly pick: number; readonly offset: -1 | 0 | 1 }
  | { readonly kind: "settle" };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 20,
    arbitrary: fc.record({
      kind: fc.constant("rotate" as const),
      graceMs: fc.oneof(
        { weight: 3, arbitrary: fc.constant(0) },
        { weight: 8, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
        {
          weight: 1,
          arbitrary: fc.constantFrom(MAX_GRACE_MS, MAX_GRACE_MS + 1, -1, 1.5, Number.NaN),
        },
      ),
      activateIn: fc.option(
        fc.oneof(
          { weight: 1, arbitrary: fc.constant(0) },
          { weight: 6, arbitrary: fc.integer({ min: 1, max: 10_000 }) },
          { weight: 1, arbitrary: fc.constantFrom(-1, MAX_SCHEDULE_MS, MAX_SCHEDULE_MS + 1) },
        ),
        { nil: undefined, freq: 2 },
      ),
    }),
  },
  { weight: 12, arbitrary: fc.constant({ kind: "rollback" as const }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant("revokeVersion" as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "revokeKey" as const }) },
  {
    weight: 12,
    arbitrary: fc.record({
      kind: fc.constant("advance" as const),
      ms: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 3000, max: 20_000 })),
    }),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant("toBoundary" as const),
      pick: fc.nat(),
      offset: fc.constantFrom(-1 as const, 0 as const, 1 as const),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ kind: "settle" as const }) },
);

const keyExpiryArb = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 60_000 }) },
);

const RANK: Record<VersionState, number> = { scheduled: 0, active: 1, grace: 2, expired: 3, revoked: 4 };

interface Written {
  readonly versions: readonly VersionRecord[];
  /** The most versions stored as `active` at once, over every intermediate write. */
  readonly peakStoredActive: number;
  readonly peakAt: string;
}

/** Writes patches one at a time and then the new version, as the store does in one transaction. */
function write(
  versions: readonly VersionRecord[],
  patches: readonly VersionPatch[],
  inserted?: VersionRecord,
): Written {
  let cur: readonly VersionRecord[] = versions;
  let peak = storedActive(cur).length;
  let peakAt = "before";
  patches.forEach((p, i) => {
    cur = applyPatches(cur, [p]);
    const n = storedActive(cur).length;
    if (n > peak) [peak, peakAt] = [n, `after patch ${i} ${JSON.stringify(p)} of ${JSON.stringify(patches)}`];
  });
  if (inserted) {
    cur = [...cur, inserted];
    const n = storedActive(cur).length;
    if (n > peak) [peak, peakAt] = [n, `after inserting version ${inserted.version}`];
  }
  return { versions: freeze(cur), peakStoredActive: peak, peakAt };
}

type Outcome =
  | { readonly ok: true; readonly wrote: boolean; readonly written?: Written }
  | { readonly ok: false; readonly code: KeyrollError["code"] };

function attempt(run: () => { world: World; wrote: boolean; written?: Written }): {
  outcome: Outcome;
  world?: World;
} {
  try {
    const r = run();
    return {
      outcome: r.written ? { ok: true, wrote: r.wrote, written: r.written } : { ok: true, wrote: r.wrote },
      world: r.world,
    };
  } catch (e) {
    if (e instanceof KeyrollError) return { outcome: { ok: false, code: e.code } };
    throw e;
  }
}

function versionNumberOf(w: World, pick: number): number {
  return (pick % (w.versions.length + 1)) + 1; // one past the last: a version that does not exist
}

function boundaries(w: World): number[] {
  const out = new Set<number>();
  for (const v of w.versions) {
    for (const t of [v.activatesAt, v.graceStartsAt, v.expiresAt]) if (t !== null && t > w.now) out.add(t);
  }
  if (w.key.expiresAt !== null && w.key.expiresAt > w.now) out.add(w.key.expiresAt);
  return [...out].sort((a, b) => a - b);
}

function perform(w: World, a: Action): { outcome: Outcome; world: World } {
  const { key, versions, now } = w;
  const r = attempt(() => {
    switch (a.kind) {
      case "rotate": {
        const activateAt = a.activateIn === undefined ? undefined : now + a.activateIn;
        const plan = planRotation(key, versions, now, { graceMs: a.graceMs, activateAt });
        const next = newVersion(key, plan.next.version, now, plan.next.activatesAt, plan.next.storedState);
        const written = write(versions, plan.patches, Object.freeze(next));
        return { world: { key, versions: written.versions, now }, wrote: true, written };
      }
      case "rollback": {
        const written = write(versions, planRollback(key, versions, now));
        return { world: { key, versions: written.versions, now }, wrote: true, written };
      }
      case "revokeVersion": {
        const patches = planVersionRevoke(key, versions, versionNumberOf(w, a.pick), now);
        if (patches.length === 0) return { world: w, wrote: false };
        const written = write(versions, patches);
        return { world: { key, versions: written.versions, now }, wrote: true, written };
      }
      case "revokeKey": {
        if (key.revokedAt !== null) return { world: w, wrote: false };
        const written = write(versions, planKeyRevoke(versions, now));
        return {
          world: { key: makeKey({ ...key, revokedAt: now }), versions: written.versions, now },
          wrote: true,
          written,
        };
      }
      case "advance":
        return { world: { key, versions, now: now + a.ms }, wrote: false };
      case "toBoundary": {
        const b = boundaries(w);
        if (b.length === 0) return { world: w, wrote: false };
        const t = Math.max(now, b[a.pick % b.length]! + a.offset);
        return { world: { key, versions, now: t }, wrote: false };
      }
      case "settle": {
        const patches = settle(versions, now);
        if (patches.length === 0) return { world: w, wrote: false };
        const written = write(versions, patches);
        return { world: { key, versions: written.versions, now }, wrote: true, written };
      }
    }
  });
  return { outcome: r.outcome, world: r.world ?? w };
}

/** What each action must do, decided from the state before it (the spec, independent of the plans). */
function expectedRefusal(w: World, a: Action): KeyrollError["code"] | null {
  const live = w.key.revokedAt === null && !keyExpired(w.key, w.now);
  const st = w.versions.map((v) => ({ v, s: versionState(v, w.now) }));
  const active = st.find((x) => x.s === "active");
  const scheduled = st.find((x) => x.s === "scheduled");
  switch (a.kind) {
    case "rotate": {
      if (w.key.revokedAt !== null) return "KEY_REVOKED";
      if (keyExpired(w.key, w.now)) return "KEY_EXPIRED";
      if (!Number.isInteger(a.graceMs) || a.graceMs < 0 || a.graceMs > MAX_GRACE_MS)
        return "INVALID_DURATION";
      if (a.activateIn !== undefined && (a.activateIn < 0 || a.activateIn > MAX_SCHEDULE_MS)) {
        return "VALIDATION_FAILED";
      }
      return scheduled ? "ROTATION_PENDING" : null;
    }
    case "rollback": {
      if (w.key.revokedAt !== null) return "KEY_REVOKED";
      if (!live) return "KEY_EXPIRED";
      if (scheduled && active) return null;
      if (!active) return "ROLLBACK_NOT_POSSIBLE";
      // back to the version the active one replaced; if that one was revoked, no rollback. A
      // version revoked before its grace began (undone, or cancelled while scheduled) replaced
      // nothing and is passed over.
      const previous = st
        .filter((x) => {
          const { revokedAt, graceStartsAt } = x.v;
          const undone = revokedAt !== null && (graceStartsAt === null || revokedAt < graceStartsAt);
          return x.v.version < active.v.version && !undone;
        })
        .sort((x, y) => y.v.version - x.v.version)[0];
      return previous?.s === "grace" ? null : "ROLLBACK_NOT_POSSIBLE";
    }
    case "revokeVersion": {
      const target = st.find((x) => x.v.version === versionNumberOf(w, a.pick));
      if (!target) return "VERSION_NOT_FOUND";
      if (target.s === "active" && w.key.revokedAt === null) return "VERSION_ACTIVE";
      return null;
    }
    default:
      return null;
  }
}

function stamps(v: VersionRecord) {
  return { graceStartsAt: v.graceStartsAt, expiresAt: v.expiresAt, revokedAt: v.revokedAt };
}

/** Checks one step: the outcome against the spec, then the invariants of the state after it. */
function check(before: World, a: Action, outcome: Outcome, after: World): void {
  const { now } = after;
  const was = new Map(before.versions.map((v) => [v.version, { v, s: versionState(v, before.now) }]));
  const is = new Map(after.versions.map((v) => [v.version, { v, s: versionState(v, now) }]));
  const expected = expectedRefusal(before, a);

  if (!outcome.ok) {
    assert.equal(outcome.code, expected, `refused with ${outcome.code}, expected ${expected ?? "success"}`);
    assert.equal(after, before, "a refused action changes nothing");
  } else {
    assert.equal(expected, null, `succeeded, expected ${expected}`);
  }

  if (outcome.ok) {
    const wasActive = [...was.values()].find((x) => x.s === "active");
    const wasScheduled = [...was.values()].find((x) => x.s === "scheduled");
    switch (a.kind) {
      case "rotate": {
        assert.equal(after.versions.length, before.versions.length + 1);
        const next = after.versions.at(-1)!;
        assert.equal(next.version, before.versions.length + 1);
        const at = now + (a.activateIn ?? 0);
        assert.equal(next.activatesAt, at);
        assert.equal(versionState(next, now), at > now ? "scheduled" : "active");
        if (wasActive) {
          const prev = is.get(wasActive.v.version)!;
          assert.equal(prev.v.graceStartsAt, at);
          assert.equal(prev.v.expiresAt, at + a.graceMs);
          assert.equal(prev.s, at > now ? "active" : a.graceMs > 0 ? "grace" : "expired");
        }
        for (const [n, x] of was) {
          if (n !== wasActive?.v.version)
            assert.deepEqual(stamps(is.get(n)!.v), stamps(x.v), `v${n} untouched`);
        }
        break;
      }
      case "rollback": {
        if (wasScheduled && wasActive) {
          assert.equal(is.get(wasScheduled.v.version)!.v.revokedAt, now);
          const kept = is.get(wasActive.v.version)!;
          assert.equal(kept.s, "active");
          assert.equal(kept.v.expiresAt, null);
          assert.equal(kept.v.graceStartsAt, null);
        } else {
          assert.ok(wasActive, "a rollback needs an active version");
          assert.equal(is.get(wasActive.v.version)!.v.revokedAt, now, "the newer version is revoked");
          const restored = [...is.values()].find((x) => x.s === "active");
          assert.ok(restored, "a version is active after a rollback");
          assert.equal(was.get(restored.v.version)!.s, "grace", "only a version in grace comes back");
          assert.ok(restored.v.version < wasActive.v.version);
          assert.equal(restored.v.expiresAt, null);
          for (const [n, x] of was) {
            if (n > restored.v.version && n < wasActive.v.version)
              assert.equal(x.s, "revoked", "no skipped live version");
            if (n !== restored.v.version && n !== wasActive.v.version) {
              assert.deepEqual(stamps(is.get(n)!.v), stamps(x.v), `v${n} untouched`);
            }
          }
        }
        break;
      }
      case "revokeVersion": {
        const n = versionNumberOf(before, a.pick);
        const target = is.get(n)!;
        assert.equal(target.s, "revoked");
        if (was.get(n)!.s !== "revoked") assert.equal(target.v.revokedAt, now);
        if (was.get(n)!.s === "scheduled" && wasActive) {
          const kept = is.get(wasActive.v.version)!;
          assert.equal(kept.s, "active");
          assert.equal(kept.v.expiresAt, null, "cancelling the successor ends the planned grace");
        }
        for (const [m, x] of was) {
          if (m !== n && m !== wasActive?.v.version) assert.deepEqual(stamps(is.get(m)!.v), stamps(x.v));
        }
        break;
      }
      case "revokeKey":
        assert.notEqual(after.key.revokedAt, null);
        for (const x of is.values()) assert.equal(x.s, "revoked");
        break;
      default:
        break;
    }
  }

  // a successful write leaves every stored state describing the present
  if (outcome.ok && outcome.wrote) {
    for (const v of after.versions) {
      assert.equal(
        v.storedState,
        versionState(v, now),
        `v${v.version} stored ${v.storedState} after ${a.kind}`,
      );
    }
  }

  // --- invariants of the state after the step, at the current time
  assert.equal(after.key.id, before.key.id);
  assert.ok(after.now >= before.now);
  after.versions.forEach((v, i) => {
    assert.equal(v.version, i + 1, "version numbers are 1, 2, 3 … in order");
  });
  const st = after.versions.map((v) => versionState(v, now));
  const count = (s: VersionState) => st.filter((x) => x === s).length;
  assert.ok(count("active") <= 1, `two active versions: ${st}`);
  assert.ok(
    storedActive(after.versions).length <= 1,
    `two stored active versions: ${storedActive(after.versions)}`,
  );
  const live = after.key.revokedAt === null && !keyExpired(after.key, now);
  if (live) {
    assert.equal(count("active"), 1, `a live key has exactly one active version: ${st}`);
    assert.ok(count("scheduled") <= 1, `at most one scheduled: ${st}`);
  }
  if (after.key.revokedAt !== null)
    assert.equal(count("revoked"), st.length, "a revoked key has only revoked versions");

  for (const [n, x] of was) {
    const y = is.get(n);
    assert.ok(y, `version ${n} disappeared`);
    assert.equal(y.v.digest, x.v.digest);
    assert.equal(y.v.activatesAt, x.v.activatesAt);
    assert.equal(y.v.createdAt, x.v.createdAt);
    if (x.s === "revoked") {
      assert.equal(y.s, "revoked", `v${n} came back from revoked as ${y.s}`);
      assert.equal(y.v.revokedAt, x.v.revokedAt);
    }
    if (x.s === "expired")
      assert.ok(y.s === "expired" || y.s === "revoked", `v${n} came back from expired as ${y.s}`);
    // without a rollback or a cancellation, states only move forward in time
    if (a.kind !== "rollback") {
      assert.ok(RANK[y.s] >= RANK[x.s], `v${n} went from ${x.s} back to ${y.s} on ${a.kind}`);
    }
  }

  // settle() brings the stored states in line with versionState, and then has nothing left to do
  const settled = applyPatches(after.versions, settle(after.versions, now));
  for (const v of settled) assert.equal(v.storedState, versionState(v, now));
  assert.deepEqual(settle(settled, now), []);
}

function runModel(keyExpiresIn: number | null, actions: readonly Action[], checkIntermediate: boolean): void {
  const key = makeKey({ expiresAt: keyExpiresIn === null ? null : T0 + keyExpiresIn });
  let world: World = { key, versions: initial(key), now: T0 };
  for (const [i, a] of actions.entries()) {
    const snapshot = structuredClone(world);
    const { outcome, world: next } = perform(world, a);
    const where = `step ${i} ${JSON.stringify(a)} at +${world.now - T0}ms`;
    if (!outcome.ok) assert.deepEqual(world, snapshot, `${where}: the refused plan changed its input`);
    if (checkIntermediate) {
      if (outcome.ok && outcome.written) {
        assert.ok(
          outcome.written.peakStoredActive <= 1,
          `${where}: ${outcome.written.peakStoredActive} stored active versions ${outcome.written.peakAt}`,
        );
      }
    } else {
      try {
        check(world, a, outcome, next);
      } catch (e) {
        if (e instanceof Error) e.message = `${where}: ${e.message}`;
        throw e;
      }
    }
    world = next;
  }
}

describe("rotation model (property)", () => {
  const actions = fc.array(actionArb, { minLength: 1, maxLength: 40, size: "max" });

  test("after every action: one active version, revoked is final, settle agrees, numbers increase", () => {
    fc.assert(
      fc.property(keyExpiryArb, actions, (keyExpiresIn, as) => runModel(keyExpiresIn, as, false)),
      { numRuns: 400 },
    );
  });

  test("writing any plan patch by patch never stores two active versions at once", () => {
    fc.assert(
      fc.property(keyExpiryArb, actions, (keyExpiresIn, as) => runModel(keyExpiresIn, as, true)),
      { numRuns: 400 },
    );
  });
});
