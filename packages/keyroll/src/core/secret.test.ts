import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, test } from "node:test";
import fc from "fast-check";
import {
  CHECKSUM_LENGTH,
  checksum,
  DEFAULT_PREFIX,
  digestSecret,
  generateSecret,
  hexFromRaw,
  importProblem,
  isValidPrefix,
  MAX_SECRET_LENGTH,
  MIN_IMPORTED_LENGTH,
  parseSecret,
  RANDOM_LENGTH,
  rawDigest,
  rawFromHex,
  secretStart,
} from "./secret.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX_SPEC = /^[a-z0-9][a-z0-9_]{0,15}$/;

/** A CRC32 (IEEE, as zlib) written independently of the code under test. */
function crc32Ref(text: string): number {
  let c = 0xffffffff;
  for (const byte of Buffer.from(text, "utf8")) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function decodeBase62(s: string): number {
  let n = 0;
  for (const ch of s) {
    const d = BASE62.indexOf(ch);
    assert.ok(d >= 0, `${ch} is not base62`);
    n = n * 62 + d;
  }
  return n;
}

const printableChar = fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c));
const printable = (minLength: number, maxLength: number) =>
  fc.string({ unit: printableChar, minLength, maxLength });
const validPrefix = fc.stringMatching(PREFIX_SPEC);

