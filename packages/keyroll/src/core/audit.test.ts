import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { canonicalJson, chainHash, GENESIS_HASH } from "./audit.js";

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

  test("drops undefined properties as JSON.stringify does", () => {
    assert.equal(canonicalJson({ a: 1, b: undefined }), '{"a":1}');
    assert.equal(canonicalJson([1, undefined]), "[1,null]");
    assert.equal(canonicalJson(undefined), "null");
    assert.equal(canonicalJson(null), "null");
    assert.equal(canonicalJson("x"), '"x"');
  });
});

describe("chainHash", () => {
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
