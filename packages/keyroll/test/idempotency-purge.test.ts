import assert from "node:assert/strict";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { manualClock } from "../src/core/clock.js";
import { startTestNode } from "./helpers.js";

test("the leader purges sealed rotation answers once their Idempotency-Key can no longer replay them", async () => {
  const clock = manualClock(Date.parse("2030-01-01T00:00:00Z"));
  const node = await startTestNode({ clock });
  after(() => node.close());
  const c = await node.call("POST", "/v1/consumers", { name: "acme" });
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  const r = await node.call(
    "POST",
    `/v1/keys/${k.body.key.id}/rotate`,
    { gracePeriod: "1h" },
    { "idempotency-key": "retry-me-0001" },
  );
  assert.equal(r.status, 201);
  const count = () => {
    const db = new Database(join(node.dir, "keyroll.db"), { readonly: true });
    try {
      return (db.prepare("select count(*) as n from idempotency_keys").get() as { n: number }).n;
    } finally {
      db.close();
    }
  };
  assert.equal(count(), 1);
  clock.advance(23 * 3_600_000);
  await node.kr.scheduler.runOnce();
  assert.equal(count(), 1, "still replayable within 24 h");
  clock.advance(2 * 3_600_000);
  await node.kr.scheduler.runOnce();
  assert.equal(count(), 0, "purged after 24 h");
});
