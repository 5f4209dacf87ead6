import assert from "node:assert/strict";
import { test } from "node:test";
import { manualClock, systemClock } from "./clock.js";

test("manualClock only moves when told to", () => {
  const start = Date.parse("2026-01-01T00:00:00Z");
  const clock = manualClock(start);
  assert.equal(clock.now(), start);
  assert.equal(clock.now(), start);
  clock.advance(1500);
  assert.equal(clock.now(), start + 1500);
  clock.advance(0);
  assert.equal(clock.now(), start + 1500);
  clock.set(start - 10);
  assert.equal(clock.now(), start - 10);
});

test("two manual clocks are independent", () => {
  const a = manualClock(0);
  const b = manualClock(0);
  a.advance(5);
  assert.equal(a.now(), 5);
  assert.equal(b.now(), 0);
});

test("systemClock reads the wall clock", () => {
  const before = Date.now();
  const t = systemClock.now();
  const after = Date.now();
  assert.ok(t >= before && t <= after);
});
