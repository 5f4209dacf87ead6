import assert from "node:assert/strict";
import { generateKeyPairSync, sign } from "node:crypto";
import { test } from "node:test";
import { parseLeakKeys, verifyLeakSignature } from "./leaks.js";

const p256 = generateKeyPairSync("ec", { namedCurve: "P-256" });
const pem = p256.publicKey.export({ type: "spki", format: "pem" }).toString();
const body =
  '[{"token":"kr_live_x","type":"keyroll_api_key","url":"https://github.com/o/r","source":"content"}]';
const sig = sign("sha256", Buffer.from(body), { key: p256.privateKey, dsaEncoding: "der" }).toString(
  "base64",
);

test("GitHub's key document and a plain map are both read; other curves and garbage are refused", () => {
  const keys = parseLeakKeys({ public_keys: [{ key_identifier: "abc", key: pem, is_current: true }] });
  assert.ok(keys.has("abc"));
  assert.ok(parseLeakKeys({ abc: pem }).has("abc"));
  const ed = generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString();
  assert.throws(() => parseLeakKeys({ abc: ed }), /P-256/);
  assert.throws(() => parseLeakKeys({ abc: "not a key" }), /not a PEM/);
  assert.throws(() => parseLeakKeys([1]), /expected/);
});

test("a signature verifies over the exact raw body, by the named key only", () => {
  const keys = parseLeakKeys({ abc: pem });
  assert.equal(verifyLeakSignature(keys, "abc", sig, body), true);
  assert.equal(verifyLeakSignature(keys, "abc", sig, `${body} `), false);
  assert.equal(verifyLeakSignature(keys, "other", sig, body), false);
  assert.equal(verifyLeakSignature(keys, "abc", "bm90IGEgc2ln", body), false);
  assert.equal(verifyLeakSignature(keys, "abc", "***", body), false);
});
