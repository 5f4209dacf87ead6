import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AEAD, deriveKeyPair, openBase, sealBase } from "./hpke.js";

const hex = (s: string) => Buffer.from(s, "hex");

// RFC 9180 Appendix A.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode
const A1 = {
  ikmE: hex("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234"),
  ikmR: hex("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037"),
  info: hex("4f6465206f6e2061204772656369616e2055726e"),
  skEm: hex("52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736"),
  pkEm: hex("37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431"),
  skRm: hex("4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8"),
  pkRm: hex("3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d"),
  pt: hex("4265617574792069732074727574682c20747275746820626561757479"),
  aad: hex("436f756e742d30"),
  ct: hex("f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a"),
};

describe("HPKE (RFC 9180 base mode)", () => {
  it("derives the key pairs of test vector A.1", () => {
    assert.deepEqual(deriveKeyPair(A1.ikmR), { privateKey: A1.skRm, publicKey: A1.pkRm });
    assert.deepEqual(deriveKeyPair(A1.ikmE), { privateKey: A1.skEm, publicKey: A1.pkEm });
  });

  it("seals and opens test vector A.1 exactly", () => {
    const out = sealBase(A1.pkRm, A1.info, A1.aad, A1.pt, {
      aead: AEAD.AES_128_GCM,
      ephemeralPrivateKey: A1.skEm,
    });
    assert.deepEqual(out.enc, A1.pkEm);
    assert.deepEqual(out.ciphertext, A1.ct);
    assert.deepEqual(openBase(A1.skRm, A1.pkEm, A1.info, A1.aad, A1.ct, { aead: AEAD.AES_128_GCM }), A1.pt);
  });

  it("round-trips with AES-256-GCM and refuses a wrong key, info, aad or ciphertext", () => {
    const r = deriveKeyPair(Buffer.from("kr_live_recipient-secret-0123456789"));
    const other = deriveKeyPair(Buffer.from("kr_live_someone-else-0123456789"));
    const info = Buffer.from("info");
    const aad = Buffer.from("aad");
    const { enc, ciphertext } = sealBase(r.publicKey, info, aad, Buffer.from("the successor"));
    assert.equal(openBase(r.privateKey, enc, info, aad, ciphertext).toString(), "the successor");
    assert.throws(() => openBase(other.privateKey, enc, info, aad, ciphertext));
    assert.throws(() => openBase(r.privateKey, enc, Buffer.from("other"), aad, ciphertext));
    assert.throws(() => openBase(r.privateKey, enc, info, Buffer.from("other"), ciphertext));
    const bad = Buffer.from(ciphertext);
    bad[0]! ^= 1;
    assert.throws(() => openBase(r.privateKey, enc, info, aad, bad));
    // two seals of one message differ (fresh ephemeral key each time)
    assert.notDeepEqual(sealBase(r.publicKey, info, aad, Buffer.from("x")).enc, enc);
  });

  it("refuses a low-order public key (RFC 9180 §7.1.4) on seal and on open", () => {
    const r = deriveKeyPair(Buffer.from("kr_live_recipient-secret-0123456789"));
    // u = 0 and u = 1 are points of small order: every scalar maps them to the all-zero value
    for (const low of [Buffer.alloc(32), Buffer.concat([Buffer.from([1]), Buffer.alloc(31)])]) {
      assert.throws(() => sealBase(low, Buffer.from("i"), Buffer.from("a"), Buffer.from("x")), /all-zero/);
      assert.throws(
        () => openBase(r.privateKey, low, Buffer.from("i"), Buffer.from("a"), Buffer.alloc(32)),
        /all-zero/,
      );
    }
    assert.throws(
      () => sealBase(Buffer.alloc(31), Buffer.from("i"), Buffer.from("a"), Buffer.from("x")),
      /32 bytes/,
    );
  });
});
