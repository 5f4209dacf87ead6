// /v1/consumers: create, list in cursor pages, read, update, delete (which revokes every key).
import assert from "node:assert/strict";
import { test } from "node:test";
import { assertProblem, clockedNode, isoAt, rotate, T0, unknownId, verify } from "./contract-fixtures.js";
import type { TestNode } from "./helpers.js";

async function listAll(node: TestNode, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = cursor ? `&cursor=${cursor}` : "";
    const r = await node.call("GET", `/v1/consumers?limit=${limit}${q}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.ok(r.body.data.length <= limit);
    assert.ok(r.body.data.length > 0, "no empty page");
    ids.push(...r.body.data.map((c: { id: string }) => c.id));
    cursor = r.body.nextCursor;
    pages++;
    assert.ok(pages < 50, "pagination terminates");
  } while (cursor !== null);
  return { ids, pages };
}

test("create, read and update a consumer", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const c = await node.call("POST", "/v1/consumers", {
    name: "Acme",
    externalId: "acme-42",
    metadata: { plan: "pro" },
  });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.match(c.body.id, /^con_[0-9a-z]{26}$/);
  assert.deepEqual(c.body, {
    id: c.body.id,
    name: "Acme",
    externalId: "acme-42",
    metadata: { plan: "pro" },
    contacts: [],
    createdAt: isoAt(T0),
  });

  const got = await node.call("GET", `/v1/consumers/${c.body.id}`);
  assert.equal(got.status, 200);
  assert.deepEqual(got.body, c.body);

  clock.advance(1000);
  const p = await node.call("PATCH", `/v1/consumers/${c.body.id}`, {
    name: "Acme Corp",
    metadata: { plan: "team" },
  });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  assert.deepEqual(p.body, { ...c.body, name: "Acme Corp", metadata: { plan: "team" } });
  assert.deepEqual((await node.call("GET", `/v1/consumers/${c.body.id}`)).body, p.body);

  const cleared = await node.call("PATCH", `/v1/consumers/${c.body.id}`, { externalId: null });
  assert.equal(cleared.status, 200, JSON.stringify(cleared.body));
  assert.equal(cleared.body.externalId, null);
  assert.equal(cleared.body.name, "Acme Corp");

  const minimal = await node.call("POST", "/v1/consumers", { name: "bot" });
  assert.equal(minimal.status, 201);
  assert.equal(minimal.body.externalId, null);
  assert.deepEqual(minimal.body.metadata, {});

  assertProblem(await node.call("POST", "/v1/consumers", { name: "" }), 400, "VALIDATION_FAILED");
  assertProblem(
    await node.call("POST", "/v1/consumers", { name: "x", color: "red" }),
    400,
    "VALIDATION_FAILED",
  );
});

test("list pages with limit and nextCursor: oldest first, no repeats, no skips", async (t) => {
  const { node, clock } = await clockedNode();
  t.after(() => node.close());
  const created: string[] = [];
  for (let i = 0; i < 11; i++) {
    // several in the same millisecond, some in later ones: ids must sort in creation order either way
    if (i % 4 === 0) clock.advance(1);
    const c = await node.call("POST", "/v1/consumers", { name: `c${i}` });
    assert.equal(c.status, 201);
    created.push(c.body.id);
  }
  const everything = await node.call("GET", "/v1/consumers?limit=200");
  assert.equal(everything.body.nextCursor, null);
  const all = everything.body.data.map((c: { id: string; name: string }) => c.id);
  assert.equal(all.length, 12, "the 11 made here and the reserved admin consumer");
  assert.equal(everything.body.data[0].name, "keyroll-admin");
  assert.deepEqual(all.slice(1), created, "oldest first");

  const defaults = await node.call("GET", "/v1/consumers");
  assert.deepEqual(
    defaults.body.data.map((c: { id: string }) => c.id),
    all,
  );

  for (const limit of [1, 3, 4, 5, 12, 13]) {
    const { ids, pages } = await listAll(node, limit);
    assert.deepEqual(ids, all, `limit ${limit}`);
    assert.equal(pages, Math.ceil(12 / limit), `limit ${limit}`);
  }

  // a consumer created between page reads shows up at the end, and nothing repeats
  const first = await node.call("GET", "/v1/consumers?limit=5");
  clock.advance(1);
  const late = await node.call("POST", "/v1/consumers", { name: "late" });
  const rest = await listAllFrom(node, 5, first.body.nextCursor);
  const seen = [...first.body.data.map((c: { id: string }) => c.id), ...rest];
  assert.deepEqual(seen, [...all, late.body.id]);

  assertProblem(await node.call("GET", "/v1/consumers?limit=0"), 400, "VALIDATION_FAILED");
  assertProblem(await node.call("GET", "/v1/consumers?limit=201"), 400, "VALIDATION_FAILED");
  assertProblem(await node.call("GET", "/v1/consumers?cursor=not-a-cursor"), 400, "INVALID_CURSOR");
});

async function listAllFrom(node: TestNode, limit: number, cursor: string | null): Promise<string[]> {
  const ids: string[] = [];
  while (cursor !== null) {
    const r = await node.call("GET", `/v1/consumers?limit=${limit}&cursor=${cursor}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    ids.push(...r.body.data.map((c: { id: string }) => c.id));
    cursor = r.body.nextCursor;
  }
  return ids;
}

