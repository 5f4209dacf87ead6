import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  AuditChainVerifier,
  type AuditEntry,
  auditDiff,
  canonicalJson,
  chainHash,
  entryHash,
  GENESIS_HASH,
  loadAuditPublicKey,
  loadAuditSigner,
  signCheckpoint,
} from "./audit.js";

type Entry = Parameters<typeof chainHash>[1];

/** The same JSON value with every object's keys inserted in reverse (or a given) order. */
function reorder(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => reorder(v, order));
  if (value === null || typeof value !== "object") return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(order(Object.keys(obj)).map((k) => [k, reorder(obj[k], order)]));
}

const json = fc.jsonValue({ maxDepth: 4 });

const entryArb: fc.Arbitrary<Entry> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 30 }),
  at: fc.integer({ min: 0, max: 4_102_444_800_000 }),
  actor: fc.option(fc.string({ maxLength: 30 })),
  action: fc.string({ minLength: 1, maxLength: 30 }),
  targetId: fc.option(fc.string({ maxLength: 30 })),
  data: json,
});
const hashArb = fc.string({ unit: fc.constantFrom(..."0123456789abcdef"), minLength: 64, maxLength: 64 });

describe("canonicalJson", () => {
  test("sorts object keys at every depth", () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: 2, c: [3, { f: 1, e: 2 }] } }),
      '{"a":{"c":[3,{"e":2,"f":1}],"d":2},"b":1}',
    );
    assert.equal(canonicalJson({ b: 1, a: 2 }), canonicalJson({ a: 2, b: 1 }));
  });

  test("is independent of key insertion order (property)", () => {
    fc.assert(
      fc.property(json, fc.integer(), (value, seed) => {
        const reversed = reorder(value, (keys) => [...keys].reverse());
        // a seeded shuffle, so that not only the reverse order is tried
        let s = seed >>> 0;
        const shuffled = reorder(value, (keys) => {
          const out = [...keys];
          for (let i = out.length - 1; i > 0; i--) {
            s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
            const j = s % (i + 1);
            [out[i], out[j]] = [out[j]!, out[i]!];
          }
          return out;
        });
        assert.equal(canonicalJson(reversed), canonicalJson(value));
        assert.equal(canonicalJson(shuffled), canonicalJson(value));
      }),
      { numRuns: 500 },
    );
  });

  test("is valid JSON for the same value (property)", () => {
    fc.assert(
      fc.property(json, (value) => {
        assert.deepEqual(JSON.parse(canonicalJson(value)), JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  test("leaves out undefined properties, as JSON.stringify does", () => {
    assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
    assert.equal(canonicalJson(null), "null");
    assert.equal(canonicalJson("x"), '"x"');
  });

  test("refuses what RFC 8785 cannot represent instead of changing it", () => {
    for (const bad of [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -Number.POSITIVE_INFINITY,
      undefined,
      [1, undefined],
      10n,
      () => 1,
      Symbol("s"),
      new Date(0),
      new Map(),
      "\ud800",
      "a\udc00b",
      { "\ud83d": 1 },
    ]) {
      assert.throws(() => canonicalJson(bad), TypeError, String(typeof bad));
    }
    // a well-formed pair is fine
    assert.equal(canonicalJson("\ud83d\ude00"), '"😀"');
  });
});

describe("canonicalJson: the RFC 8785 test vectors", () => {
  test("numbers (Appendix B): IEEE 754 bits → canonical text", () => {
    const vectors: Array<[string, string]> = [
      ["0000000000000000", "0"],
      ["8000000000000000", "0"],
      ["0000000000000001", "5e-324"],
      ["8000000000000001", "-5e-324"],
      ["7fefffffffffffff", "1.7976931348623157e+308"],
      ["ffefffffffffffff", "-1.7976931348623157e+308"],
      ["4340000000000000", "9007199254740992"],
      ["c340000000000000", "-9007199254740992"],
      ["4430000000000000", "295147905179352830000"],
      ["44b52d02c7e14af5", "9.999999999999997e+22"],
      ["44b52d02c7e14af6", "1e+23"],
      ["44b52d02c7e14af7", "1.0000000000000001e+23"],
      ["444b1ae4d6e2ef4e", "999999999999999700000"],
      ["444b1ae4d6e2ef4f", "999999999999999900000"],
      ["444b1ae4d6e2ef50", "1e+21"],
      ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
      ["3eb0c6f7a0b5ed8d", "0.000001"],
      ["41b3de4355555553", "333333333.3333332"],
      ["41b3de4355555554", "333333333.33333325"],
      ["41b3de4355555555", "333333333.3333333"],
      ["41b3de4355555556", "333333333.3333334"],
      ["41b3de4355555557", "333333333.33333343"],
      ["becbf647612f3696", "-0.0000033333333333333333"],
      ["43143ff3c1cb0959", "1424953923781206.2"],
    ];
    for (const [bits, text] of vectors) {
      assert.equal(canonicalJson(Buffer.from(bits, "hex").readDoubleBE(0)), text, bits);
    }
    assert.throws(() => canonicalJson(Buffer.from("7fffffffffffffff", "hex").readDoubleBE(0)), TypeError);
    assert.throws(() => canonicalJson(Buffer.from("7ff0000000000000", "hex").readDoubleBE(0)), TypeError);
  });

  test("the example of §3.2.4 (numbers, escapes, literals)", () => {
    const input = JSON.parse(
      String.raw`{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
        "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}`,
    );
    assert.equal(
      canonicalJson(input),
      String.raw`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`,
    );
  });

  test("property sorting by UTF-16 code units (§3.2.3)", () => {
    const input = JSON.parse(
      String.raw`{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh",
        "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control",
        "\u00f6": "Latin Small Letter O With Diaeresis"}`,
    );
    // read in the text itself: JSON.parse would put the integer-like "1" first again
    const text = canonicalJson(input);
    const positions = ["\\r", '"1"', "\u0080", "ö", "€", "😀", "\ufb33"].map((k) => text.indexOf(k));
    assert.deepEqual(
      [...positions].sort((a, b) => a - b),
      positions,
    );
  });

  test("control characters are escaped in lower-case hex, others are left as they are", () => {
    assert.equal(canonicalJson("\u0000\u001f\u007f\u2028"), '"\\u0000\\u001f\u007f\u2028"');
    assert.equal(canonicalJson("\b\t\n\f\r"), '"\\b\\t\\n\\f\\r"');
  });
});

describe("chainHash (format 0, entries written before format 1)", () => {
  const entry: Entry = {
    id: "aud_01jh3k5v7q9x2m4n6p8r0s2t4v",
    at: Date.parse("2026-01-01T00:00:00Z"),
    actor: "key_admin",
    action: "key.rotated",
    targetId: "key_01jh3k5v7q9x2m4n6p8r0s2t4v",
    data: { version: 2, previous: 1, graceMs: 3_600_000 },
  };

  test("is a deterministic 64-char hex digest; the genesis hash is 64 zeros", () => {
    assert.equal(GENESIS_HASH, "0".repeat(64));
    const h = chainHash(GENESIS_HASH, entry);
    assert.match(h, /^[0-9a-f]{64}$/);
    assert.equal(chainHash(GENESIS_HASH, { ...entry }), h);
    assert.equal(chainHash(GENESIS_HASH, reorder(entry, (k) => [...k].reverse()) as Entry), h);
  });

  test("changes when the previous hash changes (property)", () => {
    fc.assert(
      fc.property(entryArb, hashArb, hashArb, (e, a, b) => {
        fc.pre(a !== b);
        assert.notEqual(chainHash(a, e), chainHash(b, e));
      }),
      { numRuns: 300 },
    );
  });

  test("changes when any field changes (property)", () => {
    const mutation = fc.oneof(
      fc.string({ minLength: 1 }).map(
        (s) =>
          (e: Entry): Entry => ({ ...e, id: e.id + s }),
      ),
      fc.integer({ min: 1, max: 10 ** 9 }).map(
        (d) =>
          (e: Entry): Entry => ({ ...e, at: e.at + d }),
      ),
      fc.string().map(
        (s) =>
          (e: Entry): Entry => ({ ...e, actor: e.actor === null ? s : null }),
      ),
      fc.string({ minLength: 1 }).map(
        (s) =>
          (e: Entry): Entry => ({ ...e, action: e.action + s }),
      ),
      fc.string().map(
        (s) =>
          (e: Entry): Entry => ({ ...e, targetId: e.targetId === null ? s : null }),
      ),
      json.map(
        (extra) =>
          (e: Entry): Entry => ({ ...e, data: { wrapped: e.data, extra } }),
      ),
      fc.constant((e: Entry): Entry => ({ ...e, data: [e.data] })),
    );
    fc.assert(
      fc.property(entryArb, hashArb, mutation, (e, prev, mutate) => {
        assert.notEqual(chainHash(prev, mutate(e)), chainHash(prev, e));
      }),
      { numRuns: 500 },
    );
  });

  test("actor null and actor 'null' hash differently", () => {
    assert.notEqual(
      chainHash(GENESIS_HASH, { ...entry, actor: null }),
      chainHash(GENESIS_HASH, { ...entry, actor: "null" }),
    );
  });

  test("changing, removing or reordering an entry changes the head of the chain (property)", () => {
    const head = (entries: readonly Entry[]) => entries.reduce((h, e) => chainHash(h, e), GENESIS_HASH);
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { minLength: 2, maxLength: 6, selector: (e) => e.id }),
        fc.nat(),
        (entries, raw) => {
          const h = head(entries);
          const i = raw % entries.length;
          const j = (i + 1) % entries.length;
          const swapped = [...entries];
          [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
          assert.notEqual(head(swapped), h, "reordered");
          assert.notEqual(head(entries.filter((_, k) => k !== i)), h, "removed");
          const changed = entries.map((e, k) => (k === i ? { ...e, at: e.at + 1 } : e));
          assert.notEqual(head(changed), h, "changed");
        },
      ),
      { numRuns: 200 },
    );
  });
});

// ---- format 1: entries, checkpoints and the one verifier -------------------------------------------

const { privateKey } = generateKeyPairSync("ed25519");
const signer = loadAuditSigner(privateKey.export({ type: "pkcs8", format: "pem" }).toString());
const publicKey = loadAuditPublicKey(signer.publicKeyPem).key;

/** A linked chain of `n` format-1 entries (seqs with a gap, as a rolled-back PostgreSQL sequence leaves). */
function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let i = 1; i <= n; i++) {
    const e = {
      v: 1,
      seq: i < 4 ? i : i + 1,
      id: `aud_${String(i).padStart(26, "0")}`,
      at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      actor:
        i % 3 === 0
          ? { type: "system" as const, rule: "scheduler.settle" }
          : { type: "admin" as const, keyId: "key_a", version: 2 },
      action: "key.updated",
      targetId: `key_${i}`,
      requestId: `req_${i}`,
      address: "192.0.2.1",
      data: { fields: ["name"], n: i * 0.1 },
      diff: { name: { from: `a${i}`, to: `b${i}` } },
      prevHash: prev,
      hash: "",
    };
    const h = entryHash(prev, e);
    out.push({ ...e, hash: h });
    prev = h;
  }
  return out;
}

