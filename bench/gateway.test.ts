// Smoke test of the gateway benchmark: it runs end to end and every request passes. Speed is not
// asserted (a shared CI machine says nothing about it); `npm run bench:gateway` reports it.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runGatewayBench } from "./gateway.js";

test("gateway benchmark: both gateway variants answer 200 and a positive rate is measured", async () => {
  // the suite builds dist before the tests; nginx is left out to keep this short
  const out = await runGatewayBench({ rounds: 1, duration: 1, connections: 4, build: false, nginx: false });
  assert.deepEqual(
    out.map((v) => v.name),
    ["gateway, auth off", "gateway, auth + rate limit"],
  );
  for (const v of out) {
    assert.equal(v.failed, 0, `${v.name}: every request answered 200`);
    assert.ok(v.rps > 0 && Number.isFinite(v.rps));
  }
});
