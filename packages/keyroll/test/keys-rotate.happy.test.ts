// POST /v1/keys/:id/rotate and /rollback when they succeed: grace windows on an injected clock,
// scheduled rotations, rollbacks, idempotent retries and many rotations racing on one key.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import {
  clockedNode,
  createKey,
  HOUR,
  isoAt,
  MINUTE,
  rotate,
  T0,
  verify,
  versionStates,
} from "./contract-fixtures.js";

test("rotate with a 1h grace: both versions verify, the old one deprecated with expiresAt and a Sunset header", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node, { scopes: ["orders:read"] });

  clock.set(T0 + 10 * MINUTE);
  const rotatedAt = clock.now();
  const r = await rotate(node, keyId, { gracePeriod: "1h" });
  assert.equal(r.body.version, 2);
  assert.notEqual(r.body.secret, s1);
  assert.deepEqual(r.body.previous, { version: 1, expiresAt: isoAt(rotatedAt + HOUR) });
  assert.equal(r.body.key.id, keyId, "rotation keeps the key id");

  clock.set(rotatedAt + 30 * MINUTE);
  const old = await verify(node, s1);
  assert.equal(old.body.valid, true);
  assert.equal(old.body.code, "VALID");
  assert.equal(old.body.keyId, keyId);
  assert.equal(old.body.version, 1);
  assert.equal(old.body.deprecated, true);
  assert.equal(old.body.expiresAt, isoAt(rotatedAt + HOUR));
  assert.equal(old.headers.sunset, new Date(rotatedAt + HOUR).toUTCString());
  assert.deepEqual(old.body.scopes, ["orders:read"]);

  const neu = await verify(node, r.body.secret);
  assert.equal(neu.body.code, "VALID");
  assert.equal(neu.body.version, 2);
  assert.equal(neu.body.deprecated, false);
  assert.equal(neu.body.expiresAt, null);
  assert.equal(neu.headers.sunset, undefined, "an active version carries no Sunset");

  // the last millisecond of grace still works
  clock.set(rotatedAt + HOUR - 1);
  assert.equal((await verify(node, s1)).body.code, "VALID");

  clock.set(rotatedAt + HOUR + 1);
  const late = await verify(node, s1);
  assert.equal(late.body.valid, false);
  assert.equal(late.body.code, "EXPIRED");
  assert.equal(late.body.keyId, keyId, "an expired version is still attributed to its key");
  assert.equal(late.body.version, 1);
  const still = await verify(node, r.body.secret);
  assert.equal(still.body.code, "VALID");
  assert.equal(still.body.version, 2);
});

test("a key created with expiresAt: after it every version is EXPIRED, and the active one says when", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const keyExpiry = T0 + 3 * HOUR;
  const { keyId, secret: s1 } = await createKey(node, { expiresAt: isoAt(keyExpiry) });
  const r = await rotate(node, keyId, { gracePeriod: "7d" });

  clock.set(T0 + HOUR);
  const v2 = await verify(node, r.body.secret);
  assert.equal(v2.body.code, "VALID");
  assert.equal(v2.body.expiresAt, isoAt(keyExpiry), "the key's own end is the version's end");
  const v1 = await verify(node, s1);
  assert.equal(v1.body.code, "VALID");
  assert.equal(v1.body.deprecated, true);
  assert.equal(v1.body.expiresAt, isoAt(keyExpiry), "a grace longer than the key's life ends with the key");

  clock.set(keyExpiry + 1);
  for (const [secret, version] of [
    [s1, 1],
    [r.body.secret, 2],
  ] as const) {
    const res = await verify(node, secret);
    assert.equal(res.body.code, "EXPIRED", `version ${version}`);
    assert.equal(res.body.keyId, keyId);
    assert.equal(res.body.version, version);
  }
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "expired" });
});

test("once the key has expired, a version that was in grace is answered EXPIRED without deprecated or Sunset", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const keyExpiry = T0 + 3 * HOUR;
  const { keyId, secret: s1 } = await createKey(node, { expiresAt: isoAt(keyExpiry) });
  await rotate(node, keyId, { gracePeriod: "7d" });
  clock.set(keyExpiry + 1);
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "expired" });
  const res = await verify(node, s1);
  assert.equal(res.body.code, "EXPIRED");
  // GET /v1/keys/:id calls the version expired, not grace; "deprecated" is for a version in grace
  assert.equal(res.body.deprecated, false, "an expired version is not merely deprecated");
  assert.equal(res.headers.sunset, undefined, "no Sunset on an EXPIRED answer");
});

