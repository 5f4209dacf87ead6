import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { createKeyroll, resolveConfig } from "../src/main.js";
import { ADMIN_KEY } from "./helpers.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres;
before(async () => {
  pgs = await startTestPostgres();
});
after(async () => {
  await pgs.close();
});

test("a node on PostgreSQL creates, verifies, rotates and revokes", async () => {
  const url = await pgs.createDatabase();
  const kr = await createKeyroll(
    resolveConfig({
      env: { KEYROLL_DATABASE: url, KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, KEYROLL_LOG_LEVEL: "silent" },
    }),
  );
  after(() => kr.close());
  const call = async (method: string, u: string, body?: unknown) => {
    const r = await kr.app.inject({
      method: method as "POST",
      url: u,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      ...(body !== undefined && { payload: body as object }),
    });
    return { status: r.statusCode, body: r.json() };
  };
  const c = await call("POST", "/v1/consumers", { name: "acme" });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const k = await call("POST", "/v1/keys", { consumerId: c.body.id });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.equal((await call("POST", "/v1/verify", { key: k.body.secret })).body.code, "VALID");
  const r = await call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" });
  assert.equal(r.status, 201);
  const old = await call("POST", "/v1/verify", { key: k.body.secret });
  assert.equal(old.body.deprecated, true);
  await call("POST", `/v1/keys/${k.body.key.id}/revoke`, {});
  assert.equal((await call("POST", "/v1/verify", { key: r.body.secret })).body.code, "REVOKED");
  const health = await kr.app.inject({ method: "GET", url: "/healthz" });
  assert.equal(health.json().leader, true);
});
