// Smoke test of the verify benchmark: it runs end to end and measures something. Speed is not
// asserted here (a shared CI machine says nothing about it); `npm run bench:verify` reports it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { median, runHttpBench, runInProcessBench } from "./verify.js";

test("median", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]));
});

test("http benchmark: both servers answer VALID and a positive rate is measured", async () => {
  // not pinned: pinning would tie this test process to one CPU for the rest of its life
  const r = await runHttpBench({
    rounds: 1,
    durationMs: 300,
    warmupMs: 0,
    connections: 2,
    source: "src",
    pin: false,
  });
  assert.equal(r.keyroll.length, 1);
  assert.equal(r.bare.length, 1);
  assert.equal(r.bareBatched?.length, 1, "the bare-batched control runs by default");
  for (const run of [...r.keyroll, ...r.bare, ...r.bareBatched!]) {
    assert.ok(run.requests > 0, `requests: ${run.requests}`);
    assert.ok(run.rps > 0 && Number.isFinite(run.rps), `rps: ${run.rps}`);
  }
  const body = JSON.parse(r.body) as { valid: boolean; code: string; version: number };
  assert.equal(body.valid, true);
  assert.equal(body.code, "VALID");
  assert.equal(body.version, 1);
  assert.ok(r.ratio > 0 && Number.isFinite(r.ratio));
});

test("in-process benchmark: every key verifies and a positive rate is measured", async () => {
  const r = await runInProcessBench({ keys: 200, rounds: 1, durationMs: 300, warmupMs: 0, source: "src" });
  assert.ok(r.indexSize >= 200, `index size ${r.indexSize}`);
  assert.equal(r.keyroll.length, 1);
  assert.equal(r.bare.length, 1);
  assert.ok(r.keyrollMedianOps > 0 && Number.isFinite(r.keyrollMedianOps));
  assert.ok(r.bareMedianOps > 0 && Number.isFinite(r.bareMedianOps));
  assert.ok(r.ratio > 0 && Number.isFinite(r.ratio));
  assert.equal(r.raw.length, 1, "the raw-digest control runs");
  assert.ok(r.rawRatio > 0 && Number.isFinite(r.rawRatio));
});
