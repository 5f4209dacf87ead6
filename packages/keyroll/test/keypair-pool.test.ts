import assert from "node:assert/strict";
import { test } from "node:test";
import { digestSecret, generateSecret, parseSecret } from "../src/core/secret.js";
import { openSuccessor, sealSuccessor, successorPublicKey } from "../src/core/successor.js";
import { createKeyPairPool } from "../src/services/keypair-pool.js";

test("the key pair threads derive the same successor public keys as the calling thread, in order", async () => {
  const pool = createKeyPairPool({ size: 2 });
  try {
    const secrets = Array.from({ length: 1_234 }, () => generateSecret());
    const keys = await pool.publicKeys(secrets);
    assert.equal(keys.length, secrets.length);
    assert.deepEqual(pool.status(), { threads: 2, fallback: false }, "derived on the threads");
    for (const [i, s] of secrets.entries()) assert.equal(keys[i], successorPublicKey(s), `secret ${i}`);
    // a successor sealed to a thread-derived key opens with the secret it came from
    const sealed = sealSuccessor({ publicKey: keys[7]!, keyId: "key_x", from: 1, to: 2, secret: "next" });
    assert.equal(openSuccessor({ secret: secrets[7]!, keyId: "key_x", from: 1, to: 2, sealed }), "next");
    // a second call reuses the threads
    const again = await pool.publicKeys(secrets.slice(0, 600));
    assert.deepEqual(again, keys.slice(0, 600));
  } finally {
    await pool.close();
  }
  await assert.rejects(pool.publicKeys(["x".repeat(30)]), /closed/);
});

test("without threads (size 0) the keys are derived on the calling thread", async () => {
  const pool = createKeyPairPool({ size: 0 });
  const secrets = Array.from({ length: 600 }, () => generateSecret());
  assert.deepEqual(await pool.publicKeys(secrets), secrets.map(successorPublicKey));
  await pool.close();
});

test("a bulk rotation's new versions made on the threads: same records as on the calling thread, the box opens with the previous secret, the secret stays on the thread", async () => {
  const previous = Array.from({ length: 80 }, () => generateSecret("kr_bulk"));
  const inputs = previous.map((secret, i) => ({
    keyId: `key_${i}`,
    prefix: "kr_bulk",
    version: 2,
    activatesAt: 1_000 + i,
    storedState: "active" as const,
    now: 1_000,
    // every fifth key without successor pickup: no box
    recipient: i % 5 === 0 ? null : { version: 1, publicKey: successorPublicKey(secret) },
  }));
  for (const size of [2, 0]) {
    const pool = createKeyPairPool({ size });
    try {
      const made = await pool.newVersions(inputs);
      assert.deepEqual(pool.status(), { threads: size, fallback: false });
      assert.equal(made.length, inputs.length);
      const digests = new Set<string>();
      for (const [i, m] of made.entries()) {
        const input = inputs[i]!;
        assert.equal(m.secret, null, "the secret does not come back");
        assert.equal(m.version.keyId, input.keyId, `in order (${size} threads)`);
        assert.equal(m.version.version, 2);
        assert.equal(m.version.activatesAt, input.activatesAt);
        assert.equal(m.version.storedState, "active");
        digests.add(m.version.digest);
        if (input.recipient === null) {
          assert.equal(m.box, null);
          assert.equal(m.from, null);
          continue;
        }
        assert.equal(m.from, 1);
        assert.equal(m.fromPublicKey, input.recipient.publicKey);
        // the holder of version 1 opens the box, and what it opens is the new version's secret
        const next = openSuccessor({
          secret: previous[i]!,
          keyId: input.keyId,
          from: 1,
          to: 2,
          sealed: m.box!,
        });
        assert.ok(next?.startsWith("kr_bulk_"), `key ${i} opens`);
        assert.equal(m.version.publicKey, successorPublicKey(next!));
        assert.equal(m.version.digest, digestSecret(next!));
        assert.equal(m.version.start, next!.slice(0, m.version.start.length));
        assert.equal(
          openSuccessor({
            secret: previous[(i + 1) % 80]!,
            keyId: input.keyId,
            from: 1,
            to: 2,
            sealed: m.box!,
          }),
          undefined,
        );
      }
      assert.equal(digests.size, inputs.length, "a fresh secret for every key");
    } finally {
      await pool.close();
    }
  }
});

test("many new versions on two threads at once, next to the calling thread's own crypto, all come back", {
  timeout: 120_000,
}, async () => {
  // with a seal whose ephemeral key came from generateKeyPairSync, two threads deadlocked inside
  // OpenSSL 3.0 within a round or two of this (decision 0027)
  const pool = createKeyPairPool({ size: 2 });
  const publicKey = successorPublicKey(generateSecret());
  const inputs = Array.from({ length: 250 }, (_, i) => ({
    keyId: `key_${i}`,
    prefix: "kr_bulk",
    version: 2,
    activatesAt: 1,
    storedState: "active" as const,
    now: 1,
    recipient: { version: 1, publicKey },
  }));
  try {
    for (let round = 0; round < 6; round++) {
      const calls = [1, 2, 3, 4].map(() => pool.newVersions(inputs));
      sealSuccessor({ publicKey, keyId: "key_main", from: 1, to: 2, secret: generateSecret() });
      for (const made of await Promise.all(calls)) assert.equal(made.length, inputs.length);
    }
    assert.deepEqual(pool.status(), { threads: 2, fallback: false });
  } finally {
    await pool.close();
  }
});

test("new keys' secrets generated on the threads: each with its own prefix and checksum, its digest and its public key, all distinct", async () => {
  const prefixes = Array.from({ length: 1_100 }, (_, i) => (i % 3 === 0 ? "kr_test" : "kr_live"));
  for (const size of [2, 0]) {
    const pool = createKeyPairPool({ size });
    try {
      const made = await pool.generated(prefixes);
      assert.deepEqual(pool.status(), { threads: size, fallback: false });
      assert.equal(made.length, prefixes.length);
      const seen = new Set<string>();
      for (const [i, [secret, digest, publicKey]] of made.entries()) {
        assert.ok(secret.startsWith(`${prefixes[i]}_`), `in order (${size} threads)`);
        assert.equal(parseSecret(secret).shape, "keyroll");
        assert.equal((parseSecret(secret) as { checksumOk: boolean }).checksumOk, true);
        assert.equal(digest, digestSecret(secret));
        assert.equal(publicKey, successorPublicKey(secret));
        seen.add(secret);
      }
      assert.equal(seen.size, prefixes.length, "no secret twice");
    } finally {
      await pool.close();
    }
  }
});
