import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import type { KeyRecord, VersionRecord } from "./model.js";
import { applyPatches, planKeyRevoke, planRotation, planVersionRevoke } from "./rotation.js";
import { generateSecret } from "./secret.js";
import { decide, hasScopes, unknownSecret } from "./verify.js";
import { buildVersion } from "./version.js";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const HOUR = 3_600_000;

function makeKey(over: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: "key_01jh3k5v7q9x2m4n6p8r0s2t4v",
    consumerId: "con_01jh3k5v7q9x2m4n6p8r0s2t4v",
    name: "orders",
    scopes: ["orders:read", "orders:write"],
    prefix: "kr_live",
    metadata: {},
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    admin: false,
    allowSuccessorPickup: true,
    ...over,
  };
}

function firstVersion(key: KeyRecord, now: number): VersionRecord {
  return buildVersion({
    keyId: key.id,
    version: 1,
    secret: generateSecret(key.prefix),
    imported: false,
    now,
    activatesAt: now,
    storedState: "active",
  });
}

/** Rotates the way services/keys.ts does: patches, then the new version. */
function rotate(
  key: KeyRecord,
  versions: readonly VersionRecord[],
  now: number,
  graceMs: number,
  activateAt?: number,
): VersionRecord[] {
  const plan = planRotation(key, versions, now, { graceMs, activateAt });
  const next = buildVersion({
    keyId: key.id,
    version: plan.next.version,
    secret: generateSecret(key.prefix),
    imported: false,
    now,
    activatesAt: plan.next.activatesAt,
    storedState: plan.next.storedState,
  });
  return [...applyPatches(versions, plan.patches), next];
}

function at(versions: readonly VersionRecord[], n: number): VersionRecord {
  const v = versions.find((x) => x.version === n);
  assert.ok(v, `no version ${n}`);
  return v;
}

describe("decide: grace semantics", () => {
  const key = makeKey();
  const rotatedAt = T0 + HOUR;
  const grace = 2 * HOUR;
  const expiresAt = rotatedAt + grace;
  const versions = rotate(key, [firstVersion(key, T0)], rotatedAt, grace);

  test("before the rotation the only version is valid and not deprecated", () => {
    const r = decide(key, firstVersion(key, T0), T0 + 1);
    assert.equal(r.code, "VALID");
    assert.equal(r.valid, true);
    assert.equal(r.deprecated, false);
    assert.equal(r.expiresAt, null);
  });

  test("during grace both versions are VALID; the old one is deprecated with its expiresAt", () => {
    for (const now of [rotatedAt, rotatedAt + 1, rotatedAt + HOUR, expiresAt - 1]) {
      const old = decide(key, at(versions, 1), now);
      assert.deepEqual(old, {
        valid: true,
        code: "VALID",
        keyId: key.id,
        consumerId: key.consumerId,
        version: 1,
        scopes: key.scopes,
        deprecated: true,
        expiresAt,
        admin: false,
        // the successor took over at the rotation: the RFC 9745 Deprecation date
        deprecatedAt: at(versions, 1).graceStartsAt,
        rateLimit: null,
      });
      assert.equal(old.deprecatedAt, at(versions, 2).activatesAt);
      const neu = decide(key, at(versions, 2), now);
      assert.equal(neu.code, "VALID");
      assert.equal(neu.version, 2);
      assert.equal(neu.deprecated, false);
      assert.equal(neu.expiresAt, null);
    }
  });

  test("at exactly expiresAt the old version is EXPIRED (valid while now < expiresAt)", () => {
    const r = decide(key, at(versions, 1), expiresAt);
    assert.equal(r.code, "EXPIRED");
    assert.equal(r.valid, false);
    assert.equal(decide(key, at(versions, 1), expiresAt - 1).code, "VALID");
  });

  test("at expiresAt + 1ms the old version is EXPIRED, still attributed; the new one VALID", () => {
    const r = decide(key, at(versions, 1), expiresAt + 1);
    assert.equal(r.code, "EXPIRED");
    assert.equal(r.valid, false);
    assert.equal(r.keyId, key.id);
    assert.equal(r.consumerId, key.consumerId);
    assert.equal(r.version, 1);
    assert.equal(r.deprecated, false);
    assert.equal(decide(key, at(versions, 2), expiresAt + 1).code, "VALID");
    assert.equal(decide(key, at(versions, 2), expiresAt + 365 * 24 * HOUR).code, "VALID");
  });

  test("a zero grace period retires the old version at once", () => {
    const v = rotate(key, [firstVersion(key, T0)], rotatedAt, 0);
    assert.equal(decide(key, at(v, 1), rotatedAt).code, "EXPIRED");
    assert.equal(decide(key, at(v, 2), rotatedAt).code, "VALID");
  });
});