describe("generateSecret", () => {
  test("default layout: kr_live_ + 32 base62 + 6-char base62 CRC32 of everything before", () => {
    for (let i = 0; i < 200; i++) {
      const s = generateSecret();
      assert.equal(DEFAULT_PREFIX, "kr_live");
      assert.match(s, /^kr_live_[0-9A-Za-z]{38}$/);
      assert.equal(s.length, "kr_live_".length + RANDOM_LENGTH + CHECKSUM_LENGTH);
      const head = s.slice(0, -CHECKSUM_LENGTH);
      assert.equal(decodeBase62(s.slice(-CHECKSUM_LENGTH)), crc32Ref(head));
    }
  });

  test("checksum() is the 6-char base62 CRC32 (standard check value of '123456789')", () => {
    // 0xCBF43926 is the published CRC-32/ISO-HDLC check value
    assert.equal(crc32Ref("123456789"), 0xcbf43926);
    const c = checksum("123456789");
    assert.equal(c.length, 6);
    assert.equal(decodeBase62(c), 0xcbf43926);
    // small CRCs are left-padded to six characters
    fc.assert(
      fc.property(fc.string(), (text) => {
        const cs = checksum(text);
        assert.match(cs, /^[0-9A-Za-z]{6}$/);
        assert.equal(decodeBase62(cs), crc32Ref(text));
      }),
      { numRuns: 300 },
    );
  });

  test("any valid custom prefix is kept and the checksum covers it", () => {
    fc.assert(
      fc.property(validPrefix, (prefix) => {
        const s = generateSecret(prefix);
        assert.ok(s.startsWith(`${prefix}_`));
        assert.equal(s.length, prefix.length + 1 + RANDOM_LENGTH + CHECKSUM_LENGTH);
        assert.match(s.slice(prefix.length + 1), /^[0-9A-Za-z]{38}$/);
        assert.equal(decodeBase62(s.slice(-6)), crc32Ref(s.slice(0, -6)));
        assert.deepEqual(parseSecret(s), { shape: "keyroll", prefix, checksumOk: true });
      }),
      { numRuns: 300 },
    );
  });

  test("invalid prefixes are rejected", () => {
    for (const bad of ["", "Kr", "_kr", "kr-live", "kr live", "a".repeat(17), "kr.live", "kré", "KR_LIVE"]) {
      assert.equal(isValidPrefix(bad), false, bad);
      assert.throws(() => generateSecret(bad), /invalid prefix/, bad);
    }
    fc.assert(
      fc.property(
        fc.string({ maxLength: 24 }).filter((p) => !PREFIX_SPEC.test(p)),
        (prefix) => {
          assert.equal(isValidPrefix(prefix), false);
          assert.throws(() => generateSecret(prefix));
        },
      ),
      { numRuns: 300 },
    );
    for (const good of ["a", "0", "kr_live", "a".repeat(16), "sk_test_", "x_y_z"]) {
      assert.equal(isValidPrefix(good), true, good);
    }
  });

  test("secrets are distinct and use the whole base62 alphabet", () => {
    const seen = new Set<string>();
    const counts = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const s = generateSecret("t");
      seen.add(s);
      for (const ch of s.slice(2, 2 + RANDOM_LENGTH)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    assert.equal(seen.size, 400);
    // 12 800 random chars: about 206 per symbol; a biased or truncated alphabet shows up here
    assert.equal(counts.size, 62);
    for (const [ch, n] of counts) assert.ok(n > 110 && n < 320, `${ch} appeared ${n} times`);
  });
});

describe("parseSecret", () => {
  test("a generated secret parses as keyroll with a good checksum", () => {
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(parseSecret(generateSecret()), {
        shape: "keyroll",
        prefix: "kr_live",
        checksumOk: true,
      });
    }
  });

  test("changing any single character of the body breaks the checksum (property)", () => {
    fc.assert(
      fc.property(validPrefix, fc.nat(), fc.constantFrom(...BASE62), (prefix, rawIndex, replacement) => {
        const s = generateSecret(prefix);
        const bodyStart = prefix.length + 1;
        const i = bodyStart + (rawIndex % (s.length - bodyStart));
        fc.pre(s[i] !== replacement);
        const flipped = s.slice(0, i) + replacement + s.slice(i + 1);
        const parsed = parseSecret(flipped);
        assert.deepEqual(parsed, { shape: "keyroll", prefix, checksumOk: false });
      }),
      { numRuns: 500 },
    );
  });

  test("changing any single character anywhere never yields a valid Keyroll secret (property)", () => {
    fc.assert(
      fc.property(validPrefix, fc.nat(), printableChar, (prefix, rawIndex, replacement) => {
        const s = generateSecret(prefix);
        const i = rawIndex % s.length;
        fc.pre(s[i] !== replacement);
        const parsed = parseSecret(s.slice(0, i) + replacement + s.slice(i + 1));
        assert.ok(!(parsed.shape === "keyroll" && parsed.checksumOk), JSON.stringify(parsed));
      }),
      { numRuns: 500 },
    );
  });

  test("length bounds: shorter than 20 or longer than 256 is malformed", () => {
    assert.equal(MIN_IMPORTED_LENGTH, 20);
    assert.equal(MAX_SECRET_LENGTH, 256);
    assert.deepEqual(parseSecret("a".repeat(19)), { shape: "malformed" });
    assert.deepEqual(parseSecret("a".repeat(20)), { shape: "opaque" });
    assert.deepEqual(parseSecret("a".repeat(256)), { shape: "opaque" });
    assert.deepEqual(parseSecret("a".repeat(257)), { shape: "malformed" });
    assert.deepEqual(parseSecret(""), { shape: "malformed" });
    assert.deepEqual(parseSecret(generateSecret().slice(0, 19)), { shape: "malformed" });
    fc.assert(
      fc.property(fc.oneof(printable(0, 19), printable(257, 400)), (s) => {
        assert.deepEqual(parseSecret(s), { shape: "malformed" });
      }),
      { numRuns: 300 },
    );
  });

  test("any non-printable or non-ASCII character makes it malformed", () => {
    const bad = fc.oneof(
      fc.integer({ min: 0, max: 0x20 }).map((c) => String.fromCharCode(c)),
      fc.constantFrom("\x7f", "é", "€", "\u00a0", "\u200b", "😀"),
    );
    fc.assert(
      fc.property(printable(20, 200), fc.nat(), bad, (s, rawIndex, ch) => {
        const i = rawIndex % (s.length + 1);
        assert.deepEqual(parseSecret(s.slice(0, i) + ch + s.slice(i)), { shape: "malformed" });
      }),
      { numRuns: 300 },
    );
    assert.deepEqual(parseSecret(` ${generateSecret()}`), { shape: "malformed" });
    assert.deepEqual(parseSecret(`${generateSecret()}\n`), { shape: "malformed" });
  });

  test("printable strings of 20+ chars without the Keyroll layout are opaque", () => {
    // no underscore: no prefix separator
    fc.assert(
      fc.property(
        printable(20, 256).filter((s) => !s.includes("_")),
        (s) => {
          assert.deepEqual(parseSecret(s), { shape: "opaque" });
        },
      ),
      { numRuns: 300 },
    );
    // a character outside [0-9A-Za-z_] cannot be part of a Keyroll secret
    fc.assert(
      fc.property(
        printable(20, 256).filter((s) => /[^0-9A-Za-z_]/.test(s)),
        (s) => {
          assert.deepEqual(parseSecret(s), { shape: "opaque" });
        },
      ),
      { numRuns: 300 },
    );
    assert.deepEqual(parseSecret("sk-proj-abcdefghijklmnopqrstu"), { shape: "opaque" });
    // a 17-char prefix is not a Keyroll prefix
    assert.deepEqual(parseSecret(`${"a".repeat(17)}_${"A".repeat(38)}`), { shape: "opaque" });
    // a body of 37 chars is too short for 32 random + 6 checksum
    assert.deepEqual(parseSecret(`kr_live_${"A".repeat(37)}`), { shape: "opaque" });
  });
});