function verifyAll(entries: readonly AuditEntry[], cps: Parameters<AuditChainVerifier["finish"]>[0] = []) {
  const v = new AuditChainVerifier(publicKey);
  for (const e of entries) v.add(e);
  return v.finish(cps);
}

describe("AuditChainVerifier", () => {
  const entries = chain(10);
  const head = entries.at(-1)!;
  const cp = signCheckpoint(signer, { seq: head.seq, hash: head.hash! }, Date.UTC(2026, 0, 2));

  test("an intact chain and its checkpoint verify", () => {
    const r = verifyAll(entries, [cp]);
    assert.equal(r.firstBad, null);
    assert.equal(r.valid, true);
    assert.equal(r.entries, 10);
    assert.deepEqual(r.head, { seq: head.seq, hash: head.hash });
    assert.equal(r.checkpoints.verified, 1);
    assert.equal(r.checkpoints.entriesAfterLast, 0);
  });

  test("an edited entry is named by its seq", () => {
    for (const edit of [
      (e: AuditEntry): AuditEntry => ({ ...e, data: { ...e.data, n: 99 } }),
      (e: AuditEntry): AuditEntry => ({ ...e, actor: { type: "admin", keyId: "key_b", version: 2 } }),
      (e: AuditEntry): AuditEntry => ({ ...e, at: "2027-01-01T00:00:00.000Z" }),
      (e: AuditEntry): AuditEntry => ({ ...e, diff: null }),
      (e: AuditEntry): AuditEntry => ({ ...e, address: "198.51.100.7" }),
    ]) {
      const r = verifyAll(
        entries.map((e, i) => (i === 4 ? edit(e) : e)),
        [cp],
      );
      assert.equal(r.valid, false);
      assert.equal(r.firstBad?.seq, entries[4]!.seq);
      assert.match(r.firstBad!.reason, /edited/);
    }
  });

  test("an edited entry whose hash was recomputed is caught at the next entry", () => {
    const forged = { ...entries[4]!, data: { n: 0 } };
    const rehashed = { ...forged, hash: entryHash(forged.prevHash!, forged) };
    const r = verifyAll(entries.map((e, i) => (i === 4 ? rehashed : e)));
    assert.equal(r.firstBad?.seq, entries[5]!.seq);
    assert.match(r.firstBad!.reason, /prevHash/);
  });

  test("a removed entry is named by the seq after it; the first entry by the genesis hash", () => {
    const r = verifyAll(entries.filter((_, i) => i !== 6));
    assert.equal(r.firstBad?.seq, entries[7]!.seq);
    assert.match(r.firstBad!.reason, /removed/);
    const r0 = verifyAll(entries.slice(1));
    assert.equal(r0.firstBad?.seq, entries[1]!.seq);
    assert.match(r0.firstBad!.reason, /genesis/);
  });

  test("reordered entries are named: by seq order, and by content moved between seqs", () => {
    const swapped = [...entries];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    // read in that order, the first entry out of place is the moved one
    const r = verifyAll(swapped);
    assert.equal(r.firstBad?.seq, entries[3]!.seq);
    assert.match(r.firstBad!.reason, /moved/);
    // contents swapped, seqs kept (an UPDATE of two rows)
    const moved = entries.map((e, i) =>
      i === 2 ? { ...entries[3]!, seq: e.seq } : i === 3 ? { ...entries[2]!, seq: e.seq } : e,
    );
    const r2 = verifyAll(moved);
    assert.equal(r2.firstBad?.seq, entries[2]!.seq);
  });

  test("a cut-off tail verifies as a chain, but not against the last checkpoint", () => {
    const cut = entries.slice(0, 7);
    assert.equal(verifyAll(cut).valid, true, "the rest of the chain is consistent by itself");
    const r = verifyAll(cut, [cp]);
    assert.equal(r.valid, false);
    assert.equal(r.firstBad?.seq, head.seq);
    assert.match(r.firstBad!.reason, /tail was cut off/);
    assert.match(r.firstBad!.reason, new RegExp(`ends at seq ${cut.at(-1)!.seq}`));
  });

  test("a forged or altered checkpoint is refused; one by another key is not counted", () => {
    const altered = { ...cp, seq: entries[5]!.seq, hash: entries[5]!.hash! };
    const r = verifyAll(entries, [altered]);
    assert.equal(r.valid, false);
    assert.match(r.firstBad!.reason, /bad signature/);
    const other = loadAuditSigner(
      generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    );
    const foreign = signCheckpoint(other, { seq: 99, hash: "f".repeat(64) }, 0);
    const r2 = verifyAll(entries, [foreign]);
    assert.equal(r2.valid, true);
    assert.equal(r2.checkpoints.unverified, 1);
    assert.equal(r2.checkpoints.verified, 0);
  });

  test("entries not linked yet are pending at the tail, and an error before a linked one", () => {
    const tail = entries.map((e, i) => (i >= 8 ? { ...e, prevHash: null, hash: null } : e));
    const r = verifyAll(tail);
    assert.equal(r.valid, true);
    assert.equal(r.pending, 2);
    assert.equal(r.entries, 8);
    const hole = entries.map((e, i) => (i === 5 ? { ...e, prevHash: null, hash: null } : e));
    const r2 = verifyAll(hole);
    assert.equal(r2.valid, false);
    assert.equal(r2.firstBad?.seq, entries[5]!.seq);
  });

  test("format-0 entries verify by the hash they were written with", () => {
    const legacy = {
      id: "aud_x",
      at: Date.UTC(2026, 0, 1),
      actor: null,
      action: "admin.bootstrapped",
      targetId: "key_1",
      data: {},
    };
    const h = chainHash(GENESIS_HASH, legacy);
    const e: AuditEntry = {
      v: 0,
      seq: 1,
      id: legacy.id,
      at: new Date(legacy.at).toISOString(),
      actor: { type: "system", rule: null },
      action: legacy.action,
      targetId: legacy.targetId,
      requestId: null,
      address: null,
      data: {},
      diff: null,
      prevHash: GENESIS_HASH,
      hash: h,
    };
    assert.equal(verifyAll([e]).valid, true);
    assert.equal(verifyAll([{ ...e, action: "x" }]).valid, false);
  });
});

describe("auditDiff", () => {
  test("names changed fields only, from and to", () => {
    assert.deepEqual(
      auditDiff(
        { name: "a", scopes: ["x"], metadata: { t: 1 } },
        { name: "b", scopes: ["x"], metadata: undefined },
        ["name", "scopes", "metadata"],
      ),
      { name: { from: "a", to: "b" } },
    );
    assert.equal(auditDiff({ name: "a" }, { name: "a" }, ["name"]), null);
    assert.deepEqual(auditDiff({ name: null as string | null }, { name: "n" }, ["name"]), {
      name: { from: null, to: "n" },
    });
  });
});
