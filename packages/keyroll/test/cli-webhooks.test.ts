// `keyroll webhooks …` against a real listening Keyroll node and a real receiver: tables, --json,
// the secret printed once by create and rotate-secret, deliveries and retry.
import assert from "node:assert/strict";
import { test } from "node:test";
import { cliAgainst, startTestNode } from "./helpers.js";
import { startReceiver } from "./webhook-receiver.js";

test("webhooks create, list, show, rotate-secret, deliveries and retry", async (t) => {
  const rcv = await startReceiver((_r, res, n) => res.writeHead(n === 1 ? 500 : 204).end());
  t.after(() => rcv.close());
  const node = await startTestNode({ env: { KEYROLL_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1" } });
  t.after(() => node.close());
  const url = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  const run = cliAgainst(url);

  const created = await run(["webhooks", "create", rcv.url, "--events", "key.created,key.rotated"]);
  assert.equal(created.code, 0, created.stderr);
  const secret = /whsec_[A-Za-z0-9+/=]+/.exec(created.stdout)?.[0];
  assert.ok(secret, created.stdout);
  assert.match(created.stdout, /Store it now: it will not be shown again/);
  const id = /whk_[0-9a-z]{26}/.exec(created.stdout)![0];

  const list = await run(["webhooks"]);
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^ID +URL +EVENTS +CONSUMER +ENABLED$/m);
  assert.ok(list.stdout.includes(id));
  assert.ok(!list.stdout.includes(secret!), "list never shows the secret");
  const json = await run(["webhooks", "list", "--json"]);
  assert.equal(JSON.parse(json.stdout).data[0].id, id);

  const shown = await run(["webhooks", "show", id]);
  assert.match(shown.stdout, /events +key\.created, key\.rotated/);
  assert.ok(!shown.stdout.includes(secret!));

  const rotated = await run(["webhooks", "rotate-secret", id, "--overlap", "2h"]);
  assert.equal(rotated.code, 0, rotated.stderr);
  const next = /whsec_[A-Za-z0-9+/=]+/.exec(rotated.stdout)?.[0];
  assert.ok(next && next !== secret);
  assert.match(rotated.stdout, /The old secret also signs until /);

  const c = await node.call("POST", "/v1/consumers", { name: "cli" });
  await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  await node.kr.scheduler.runOnce();
  await node.kr.notifier.idle();
  const d = await run(["webhooks", "deliveries", id]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stdout, /^ID +EVENT +STATUS +ATTEMPTS +LAST STATUS +NEXT ATTEMPT +LAST ERROR$/m);
  assert.match(d.stdout, /key\.created +pending +1 +500 /);
  const deliveryId = /dlv_[0-9a-z]{28}/.exec(d.stdout)![0];
  const retried = await run(["webhooks", "retry", id, deliveryId]);
  assert.equal(retried.code, 0, retried.stderr);
  assert.match(retried.stdout, /will be sent again now/);
  await node.kr.notifier.idle();
  await rcv.waitFor(2);
  const after = await run(["webhooks", "deliveries", id, "--status", "delivered", "--json"]);
  assert.equal(JSON.parse(after.stdout).data[0].id, deliveryId);

  const missing = await run(["webhooks", "show", "whk_00000000000000000000000000"]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /WEBHOOK_NOT_FOUND/);
  const usage = await run(["webhooks", "create", rcv.url, "--events", ","]);
  assert.equal(usage.code, 2);
});
