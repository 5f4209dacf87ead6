import assert from "node:assert/strict";
import { test } from "node:test";
import { generateSecret } from "../src/core/secret.js";
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
