import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { type IdPrefix, isId, newId, requestIds } from "./ids.js";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";
const PREFIXES: readonly IdPrefix[] = ["con", "key", "evt", "whk", "req", "aud"];
const SHAPE = /^[a-z]{3}_[0-9a-hjkmnp-tv-z]{26}$/;

function decodeTime(id: string): number {
  const time = id.slice(id.indexOf("_") + 1, id.indexOf("_") + 11);
  let t = 0;
  for (const ch of time) t = t * 32 + CROCKFORD.indexOf(ch);
  return t;
}

// newId keeps module state (the last millisecond it saw), so tests with explicit times draw them
// from one ever-increasing cursor well after the wall clock.
let cursor = Date.now() + 86_400_000;
function laterThanAllSoFar(): number {
  cursor += 1_000_000;
  return cursor;
}

describe("newId", () => {
  test("has its prefix, 26 lower-case Crockford base32 chars, and passes isId", () => {
    for (const prefix of PREFIXES) {
      const id = newId(prefix);
      assert.match(id, SHAPE);
      assert.ok(id.startsWith(`${prefix}_`));
      assert.equal(id.length, prefix.length + 1 + 26);
      assert.equal(isId(prefix, id), true);
      for (const other of PREFIXES) if (other !== prefix) assert.equal(isId(other, id), false);
    }
  });

  test("the first 10 chars encode the creation millisecond (ULID layout)", () => {
    const before = Date.now();
    const id = newId("key");
    const after = Date.now();
    const t = decodeTime(id);
    assert.ok(t >= before && t <= after, `${t} not in [${before}, ${after}]`);
    const at = laterThanAllSoFar();
    assert.equal(decodeTime(newId("evt", at)), at);
  });

  test("ids made later sort after, with many in the same millisecond (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, fc.integer({ min: 1, max: 5000 })), {
          minLength: 2,
          maxLength: 200,
        }),
        fc.constantFrom(...PREFIXES),
        (deltas, prefix) => {
          let t = laterThanAllSoFar();
          const ids: string[] = [];
          for (const d of deltas) {
            t += d;
            const id = newId(prefix, t);
            assert.equal(decodeTime(id), t);
            assert.ok(isId(prefix, id));
            ids.push(id);
          }
          cursor = t;
          for (let i = 1; i < ids.length; i++) {
            assert.ok(ids[i - 1]! < ids[i]!, `${ids[i - 1]} !< ${ids[i]} (delta ${deltas[i]})`);
          }
          assert.deepEqual([...ids].sort(), ids);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("10 000 ids in one millisecond are distinct and in creation order (monotonic)", () => {
    const t = laterThanAllSoFar();
    const ids = Array.from({ length: 10_000 }, () => newId("req", t));
    assert.equal(new Set(ids).size, ids.length);
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!, `at ${i}`);
    for (const id of ids) assert.equal(decodeTime(id), t);
  });

  test("ids stay in creation order when the clock steps back", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 2, maxLength: 100 }),
        (deltas) => {
          const base = laterThanAllSoFar();
          let t = base;
          let max = base;
          const ids: string[] = [];
          for (const d of deltas) {
            t += d;
            max = Math.max(max, t);
            ids.push(newId("aud", t));
          }
          cursor = max;
          for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!);
        },
      ),
      { numRuns: 200 },
    );
  });

  test("ids with the wall clock sort in creation order", () => {
    // the explicit-time tests above left the module clock in the future; those ids still sort
    const ids = Array.from({ length: 2000 }, () => newId("con"));
    for (let i = 1; i < ids.length; i++) assert.ok(ids[i - 1]! < ids[i]!);
  });
});

describe("isId", () => {
  test("rejects wrong prefix, length, case and alphabet", () => {
    const id = newId("key");
    assert.equal(isId("key", id), true);
    assert.equal(isId("con", id), false);
    assert.equal(isId("key", id.toUpperCase()), false);
    assert.equal(isId("key", `${id}0`), false);
    assert.equal(isId("key", id.slice(0, -1)), false);
    assert.equal(isId("key", `key-${id.slice(4)}`), false);
    assert.equal(isId("key", ""), false);
    assert.equal(isId("key", "key_"), false);
    for (const excluded of ["i", "l", "o", "u", "I", "_", "-"]) {
      assert.equal(isId("key", `${id.slice(0, -1)}${excluded}`), false, excluded);
    }
  });

  test("accepts exactly prefix_ + 26 Crockford chars (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...PREFIXES),
        fc.string({ unit: fc.constantFrom(...CROCKFORD), minLength: 26, maxLength: 26 }),
        (prefix, body) => {
          assert.equal(isId(prefix, `${prefix}_${body}`), true);
        },
      ),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...PREFIXES), fc.string({ maxLength: 40 }), (prefix, s) => {
        const expected = s.length === prefix.length + 27 && SHAPE.test(s) && s.startsWith(`${prefix}_`);
        assert.equal(isId(prefix, s), expected);
      }),
      { numRuns: 300 },
    );
  });
});

describe("requestIds", () => {
  test("makes req_ ids of newId's shape, carrying the time they were made", () => {
    const next = requestIds();
    const before = Date.now();
    const id = next();
    assert.ok(isId("req", id), id);
    const t = decodeTime(id);
    assert.ok(t >= before && t <= Date.now(), `time part ${t}`);
  });

  test("ids of one generator sort in creation order: same millisecond, later ones, a clock stepped back", () => {
    let t = 1_700_000_000_000;
    const times = [0, 0, 0, 1, 1, 5, -3, -3, 2, 40, 40];
    let i = 0;
    const next = requestIds(() => t + times[i++ % times.length]!);
    const ids = Array.from({ length: 5000 }, () => {
      const id = next();
      if (i % times.length === 0) t += 100;
      return id;
    });
    assert.deepEqual([...ids].sort(), ids);
    assert.equal(new Set(ids).size, ids.length);
  });

  test("two generators (two nodes, or a node and its restart) never make the same id, even at the same time", () => {
    const clock = () => 1_700_000_000_000;
    const seen = new Set<string>();
    for (let g = 0; g < 20; g++) {
      const next = requestIds(clock);
      for (let n = 0; n < 2000; n++) seen.add(next());
    }
    assert.equal(seen.size, 40_000);
  });
});