describe("decide: key expiry, revocation, schedule, scopes", () => {
  test("a key-level expiresAt makes every version EXPIRED from that instant", () => {
    const keyExpiresAt = T0 + 5 * HOUR;
    const key = makeKey({ expiresAt: keyExpiresAt });
    const versions = rotate(key, [firstVersion(key, T0)], T0 + HOUR, 24 * HOUR);
    const before = decide(key, at(versions, 1), keyExpiresAt - 1);
    assert.equal(before.code, "VALID");
    assert.equal(before.expiresAt, keyExpiresAt, "the earlier of the version's and the key's expiry");
    assert.equal(decide(key, at(versions, 2), keyExpiresAt - 1).expiresAt, keyExpiresAt);
    for (const now of [keyExpiresAt, keyExpiresAt + 1, keyExpiresAt + 100 * HOUR]) {
      for (const v of versions) {
        const r = decide(key, v, now);
        assert.equal(r.code, "EXPIRED", `version ${v.version} at +${now - keyExpiresAt}`);
        assert.equal(r.valid, false);
        assert.equal(r.keyId, key.id);
        assert.equal(r.version, v.version);
      }
    }
  });

  test("a revoked version is REVOKED and attributed to its key, consumer and version", () => {
    const key = makeKey();
    let versions = rotate(key, [firstVersion(key, T0)], T0 + HOUR, 24 * HOUR);
    versions = applyPatches(versions, planVersionRevoke(key, versions, 1, T0 + 2 * HOUR));
    const r = decide(key, at(versions, 1), T0 + 2 * HOUR);
    assert.deepEqual(
      { valid: r.valid, code: r.code, keyId: r.keyId, consumerId: r.consumerId, version: r.version },
      { valid: false, code: "REVOKED", keyId: key.id, consumerId: key.consumerId, version: 1 },
    );
    // still inside what would have been its grace: revocation wins
    assert.equal(decide(key, at(versions, 1), T0 + 3 * HOUR).code, "REVOKED");
    // long after: still REVOKED, not EXPIRED
    assert.equal(decide(key, at(versions, 1), T0 + 1000 * HOUR).code, "REVOKED");
    assert.equal(decide(key, at(versions, 2), T0 + 2 * HOUR).code, "VALID");
  });

  test("a revoked key answers REVOKED for every version", () => {
    const key0 = makeKey();
    const now = T0 + 2 * HOUR;
    const versions0 = rotate(key0, [firstVersion(key0, T0)], T0 + HOUR, 24 * HOUR);
    const key = { ...key0, revokedAt: now };
    const versions = applyPatches(versions0, planKeyRevoke(versions0, now));
    for (const v of versions) {
      const r = decide(key, v, now);
      assert.equal(r.code, "REVOKED");
      assert.equal(r.keyId, key.id);
      assert.equal(r.version, v.version);
    }
    // even a version record not (yet) marked revoked is refused once the key is
    assert.equal(decide(key, versions0[1]!, now).code, "REVOKED");
  });

  test("a scheduled version is NOT_YET_ACTIVE until activatesAt, then VALID", () => {
    const key = makeKey();
    const activateAt = T0 + 10 * HOUR;
    const versions = rotate(key, [firstVersion(key, T0)], T0 + HOUR, HOUR, activateAt);
    const r = decide(key, at(versions, 2), activateAt - 1);
    assert.equal(r.code, "NOT_YET_ACTIVE");
    assert.equal(r.valid, false);
    assert.equal(r.version, 2);
    assert.equal(r.keyId, key.id);
    const old = decide(key, at(versions, 1), activateAt - 1);
    assert.equal(old.code, "VALID");
    assert.equal(old.deprecated, false, "not deprecated before the successor takes over");
    assert.equal(old.expiresAt, activateAt + HOUR, "but it already knows when it stops working");
    assert.equal(decide(key, at(versions, 2), activateAt).code, "VALID");
    assert.equal(decide(key, at(versions, 1), activateAt).deprecated, true);
    assert.equal(decide(key, at(versions, 1), activateAt + HOUR).code, "EXPIRED");
  });

  test("INSUFFICIENT_SCOPE when a required scope is missing; all required scopes must be granted", () => {
    const key = makeKey({ scopes: ["orders:read", "orders:write"] });
    const v = firstVersion(key, T0);
    assert.equal(decide(key, v, T0, ["orders:read"]).code, "VALID");
    assert.equal(decide(key, v, T0, ["orders:read", "orders:write"]).code, "VALID");
    assert.equal(decide(key, v, T0, []).code, "VALID");
    assert.equal(decide(key, v, T0).code, "VALID");
    const r = decide(key, v, T0, ["orders:read", "billing:read"]);
    assert.equal(r.code, "INSUFFICIENT_SCOPE");
    assert.equal(r.valid, false);
    assert.equal(r.keyId, key.id);
    assert.deepEqual(r.scopes, key.scopes);
    assert.equal(decide(key, v, T0, ["orders"]).code, "INSUFFICIENT_SCOPE", "no prefix matching");
    assert.equal(decide(makeKey({ scopes: [] }), v, T0, ["x"]).code, "INSUFFICIENT_SCOPE");
  });

  test("revocation and expiry are reported before a missing scope", () => {
    const key = makeKey({ scopes: [] });
    const v = firstVersion(key, T0);
    assert.equal(decide({ ...key, revokedAt: T0 }, v, T0, ["x"]).code, "REVOKED");
    assert.equal(decide({ ...key, expiresAt: T0 }, v, T0, ["x"]).code, "EXPIRED");
  });

  test("admin keys are flagged", () => {
    const key = makeKey({ admin: true });
    assert.equal(decide(key, firstVersion(key, T0), T0).admin, true);
  });
});

