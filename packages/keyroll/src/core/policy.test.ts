import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { KeyRecord, VersionRecord } from "./model.js";
import { decidePolicyRotation, effectivePolicy, lastRotationAt, parsePolicy, policyJson } from "./policy.js";
import { applyPatches, planRotation, planVersionRevoke } from "./rotation.js";
import { generateSecret } from "./secret.js";
import { buildVersion } from "./version.js";

const T = Date.parse("2026-03-02T10:00:00Z"); // a Monday
const D = 86_400_000;
const H = 3_600_000;

function key(over: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: "key_x",
    consumerId: "con_x",
    name: null,
    scopes: [],
    prefix: "kr_live",
    metadata: {},
    createdAt: T,
    expiresAt: null,
    revokedAt: null,
    admin: false,
    allowSuccessorPickup: true,
    ...over,
  };
}
const v1 = (): VersionRecord =>
  buildVersion({
    keyId: "key_x",
    version: 1,
    secret: generateSecret(),
    imported: false,
    now: T,
    activatesAt: T,
    storedState: "active",
  });

/** The versions after a rotation at `now` as the store would hold them. */
function rotated(versions: VersionRecord[], now: number, activateAt?: number): VersionRecord[] {
  const plan = planRotation(key(), versions, now, { graceMs: H, activateAt });
  const next = buildVersion({
    keyId: "key_x",
    version: plan.next.version,
    secret: generateSecret(),
    imported: false,
    now,
    activatesAt: plan.next.activatesAt,
    storedState: plan.next.storedState,
  });
  return [...applyPatches(versions, plan.patches), next];
}

describe("policy decisions", () => {
  const every30d = parsePolicy({ interval: "30d", gracePeriod: "1h" });
  test("due exactly one interval after the last rotation, not a millisecond before", () => {
    const vs = [v1()];
    assert.equal(decidePolicyRotation(key(), vs, every30d, T + 30 * D - 1)!.due, false);
    const d = decidePolicyRotation(key(), vs, every30d, T + 30 * D)!;
    assert.deepEqual(
      { due: d.due, dueAt: d.dueAt, next: d.nextRotationAt, activateAt: d.activateAt },
      { due: true, dueAt: T + 30 * D, next: T + 30 * D, activateAt: undefined },
    );
    // after the rotation, the next one is an interval later
    const after = rotated(vs, T + 30 * D + 5);
    const n = decidePolicyRotation(key(), after, every30d, T + 30 * D + 10)!;
    assert.equal(n.due, false);
    assert.equal(n.nextRotationAt, T + 60 * D + 5);
  });
  test("a late leader rotates at once, with the same dueAt (the ledger's identity of that rotation)", () => {
    const d = decidePolicyRotation(key(), [v1()], every30d, T + 33 * D)!;
    assert.equal(d.due, true);
    assert.equal(d.dueAt, T + 30 * D);
  });
  test("the maintenance window: waits for it; a leader back after it closed waits for the next one", () => {
    // Mondays 02:00-04:00 Berlin (CET: 01:00-03:00 UTC in March)
    const p = parsePolicy({
      interval: "30d",
      gracePeriod: "1h",
      window: { days: ["mon"], start: "02:00", end: "04:00", timeZone: "Europe/Berlin" },
    });
    // T + 30d = 2026-04-01 (a Wednesday) 10:00Z; the next Monday window opens 2026-04-06 02:00 CEST = 00:00Z
    const open = Date.parse("2026-04-06T00:00:00Z");
    const d = decidePolicyRotation(key(), [v1()], p, T + 30 * D)!;
    assert.equal(d.due, false);
    assert.equal(d.nextRotationAt, open);
    assert.equal(decidePolicyRotation(key(), [v1()], p, open - 1)!.due, false);
    assert.equal(decidePolicyRotation(key(), [v1()], p, open)!.due, true);
    assert.equal(
      decidePolicyRotation(key(), [v1()], p, open + 2 * H - 1)!.due,
      true,
      "the last ms of the window",
    );
    const missed = decidePolicyRotation(key(), [v1()], p, open + 2 * H)!;
    assert.equal(missed.due, false, "closed: never outside the window");
    assert.equal(missed.nextRotationAt, open + 7 * D);
    assert.equal(missed.dueAt, open, "still the same rotation");
  });
  test("phased activation: made activateAfter before the planned switch, active in the window", () => {
    const p = parsePolicy({
      interval: "30d",
      gracePeriod: "1h",
      activateAfter: "2d",
      window: { days: ["mon"], start: "02:00", end: "04:00", timeZone: "Europe/Berlin" },
    });
    const open = Date.parse("2026-04-06T00:00:00Z");
    assert.equal(decidePolicyRotation(key(), [v1()], p, open - 2 * D - 1)!.due, false);
    const d = decidePolicyRotation(key(), [v1()], p, open - 2 * D)!;
    assert.deepEqual(
      { due: d.due, activateAt: d.activateAt, next: d.nextRotationAt },
      { due: true, activateAt: open, next: open },
    );
    // a leader back late: still at least activateAfter of notice, then the next window
    const late = decidePolicyRotation(key(), [v1()], p, open - D)!;
    assert.equal(late.due, true);
    assert.equal(late.activateAt, open + 7 * D);
    // once made, nothing is due while it is scheduled
    const vs = rotated([v1()], open - 2 * D, open);
    const pending = decidePolicyRotation(key(), vs, p, open - D)!;
    assert.equal(pending.due, false);
    assert.ok(pending.nextRotationAt > open + 29 * D);
  });
  test("a cancelled scheduled version restarts the interval from the cancellation, not at once", () => {
    const vs = rotated([v1()], T + 30 * D, T + 31 * D);
    const cancelAt = T + 30 * D + H;
    const after = applyPatches(vs, planVersionRevoke(key(), vs, 2, cancelAt));
    assert.equal(lastRotationAt(after), cancelAt);
    const d = decidePolicyRotation(key(), after, every30d, cancelAt + 1)!;
    assert.equal(d.due, false);
    assert.equal(d.nextRotationAt, cancelAt + 30 * D);
  });
  test("blocked without successor pickup; nothing for revoked or expired keys; admin keys follow no inherited policy", () => {
    const b = decidePolicyRotation(key({ allowSuccessorPickup: false }), [v1()], every30d, T + 31 * D)!;
    assert.equal(b.due, false);
    assert.match(b.blocked!, /successor pickup is off/);
    assert.equal(decidePolicyRotation(key({ revokedAt: T + 1 }), [v1()], every30d, T + 31 * D), null);
    assert.equal(decidePolicyRotation(key({ expiresAt: T + D }), [v1()], every30d, T + 31 * D), null);
    const own = parsePolicy({ interval: "7d", gracePeriod: "0s" });
    assert.equal(effectivePolicy(key({ admin: true }), own, every30d, every30d), null);
    assert.equal(effectivePolicy(key(), own, every30d, every30d)!.source, "key");
    assert.equal(effectivePolicy(key(), undefined, every30d, own)!.source, "consumer");
    assert.equal(effectivePolicy(key(), undefined, undefined, own)!.source, "default");
    assert.equal(effectivePolicy(key(), undefined, undefined, undefined), null);
  });
});

