import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateSecret } from "./secret.js";
import { openSuccessor, sealSuccessor, successorPublicKey } from "./successor.js";

describe("sealed successors", () => {
  const prev = generateSecret();
  const next = generateSecret();
  const sealed = sealSuccessor({
    publicKey: successorPublicKey(prev),
    keyId: "key_a",
    from: 1,
    to: 2,
    secret: next,
  });

  it("open with the previous secret only", () => {
    assert.equal(openSuccessor({ secret: prev, keyId: "key_a", from: 1, to: 2, sealed }), next);
    assert.equal(openSuccessor({ secret: next, keyId: "key_a", from: 1, to: 2, sealed }), undefined);
    assert.equal(
      openSuccessor({ secret: generateSecret(), keyId: "key_a", from: 1, to: 2, sealed }),
      undefined,
    );
  });

  it("are bound to their key and versions", () => {
    assert.equal(openSuccessor({ secret: prev, keyId: "key_b", from: 1, to: 2, sealed }), undefined);
    assert.equal(openSuccessor({ secret: prev, keyId: "key_a", from: 1, to: 3, sealed }), undefined);
  });

  it("hold nothing of the secret in the clear", () => {
    const body = next.slice(next.indexOf("_", 3) + 1);
    const blob = JSON.stringify(sealed) + successorPublicKey(prev);
    assert.ok(!blob.includes(next) && !blob.includes(body.slice(0, 12)));
    assert.equal(successorPublicKey(prev), successorPublicKey(prev));
    assert.notEqual(successorPublicKey(prev), successorPublicKey(next));
  });
});
