import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { type KeyRecord, keyExpired, type VersionRecord, type VersionState, versionState } from "./model.js";
import { generateSecret } from "./secret.js";
import { buildVersion } from "./version.js";

const T = Date.parse("2026-01-01T00:00:00Z");

// the real builder, so that a field added to VersionRecord cannot be missing here
function version(over: Partial<VersionRecord> = {}): VersionRecord {
  const v = buildVersion({
    keyId: "key_x",
    version: 1,
    secret: generateSecret(),
    imported: false,
    now: T,
    activatesAt: T,
    storedState: "active",
  });
  return { ...v, ...over };
}

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

const ORDER: Record<VersionState, number> = { scheduled: 0, active: 1, grace: 2, expired: 3, revoked: 4 };

describe("versionState", () => {
  test("a plain version is active from activatesAt on, scheduled before", () => {
    const v = version({ activatesAt: T + 1000 });
    assert.equal(versionState(v, T), "scheduled");
    assert.equal(versionState(v, T + 999), "scheduled");
    assert.equal(versionState(v, T + 1000), "active");
    assert.equal(versionState(v, T + 10 ** 12), "active");
  });

  test("grace from graceStartsAt, expired from expiresAt (valid while now < expiresAt)", () => {
    const v = version({ graceStartsAt: T + 100, expiresAt: T + 200 });
    assert.equal(versionState(v, T + 99), "active");
    assert.equal(versionState(v, T + 100), "grace");
    assert.equal(versionState(v, T + 199), "grace");
    assert.equal(versionState(v, T + 200), "expired");
    assert.equal(versionState(v, T + 201), "expired");
  });

  test("a zero grace goes straight from active to expired", () => {
    const v = version({ graceStartsAt: T + 100, expiresAt: T + 100 });
    assert.equal(versionState(v, T + 99), "active");
    assert.equal(versionState(v, T + 100), "expired");
  });

  test("revoked wins over every time-based state, whatever the time", () => {
    for (const over of [
      {},
      { activatesAt: T + 10_000 },
      { graceStartsAt: T, expiresAt: T + 50 },
      { graceStartsAt: T, expiresAt: T + 1 },
    ]) {
      const v = version({ ...over, revokedAt: T + 5 });
      for (const now of [T - 1, T, T + 5, T + 100, T + 20_000]) assert.equal(versionState(v, now), "revoked");
    }
  });

  test("the stored state plays no part: the state is a function of the stamps and the time", () => {
    for (const storedState of ["scheduled", "active", "grace", "revoked", "expired"] as const) {
      assert.equal(versionState(version({ storedState }), T), "active");
    }
  });

  test("as time passes a version only moves forward: scheduled → active → grace → expired (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 10_000 })),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: -1000, max: 25_000 }),
        fc.integer({ min: 0, max: 5_000 }),
        (activateOffset, graceOffset, graceLength, now, step) => {
          const activatesAt = T + activateOffset;
          const graceStartsAt = graceOffset === null ? null : activatesAt + graceOffset;
          const v = version({
            activatesAt,
            graceStartsAt,
            expiresAt: graceStartsAt === null ? null : graceStartsAt + graceLength,
          });
          const a = versionState(v, T + now);
          const b = versionState(v, T + now + step);
          assert.ok(ORDER[a] <= ORDER[b], `${a} at ${now} then ${b} at ${now + step}`);
          assert.notEqual(a, "revoked");
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("keyExpired", () => {
  test("a key without expiresAt never expires", () => {
    assert.equal(keyExpired(key(), T + 10 ** 13), false);
  });
  test("a key expires at expiresAt exactly (usable while now < expiresAt)", () => {
    const k = key({ expiresAt: T + 1000 });
    assert.equal(keyExpired(k, T + 999), false);
    assert.equal(keyExpired(k, T + 1000), true);
    assert.equal(keyExpired(k, T + 1001), true);
  });
});
