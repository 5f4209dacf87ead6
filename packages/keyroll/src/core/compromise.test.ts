import assert from "node:assert/strict";
import { test } from "node:test";
import { planCompromise } from "./compromise.js";
import type { KeyrollError } from "./errors.js";
import { type KeyRecord, type VersionRecord, versionState } from "./model.js";
import { applyPatches, planRotation } from "./rotation.js";
import { generateSecret } from "./secret.js";
import { buildVersion } from "./version.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const HOUR = 3_600_000;
const key: KeyRecord = {
  id: "key_01jh3k5v7q9x2m4n6p8r0s2t4v",
  consumerId: "con_01jh3k5v7q9x2m4n6p8r0s2t4v",
  name: null,
  scopes: [],
  prefix: "kr_live",
  metadata: {},
  createdAt: T0,
  expiresAt: null,
  revokedAt: null,
  admin: false,
  allowSuccessorPickup: true,
};
const v = (n: number, at: number) =>
  buildVersion({
    keyId: key.id,
    version: n,
    secret: generateSecret(),
    imported: false,
    now: at,
    activatesAt: at,
    storedState: "active",
  });

/** v1 in grace, v2 active (a rotation with 1 h grace at T0 + 1 h). */
function rotated(): VersionRecord[] {
  const v1 = v(1, T0);
  const plan = planRotation(key, [v1], T0 + HOUR, { graceMs: HOUR });
  return [...applyPatches([v1], plan.patches), v(2, T0 + HOUR)];
}

const states = (vs: readonly VersionRecord[], now: number) =>
  vs.map((x) => [x.version, versionState(x, now)]);

test("without versions, every working version is revoked now and the replacement is next", () => {
  const vs = rotated();
  const now = T0 + HOUR + 1000;
  const plan = planCompromise(key, vs, now);
  assert.deepEqual(plan.revoked, [1, 2]);
  assert.equal(plan.next.version, 3);
  assert.equal(plan.previous, null);
  assert.deepEqual(states(applyPatches(vs, plan.patches), now), [
    [1, "revoked"],
    [2, "revoked"],
  ]);
});

test("a named old version is revoked; the unnamed active one ends now, or keeps the grace asked", () => {
  const vs = rotated();
  const now = T0 + HOUR + 1000;
  const ended = planCompromise(key, vs, now, { exposed: [1] });
  assert.deepEqual(ended.revoked, [1]);
  assert.deepEqual(states(applyPatches(vs, ended.patches), now), [
    [1, "revoked"],
    [2, "expired"],
  ]);
  const kept = planCompromise(key, vs, now, { exposed: [1], graceMs: 600_000 });
  assert.deepEqual(kept.previous, { version: 2, expiresAt: now + 600_000 });
  assert.deepEqual(states(applyPatches(vs, kept.patches), now), [
    [1, "revoked"],
    [2, "grace"],
  ]);
  // no two active versions at any point: the old active is demoted by the patches
  assert.ok(!applyPatches(vs, kept.patches).some((x) => x.storedState === "active"));
});

test("what was sealed to an exposed version is exposed too, transitively", () => {
  const vs = rotated();
  const now = T0 + HOUR + 1000;
  const plan = planCompromise(key, vs, now, { exposed: [1], sealedTo: (n) => (n === 1 ? [2] : []) });
  assert.deepEqual(plan.revoked, [1, 2]);
});

test("refused: a revoked key, an unknown version, a grace over 7 days", () => {
  const vs = rotated();
  const now = T0 + HOUR;
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as KeyrollError).code;
    }
    return "none";
  };
  assert.equal(
    code(() => planCompromise({ ...key, revokedAt: T0 }, vs, now)),
    "KEY_REVOKED",
  );
  assert.equal(
    code(() => planCompromise(key, vs, now, { exposed: [7] })),
    "VERSION_NOT_FOUND",
  );
  assert.equal(
    code(() => planCompromise(key, vs, now, { graceMs: 8 * 24 * HOUR })),
    "INVALID_DURATION",
  );
});
