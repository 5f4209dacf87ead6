import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { versionState } from "./model.js";
import { digestSecret, generateSecret, secretStart } from "./secret.js";
import { successorPublicKey } from "./successor.js";
import { buildVersion } from "./version.js";

const T = Date.parse("2026-01-01T00:00:00Z");

test("buildVersion keeps only the digest and the display start of the secret", () => {
  const secret = generateSecret();
  const v = buildVersion({
    keyId: "key_a",
    version: 3,
    secret,
    imported: false,
    now: T,
    activatesAt: T,
    storedState: "active",
  });
  assert.deepEqual(v, {
    keyId: "key_a",
    version: 3,
    digest: digestSecret(secret),
    start: secretStart(secret, false),
    imported: false,
    createdAt: T,
    activatesAt: T,
    graceStartsAt: null,
    expiresAt: null,
    revokedAt: null,
    storedState: "active",
    lastUsedAt: null,
    checksumExemptPrefix: null,
    retireWhenUnusedMs: null,
    extendMaxAt: null,
    extendStepMs: null,
    retiredReason: null,
    publicKey: successorPublicKey(secret),
  });
  assert.ok(!JSON.stringify(v).includes(secret.slice(16)), "the secret itself is not stored");
  assert.equal(versionState(v, T), "active");
});

test("a scheduled version is built scheduled and becomes active at activatesAt", () => {
  const v = buildVersion({
    keyId: "key_a",
    version: 2,
    secret: generateSecret(),
    imported: false,
    now: T,
    activatesAt: T + 60_000,
    storedState: "scheduled",
  });
  assert.equal(v.createdAt, T);
  assert.equal(versionState(v, T), "scheduled");
  assert.equal(versionState(v, T + 60_000), "active");
});

test("an imported Keyroll-shaped secret with a bad checksum records its prefix", () => {
  const good = generateSecret("acme");
  const last = good.at(-1) === "A" ? "B" : "A";
  const bad = good.slice(0, -1) + last;
  const build = (secret: string, imported: boolean) =>
    buildVersion({
      keyId: "key_a",
      version: 1,
      secret,
      imported,
      now: T,
      activatesAt: T,
      storedState: "active",
    });
  assert.equal(build(bad, true).checksumExemptPrefix, "acme");
  assert.equal(build(good, true).checksumExemptPrefix, null);
  assert.equal(build("sk-opaque-secret-of-some-provider", true).checksumExemptPrefix, null);
  assert.equal(build(good, false).checksumExemptPrefix, null);
  assert.equal(build(bad, true).start, bad.slice(0, 8), "imported: a quarter at most");
  assert.equal(build(bad, true).imported, true);
});

test("buildVersion never stores the secret (property)", () => {
  fc.assert(
    fc.property(
      fc.string({
        unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
        minLength: 20,
        maxLength: 256,
      }),
      (secret) => {
        const v = buildVersion({
          keyId: "key_a",
          version: 1,
          secret,
          imported: true,
          now: T,
          activatesAt: T,
          storedState: "active",
        });
        assert.equal(v.digest, digestSecret(secret));
        assert.ok(v.start.length <= secret.length / 4);
        assert.ok(secret.startsWith(v.start));
      },
    ),
    { numRuns: 200 },
  );
});
