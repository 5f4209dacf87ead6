// @keyroll/client against a real listening Keyroll node and a real provider API: rotating
// providers pick up successors, the fetch wrapper retries once after a reload, key files are
// written atomically and re-read when they change.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type KeyEvents, keyrollFetch, rotatingKey, staticKey } from "@keyroll/client";
import { fileKey, rotatingFileKey, writeKeyFile } from "@keyroll/client/node";
import { type ProviderApi, startProviderApi } from "./client-fixtures.js";
import { ADMIN_KEY, startTestNode, type TestNode } from "./helpers.js";

let node: TestNode;
let url: string;
let api: ProviderApi;
const dir = mkdtempSync(join(tmpdir(), "keyroll-client-"));

before(async () => {
  node = await startTestNode();
  url = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  api = await startProviderApi(url, ADMIN_KEY);
});
after(async () => {
  await api.close();
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

async function newKey(): Promise<{ keyId: string; secret: string }> {
  const c = await node.call("POST", "/v1/consumers", { name: "client" });
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  assert.equal(k.status, 201);
  return { keyId: k.body.key.id, secret: k.body.secret };
}

const rotate = async (keyId: string, gracePeriod = "1h") => {
  const r = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.secret as string;
};

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

test("replicas sharing one key each pick up the successor; events carry no secret", async () => {
  const { keyId, secret: s1 } = await newKey();
  const events: Array<KeyEvents["rotated"]> = [];
  const replicas = [1, 2, 3].map(() =>
    rotatingKey({ url, key: s1, intervalMs: 3_600_000, checkOnStart: false }),
  );
  for (const r of replicas) r.on("rotated", (e) => events.push(e));
  assert.deepEqual(await Promise.all(replicas.map((r) => r.check())), ["current", "current", "current"]);
  const s2 = await rotate(keyId);
  assert.deepEqual(await Promise.all(replicas.map((r) => r.check())), ["rotated", "rotated", "rotated"]);
  for (const r of replicas) {
    assert.equal(r.current(), s2);
    assert.equal(r.version, 2);
    r.close();
  }
  assert.deepEqual(
    events,
    [1, 2, 3].map(() => ({ version: 2, previousVersion: 1, source: "pickup" })),
  );
  assert.ok(!JSON.stringify(events).includes(s2) && !JSON.stringify(events).includes(s1));
  const rot = await node.call("GET", "/v1/rotations");
  const mine = rot.body.data.find((x: { keyId: string }) => x.keyId === keyId);
  assert.equal(mine.previous.pickups.count, 3);
});

test("a Deprecation/Sunset answer makes the rotating provider check at once; requests never fail", async () => {
  const { keyId, secret: s1 } = await newKey();
  const key = rotatingKey({ url, key: s1, intervalMs: 3_600_000, noticeDelayMs: 10, checkOnStart: false });
  const call = keyrollFetch(key);
  assert.equal((await call(`${api.url}/orders`)).status, 200);
  const s2 = await rotate(keyId);
  const r = await call(`${api.url}/orders`);
  assert.equal(r.status, 200);
  assert.ok(r.headers.get("sunset"), "the old key answers with a Sunset");
  await until("the pickup", () => key.current() === s2);
  const again = await call(`${api.url}/orders`);
  assert.equal(((await again.json()) as { version: number }).version, 2);
  assert.equal(again.headers.get("sunset"), null);
  key.close();
});

test("the fetch wrapper reloads once and retries once on 401 EXPIRED, for idempotent methods only", async () => {
  const { keyId, secret: s1 } = await newKey();
  const path = join(dir, "retry.key");
  await writeKeyFile(path, s1);
  const key = fileKey(path, { pollMs: 3_600_000, settleMs: 5 });
  const seen: string[] = [];
  const call = keyrollFetch(key, {
    fetch: (input, init) => {
      seen.push(input instanceof Request ? input.method : (init?.method ?? "GET"));
      return fetch(input, init);
    },
  });
  const s2 = await rotate(keyId, "0s"); // version 1 expires at once
  await writeKeyFile(path, s2); // as the agent would; the slow poll has not seen it yet
  const res = await call(`${api.url}/orders`);
  assert.equal(res.status, 200);
  assert.deepEqual(seen, ["GET", "GET"]);
  assert.equal(key.current(), s2);

  const s3 = await rotate(keyId, "0s");
  await writeKeyFile(path, s3);
  seen.length = 0;
  const post = await call(`${api.url}/orders`, { method: "POST", body: "{}" });
  assert.equal(post.status, 401, "a POST is not retried unless told");
  assert.deepEqual(seen, ["POST"]);
  const told = keyrollFetch(key, { retryUnsafeMethods: true });
  assert.equal((await told(`${api.url}/orders`, { method: "POST", body: "{}" })).status, 200);
  key.close();

  // a 401 for another reason is returned as is, without a reload loop
  const bad = keyrollFetch(staticKey("kr_live_0000000000000000000000000000000000000000"));
  assert.equal((await bad(`${api.url}/orders`)).status, 401);
});

test("key files: written atomically with mode 0600, re-read on change, never taken half-written", async () => {
  const { keyId, secret: s1 } = await newKey();
  const path = join(dir, "agent.key");
  await writeKeyFile(path, s1);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const reader = fileKey(path, { pollMs: 20, settleMs: 5 });
  const rotations: string[] = [];
  reader.on("rotated", (e) => rotations.push(e.source));
  // a file caught empty or with two tokens (a writer half way) is ignored
  writeFileSync(path, "");
  await reader.reload();
  writeFileSync(path, `${s1.slice(0, 10)} ${s1.slice(10)}`);
  await reader.reload();
  assert.equal(reader.current(), s1);
  assert.deepEqual(rotations, []);

  await writeKeyFile(path, s1);
  const writer = rotatingFileKey({ url, path, intervalMs: 3_600_000, checkOnStart: false });
  const s2 = await rotate(keyId);
  assert.equal(await writer.check(), "rotated");
  assert.equal(readFileSync(path, "utf8"), `${s2}\n`);
  assert.equal(statSync(path).mode & 0o777, 0o600);
  await until("the reader to follow the file", () => reader.current() === s2);
  assert.deepEqual(rotations, ["file"]);
  writer.close();
  reader.close();
});
