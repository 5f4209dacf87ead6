// POST /v1/verify answers: revoked versions and keys stay attributed tombstones, imported secrets,
// the checksum pre-check, scopes, and lastUsedAt on GET /v1/keys/:id.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { checksum, generateSecret } from "../src/core/secret.js";
import { createKeyroll, resolveConfig } from "../src/main.js";
import {
  assertProblem,
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
import { ADMIN_KEY, type TestNode } from "./helpers.js";

/** `kr_live_` + 38 base62 chars whose last 6 are not the CRC32 of the rest. */
function badChecksumSecret(fill: string): string {
  const head = `kr_live_${fill.repeat(32).slice(0, 32)}`;
  const tail = checksum(head) === "zzzzzz" ? "yyyyyy" : "zzzzzz";
  const s = head + tail;
  assert.equal(s.length, "kr_live_".length + 38);
  assert.notEqual(checksum(head), tail);
  return s;
}

/** A second node on the same SQLite file, as after a restart: it knows only what the database holds. */
async function restartedView(node: TestNode, clock: { now(): number }) {
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: join(node.dir, "keyroll.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "silent",
      },
    }),
    { clock },
  );
  const call = async (method: "GET" | "POST", url: string, payload?: object) => {
    const res = await kr.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      ...(payload && { payload }),
    });
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  return { kr, call };
}

test("a revoked version answers REVOKED with its key and version, never NOT_FOUND", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1, consumerId } = await createKey(node);
  const r = await rotate(node, keyId, { gracePeriod: "1h" });

  const rv = await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  const v1 = await verify(node, s1);
  assert.equal(v1.body.valid, false);
  assert.equal(v1.body.code, "REVOKED");
  assert.equal(v1.body.keyId, keyId);
  assert.equal(v1.body.consumerId, consumerId);
  assert.equal(v1.body.version, 1);
  assert.equal(v1.headers.sunset, undefined, "a revoked version is not merely deprecated");
  assert.equal((await verify(node, r.body.secret)).body.code, "VALID");

  // revoked stays revoked (not EXPIRED) after its grace would have ended
  clock.set(T0 + 2 * HOUR);
  const later = await verify(node, s1);
  assert.equal(later.body.code, "REVOKED");
  assert.equal(later.body.version, 1);

  // revoking again is a no-op, not an error
  const again = await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, {});
  assert.equal(again.status, 200);

  // a node that starts on the same database answers the same: tombstones live in the store
  const fresh = await restartedView(node, clock);
  try {
    const f1 = await fresh.call("POST", "/v1/verify", { key: s1 });
    assert.equal(f1.body.code, "REVOKED");
    assert.equal(f1.body.keyId, keyId);
    assert.equal(f1.body.version, 1);
    assert.equal((await fresh.call("POST", "/v1/verify", { key: r.body.secret })).body.code, "VALID");
  } finally {
    await fresh.kr.close();
  }
});

test("an expired version is still answered EXPIRED with its key and version by a freshly started node", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  await rotate(node, keyId, { gracePeriod: "30m" });
  clock.set(T0 + HOUR);
  const fresh = await restartedView(node, clock);
  try {
    const v = await fresh.call("POST", "/v1/verify", { key: s1 });
    assert.equal(v.body.code, "EXPIRED");
    assert.equal(v.body.keyId, keyId);
    assert.equal(v.body.version, 1);
  } finally {
    await fresh.kr.close();
  }
});

