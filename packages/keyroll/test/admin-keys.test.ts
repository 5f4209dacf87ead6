// Admin keys are keys of the reserved "keyroll-admin" consumer: scoped, and rotated like any key.
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, clockedNode, createKey, HOUR, isoAt, MINUTE, T0 } from "./contract-fixtures.js";
import { ADMIN_KEY, type TestNode } from "./helpers.js";

const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });

async function adminConsumerId(node: TestNode): Promise<string> {
  const list = await node.call("GET", "/v1/consumers?limit=200");
  assert.equal(list.status, 200, JSON.stringify(list.body));
  const admin = list.body.data.find((c: { name: string }) => c.name === "keyroll-admin");
  assert.ok(admin, "the reserved admin consumer exists");
  return admin.id;
}

test("a second admin key with scope verify may verify but not manage: 403 FORBIDDEN", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const adminId = await adminConsumerId(node);
  const { secret: clientSecret, keyId: clientKeyId } = await createKey(node);

  const k = await node.call("POST", "/v1/keys", {
    consumerId: adminId,
    name: "edge verifier",
    scopes: ["verify"],
  });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.equal(k.body.key.consumerId, adminId);
  assert.deepEqual(k.body.key.scopes, ["verify"]);
  const verifierKey = k.body.secret;

  const v = await node.call("POST", "/v1/verify", { key: clientSecret }, bearer(verifierKey));
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.code, "VALID");
  assert.equal(v.body.keyId, clientKeyId);

  assertProblem(
    await node.call("POST", "/v1/consumers", { name: "sneaky" }, bearer(verifierKey)),
    403,
    "FORBIDDEN",
  );
  assertProblem(await node.call("GET", "/v1/consumers", undefined, bearer(verifierKey)), 403, "FORBIDDEN");
  assertProblem(
    await node.call("POST", `/v1/keys/${clientKeyId}/rotate`, { gracePeriod: "1h" }, bearer(verifierKey)),
    403,
    "FORBIDDEN",
  );
  const list = await node.call("GET", "/v1/consumers?limit=200");
  assert.ok(
    !list.body.data.some((c: { name: string }) => c.name === "sneaky"),
    "the refused call made nothing",
  );

  // admin keys only take admin scopes, and at least one
  assertProblem(
    await node.call("POST", "/v1/keys", { consumerId: adminId, scopes: ["orders:read"] }),
    400,
    "VALIDATION_FAILED",
  );
  assertProblem(await node.call("POST", "/v1/keys", { consumerId: adminId }), 400, "VALIDATION_FAILED");
});

test("a keys:write admin key cannot mint or rotate admin keys (that needs the admin scope)", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const adminId = await adminConsumerId(node);
  const w = await node.call("POST", "/v1/keys", { consumerId: adminId, scopes: ["keys:read", "keys:write"] });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const writer = w.body.secret;

  const c = await node.call("POST", "/v1/consumers", { name: "ok" }, bearer(writer));
  assert.equal(c.status, 201, "keys:write may manage ordinary consumers");
  assertProblem(
    await node.call("POST", "/v1/keys", { consumerId: adminId, scopes: ["admin"] }, bearer(writer)),
    403,
    "FORBIDDEN",
  );
  assertProblem(
    await node.call("POST", `/v1/keys/${w.body.key.id}/rotate`, { gracePeriod: "1h" }, bearer(writer)),
    403,
    "FORBIDDEN",
  );
  assertProblem(await node.call("POST", "/v1/verify", { key: writer }, bearer(writer)), 403, "FORBIDDEN");
});

test("a non-admin consumer's key is 403 FORBIDDEN on admin calls; unknown or missing keys are 401", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { secret, consumerId } = await createKey(node, { scopes: ["admin", "verify", "keys:write"] });
  for (const [method, url, body] of [
    ["POST", "/v1/verify", { key: secret }],
    ["GET", "/v1/consumers", undefined],
    ["POST", "/v1/consumers", { name: "x" }],
    ["POST", "/v1/keys", { consumerId }],
  ] as const) {
    assertProblem(await node.call(method, url, body, bearer(secret)), 403, "FORBIDDEN");
  }
  const unauth = await node.call("GET", "/v1/consumers", undefined, { authorization: "" });
  assertProblem(unauth, 401, "UNAUTHORIZED");
  assert.match(String(unauth.headers["www-authenticate"]), /^Bearer/);
  assertProblem(
    await node.call("GET", "/v1/consumers", undefined, bearer("kr_live_not_a_real_admin_key_at_all_0000000")),
    401,
    "UNAUTHORIZED",
  );
});

