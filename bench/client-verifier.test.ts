// Smoke test of the client verifier benchmark: it runs end to end and measures something. Speed
// is not asserted (a shared CI machine says nothing about it); `npm run bench:client` reports it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runClientBench } from "./client-verifier.js";

test("client verifier benchmark: every key verifies and positive rates are measured", async () => {
  const r = await runClientBench({ keys: 200, rounds: 1, durationMs: 200, warmupMs: 0 });
  for (const xs of [r.client, r.bare, r.raw]) {
    assert.equal(xs.length, 1);
    assert.ok(xs[0]! > 0 && Number.isFinite(xs[0]!));
  }
  assert.ok(r.ratio > 0 && Number.isFinite(r.ratio));
});