test("revoking the whole key makes every version REVOKED", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r2 = await rotate(node, keyId, { gracePeriod: "1h" });
  const r3 = await rotate(node, keyId, { gracePeriod: "1d", activateAt: isoAt(T0 + HOUR) });

  const rv = await node.call("POST", `/v1/keys/${keyId}/revoke`, { reason: "customer left" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  assert.equal(rv.body.key.state, "revoked");
  assert.deepEqual(await versionStates(node, keyId), { 1: "revoked", 2: "revoked", 3: "revoked" });

  for (const [secret, version] of [
    [s1, 1],
    [r2.body.secret, 2],
    [r3.body.secret, 3],
  ] as const) {
    const v = await verify(node, secret);
    assert.equal(v.body.code, "REVOKED", `version ${version}`);
    assert.equal(v.body.keyId, keyId);
    assert.equal(v.body.version, version);
  }
  clock.set(T0 + 2 * HOUR);
  assert.equal(
    (await verify(node, r3.body.secret)).body.code,
    "REVOKED",
    "a cancelled schedule never activates",
  );
  // revoking a revoked key is idempotent
  assert.equal((await node.call("POST", `/v1/keys/${keyId}/revoke`, {})).status, 200);
});

test("malformed, unknown and under-scoped secrets", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret } = await createKey(node, { scopes: ["orders:read", "orders:write"] });

  for (const junk of [
    "",
    "short",
    "x".repeat(300),
    "has spaces in it, twenty+ chars",
    badChecksumSecret("Q"),
  ]) {
    const v = await verify(node, junk);
    assert.equal(v.body.code, "MALFORMED", JSON.stringify(junk));
    assert.equal(v.body.valid, false);
    assert.equal(v.body.keyId, null);
  }
  const unknown = await verify(node, generateSecret());
  assert.equal(unknown.body.code, "NOT_FOUND");
  assert.equal(unknown.body.keyId, null);

  const ok = await verify(node, secret, ["orders:read"]);
  assert.equal(ok.body.code, "VALID");
  assert.deepEqual(ok.body.scopes, ["orders:read", "orders:write"]);
  const under = await verify(node, secret, ["orders:read", "refunds:write"]);
  assert.equal(under.body.code, "INSUFFICIENT_SCOPE");
  assert.equal(under.body.valid, false);
  assert.equal(under.body.keyId, keyId);
});

test("import: a secret of 20+ chars becomes version 1, imported:true, and verifies VALID", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const c = await node.call("POST", "/v1/consumers", { name: "legacy" });
  const legacy = "sk_legacy_0123456789abcdef";
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, secret: legacy, scopes: ["a"] });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.equal(k.body.version, 1);
  assert.equal(k.body.secret, legacy);
  assert.equal(k.body.key.versions.length, 1);
  assert.equal(k.body.key.versions[0].imported, true);
  assert.equal(k.body.key.versions[0].state, "active");
  assert.ok(k.body.key.versions[0].start.length <= legacy.length / 4, "shows little of an imported secret");
  const v = await verify(node, legacy);
  assert.equal(v.body.code, "VALID");
  assert.equal(v.body.keyId, k.body.key.id);
  assert.equal(v.body.version, 1);

  // exactly 20 chars is enough
  const twenty = "abcdefghij0123456789";
  const k20 = await node.call("POST", "/v1/keys", { consumerId: c.body.id, secret: twenty });
  assert.equal(k20.status, 201, JSON.stringify(k20.body));
  assert.equal((await verify(node, twenty)).body.code, "VALID");

  // an imported key rotates into a generated secret; the imported one gets a grace period
  const r = await rotate(node, k.body.key.id, { gracePeriod: "1h" });
  assert.match(r.body.secret, /^kr_live_[0-9A-Za-z]{38}$/);
  const got = await node.call("GET", `/v1/keys/${k.body.key.id}`);
  assert.deepEqual(
    got.body.versions.map((x: { imported: boolean }) => x.imported),
    [true, false],
  );
  const old = await verify(node, legacy);
  assert.equal(old.body.code, "VALID");
  assert.equal(old.body.deprecated, true);
});

