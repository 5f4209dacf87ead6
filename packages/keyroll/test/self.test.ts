// /v1/self: successor pickup (decision 0014), a client's view of its own key, and self-rotation,
// on a real node over a real SQLite file with an injected clock.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { digestSecret } from "../src/core/secret.js";
import { openSuccessor } from "../src/core/successor.js";
import { SYSTEM_ACTOR } from "../src/services/deps.js";
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
} from "./contract-fixtures.js";
import type { TestNode } from "./helpers.js";

const asClient = (node: TestNode, method: string, url: string, secret: string | null, body?: unknown) =>
  node.call(
    method,
    url,
    body,
    secret === null ? { authorization: "" } : { authorization: `Bearer ${secret}` },
  );

const pickup = (node: TestNode, secret: string) => asClient(node, "POST", "/v1/self/successor", secret);

test("after a rotation, every holder of the previous secret picks up the successor, as often as it likes", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node, { scopes: ["orders:read"] });

  const before = await asClient(node, "GET", "/v1/self", s1);
  assert.equal(before.status, 200, JSON.stringify(before.body));
  assert.deepEqual(
    { ...before.body, consumerId: undefined },
    {
      keyId,
      consumerId: undefined,
      version: 1,
      state: "active",
      scopes: ["orders:read"],
      expiresAt: null,
      allowSuccessorPickup: true,
      successorAvailable: false,
      successorScheduled: null,
    },
  );
  assertProblem(await pickup(node, s1), 404, "SUCCESSOR_NOT_AVAILABLE");

  clock.set(T0 + MINUTE);
  const r = await rotate(node, keyId, { gracePeriod: "1h" });
  const s2: string = r.body.secret;

  const self1 = await asClient(node, "GET", "/v1/self", s1);
  assert.equal(self1.body.state, "grace");
  assert.equal(self1.body.successorAvailable, true);
  assert.equal(self1.body.expiresAt, isoAt(T0 + MINUTE + HOUR));
  assert.equal(self1.headers.sunset, new Date(T0 + MINUTE + HOUR).toUTCString());
  assert.ok(self1.headers.deprecation);

  for (let i = 0; i < 3; i++) {
    clock.set(T0 + (2 + i) * MINUTE);
    const p = await pickup(node, s1);
    assert.equal(p.status, 200, JSON.stringify(p.body));
    assert.deepEqual(p.body, {
      secret: s2,
      version: 2,
      activatesAt: isoAt(T0 + MINUTE),
      expiresAt: null,
      previous: { version: 1, expiresAt: isoAt(T0 + MINUTE + HOUR) },
    });
  }
  assert.equal((await verify(node, s2)).body.code, "VALID");
  const self2 = await asClient(node, "GET", "/v1/self", s2);
  assert.equal(self2.body.state, "active");
  assert.equal(self2.body.successorAvailable, false);
  assertProblem(await pickup(node, s2), 404, "SUCCESSOR_NOT_AVAILABLE");

  // counted per version and address, audited, and shown with the rotation
  const rot = await node.call("GET", "/v1/rotations");
  assert.equal(rot.status, 200, JSON.stringify(rot.body));
  const mine = rot.body.data.find((x: { keyId: string }) => x.keyId === keyId);
  assert.equal(mine.previous.pickups.count, 3);
  assert.deepEqual(mine.previous.pickups.addresses, [
    { address: "127.0.0.1", lastAt: isoAt(T0 + 4 * MINUTE), count: 3 },
  ]);
  const audit = await node.kr.store.listAudit({ afterSeq: 0, limit: 1000 });
  const picked = audit.filter((a) => a.action === "key.successor_picked_up");
  assert.equal(picked.length, 3);
  assert.deepEqual(picked[0]!.data, { version: 1, successorVersion: 2, address: "127.0.0.1" });
  assert.deepEqual(picked[0]!.actor, { type: "key", keyId, version: 1 }, "a pickup is audited as the key's");
  assert.equal(picked[0]!.address, "127.0.0.1");
  assert.ok(picked[0]!.requestId, "a pickup is audited with its request id");
  assert.ok(!JSON.stringify(audit).includes(s2), "the audit log holds no secret");

  // pickups are not traffic: the usage of version 1 counts only its verifications
  await node.kr.verifier.flush();
  const usage = await node.call(
    "GET",
    `/v1/keys/${keyId}/usage?from=${isoAt(T0 - HOUR)}&to=${isoAt(T0 + HOUR)}`,
  );
  const v1 = usage.body.versions.find((v: { version: number }) => v.version === 1);
  assert.deepEqual(v1.totals, {});
});

