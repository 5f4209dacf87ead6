// Smoke test of the latency benchmark: every server answers VALID over raw sockets and round trips
// are measured. No latency is asserted (a shared CI machine says nothing about it).
import assert from "node:assert/strict";
import { test } from "node:test";
import { runLatencyBench } from "./latency.js";

test("latency benchmark: keyroll, bare and bare-batched answer VALID; round trips are measured", async () => {
  // not pinned: pinning would tie this test process to one CPU for the rest of its life
  const rows = await runLatencyBench({
    connections: [1, 3],
    rounds: 1,
    durationMs: 200,
    source: "src",
    pin: false,
  });
  assert.deepEqual(
    rows.map((r) => `${r.connections} ${r.role}`),
    ["1 keyroll", "1 bare", "1 bare-batched", "3 keyroll", "3 bare", "3 bare-batched"],
  );
  for (const r of rows) {
    assert.ok(r.requests > 0, `${r.role}: requests ${r.requests}`);
    assert.ok(
      r.p50 > 0 && r.p50 <= r.p90 && r.p90 <= r.p99 && r.p99 <= r.p999,
      `${r.role}: percentiles ${JSON.stringify(r)}`,
    );
  }
});