test("import refusals: under 20 chars is 400, a secret already in use is 409 SECRET_ALREADY_EXISTS", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { consumerId, secret: generated } = await createKey(node);

  const short = await node.call("POST", "/v1/keys", { consumerId, secret: "only-19-characters!" });
  assert.equal("only-19-characters!".length, 19);
  assertProblem(short, 400, "VALIDATION_FAILED");

  const legacy = "sk_legacy_abcdefghijklmnop";
  assert.equal((await node.call("POST", "/v1/keys", { consumerId, secret: legacy })).status, 201);
  const dup = await node.call("POST", "/v1/keys", { consumerId, secret: legacy });
  assertProblem(dup, 409, "SECRET_ALREADY_EXISTS");
  const dupGenerated = await node.call("POST", "/v1/keys", { consumerId, secret: generated });
  assertProblem(dupGenerated, 409, "SECRET_ALREADY_EXISTS");
  const dupAdmin = await node.call("POST", "/v1/keys", { consumerId, secret: ADMIN_KEY });
  assertProblem(dupAdmin, 409, "SECRET_ALREADY_EXISTS");

  const list = await node.call("GET", `/v1/keys?consumerId=${consumerId}`);
  assert.equal(list.body.data.length, 2, "a refused import leaves no key behind");
});

test("an imported kr_live_ secret with a wrong checksum is exempt from the checksum check: VALID", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { consumerId } = await createKey(node);
  const imported = badChecksumSecret("I");
  const k = await node.call("POST", "/v1/keys", { consumerId, secret: imported });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.equal(k.body.key.versions[0].imported, true);
  const v = await verify(node, imported);
  assert.equal(v.body.code, "VALID");
  assert.equal(v.body.keyId, k.body.key.id);
  assert.equal(v.body.version, 1);
});

test("a kr_live_ string with a bad checksum that was never imported is MALFORMED, even beside an exempt import", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { consumerId } = await createKey(node);
  const garbage = badChecksumSecret("G");
  assert.equal((await verify(node, garbage)).body.code, "MALFORMED", "before any import");

  const k = await node.call("POST", "/v1/keys", { consumerId, secret: badChecksumSecret("I") });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  const g = await verify(node, garbage);
  assert.equal(
    g.body.code,
    "MALFORMED",
    "the exemption belongs to the imported secret, not to its whole prefix",
  );
  assert.equal(g.body.keyId, null);
});

test("lastUsedAt: GET /v1/keys/:id shows when each version was last verified", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  let got = await node.call("GET", `/v1/keys/${keyId}`);
  assert.equal(got.body.versions[0].lastUsedAt, null, "never used yet");

  clock.set(T0 + 5 * MINUTE);
  await verify(node, s1);
  got = await node.call("GET", `/v1/keys/${keyId}`);
  assert.equal(got.body.versions[0].lastUsedAt, isoAt(T0 + 5 * MINUTE));

  // a rotation keeps what is known about the older version's use
  clock.set(T0 + 6 * MINUTE);
  const r = await rotate(node, keyId, { gracePeriod: "1h" });
  got = await node.call("GET", `/v1/keys/${keyId}`);
  assert.deepEqual(
    got.body.versions.map((v: { lastUsedAt: string | null }) => v.lastUsedAt),
    [isoAt(T0 + 5 * MINUTE), null],
    "the client still on version 1 is visible",
  );

  clock.set(T0 + 7 * MINUTE);
  await verify(node, r.body.secret);
  clock.set(T0 + 9 * MINUTE);
  await verify(node, s1);
  got = await node.call("GET", `/v1/keys/${keyId}`);
  assert.deepEqual(
    got.body.versions.map((v: { lastUsedAt: string | null }) => v.lastUsedAt),
    [isoAt(T0 + 9 * MINUTE), isoAt(T0 + 7 * MINUTE)],
  );
  const listed = await node.call("GET", `/v1/keys?consumerId=${got.body.consumerId}`);
  assert.equal(listed.body.data[0].versions[0].lastUsedAt, isoAt(T0 + 9 * MINUTE));

  // the stamps reach the database (batched), so a restarted node still shows them
  await node.kr.verifier.flush();
  const fresh = await restartedView(node, clock);
  try {
    const again = await fresh.call("GET", `/v1/keys/${keyId}`);
    assert.deepEqual(
      again.body.versions.map((v: { lastUsedAt: string | null }) => v.lastUsedAt),
      [isoAt(T0 + 9 * MINUTE), isoAt(T0 + 7 * MINUTE)],
    );
  } finally {
    await fresh.kr.close();
  }
});
