import assert from "node:assert/strict";
import { after, test } from "node:test";
import { startTestNode } from "./helpers.js";

test("create a consumer and a key, verify it, rotate, both verify", async () => {
  const node = await startTestNode();
  after(() => node.close());
  const c = await node.call("POST", "/v1/consumers", { name: "acme" });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, scopes: ["orders:read"] });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const v1 = await node.call("POST", "/v1/verify", { key: k.body.secret });
  assert.equal(v1.body.code, "VALID", JSON.stringify(v1.body));
  const r = await node.call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const old = await node.call("POST", "/v1/verify", { key: k.body.secret });
  assert.equal(old.body.code, "VALID");
  assert.equal(old.body.deprecated, true);
  const neu = await node.call("POST", "/v1/verify", { key: r.body.secret });
  assert.equal(neu.body.code, "VALID");
  assert.equal(neu.body.version, 2);
});
