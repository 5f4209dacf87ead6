import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import { readVerifyBody, scanVerifyBody } from "./verify-body.js";

const buf = (s: string) => Buffer.from(s, "utf8");

// strings as clients send them: mostly plain, sometimes with quotes, backslashes, controls, non-ASCII
const anyString = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abcXYZ019_:.-/".split("")), maxLength: 60 }),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 10 }),
);
const bodyLike = fc.record(
  {
    key: fc.oneof(anyString, fc.integer()),
    scopes: fc.oneof(fc.array(anyString, { maxLength: 4 }), anyString),
    clientIp: fc.oneof(fc.constantFrom("203.0.113.9", "2001:db8::1", "999.1.1.1"), anyString),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);
// the same object written with different key orders and spacing
const written = fc
  .tuple(bodyLike, fc.constantFrom(undefined, 1, "\t"), fc.boolean())
  .map(([o, space, reverse]) => {
    const entries = Object.entries(o);
    if (reverse) entries.reverse();
    return JSON.stringify(Object.fromEntries(entries), null, space);
  });

test("whenever the scan reads a body, it reads what JSON.parse reads", () => {
  fc.assert(
    fc.property(written, (text) => {
      const scanned = scanVerifyBody(buf(text));
      if (scanned !== undefined) assert.deepEqual(scanned, JSON.parse(text));
    }),
    { numRuns: 5000 },
  );
});

test("the scan never accepts what JSON.parse rejects or reads differently (arbitrary bytes)", () => {
  const near = fc
    .tuple(fc.constantFrom('{"key":"', '{"scopes":["', '{"clientIp":"', "{", '{"key":"a"'), fc.string())
    .map(([a, b]) => a + b);
  fc.assert(
    fc.property(fc.oneof(near, fc.string(), fc.string({ unit: "binary" })), (text) => {
      const scanned = scanVerifyBody(buf(text));
      if (scanned === undefined) return;
      assert.deepEqual(scanned, JSON.parse(text));
    }),
    { numRuns: 5000 },
  );
});

test("the scan reads every compact body of the documented shape, in any field order", () => {
  const plain = fc.string({ unit: fc.constantFrom(..."abcXYZ019_:.-/!#~ ".split("")), maxLength: 60 });
  const body = fc.record(
    {
      key: plain,
      scopes: fc.array(plain, { maxLength: 4 }),
      clientIp: fc.constantFrom("203.0.113.9", "2001:db8::1"),
    },
    { requiredKeys: ["key"] },
  );
  fc.assert(
    fc.property(body, fc.boolean(), (o, reverse) => {
      const entries = Object.entries(o);
      if (reverse) entries.reverse();
      const text = JSON.stringify(Object.fromEntries(entries));
      assert.deepEqual(scanVerifyBody(buf(text)), JSON.parse(text), text);
    }),
  );
});

test("the scan leaves every other form to JSON.parse", () => {
  for (const text of [
    '{ "key":"a"}', // whitespace
    '{"key":"a\\u0062"}', // an escape
    '{"key":"é"}', // non-ASCII
    '{"key":"a","key":"b"}', // a repeated field: JSON.parse keeps the last
    '{"key":"a"}x', // trailing bytes
    '{"key":"a"', // unterminated
    '{"extra":1,"key":"a"}', // another field
    '{"__proto__":{},"key":"a"}',
    '{"scopes":"a","key":"b"}', // scopes not an array
    "{}",
    "",
  ]) {
    assert.equal(scanVerifyBody(buf(text)), undefined, text);
  }
});

test("readVerifyBody: the documented shape only, however it is written", () => {
  assert.deepEqual(readVerifyBody(buf('{"key":"abc"}')), { key: "abc" });
  assert.deepEqual(readVerifyBody(buf('{ "key" : "a\\u0062c" }')), { key: "abc" });
  assert.deepEqual(readVerifyBody(buf('{"key":"a","key":"b"}')), { key: "b" });
  assert.deepEqual(readVerifyBody(buf('{"scopes":["orders:read"],"clientIp":"2001:db8::1","key":"k"}')), {
    key: "k",
    scopes: ["orders:read"],
    clientIp: "2001:db8::1",
  });
  for (const text of [
    "{",
    "[]",
    "null",
    '"key"',
    '{"key":1}',
    '{"key":"a","extra":1}',
    '{"key":"a","scopes":["no spaces"]}',
    '{"key":"a","clientIp":"999.1.1.1"}',
    '{"key":"a","scopes":"orders:read"}',
  ]) {
    assert.equal(readVerifyBody(buf(text)), undefined, text);
  }
});