test("rotating the bootstrap admin key: the old one works with a Sunset header during grace, then stops", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const adminId = await adminConsumerId(node);
  const keys = await node.call("GET", `/v1/keys?consumerId=${adminId}`);
  assert.equal(keys.status, 200, JSON.stringify(keys.body));
  assert.equal(keys.body.data.length, 1);
  const bootstrap = keys.body.data[0];
  assert.deepEqual(bootstrap.scopes, ["admin"]);

  clock.set(T0 + 10 * MINUTE);
  const rotatedAt = clock.now();
  const r = await node.call("POST", `/v1/keys/${bootstrap.id}/rotate`, { gracePeriod: "1h" });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.version, 2);
  const newAdmin = r.body.secret;
  assert.notEqual(newAdmin, ADMIN_KEY);

  clock.set(rotatedAt + 30 * MINUTE);
  const old = await node.call("GET", "/v1/consumers", undefined, bearer(ADMIN_KEY));
  assert.equal(old.status, 200, "the old admin key still works during grace");
  assert.equal(old.headers.sunset, new Date(rotatedAt + HOUR).toUTCString());
  const oldWrite = await node.call("POST", "/v1/consumers", { name: "during grace" }, bearer(ADMIN_KEY));
  assert.equal(oldWrite.status, 201);
  assert.equal(oldWrite.headers.sunset, new Date(rotatedAt + HOUR).toUTCString());

  const neu = await node.call("GET", "/v1/consumers", undefined, bearer(newAdmin));
  assert.equal(neu.status, 200);
  assert.equal(neu.headers.sunset, undefined);

  // the admin key verifies like any key: version 1 in grace
  const v = await node.call("POST", "/v1/verify", { key: ADMIN_KEY }, bearer(newAdmin));
  assert.equal(v.body.code, "VALID");
  assert.equal(v.body.deprecated, true);
  assert.equal(v.body.keyId, bootstrap.id);
  assert.equal(v.body.version, 1);
  assert.equal(v.body.expiresAt, isoAt(rotatedAt + HOUR));

  clock.set(rotatedAt + HOUR + 1);
  assertProblem(await node.call("GET", "/v1/consumers", undefined, bearer(ADMIN_KEY)), 401, "UNAUTHORIZED");
  const after = await node.call("GET", `/v1/keys/${bootstrap.id}`, undefined, bearer(newAdmin));
  assert.equal(after.status, 200);
  assert.deepEqual(
    after.body.versions.map((x: { state: string }) => x.state),
    ["expired", "active"],
  );
  const stillAttributed = await node.call("POST", "/v1/verify", { key: ADMIN_KEY }, bearer(newAdmin));
  assert.equal(stillAttributed.body.code, "EXPIRED");
  assert.equal(stillAttributed.body.keyId, bootstrap.id);
});

test("the last admin key cannot be revoked; a second one can be, and is then refused", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const adminId = await adminConsumerId(node);
  const keys = await node.call("GET", `/v1/keys?consumerId=${adminId}`);
  const bootstrapId = keys.body.data[0].id;
  assertProblem(await node.call("POST", `/v1/keys/${bootstrapId}/revoke`, {}), 409, "CONSUMER_RESERVED");

  const second = await node.call("POST", "/v1/keys", { consumerId: adminId, scopes: ["admin"] });
  assert.equal(second.status, 201);
  const rv = await node.call("POST", `/v1/keys/${second.body.key.id}/revoke`, {});
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assertProblem(
    await node.call("GET", "/v1/consumers", undefined, bearer(second.body.secret)),
    401,
    "UNAUTHORIZED",
  );
  assert.equal((await node.call("GET", "/v1/consumers")).status, 200, "the bootstrap key still works");
});