describe("decide (property)", () => {
  test("VALID exactly when not revoked, inside [activatesAt, expiresAt) of version and key, with every scope", () => {
    const scope = fc.constantFrom("a", "b", "c", "d");
    fc.assert(
      fc.property(
        fc.record({
          activatesAt: fc.integer({ min: 0, max: 1000 }),
          grace: fc.option(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))),
          versionRevoked: fc.boolean(),
          keyRevoked: fc.boolean(),
          keyExpiresAt: fc.option(fc.integer({ min: 0, max: 3000 })),
          granted: fc.uniqueArray(scope),
          required: fc.option(fc.array(scope, { maxLength: 3 }), { nil: undefined }),
          now: fc.integer({ min: -10, max: 3000 }),
        }),
        (c) => {
          const key = makeKey({
            scopes: c.granted,
            revokedAt: c.keyRevoked ? T0 : null,
            expiresAt: c.keyExpiresAt === null ? null : T0 + c.keyExpiresAt,
          });
          const graceStartsAt = c.grace === null ? null : T0 + c.activatesAt + c.grace[0];
          const v: VersionRecord = {
            ...firstVersion(key, T0),
            activatesAt: T0 + c.activatesAt,
            graceStartsAt,
            expiresAt: c.grace === null || graceStartsAt === null ? null : graceStartsAt + c.grace[1],
            revokedAt: c.versionRevoked ? T0 : null,
          };
          const now = T0 + c.now;
          const r = decide(key, v, now, c.required);
          const inWindow =
            now >= v.activatesAt &&
            (v.expiresAt === null || now < v.expiresAt) &&
            (key.expiresAt === null || now < key.expiresAt);
          const scopesOk = (c.required ?? []).every((s) => c.granted.includes(s));
          const expectValid = !c.versionRevoked && !c.keyRevoked && inWindow && scopesOk;
          assert.equal(r.valid, expectValid);
          assert.equal(r.valid, r.code === "VALID");
          const expired =
            (v.expiresAt !== null && now >= v.expiresAt) || (key.expiresAt !== null && now >= key.expiresAt);
          const expectCode =
            c.versionRevoked || c.keyRevoked
              ? "REVOKED"
              : expired
                ? "EXPIRED"
                : now < v.activatesAt
                  ? "NOT_YET_ACTIVE"
                  : scopesOk
                    ? "VALID"
                    : "INSUFFICIENT_SCOPE";
          assert.equal(r.code, expectCode);
          assert.equal(r.keyId, key.id);
          assert.equal(r.version, v.version);
          if (r.valid) {
            assert.equal(r.deprecated, graceStartsAt !== null && now >= graceStartsAt);
            const ends = [v.expiresAt, key.expiresAt].filter((x): x is number => x !== null);
            assert.equal(r.expiresAt, ends.length === 0 ? null : Math.min(...ends));
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("hasScopes and unknownSecret", () => {
  test("hasScopes is set inclusion (property)", () => {
    const scope = fc.constantFrom("a", "b", "c", "orders:read", "*");
    fc.assert(
      fc.property(fc.array(scope), fc.array(scope), (granted, required) => {
        assert.equal(
          hasScopes(granted, required),
          required.every((r) => granted.includes(r)),
        );
      }),
      { numRuns: 300 },
    );
    assert.equal(hasScopes([], []), true);
  });

  test("unknownSecret answers are invalid and attributed to nothing", () => {
    for (const code of ["MALFORMED", "NOT_FOUND"] as const) {
      const r = unknownSecret(code);
      assert.deepEqual(r, {
        valid: false,
        code,
        keyId: null,
        consumerId: null,
        version: null,
        scopes: [],
        deprecated: false,
        expiresAt: null,
        admin: false,
        deprecatedAt: null,
        rateLimit: null,
      });
      assert.ok(Object.isFrozen(r));
    }
  });
});