test("GET /v1/keys/:id shows scheduled, active, grace, expired and revoked as time passes", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  assert.deepEqual(await versionStates(node, keyId), { 1: "active" });

  // scheduled rotation: v2 activates at T0+1h, v1's grace runs from then for 1h
  const activateAt = T0 + HOUR;
  const r2 = await rotate(node, keyId, { gracePeriod: "1h", activateAt: isoAt(activateAt) });
  assert.equal(r2.body.version, 2);
  assert.deepEqual(r2.body.previous, { version: 1, expiresAt: isoAt(activateAt + HOUR) });
  assert.deepEqual(await versionStates(node, keyId), { 1: "active", 2: "scheduled" });
  const sched = r2.body.key.versions.find((v: { version: number }) => v.version === 2);
  assert.equal(sched.state, "scheduled");
  assert.equal(sched.activatesAt, isoAt(activateAt));

  clock.set(activateAt - 1);
  const early = await verify(node, r2.body.secret);
  assert.equal(early.body.code, "NOT_YET_ACTIVE");
  assert.equal(early.body.valid, false);
  assert.equal(early.body.keyId, keyId);
  assert.equal(early.body.version, 2);
  const stillActive = await verify(node, s1);
  assert.equal(stillActive.body.code, "VALID");
  assert.equal(stillActive.body.deprecated, false, "v1 is not in grace before the successor activates");
  assert.deepEqual(await versionStates(node, keyId), { 1: "active", 2: "scheduled" });

  clock.set(activateAt);
  const now2 = await verify(node, r2.body.secret);
  assert.equal(now2.body.code, "VALID");
  assert.equal(now2.body.deprecated, false);
  const grace1 = await verify(node, s1);
  assert.equal(grace1.body.code, "VALID");
  assert.equal(grace1.body.deprecated, true);
  assert.equal(grace1.body.expiresAt, isoAt(activateAt + HOUR), "grace is counted from activateAt");
  assert.equal(grace1.headers.sunset, new Date(activateAt + HOUR).toUTCString());
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "active" });

  clock.set(activateAt + HOUR + 1);
  assert.equal((await verify(node, s1)).body.code, "EXPIRED");
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "active" });

  // a second rotation from a state the database has not been told about yet (nothing settled it)
  const r3 = await rotate(node, keyId, { gracePeriod: "1h" });
  assert.equal(r3.body.version, 3);
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "grace", 3: "active" });

  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/2/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "revoked", 3: "active" });
  const got = await node.call("GET", `/v1/keys/${keyId}`);
  const v2 = got.body.versions.find((v: { version: number }) => v.version === 2);
  assert.equal(v2.revokedAt, isoAt(clock.now()));
  assert.equal(got.body.state, "active");
});

test("rollback within grace: the previous version is active again and the newer one REVOKED", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r = await rotate(node, keyId, { gracePeriod: "1h" });

  clock.advance(30 * MINUTE);
  const rb = await node.call("POST", `/v1/keys/${keyId}/rollback`);
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  const states = Object.fromEntries(
    rb.body.key.versions.map((v: { version: number; state: string }) => [v.version, v.state]),
  );
  assert.deepEqual(states, { 1: "active", 2: "revoked" });

  const v1 = await verify(node, s1);
  assert.equal(v1.body.code, "VALID");
  assert.equal(v1.body.deprecated, false);
  assert.equal(v1.body.expiresAt, null, "the rolled-back-to version no longer has an end");
  assert.equal(v1.headers.sunset, undefined);
  const v2 = await verify(node, r.body.secret);
  assert.equal(v2.body.code, "REVOKED");
  assert.equal(v2.body.keyId, keyId);
  assert.equal(v2.body.version, 2);

  // long after the old grace would have ended, v1 still works
  clock.advance(10 * HOUR);
  assert.equal((await verify(node, s1)).body.code, "VALID");
  assert.deepEqual(await versionStates(node, keyId), { 1: "active", 2: "revoked" });

  // and the key rotates on from there with a fresh number
  const r3 = await rotate(node, keyId);
  assert.equal(r3.body.version, 3);
  assert.equal((await verify(node, r3.body.secret)).body.code, "VALID");
});

