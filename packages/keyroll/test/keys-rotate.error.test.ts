// POST /v1/keys/:id/rotate, /rollback and /versions/:v/revoke when they refuse: each refusal is
// problem+json with a stable code, and leaves the key as it was.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  assertProblem,
  clockedNode,
  createKey,
  HOUR,
  isoAt,
  rotate,
  T0,
  unknownId,
  verify,
  versionStates,
} from "./contract-fixtures.js";

test("rollback after the grace period ended is 409 ROLLBACK_NOT_POSSIBLE and changes nothing", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r = await rotate(node, keyId, { gracePeriod: "1h" });

  clock.set(T0 + HOUR + 1);
  const rb = await node.call("POST", `/v1/keys/${keyId}/rollback`);
  assertProblem(rb, 409, "ROLLBACK_NOT_POSSIBLE");
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "active" });
  assert.equal((await verify(node, s1)).body.code, "EXPIRED");
  assert.equal((await verify(node, r.body.secret)).body.code, "VALID");
});

test("rollback with no previous version, or with the previous one revoked, is 409 ROLLBACK_NOT_POSSIBLE", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  assertProblem(await node.call("POST", `/v1/keys/${keyId}/rollback`), 409, "ROLLBACK_NOT_POSSIBLE");

  const r = await rotate(node, keyId, { gracePeriod: "1h" });
  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, {});
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assertProblem(await node.call("POST", `/v1/keys/${keyId}/rollback`), 409, "ROLLBACK_NOT_POSSIBLE");
  assert.equal((await verify(node, r.body.secret)).body.code, "VALID");
});

test("rollback undoes only the last switch: with v2 revoked it is 409, never a jump back to v1", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  await rotate(node, keyId, { gracePeriod: "2h" });
  const r3 = await rotate(node, keyId, { gracePeriod: "1h" });
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "grace", 3: "active" });
  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/2/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));

  const rb = await node.call("POST", `/v1/keys/${keyId}/rollback`, {});
  assertProblem(rb, 409, "ROLLBACK_NOT_POSSIBLE");
  assert.match(rb.body.detail, /version 2 is revoked/);
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "revoked", 3: "active" });
  assert.equal((await verify(node, r3.body.secret)).body.code, "VALID");
  assert.equal((await verify(node, s1)).body.deprecated, true, "v1 stays in grace, not made active");
});

test("a cancelled scheduled version is passed over: rollback returns to the version that was active", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  await rotate(node, keyId, { gracePeriod: "1h", activateAt: isoAt(T0 + HOUR) });
  assert.equal((await node.call("POST", `/v1/keys/${keyId}/rollback`)).status, 200);
  await rotate(node, keyId, { gracePeriod: "1h" });
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "revoked", 3: "active" });
  const rb = await node.call("POST", `/v1/keys/${keyId}/rollback`);
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  assert.deepEqual(await versionStates(node, keyId), { 1: "active", 2: "revoked", 3: "revoked" });
});

test("same Idempotency-Key with a different body is 422 IDEMPOTENCY_KEY_REUSED and makes no version", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  const headers = { "idempotency-key": "rotate-once-please" };
  const first = await rotate(node, keyId, { gracePeriod: "1h" }, headers);
  assert.equal(first.body.version, 2);

  const other = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "2h" }, headers);
  assertProblem(other, 422, "IDEMPOTENCY_KEY_REUSED");
  assert.equal(other.body.secret, undefined);
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "active" });

  // the original request still replays
  const retry = await rotate(node, keyId, { gracePeriod: "1h" }, headers);
  assert.equal(retry.body.secret, first.body.secret);
  assert.equal(retry.headers["idempotent-replayed"], "true");
});

test("a malformed Idempotency-Key is 400 INVALID_IDEMPOTENCY_KEY", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  const r = await node.call(
    "POST",
    `/v1/keys/${keyId}/rotate`,
    { gracePeriod: "1h" },
    { "idempotency-key": "has a space" },
  );
  assertProblem(r, 400, "INVALID_IDEMPOTENCY_KEY");
  assert.deepEqual(await versionStates(node, keyId), { 1: "active" });
});

test("rotate refuses bad grace periods, past activateAt, a pending schedule, revoked and expired keys", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node, { expiresAt: isoAt(T0 + 10 * HOUR) });
  const path = `/v1/keys/${keyId}/rotate`;

  assertProblem(await node.call("POST", path, { gracePeriod: "soon" }), 400, "INVALID_DURATION");
  assertProblem(await node.call("POST", path, { gracePeriod: "400d" }), 400, "INVALID_DURATION");
  assertProblem(await node.call("POST", path, {}), 400, "VALIDATION_FAILED");
  assertProblem(
    await node.call("POST", path, { gracePeriod: "1h", activateAt: isoAt(T0 - 1000) }),
    400,
    "VALIDATION_FAILED",
  );
  assert.deepEqual(await versionStates(node, keyId), { 1: "active" });

  await rotate(node, keyId, { gracePeriod: "1h", activateAt: isoAt(T0 + HOUR) });
  assertProblem(await node.call("POST", path, { gracePeriod: "1h" }), 409, "ROTATION_PENDING");
  assert.deepEqual(await versionStates(node, keyId), { 1: "active", 2: "scheduled" });

  clock.set(T0 + 10 * HOUR);
  assertProblem(await node.call("POST", path, { gracePeriod: "1h" }), 409, "KEY_EXPIRED");

  const { keyId: other } = await createKey(node);
  const rv = await node.call("POST", `/v1/keys/${other}/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assertProblem(
    await node.call("POST", `/v1/keys/${other}/rotate`, { gracePeriod: "1h" }),
    409,
    "KEY_REVOKED",
  );
  assertProblem(await node.call("POST", `/v1/keys/${other}/rollback`), 409, "KEY_REVOKED");
});

test("revoking the active version alone is 409 VERSION_ACTIVE; unknown keys and versions are 404", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret } = await createKey(node);

  assertProblem(await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, {}), 409, "VERSION_ACTIVE");
  assert.equal((await verify(node, secret)).body.code, "VALID");
  assertProblem(await node.call("POST", `/v1/keys/${keyId}/versions/9/revoke`, {}), 404, "VERSION_NOT_FOUND");

  const missing = unknownId("key");
  assertProblem(
    await node.call("POST", `/v1/keys/${missing}/rotate`, { gracePeriod: "1h" }),
    404,
    "KEY_NOT_FOUND",
  );
  assertProblem(await node.call("POST", `/v1/keys/${missing}/rollback`), 404, "KEY_NOT_FOUND");
  assertProblem(await node.call("POST", `/v1/keys/${missing}/revoke`, {}), 404, "KEY_NOT_FOUND");
  assertProblem(await node.call("GET", `/v1/keys/${missing}`), 404, "KEY_NOT_FOUND");
  assertProblem(await node.call("POST", `/v1/keys/${missing}/versions/1/revoke`, {}), 404, "KEY_NOT_FOUND");
  assertProblem(
    await node.call("POST", "/v1/keys/not-a-key-id/rotate", { gracePeriod: "1h" }),
    400,
    "VALIDATION_FAILED",
  );
});
