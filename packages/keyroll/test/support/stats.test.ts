import assert from "node:assert/strict";
import { test } from "node:test";
import { median, percentile, stats } from "./stats.js";

test("percentile (q from 0 to 1, nearest rank), median and stats", () => {
  assert.equal(percentile([3, 1, 2], 0.5), 2);
  assert.equal(percentile([1, 2, 3, 4], 0.99), 4);
  assert.equal(percentile([5], 0.01), 5);
  assert.equal(percentile([1, 2, 3, 4], 0), 1);
  assert.throws(() => percentile([], 0.5));
  // a percent passed by mistake is refused, not read as the maximum
  assert.throws(() => percentile([1, 2], 50), /from 0 to 1/);
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.throws(() => median([]));
  const s = stats([1, 2, 3, 4]);
  assert.equal(s.n, 4);
  assert.equal(s.p50, 2);
  assert.equal(s.max, 4);
  assert.equal(s.mean, 2.5);
  assert.equal(stats([]).n, 0);
});