describe("parsing policies", () => {
  test("durations normalised; defaults; round trip", () => {
    const p = parsePolicy({
      interval: 7776000,
      gracePeriod: "168h",
      extendWhileInUse: { max: "14d" },
      window: { days: ["sat", "sun"], start: "01:00", end: "05:00" },
    });
    assert.deepEqual(policyJson(p), {
      interval: "90d",
      gracePeriod: "7d",
      window: { days: ["sat", "sun"], start: "01:00", end: "05:00", timeZone: "UTC" },
      activateAfter: null,
      retireWhenUnusedFor: null,
      extendWhileInUse: { max: "14d", step: "1h" },
    });
    assert.deepEqual(parsePolicy(policyJson(p)), p);
  });
  test("every problem at once, with its field", () => {
    assert.throws(
      () => parsePolicy({ interval: "30m", gracePeriod: "400d", activateAfter: "60d" }),
      (e: { code: string; errors: Array<{ path: string }> }) => {
        assert.equal(e.code, "INVALID_DURATION");
        assert.deepEqual(
          e.errors.map((x) => x.path),
          ["interval", "gracePeriod", "activateAfter"],
        );
        return true;
      },
    );
    assert.throws(
      () => parsePolicy({ interval: "30d", gracePeriod: "1d", activateAfter: "30d" }),
      /activateAfter: must be shorter than interval/,
    );
    assert.throws(
      () =>
        parsePolicy({
          interval: "soon",
          gracePeriod: "1d",
          window: { days: ["mon"], start: "01:00", end: "02:00", timeZone: "Nowhere/Land" },
        }),
      (e: { code: string; message: string }) =>
        e.code === "VALIDATION_FAILED" && /interval/.test(e.message) && /time zone/.test(e.message),
    );
    assert.throws(
      () => parsePolicy({ interval: "30d", gracePeriod: "2d", extendWhileInUse: { max: "1d" } }),
      /at least gracePeriod/,
    );
  });
});
