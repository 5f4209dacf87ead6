import assert from "node:assert/strict";
import { describe, test } from "node:test";
import fc from "fast-check";
import { formatDuration, MAX_DURATION_MS, parseDuration } from "./duration.js";
import { MAX_GRACE_MS } from "./rotation.js";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const unitArb = fc.constantFrom(...(Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[]));

describe("parseDuration", () => {
  test("accepts the documented forms", () => {
    assert.equal(parseDuration("30s"), 30_000);
    assert.equal(parseDuration("15m"), 900_000);
    assert.equal(parseDuration("2h"), 7_200_000);
    assert.equal(parseDuration("7d"), 604_800_000);
    assert.equal(parseDuration("500ms"), 500);
    assert.equal(parseDuration("0s"), 0);
    assert.equal(parseDuration("365d"), MAX_GRACE_MS);
  });

  test("a number, or a string of digits, is a number of seconds", () => {
    assert.equal(parseDuration(0), 0);
    assert.equal(parseDuration(30), 30_000);
    assert.equal(parseDuration(3600), 3_600_000);
    assert.equal(parseDuration(1.5), 1500);
    assert.equal(parseDuration("3600"), 3_600_000);
    assert.equal(parseDuration("0"), 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), (n) => {
        assert.equal(parseDuration(n), n * 1000);
        assert.equal(parseDuration(String(n)), n * 1000);
      }),
      { numRuns: 300 },
    );
  });

  test("<n><unit> is n times the unit (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999_999 }), unitArb, (n, unit) => {
        const ms = n * UNIT_MS[unit];
        // past 100 years a duration is refused rather than taken literally
        assert.equal(parseDuration(`${n}${unit}`), ms <= MAX_DURATION_MS ? ms : undefined);
      }),
      { numRuns: 500 },
    );
  });

  test("rejects negatives", () => {
    for (const bad of [-1, -0.5, -3600, "-5s", "-1", "-0ms", -Number.MIN_VALUE]) {
      assert.equal(parseDuration(bad), undefined, String(bad));
    }
    fc.assert(
      fc.property(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), (n) => {
        assert.equal(parseDuration(n), undefined);
      }),
      { numRuns: 200 },
    );
  });

  test("rejects garbage", () => {
    const garbage: unknown[] = [
      "",
      " ",
      "s",
      "ms",
      "5x",
      "1.5h",
      "1,5h",
      "5 s",
      "h5",
      "5sec",
      "5 seconds",
      "5S",
      "5H",
      "1e3",
      "0x10",
      "1h30m",
      "Infinity",
      "NaN",
      "+5s",
      "５s",
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      null,
      undefined,
      true,
      {},
      [],
      ["5s"],
      { ms: 5 },
      10n,
    ];
    for (const g of garbage) assert.equal(parseDuration(g), undefined, String(g));
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\s*\d+(ms|s|m|h|d)?\s*$/.test(s)),
        (s) => {
          assert.equal(parseDuration(s), undefined);
        },
      ),
      { numRuns: 300 },
    );
  });

  test("rejects absurd magnitudes", () => {
    assert.equal(parseDuration("9999999999d"), undefined, "10-digit count");
    assert.equal(parseDuration(`${"9".repeat(13)}`), undefined, "13-digit number of seconds");
    assert.equal(parseDuration(`1${"0".repeat(20)}ms`), undefined);
    assert.equal(parseDuration(Number.MAX_VALUE), undefined, "1.8e308 seconds");
    assert.equal(parseDuration(1e300), undefined, "1e300 seconds");
  });

  test("every accepted input gives a non-negative safe integer of milliseconds (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.double({ noNaN: true }),
          fc.string(),
          fc.tuple(fc.nat(), unitArb).map(([n, u]) => `${n}${u}`),
          fc.nat().map(String),
        ),
        (input) => {
          const ms = parseDuration(input);
          if (ms !== undefined) {
            assert.ok(Number.isSafeInteger(ms) && ms >= 0, `${String(input)} -> ${ms}`);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("formatDuration", () => {
  test("uses the largest unit that divides exactly", () => {
    assert.equal(formatDuration(7_200_000), "2h");
    assert.equal(formatDuration(604_800_000), "7d");
    assert.equal(formatDuration(900_000), "15m");
    assert.equal(formatDuration(90_000), "90s");
    assert.equal(formatDuration(1500), "1500ms");
    assert.equal(formatDuration(86_400_000 + 3_600_000), "25h");
  });

  test("whole counts of any unit round-trip through parseDuration (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), unitArb, (n, unit) => {
        const ms = n * UNIT_MS[unit];
        fc.pre(ms <= MAX_DURATION_MS);
        assert.equal(parseDuration(formatDuration(ms)), ms);
      }),
      { numRuns: 500 },
    );
  });

  test("any duration up to the longest grace period round-trips through parseDuration (property)", () => {
    // 0 … 365d in ms: every grace period planRotation accepts, e.g. parseDuration(1_000_000.001)
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_GRACE_MS }), (ms) => {
        const text = formatDuration(ms);
        assert.match(text, /^\d+(ms|s|m|h|d)$/);
        assert.equal(parseDuration(text), ms, `formatDuration(${ms}) = ${JSON.stringify(text)}`);
      }),
      { numRuns: 500 },
    );
  });
});
