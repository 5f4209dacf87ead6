// Smoke test of the propagation benchmark: three real nodes on one PostgreSQL, ~20 changes on A,
// each one seen on B and on C. Speed is not asserted here (a shared CI machine says nothing about
// it); `npm run bench:propagation` reports it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runPropagationBench } from "./propagation.js";

test("every change made on A is observed on B and on C", { timeout: 180_000 }, async () => {
  const r = await runPropagationBench({ changes: 21, initialKeys: 5, timeoutMs: 10_000 });
  assert.deepEqual(r.errors, []);
  assert.equal(r.samples.length, 21);
  for (const kind of ["revoke", "rotate", "create"] as const) {
    assert.ok(
      r.samples.some((s) => s.kind === kind),
      `no ${kind} change was made`,
    );
  }
  for (const s of r.samples) {
    assert.ok(s.b !== null && s.b >= 0, `change ${s.i} (${s.kind}) not observed on B`);
    assert.ok(s.c !== null && s.c >= 0, `change ${s.i} (${s.kind}) not observed on C`);
    assert.ok(s.pollsB >= 1 && s.pollsC >= 1);
  }
  assert.equal(r.combined.n, 42);
  assert.equal(r.baseline.n, 21);
  assert.ok(Number.isFinite(r.combined.p99) && Number.isFinite(r.baseline.p50));
});