test("rollback of a scheduled rotation cancels it: the current version keeps working without an end", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r = await rotate(node, keyId, { gracePeriod: "1h", activateAt: isoAt(T0 + HOUR) });
  const rb = await node.call("POST", `/v1/keys/${keyId}/rollback`);
  assert.equal(rb.status, 200, JSON.stringify(rb.body));
  clock.set(T0 + 5 * HOUR);
  const v1 = await verify(node, s1);
  assert.equal(v1.body.code, "VALID");
  assert.equal(v1.body.expiresAt, null);
  assert.equal((await verify(node, r.body.secret)).body.code, "REVOKED");
  assert.deepEqual(await versionStates(node, keyId), { 1: "active", 2: "revoked" });
});

test("idempotent rotate: a retry with the same Idempotency-Key returns the same version and secret", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  const headers = { "idempotency-key": "rotate-2030-01-01-a" };
  const first = await rotate(node, keyId, { gracePeriod: "1h", reason: "quarterly" }, headers);
  assert.equal(first.headers["idempotent-replayed"], undefined);

  clock.advance(5 * MINUTE);
  const retry = await rotate(node, keyId, { gracePeriod: "1h", reason: "quarterly" }, headers);
  assert.equal(retry.status, 201);
  assert.equal(retry.headers["idempotent-replayed"], "true");
  assert.equal(retry.body.version, first.body.version);
  assert.equal(retry.body.secret, first.body.secret);
  assert.deepEqual(retry.body.previous, first.body.previous);

  const got = await node.call("GET", `/v1/keys/${keyId}`);
  assert.deepEqual(
    got.body.versions.map((v: { version: number }) => v.version),
    [1, 2],
    "the retry made no new version",
  );
  assert.equal((await verify(node, retry.body.secret)).body.version, 2);

  // a different Idempotency-Key is a different rotation
  const other = await rotate(
    node,
    keyId,
    { gracePeriod: "1h", reason: "quarterly" },
    {
      "idempotency-key": "rotate-2030-01-01-b",
    },
  );
  assert.equal(other.body.version, 3);
  assert.notEqual(other.body.secret, first.body.secret);
  assert.equal(other.headers["idempotent-replayed"], undefined);
});

test("idempotent rotate: concurrent retries with one Idempotency-Key make exactly one successor", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  const headers = { "idempotency-key": "same-request-10x" };
  const results = await Promise.all(
    Array.from({ length: 10 }, () =>
      node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" }, headers),
    ),
  );
  for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.deepEqual(new Set(results.map((r) => r.body.version)), new Set([2]));
  assert.equal(new Set(results.map((r) => r.body.secret)).size, 1);
  assert.equal(results.filter((r) => r.headers["idempotent-replayed"] === "true").length, 9);
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "active" });
});

test("50 concurrent rotations leave one active version, versions 1..51, every earlier secret in grace", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const results = await Promise.all(
    Array.from({ length: 50 }, () => node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" })),
  );
  for (const r of results) assert.equal(r.status, 201, JSON.stringify(r.body));
  const returned = results.map((r) => r.body.version as number).sort((a, b) => a - b);
  assert.deepEqual(
    returned,
    Array.from({ length: 50 }, (_, i) => i + 2),
  );

  const got = await node.call("GET", `/v1/keys/${keyId}`);
  const versions = got.body.versions as Array<{ version: number; state: string }>;
  assert.deepEqual(
    versions.map((v) => v.version),
    Array.from({ length: 51 }, (_, i) => i + 1),
    "contiguous version numbers",
  );
  assert.deepEqual(
    versions.filter((v) => v.state === "active").map((v) => v.version),
    [51],
  );
  assert.ok(versions.filter((v) => v.version !== 51).every((v) => v.state === "grace"));

  const bySecret = new Map<string, number>([[s1, 1]]);
  for (const r of results) bySecret.set(r.body.secret, r.body.version);
  assert.equal(bySecret.size, 51, "every rotation made its own secret");
  for (const [secret, version] of bySecret) {
    const v = await verify(node, secret);
    assert.equal(v.body.code, "VALID", `version ${version}`);
    assert.equal(v.body.version, version);
    assert.equal(v.body.deprecated, version !== 51, `version ${version}`);
  }

  clock.advance(HOUR + 1);
  for (const [secret, version] of bySecret) {
    const v = await verify(node, secret);
    assert.equal(v.body.code, version === 51 ? "VALID" : "EXPIRED", `version ${version}`);
  }
});