test("two quick rotations: the holder of version 1 is handed the newest working secret", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  await rotate(node, keyId, { gracePeriod: "2h" });
  clock.set(T0 + MINUTE);
  const s3 = (await rotate(node, keyId, { gracePeriod: "1h" })).body.secret;
  const p = await pickup(node, s1);
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.equal(p.body.secret, s3);
  assert.equal(p.body.version, 3);
});

test("pickup is refused for revoked and expired secrets, emergency rotations, pre-0006 versions, and allowSuccessorPickup: false", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());

  // no or bad credentials
  assertProblem(await pickup(node, "kr_live_notarealsecretatall0000000000000"), 401, "CLIENT_UNAUTHORIZED");
  assertProblem(await asClient(node, "POST", "/v1/self/successor", null), 401, "CLIENT_UNAUTHORIZED");
  assertProblem(await asClient(node, "GET", "/v1/self", "short"), 401, "CLIENT_UNAUTHORIZED");

  // revoked
  const a = await createKey(node);
  await rotate(node, a.keyId, { gracePeriod: "1h" });
  assert.equal((await node.call("POST", `/v1/keys/${a.keyId}/versions/1/revoke`, {})).status, 200);
  assertProblem(await pickup(node, a.secret), 401, "SECRET_REVOKED");
  assertProblem(await asClient(node, "GET", "/v1/self", a.secret), 401, "SECRET_REVOKED");
  assert.deepEqual(
    await node.kr.store.sealedSuccessors(a.keyId, 1),
    [],
    "revoking drops what was sealed for it",
  );

  // expired: grace over
  const b = await createKey(node);
  await rotate(node, b.keyId, { gracePeriod: "10m" });
  clock.set(T0 + 10 * MINUTE);
  assertProblem(await pickup(node, b.secret), 401, "SECRET_EXPIRED");
  assert.equal((await node.kr.store.sealedSuccessors(b.keyId, 1)).length, 1);
  await node.kr.services.keys.settleKey(b.keyId);
  assert.deepEqual(await node.kr.store.sealedSuccessors(b.keyId, 1), [], "the leader drops it at expiry");

  // emergency rotation seals nothing
  const c = await createKey(node);
  await node.kr.services.keys.rotate(c.keyId, { graceMs: HOUR, sealForPickup: false }, SYSTEM_ACTOR);
  const pc = await pickup(node, c.secret);
  assertProblem(pc, 404, "SUCCESSOR_NOT_AVAILABLE");
  assert.match(pc.body.detail, /emergency/);
  assert.equal((await asClient(node, "GET", "/v1/self", c.secret)).body.successorAvailable, false);

  // allowSuccessorPickup: false on create, then on and off by PATCH
  const d = await createKey(node, { allowSuccessorPickup: false });
  assert.equal((await node.call("GET", `/v1/keys/${d.keyId}`)).body.allowSuccessorPickup, false);
  await rotate(node, d.keyId, { gracePeriod: "1h" });
  assertProblem(await pickup(node, d.secret), 403, "SUCCESSOR_PICKUP_DISABLED");
  const on = await node.call("PATCH", `/v1/keys/${d.keyId}`, { allowSuccessorPickup: true });
  assert.equal(on.body.allowSuccessorPickup, true);
  // nothing was sealed while it was off
  assertProblem(await pickup(node, d.secret), 404, "SUCCESSOR_NOT_AVAILABLE");
  const e = await createKey(node);
  const e2 = (await rotate(node, e.keyId, { gracePeriod: "1h" })).body.secret;
  await node.call("PATCH", `/v1/keys/${e.keyId}`, { allowSuccessorPickup: false });
  assertProblem(await pickup(node, e.secret), 403, "SUCCESSOR_PICKUP_DISABLED");
  await node.call("PATCH", `/v1/keys/${e.keyId}`, { allowSuccessorPickup: true });
  assert.equal((await pickup(node, e.secret)).body.secret, e2);

  // a version made before successor pickup existed has no public key: its successor is not sealed
  const f = await createKey(node);
  const db = new SQLite(join(node.dir, "keyroll.db"));
  db.prepare("update key_versions set public_key = null where key_id = ?").run(f.keyId);
  db.close();
  await node.kr.verifier.sync();
  await rotate(node, f.keyId, { gracePeriod: "1h" });
  const pf = await pickup(node, f.secret);
  assertProblem(pf, 404, "SUCCESSOR_NOT_AVAILABLE");
  assert.match(pf.body.detail, /before successor pickup/);
});