describe("digestSecret", () => {
  test("is the lowercase hex SHA-256 of the secret", () => {
    assert.equal(digestSecret("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const d = digestSecret(s);
        assert.match(d, /^[0-9a-f]{64}$/);
        assert.equal(d, createHash("sha256").update(s, "utf8").digest("hex"));
      }),
      { numRuns: 300 },
    );
  });

  test("different secrets have different digests", () => {
    const a = generateSecret();
    const b = generateSecret();
    assert.notEqual(digestSecret(a), digestSecret(b));
    assert.equal(digestSecret(a), digestSecret(a));
  });
});

describe("rawDigest", () => {
  test("is the same SHA-256 as 32 one-byte characters, and converts to and from the hex form", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const raw = rawDigest(s);
        assert.equal(raw.length, 32);
        assert.equal(raw, createHash("sha256").update(s, "utf8").digest("binary"));
        assert.equal(rawFromHex(digestSecret(s)), raw);
        assert.equal(hexFromRaw(raw), digestSecret(s));
      }),
      { numRuns: 300 },
    );
  });
});

describe("secretStart", () => {
  test("a generated secret shows its prefix and 8 characters", () => {
    fc.assert(
      fc.property(validPrefix, (prefix) => {
        const s = generateSecret(prefix);
        const start = secretStart(s, false);
        assert.equal(start, s.slice(0, prefix.length + 1 + 8));
        assert.equal(start.length, prefix.length + 9);
      }),
      { numRuns: 300 },
    );
    const s = generateSecret();
    assert.equal(secretStart(s, false), s.slice(0, "kr_live_".length + 8));
  });

  test("an imported secret shows at most a quarter of itself, and never more than 8 chars", () => {
    fc.assert(
      fc.property(printable(MIN_IMPORTED_LENGTH, MAX_SECRET_LENGTH), (s) => {
        const start = secretStart(s, true);
        assert.ok(s.startsWith(start));
        assert.ok(start.length <= Math.floor(s.length / 4), `${start.length} of ${s.length}`);
        assert.ok(start.length <= 8);
        assert.ok(start.length >= 5, "at least something is shown for a 20+ char secret");
      }),
      { numRuns: 300 },
    );
    assert.equal(secretStart("abcdefghijklmnopqrst", true), "abcde");
    // an imported Keyroll-shaped secret is still treated as imported: a quarter at most
    const g = generateSecret();
    assert.equal(secretStart(g, true), g.slice(0, 8));
  });
});

describe("importProblem", () => {
  test("accepts printable secrets of 20 to 256 chars, including Keyroll-shaped ones", () => {
    fc.assert(
      fc.property(printable(20, 256), (s) => {
        assert.equal(importProblem(s), undefined);
      }),
      { numRuns: 300 },
    );
    assert.equal(importProblem(generateSecret()), undefined);
  });

  test("rejects too short, too long and non-printable secrets with a reason", () => {
    assert.match(importProblem("a".repeat(19)) ?? "", /at least 20/);
    assert.match(importProblem("a".repeat(257)) ?? "", /at most 256/);
    assert.match(importProblem(`${"a".repeat(20)} b`) ?? "", /printable/);
    assert.match(importProblem(`${"a".repeat(20)}\t`) ?? "", /printable/);
    assert.match(importProblem(`${"a".repeat(20)}é`) ?? "", /printable/);
    fc.assert(
      fc.property(fc.oneof(printable(0, 19), printable(257, 300)), (s) => {
        assert.equal(typeof importProblem(s), "string");
      }),
      { numRuns: 200 },
    );
  });

  test("whatever importProblem accepts is never malformed for the verifier", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary-ascii", minLength: 0, maxLength: 300 }), (s) => {
        if (importProblem(s) === undefined) assert.notEqual(parseSecret(s).shape, "malformed");
        else assert.equal(parseSecret(s).shape, "malformed");
      }),
      { numRuns: 300 },
    );
  });
});