test("the database itself refuses a second active version of one key", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId } = await createKey(node);
  await rotate(node, keyId);
  const db = new SQLite(join(node.dir, "keyroll.db"));
  t.after(() => db.close());
  db.pragma("busy_timeout = 5000");
  const rows = db
    .prepare("select version, state from key_versions where key_id = ? order by version")
    .all(keyId);
  assert.deepEqual(rows, [
    { version: 1, state: "grace" },
    { version: 2, state: "active" },
  ]);
  assert.throws(
    () => db.prepare("update key_versions set state = 'active' where key_id = ? and version = 1").run(keyId),
    (err: Error & { code?: string }) => {
      assert.match(err.message, /UNIQUE constraint failed/);
      assert.equal(err.code, "SQLITE_CONSTRAINT_UNIQUE");
      return true;
    },
  );
  const after = db
    .prepare("select count(*) as n from key_versions where key_id = ? and state = 'active'")
    .get(keyId);
  assert.deepEqual(after, { n: 1 });
});

test("revoking the old version after a scheduled rotation took effect: 200, old REVOKED, new still VALID", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r2 = await rotate(node, keyId, { gracePeriod: "1h", activateAt: isoAt(T0 + HOUR) });

  // v2 is active by the clock and v1 in grace, but no write has recorded that yet
  clock.set(T0 + HOUR + MINUTE);
  assert.deepEqual(await versionStates(node, keyId), { 1: "grace", 2: "active" });
  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.deepEqual(await versionStates(node, keyId), { 1: "revoked", 2: "active" });
  const v1 = await verify(node, s1);
  assert.equal(v1.body.code, "REVOKED");
  assert.equal(v1.body.version, 1);
  assert.equal((await verify(node, r2.body.secret)).body.code, "VALID");
});

test("an Idempotency-Key belongs to one key: the same value on another key is a separate rotation", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const a = await createKey(node);
  const b = await createKey(node);
  const headers = { "idempotency-key": "nightly-rotation-0001" };
  const ra = await rotate(node, a.keyId, { gracePeriod: "1h" }, headers);
  const rb = await rotate(node, b.keyId, { gracePeriod: "1h" }, headers);
  assert.equal(ra.body.version, 2);
  assert.equal(rb.body.version, 2);
  assert.equal(rb.headers["idempotent-replayed"], undefined, "another key's rotation is not a replay");
  assert.notEqual(ra.body.secret, rb.body.secret);
  assert.equal((await verify(node, rb.body.secret)).body.keyId, b.keyId);
});

test("once an Idempotency-Key's 24h memory has passed, the same key starts a new rotation", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const a = await createKey(node);
  const headers = { "idempotency-key": "nightly-rotation-0001" };
  const ra = await rotate(node, a.keyId, { gracePeriod: "1h" }, headers);
  assert.equal(ra.body.version, 2);

  clock.set(T0 + 25 * HOUR);
  const again = await node.call("POST", `/v1/keys/${a.keyId}/rotate`, { gracePeriod: "1h" }, headers);
  assert.equal(again.status, 201, JSON.stringify(again.body));
  assert.equal(again.headers["idempotent-replayed"], undefined);
  assert.equal(again.body.version, 3);
  assert.notEqual(again.body.secret, ra.body.secret);
  assert.deepEqual(await versionStates(node, a.keyId), { 1: "expired", 2: "grace", 3: "active" });
});

test("grace periods given as a number of seconds, or 0s to retire the old version at once", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r2 = await rotate(node, keyId, { gracePeriod: 90 });
  assert.deepEqual(r2.body.previous, { version: 1, expiresAt: isoAt(T0 + 90_000) });
  clock.set(T0 + 89_999);
  assert.equal((await verify(node, s1)).body.code, "VALID");
  clock.set(T0 + 90_001);
  assert.equal((await verify(node, s1)).body.code, "EXPIRED");

  const r3 = await rotate(node, keyId, { gracePeriod: "0s" });
  const old = await verify(node, r2.body.secret);
  assert.equal(old.body.code, "EXPIRED", "a zero grace retires the previous version immediately");
  assert.equal(old.body.version, 2);
  assert.equal((await verify(node, r3.body.secret)).body.code, "VALID");
  assert.deepEqual(await versionStates(node, keyId), { 1: "expired", 2: "expired", 3: "active" });
});