test("a database dump after a rotation and before pickup holds no successor secret, and no digest opens it", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node);
  const r = await rotate(node, keyId, { gracePeriod: "1h" }, { "idempotency-key": "dump-test-0001" });
  const s2: string = r.body.secret;
  const body = s2.slice("kr_live_".length);

  await node.kr.verifier.flush();
  const file = join(node.dir, "keyroll.db");
  const raw = Buffer.concat([readFileSync(file), readFileSync(`${file}-wal`, { flag: "a+" })]).toString(
    "latin1",
  );
  const db = new SQLite(file, { readonly: true });
  const tables = db.prepare("select name from sqlite_master where type = 'table'").all() as {
    name: string;
  }[];
  const rows = tables.map((x) => db.prepare(`select * from "${x.name}"`).all());
  const sealed = db.prepare("select * from sealed_successors").all() as Array<{
    version: number;
    successor_version: number;
    enc: string;
    ciphertext: string;
  }>;
  db.close();
  const dump = raw + JSON.stringify(rows);
  // control: the dump does hold the stored form of the successor (its digest) and the sealed box
  assert.ok(dump.includes(digestSecret(s2)) && raw.includes(sealed[0]!.ciphertext));
  for (const [what, needle] of [
    ["secret", s2],
    ["base62 body", body],
    ["first half of the body", body.slice(0, 19)],
  ] as const) {
    assert.ok(!dump.includes(needle), `the dump holds the successor's ${what}`);
  }
  assert.equal(sealed.length, 1);
  const box = sealed[0]!;
  // every stored digest (as hex, and the hex of digests of digests) tried as the opening secret
  const candidates = [
    digestSecret(s1),
    digestSecret(s2),
    ...rows.flat().flatMap((x) => Object.values(x as object)),
  ].filter((v): v is string => typeof v === "string" && v.length >= 20);
  for (const c of candidates) {
    assert.equal(
      openSuccessor({ secret: c, keyId, from: box.version, to: box.successor_version, sealed: box }),
      undefined,
    );
  }
  // and the previous secret does open it
  assert.equal(
    openSuccessor({ secret: s1, keyId, from: box.version, to: box.successor_version, sealed: box }),
    s2,
  );
});

test("a key with scope self:rotate rotates itself with its active secret; its old secret then picks up the new one", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const { keyId, secret: s1 } = await createKey(node, { scopes: ["self:rotate"] });
  assertProblem(
    await asClient(node, "POST", "/v1/self/rotate", s1, { gracePeriod: "31d" }),
    400,
    "INVALID_DURATION",
  );
  assertProblem(
    await asClient(node, "POST", "/v1/self/rotate", s1, { gracePeriod: "soon" }),
    400,
    "INVALID_DURATION",
  );
  assertProblem(await asClient(node, "POST", "/v1/self/rotate", s1, {}), 400, "VALIDATION_FAILED");
  const r = await asClient(node, "POST", "/v1/self/rotate", s1, { gracePeriod: "1h" });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.version, 2);
  assert.deepEqual(r.body.previous, { version: 1, expiresAt: isoAt(T0 + HOUR) });
  assertProblem(
    await asClient(node, "POST", "/v1/self/rotate", s1, { gracePeriod: "1h" }),
    409,
    "NOT_CURRENT_VERSION",
  );
  assert.equal((await pickup(node, s1)).body.secret, r.body.secret);
  const audit = await node.kr.store.listAudit({ afterSeq: 0, limit: 1000 });
  const rotated = audit.find((a) => a.action === "key.rotated");
  assert.deepEqual(
    rotated?.actor,
    { type: "key", keyId, version: 1 },
    "a self-rotation is audited as done by the key itself, with the presenting version",
  );

  const other = await createKey(node);
  assertProblem(
    await asClient(node, "POST", "/v1/self/rotate", other.secret, { gracePeriod: "1h" }),
    403,
    "FORBIDDEN",
  );
});
