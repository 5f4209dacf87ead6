// X25519 as core/hpke.ts computes it (libsodium, decision 0030) against node:crypto's key objects
// (what it used before), in the same run: a public key from a private scalar, and a shared secret.
// Prints µs per operation and the ratio node/libsodium. Run: `node --import tsx bench/x25519.ts [-- --n 20000]`
import { createPrivateKey, createPublicKey, diffieHellman, randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import sodium from "sodium-native";

const { values } = parseArgs({ options: { n: { type: "string", default: "20000" } } });
const n = Number(values.n);
const scalars = Array.from({ length: n }, () => randomBytes(32));
const peer = Buffer.alloc(32);
sodium.crypto_scalarmult_base(peer, randomBytes(32));
// node derives an OKP private key's public half from `d`; `x` must be present but is not used
const X = "A".repeat(43);
const nodePrivate = (d: Buffer) =>
  createPrivateKey({ key: { kty: "OKP", crv: "X25519", d: d.toString("base64url"), x: X }, format: "jwk" });

function time(f: (s: Buffer) => unknown): number {
  for (let i = 0; i < Math.min(1000, n); i++) f(scalars[i]!);
  const t = performance.now();
  for (const s of scalars) f(s);
  return ((performance.now() - t) * 1000) / n;
}

const rows = {
  "public key": {
    node: () => time((s) => Buffer.from(nodePrivate(s).export({ format: "jwk" }).x!, "base64url")),
    sodium: () =>
      time((s) => {
        const q = Buffer.alloc(32);
        sodium.crypto_scalarmult_base(q, s);
        return q;
      }),
  },
  "shared secret": {
    node: () =>
      time((s) =>
        diffieHellman({
          privateKey: nodePrivate(s),
          publicKey: createPublicKey({
            key: { kty: "OKP", crv: "X25519", x: peer.toString("base64url") },
            format: "jwk",
          }),
        }),
      ),
    sodium: () =>
      time((s) => {
        const q = Buffer.alloc(32);
        sodium.crypto_scalarmult(q, s, peer);
        return q;
      }),
  },
};
// the same answer from both, or the comparison means nothing
const s0 = scalars[0]!;
const q0 = Buffer.alloc(32);
sodium.crypto_scalarmult_base(q0, s0);
if (!q0.equals(Buffer.from(nodePrivate(s0).export({ format: "jwk" }).x!, "base64url")))
  throw new Error("libsodium and node:crypto disagree on a public key");
for (const [name, r] of Object.entries(rows)) {
  const node = r.node();
  const lib = r.sodium();
  console.log(
    `${name}: node:crypto ${node.toFixed(1)} µs, libsodium ${lib.toFixed(1)} µs, node/libsodium ${(node / lib).toFixed(2)}×`,
  );
}