test("externalId is unique among live consumers: 409 EXTERNAL_ID_TAKEN", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const a = await node.call("POST", "/v1/consumers", { name: "a", externalId: "ext-1" });
  assert.equal(a.status, 201);
  const b = await node.call("POST", "/v1/consumers", { name: "b", externalId: "ext-2" });
  assert.equal(b.status, 201);

  assertProblem(
    await node.call("POST", "/v1/consumers", { name: "a2", externalId: "ext-1" }),
    409,
    "EXTERNAL_ID_TAKEN",
  );
  assertProblem(
    await node.call("PATCH", `/v1/consumers/${b.body.id}`, { externalId: "ext-1" }),
    409,
    "EXTERNAL_ID_TAKEN",
  );
  assert.equal((await node.call("GET", `/v1/consumers/${b.body.id}`)).body.externalId, "ext-2");
  const same = await node.call("PATCH", `/v1/consumers/${a.body.id}`, { externalId: "ext-1", name: "a!" });
  assert.equal(same.status, 200, "keeping one's own externalId is not a conflict");

  // a deleted consumer frees its externalId
  assert.equal((await node.call("DELETE", `/v1/consumers/${a.body.id}`)).status, 200);
  const reuse = await node.call("POST", "/v1/consumers", { name: "a3", externalId: "ext-1" });
  assert.equal(reuse.status, 201, JSON.stringify(reuse.body));
});

test("delete answers 200 and revokes every version of every key of the consumer", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const c = await node.call("POST", "/v1/consumers", { name: "leaving" });
  const other = await node.call("POST", "/v1/consumers", { name: "staying" });
  const k1 = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  const k2 = await node.call("POST", "/v1/keys", {
    consumerId: c.body.id,
    secret: "imported_secret_0123456789",
  });
  const kOther = await node.call("POST", "/v1/keys", { consumerId: other.body.id });
  const r = await rotate(node, k1.body.key.id, { gracePeriod: "1h" });
  for (const s of [k1.body.secret, r.body.secret, k2.body.secret]) {
    assert.equal((await verify(node, s)).body.code, "VALID");
  }

  const del = await node.call("DELETE", `/v1/consumers/${c.body.id}`);
  assert.equal(del.status, 200, JSON.stringify(del.body));
  assert.deepEqual(del.body, { id: c.body.id, deleted: true, revokedKeys: 2 });

  for (const [secret, keyId, version] of [
    [k1.body.secret, k1.body.key.id, 1],
    [r.body.secret, k1.body.key.id, 2],
    [k2.body.secret, k2.body.key.id, 1],
  ] as const) {
    const v = await verify(node, secret);
    assert.equal(v.body.code, "REVOKED", `${keyId} v${version}`);
    assert.equal(v.body.keyId, keyId);
    assert.equal(v.body.version, version);
    assert.equal(v.body.consumerId, c.body.id);
  }
  assert.equal((await verify(node, kOther.body.secret)).body.code, "VALID", "other consumers are untouched");

  const key = await node.call("GET", `/v1/keys/${k1.body.key.id}`);
  assert.equal(key.body.state, "revoked");
  assert.deepEqual(
    key.body.versions.map((v: { state: string }) => v.state),
    ["revoked", "revoked"],
  );

  assertProblem(await node.call("GET", `/v1/consumers/${c.body.id}`), 404, "CONSUMER_NOT_FOUND");
  assertProblem(await node.call("DELETE", `/v1/consumers/${c.body.id}`), 404, "CONSUMER_NOT_FOUND");
  assertProblem(
    await node.call("PATCH", `/v1/consumers/${c.body.id}`, { name: "back" }),
    404,
    "CONSUMER_NOT_FOUND",
  );
  assertProblem(await node.call("POST", "/v1/keys", { consumerId: c.body.id }), 404, "CONSUMER_NOT_FOUND");
  const listed = await node.call("GET", "/v1/consumers?limit=200");
  assert.ok(
    !listed.body.data.some((x: { id: string }) => x.id === c.body.id),
    "deleted consumers are not listed",
  );
});

test("unknown consumer ids are 404 CONSUMER_NOT_FOUND; malformed ones 400; the admin consumer is reserved", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  const missing = unknownId("con");
  assertProblem(await node.call("GET", `/v1/consumers/${missing}`), 404, "CONSUMER_NOT_FOUND");
  assertProblem(
    await node.call("PATCH", `/v1/consumers/${missing}`, { name: "x" }),
    404,
    "CONSUMER_NOT_FOUND",
  );
  assertProblem(await node.call("DELETE", `/v1/consumers/${missing}`), 404, "CONSUMER_NOT_FOUND");
  assertProblem(await node.call("POST", "/v1/keys", { consumerId: missing }), 404, "CONSUMER_NOT_FOUND");
  assertProblem(await node.call("GET", "/v1/consumers/nope"), 400, "VALIDATION_FAILED");

  const list = await node.call("GET", "/v1/consumers");
  const admin = list.body.data.find((c: { name: string }) => c.name === "keyroll-admin");
  assert.ok(admin, "the reserved admin consumer is listed");
  assertProblem(await node.call("DELETE", `/v1/consumers/${admin.id}`), 409, "CONSUMER_RESERVED");
  assertProblem(
    await node.call("PATCH", `/v1/consumers/${admin.id}`, { name: "mine" }),
    409,
    "CONSUMER_RESERVED",
  );
});
