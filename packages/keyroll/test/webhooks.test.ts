// Webhook endpoints, Standard Webhooks signing (checked by the independent `standardwebhooks`
// library), the retry schedule, Retry-After, 410, the SSRF guard, reminders and notices.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { manualClock } from "../src/core/clock.js";
import { digestSecret } from "../src/core/secret.js";
import { RETRY_JITTER, RETRY_SCHEDULE_MS } from "../src/core/webhooks.js";
import { isForbiddenAddress } from "../src/services/url-guard.js";
import { startTestNode, type TestNode } from "./helpers.js";
import { startReceiver } from "./webhook-receiver.js";

const ALLOW = { KEYROLL_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1,localhost,10.1.2.3" };
const T0 = Date.parse("2026-03-01T00:00:00Z");

async function consumerAndKey(node: TestNode, name = "acme") {
  const c = await node.call("POST", "/v1/consumers", { name });
  assert.equal(c.status, 201);
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  assert.equal(k.status, 201);
  return { consumerId: c.body.id as string, keyId: k.body.key.id as string, secret: k.body.secret as string };
}

async function tick(node: TestNode) {
  await node.kr.scheduler.runOnce();
  await node.kr.notifier.idle();
}

describe("webhook endpoints API", () => {
  test("create shows the secret once; list, read, update, delete; bad input is a 4xx", async (t) => {
    const node = await startTestNode({ env: ALLOW });
    t.after(() => node.close());
    const r = await node.call("POST", "/v1/webhooks", {
      url: "http://127.0.0.1:9/hook",
      events: ["key.rotated", "key.created"],
      description: "ops",
    });
    assert.equal(r.status, 201);
    assert.match(r.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(Buffer.from(r.body.secret.slice(6), "base64").length, 32);
    const id = r.body.webhook.id;
    assert.match(id, /^whk_/);
    const got = await node.call("GET", `/v1/webhooks/${id}`);
    assert.equal(got.status, 200);
    assert.equal(JSON.stringify(got.body).includes(r.body.secret.slice(6)), false, "secret shown once");
    assert.deepEqual(got.body.events, ["key.rotated", "key.created"]);
    const list = await node.call("GET", "/v1/webhooks");
    assert.equal(list.body.data.length, 1);
    const upd = await node.call("PATCH", `/v1/webhooks/${id}`, { enabled: false, events: ["key.revoked"] });
    assert.equal(upd.status, 200);
    assert.equal(upd.body.enabled, false);
    assert.deepEqual(upd.body.events, ["key.revoked"]);

    const bad = await node.call("POST", "/v1/webhooks", {
      url: "http://127.0.0.1/x",
      events: ["key.exploded"],
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "UNKNOWN_EVENT_TYPE");
    for (const url of ["ftp://example.com/", "not a url", "http://user:pw@127.0.0.1/"]) {
      const b = await node.call("POST", "/v1/webhooks", { url, events: ["key.created"] });
      assert.equal(b.status, 400, url);
      assert.equal(b.body.code, "INVALID_WEBHOOK_URL", url);
    }
    const noEvents = await node.call("POST", "/v1/webhooks", { url: "http://127.0.0.1/x", events: [] });
    assert.equal(noEvents.body.code, "VALIDATION_FAILED");
    const noConsumer = await node.call("POST", "/v1/webhooks", {
      url: "http://127.0.0.1/x",
      events: ["key.created"],
      consumerId: "con_00000000000000000000000000",
    });
    assert.equal(noConsumer.status, 404);
    assert.equal(noConsumer.body.code, "CONSUMER_NOT_FOUND");

    const del = await node.call("DELETE", `/v1/webhooks/${id}`);
    assert.deepEqual(del.body, { id, deleted: true });
    const gone = await node.call("GET", `/v1/webhooks/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body.code, "WEBHOOK_NOT_FOUND");
    const missing = await node.call("GET", `/v1/webhooks/${id}/deliveries`);
    assert.equal(missing.body.code, "WEBHOOK_NOT_FOUND");
  });

  test("SSRF guard: loopback, private, link-local and a name resolving to loopback are refused unless allowed", async (t) => {
    const closed = await startTestNode();
    t.after(() => closed.close());
    const open = await startTestNode({ env: ALLOW });
    t.after(() => open.close());
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://10.1.2.3/hook",
      "http://localhost:8080/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/hook",
      "http://192.168.1.1/hook",
    ]) {
      const r = await closed.call("POST", "/v1/webhooks", { url, events: ["key.created"] });
      assert.equal(r.status, 400, url);
      assert.equal(r.body.code, "WEBHOOK_URL_NOT_ALLOWED", url);
    }
    for (const url of ["http://127.0.0.1:8080/hook", "http://10.1.2.3/hook", "http://localhost:8080/hook"]) {
      const r = await open.call("POST", "/v1/webhooks", { url, events: ["key.created"] });
      assert.equal(r.status, 201, url);
    }
    // still refused with the allow-list: only the listed hosts open
    const meta = await open.call("POST", "/v1/webhooks", {
      url: "http://169.254.169.254/",
      events: ["key.created"],
    });
    assert.equal(meta.body.code, "WEBHOOK_URL_NOT_ALLOWED");
    for (const a of ["8.8.8.8", "2606:4700::1111", "1.1.1.1"]) assert.equal(isForbiddenAddress(a), false, a);
    for (const a of [
      "127.0.0.1",
      "::ffff:10.0.0.1",
      "::ffff:7f00:1",
      "2002:7f00:1::",
      "fd00:ec2::254",
      "100.100.100.200",
      "0.0.0.0",
      "fe80::1",
    ])
      assert.equal(isForbiddenAddress(a), true, a);
  });
});

describe("SSRF guard at delivery", () => {
  test("an endpoint allowed when it was made is refused at delivery once the allow-list no longer opens it", async (t) => {
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createKeyroll, resolveConfig } = await import("../src/main.js");
    const { ADMIN_KEY } = await import("./helpers.js");
    const dir = mkdtempSync(join(tmpdir(), "keyroll-ssrf-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = (env: Record<string, string>) =>
      resolveConfig({
        env: {
          KEYROLL_DATABASE: join(dir, "k.db"),
          KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
          KEYROLL_LOG_LEVEL: "silent",
          ...env,
        },
      });
    const call = async (
      kr: Awaited<ReturnType<typeof createKeyroll>>,
      method: string,
      url: string,
      body?: object,
    ) =>
      JSON.parse(
        (
          await kr.app.inject({
            method: method as "POST",
            url,
            headers: { authorization: `Bearer ${ADMIN_KEY}` },
            ...(body && { payload: body }),
          })
        ).body,
      );
    let kr = await createKeyroll(config({ KEYROLL_WEBHOOK_ALLOWED_HOSTS: "localhost,127.0.0.1" }));
    // one by name (resolved at connection), one by address (checked before connecting)
    const byName = await call(kr, "POST", "/v1/webhooks", {
      url: rcv.url.replace("127.0.0.1", "localhost"),
      events: ["key.created"],
    });
    const byAddress = await call(kr, "POST", "/v1/webhooks", { url: rcv.url, events: ["key.created"] });
    await kr.close();
    kr = await createKeyroll(config({}));
    t.after(() => kr.close());
    const c = await call(kr, "POST", "/v1/consumers", { name: "c" });
    await call(kr, "POST", "/v1/keys", { consumerId: c.id });
    await kr.scheduler.runOnce();
    await kr.notifier.idle();
    assert.equal(rcv.received.length, 0, "nothing reached the loopback receiver");
    for (const w of [byName, byAddress]) {
      const d = await call(kr, "GET", `/v1/webhooks/${w.webhook.id}/deliveries`);
      assert.equal(d.data[0].attempts, 1);
      assert.match(d.data[0].lastError, /forbidden|private|loopback/);
    }
  });
});

describe("Standard Webhooks signing", () => {
  test("verified by the standardwebhooks library; tampering rejected; both secrets sign during an overlap", async (t) => {
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const node = await startTestNode({ env: ALLOW });
    t.after(() => node.close());
    const w = await node.call("POST", "/v1/webhooks", {
      url: rcv.url,
      events: ["key.created", "key.rotated"],
    });
    const oldSecret = w.body.secret as string;
    const { keyId, consumerId, secret: keySecret } = await consumerAndKey(node);
    await tick(node);
    await rcv.waitFor(1);
    const first = rcv.received[0]!;
    const payload = new Webhook(oldSecret).verify(first.body, first.headers) as Record<string, unknown>;
    assert.equal(payload.type, "key.created");
    assert.deepEqual((payload as { data: { keyId: string; consumerId: string } }).data.keyId, keyId);
    assert.equal((payload as { data: { consumerId: string } }).data.consumerId, consumerId);
    assert.match(first.headers["webhook-id"]!, /^evt_/);
    assert.equal(first.headers["webhook-signature"]!.split(" ").length, 1);
    assert.equal(first.body.includes(keySecret), false, "no key secret in a payload");
    assert.throws(
      () => new Webhook(oldSecret).verify(first.body.replace(keyId, `${keyId}x`), first.headers),
      /signature/i,
    );

    const rot = await node.call("POST", `/v1/webhooks/${w.body.webhook.id}/rotate-secret`, { overlap: "1h" });
    assert.equal(rot.status, 200);
    const newSecret = rot.body.secret as string;
    assert.notEqual(newSecret, oldSecret);
    assert.ok(rot.body.webhook.previousSecretExpiresAt);
    await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" });
    await tick(node);
    await rcv.waitFor(2);
    const second = rcv.received[1]!;
    const sigs = second.headers["webhook-signature"]!.split(" ");
    assert.equal(sigs.length, 2);
    for (const s of [newSecret, oldSecret]) new Webhook(s).verify(second.body, second.headers);
    // each signature verifies alone, with its own secret only
    const only = (sig: string) => ({ ...second.headers, "webhook-signature": sig });
    new Webhook(newSecret).verify(second.body, only(sigs[0]!));
    new Webhook(oldSecret).verify(second.body, only(sigs[1]!));
    assert.throws(() => new Webhook(oldSecret).verify(second.body, only(sigs[0]!)));
    assert.throws(() => new Webhook(newSecret).verify(second.body, only(sigs[1]!)));
    const body = second.json;
    assert.equal(body.type, "key.rotated");
    assert.equal(body.data.version, 2);
    assert.equal(body.data.previousVersion, 1);
    assert.ok(Date.parse(body.data.previousExpiresAt) > Date.now());
    assert.ok(Date.parse(body.timestamp) > 0);
  });
});

describe("delivery", () => {
  test("a receiver failing three times gets the same webhook-id on the documented schedule", async (t) => {
    const rcv = await startReceiver((_r, res, n) => res.writeHead(n <= 3 ? 500 : 200).end("ok"));
    t.after(() => rcv.close());
    const clock = manualClock(T0);
    const node = await startTestNode({ clock, env: ALLOW });
    t.after(() => node.close());
    const w = await node.call("POST", "/v1/webhooks", { url: rcv.url, events: ["key.created"] });
    await consumerAndKey(node);
    await tick(node);
    assert.equal(rcv.received.length, 1, "first attempt at once");
    let at = T0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const delay = RETRY_SCHEDULE_MS[attempt]!;
      clock.set(at + delay - 1);
      await tick(node);
      assert.equal(rcv.received.length, attempt, `attempt ${attempt + 1} not before ${delay}ms`);
      clock.set(at + Math.ceil(delay * (1 + RETRY_JITTER)) + 1);
      await tick(node);
      assert.equal(rcv.received.length, attempt + 1, `attempt ${attempt + 1} by ${delay}ms plus jitter`);
      at = clock.now();
    }
    const ids = new Set(rcv.received.map((r) => r.headers["webhook-id"]));
    assert.equal(ids.size, 1, "same webhook-id on every attempt");
    const d = await node.call("GET", `/v1/webhooks/${w.body.webhook.id}/deliveries`);
    assert.equal(d.status, 200);
    assert.equal(d.body.data.length, 1);
    assert.equal(d.body.data[0].status, "delivered");
    assert.equal(d.body.data[0].attempts, 4);
    assert.equal(d.body.data[0].lastResponseStatus, 200);
    assert.equal(d.body.data[0].eventId, [...ids][0]);
    // a manual retry sends it again, with the same id
    const retry = await node.call(
      "POST",
      `/v1/webhooks/${w.body.webhook.id}/deliveries/${d.body.data[0].id}/retry`,
    );
    assert.equal(retry.status, 202);
    await tick(node);
    assert.equal(rcv.received.length, 5);
    assert.equal(rcv.received[4]!.headers["webhook-id"], [...ids][0]);
    const bad = await node.call(
      "POST",
      `/v1/webhooks/${w.body.webhook.id}/deliveries/dlv_0000000000000000000000000000/retry`,
    );
    assert.equal(bad.status, 404);
    assert.equal(bad.body.code, "DELIVERY_NOT_FOUND");
  });

  test("Retry-After is honoured; 410 disables the endpoint", async (t) => {
    const rcv = await startReceiver((_r, res, n) =>
      n === 1 ? res.writeHead(503, { "retry-after": "120" }).end() : res.writeHead(410).end(),
    );
    t.after(() => rcv.close());
    const clock = manualClock(T0);
    const node = await startTestNode({ clock, env: ALLOW });
    t.after(() => node.close());
    const w = await node.call("POST", "/v1/webhooks", {
      url: rcv.url,
      events: ["key.created", "key.revoked"],
    });
    const { keyId } = await consumerAndKey(node);
    await tick(node);
    assert.equal(rcv.received.length, 1);
    clock.set(T0 + 10_000);
    await tick(node);
    assert.equal(rcv.received.length, 1, "not at 5s: the receiver asked for 120s");
    clock.set(T0 + 120_001);
    await tick(node);
    assert.equal(rcv.received.length, 2);
    const hook = await node.call("GET", `/v1/webhooks/${w.body.webhook.id}`);
    assert.equal(hook.body.enabled, false);
    assert.match(hook.body.disabledReason, /410/);
    await node.call("POST", `/v1/keys/${keyId}/revoke`, {});
    clock.advance(3_600_000);
    await tick(node);
    assert.equal(rcv.received.length, 2, "nothing goes to a disabled endpoint");
    const d = await node.call("GET", `/v1/webhooks/${w.body.webhook.id}/deliveries?status=failed`);
    assert.equal(d.body.data[0].lastResponseStatus, 410);
    const m = await node.kr.app.inject({ method: "GET", url: "/metrics" });
    assert.match(m.body, /^keyroll_webhook_deliveries\{status="failed"\} 1$/m);
    assert.match(
      m.body,
      /^keyroll_webhook_deliveries\{status="pending"\} 0$/m,
      "a disabled endpoint gets no new deliveries",
    );
  });

  test("an endpoint failing for longer than the limit is disabled and an alert.raised reaches another endpoint", async (t) => {
    const down = await startReceiver((_r, res) => res.writeHead(500).end());
    t.after(() => down.close());
    const ops = await startReceiver();
    t.after(() => ops.close());
    const clock = manualClock(T0);
    const node = await startTestNode({ clock, env: { ...ALLOW, KEYROLL_WEBHOOK_DISABLE_AFTER: "10m" } });
    t.after(() => node.close());
    const w = await node.call("POST", "/v1/webhooks", { url: down.url, events: ["key.created"] });
    await node.call("POST", "/v1/webhooks", { url: ops.url, events: ["alert.raised"] });
    await consumerAndKey(node);
    await tick(node);
    for (const at of [6_000, 6 * 60_000, 40 * 60_000]) {
      clock.set(T0 + at);
      await tick(node);
    }
    assert.equal(down.received.length, 4);
    const hook = await node.call("GET", `/v1/webhooks/${w.body.webhook.id}`);
    assert.equal(hook.body.enabled, false);
    assert.match(hook.body.disabledReason, /failing without a success/);
    assert.ok(hook.body.failingSince);
    const alerts = await node.call("GET", "/v1/alerts");
    assert.equal(alerts.body.data[0].kind, "webhook_disabled");
    await tick(node);
    await ops.waitFor(1);
    assert.equal(ops.received[0]!.json.type, "alert.raised");
    assert.equal(ops.received[0]!.json.data.kind, "webhook_disabled");
    await tick(node);
    assert.equal(ops.received.length, 1, "one notice per alert");
    // enabled again, it starts afresh
    const on = await node.call("PATCH", `/v1/webhooks/${w.body.webhook.id}`, { enabled: true });
    assert.equal(on.body.enabled, true);
    assert.equal(on.body.disabledReason, null);
    assert.equal(on.body.failingSince, null);
  });

  test("a hanging, resetting or garbage receiver is a failed attempt and does not hold up another endpoint", async (t) => {
    const sockets = new Set<import("node:net").Socket>();
    const hang = createServer(() => undefined);
    hang.on("connection", (s) => sockets.add(s));
    await new Promise<void>((ok) => hang.listen(0, "127.0.0.1", ok));
    const reset = createServer((req) => req.socket.destroy());
    await new Promise<void>((ok) => reset.listen(0, "127.0.0.1", ok));
    const garbage = (await import("node:net")).createServer((s) => s.end("NOT HTTP AT ALL\r\n\r\n"));
    await new Promise<void>((ok) => garbage.listen(0, "127.0.0.1", ok));
    t.after(() => {
      for (const s of sockets) s.destroy();
      hang.close();
      reset.close();
      garbage.close();
    });
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const node = await startTestNode({ env: { ...ALLOW, KEYROLL_WEBHOOK_TIMEOUT: "500ms" } });
    t.after(() => node.close());
    const port = (s: { address(): unknown }) => (s.address() as AddressInfo).port;
    const bad: string[] = [];
    for (const p of [port(hang), port(reset), port(garbage)]) {
      const r = await node.call("POST", "/v1/webhooks", {
        url: `http://127.0.0.1:${p}/`,
        events: ["key.created"],
      });
      bad.push(r.body.webhook.id);
    }
    await node.call("POST", "/v1/webhooks", { url: rcv.url, events: ["key.created"] });
    const started = Date.now();
    await consumerAndKey(node);
    await node.kr.scheduler.runOnce();
    await rcv.waitFor(1, 5_000);
    assert.ok(Date.now() - started < 450, "the good endpoint did not wait for the hanging one");
    await node.kr.notifier.idle();
    for (const id of bad) {
      const d = await node.call("GET", `/v1/webhooks/${id}/deliveries`);
      assert.equal(d.body.data[0].status, "pending", id);
      assert.equal(d.body.data[0].attempts, 1, id);
      assert.ok(d.body.data[0].lastError, id);
      assert.ok(Date.parse(d.body.data[0].nextAttemptAt) > Date.now(), id);
    }
  });

  test("revoking a version in grace: key.version.revoked and key.version.retired (manual); no secret or digest in any payload", async (t) => {
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const node = await startTestNode({ env: ALLOW });
    t.after(() => node.close());
    await node.call("POST", "/v1/webhooks", {
      url: rcv.url,
      events: ["key.created", "key.rotated", "key.version.revoked", "key.version.retired"],
    });
    const { keyId, secret } = await consumerAndKey(node);
    const r = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h", reason: "yearly" });
    const rv = await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, { reason: "leaked" });
    assert.equal(rv.status, 200);
    await tick(node);
    await rcv.waitFor(4);
    await node.kr.notifier.idle();
    assert.deepEqual(
      rcv.received.map((x) => [x.json.type, x.json.data.reason ?? null]),
      [
        ["key.created", null],
        ["key.rotated", "yearly"],
        ["key.version.revoked", "leaked"],
        ["key.version.retired", "manual"],
      ],
    );
    for (const s of [secret, r.body.secret as string]) {
      for (const x of rcv.received) {
        assert.equal(x.body.includes(s), false, "no secret");
        assert.equal(x.body.includes(digestSecret(s)), false, "no digest");
        assert.equal(x.body.includes(s.slice(-12)), false, "no part of a secret");
      }
    }
  });

  test("a consumer's webhook receives only that consumer's events, in order per key", async (t) => {
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const node = await startTestNode({ env: ALLOW });
    t.after(() => node.close());
    const mine = await consumerAndKey(node, "mine");
    const other = await consumerAndKey(node, "other");
    await node.call("POST", "/v1/webhooks", {
      url: rcv.url,
      events: ["key.rotated", "key.rolled_back", "key.revoked", "key.version.revoked"],
      consumerId: mine.consumerId,
    });
    for (const k of [other, mine]) {
      await node.call("POST", `/v1/keys/${k.keyId}/rotate`, { gracePeriod: "1h" });
      await node.call("POST", `/v1/keys/${k.keyId}/rollback`);
      await node.call("POST", `/v1/keys/${k.keyId}/revoke`, { reason: "done" });
    }
    await tick(node);
    await rcv.waitFor(3);
    await node.kr.notifier.idle();
    assert.deepEqual(
      rcv.received.map((r) => r.json.type),
      ["key.rotated", "key.rolled_back", "key.revoked"],
    );
    for (const r of rcv.received) assert.equal(r.json.data.consumerId, mine.consumerId);
    assert.equal(rcv.received[2]!.json.data.reason, "done");
    assert.equal(rcv.received[1]!.json.data.version, 1);
  });
});

describe("reminders and notices", () => {
  test("key.version.expiring fires at 24h and 1h before the grace end, once each, across a restart", async (t) => {
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const clock = manualClock(T0);
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { createKeyroll, resolveConfig } = await import("../src/main.js");
    const { ADMIN_KEY } = await import("./helpers.js");
    const dir = mkdtempSync(join(tmpdir(), "keyroll-remind-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const config = resolveConfig({
      env: {
        KEYROLL_DATABASE: join(dir, "k.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "silent",
        ...ALLOW,
      },
    });
    const call = async (
      kr: Awaited<ReturnType<typeof createKeyroll>>,
      method: string,
      url: string,
      body?: object,
    ) => {
      const r = await kr.app.inject({
        method: method as "POST",
        url,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        ...(body && { payload: body }),
      });
      return JSON.parse(r.body);
    };
    const run = async (kr: Awaited<ReturnType<typeof createKeyroll>>) => {
      await kr.scheduler.runOnce();
      await kr.notifier.idle();
    };
    let kr = await createKeyroll(config, { clock });
    await call(kr, "POST", "/v1/webhooks", { url: rcv.url, events: ["key.version.expiring"] });
    const c = await call(kr, "POST", "/v1/consumers", { name: "c" });
    const k = await call(kr, "POST", "/v1/keys", { consumerId: c.id });
    await call(kr, "POST", `/v1/keys/${k.key.id}/rotate`, { gracePeriod: "48h" });
    const end = T0 + 48 * 3_600_000;
    await run(kr);
    clock.set(end - 24 * 3_600_000 - 1000);
    await run(kr);
    assert.equal(rcv.received.length, 0);
    clock.set(end - 24 * 3_600_000);
    await run(kr);
    await run(kr);
    assert.equal(rcv.received.length, 1);
    assert.equal(rcv.received[0]!.json.data.offsetSeconds, 86_400);
    assert.equal(rcv.received[0]!.json.data.expiresAt, new Date(end).toISOString());
    assert.equal(rcv.received[0]!.json.data.version, 1);
    await kr.close();
    kr = await createKeyroll(config, { clock });
    t.after(() => kr.close());
    await run(kr);
    assert.equal(rcv.received.length, 1, "not again after a restart");
    clock.set(end - 3_600_000 + 5);
    await run(kr);
    await kr.close();
    kr = await createKeyroll(config, { clock });
    await run(kr);
    await run(kr);
    assert.equal(rcv.received.length, 2);
    assert.equal(rcv.received[1]!.json.data.offsetSeconds, 3600);
  });

  test("still_in_use at most once an hour per version; retired with its reason", async (t) => {
    const rcv = await startReceiver();
    t.after(() => rcv.close());
    const clock = manualClock(T0);
    const node = await startTestNode({ clock, env: ALLOW });
    t.after(() => node.close());
    await node.call("POST", "/v1/webhooks", {
      url: rcv.url,
      events: ["key.version.still_in_use", "key.version.retired"],
    });
    const { keyId, secret } = await consumerAndKey(node);
    await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "4h" });
    const use = async () => {
      const r = await node.call("POST", "/v1/verify", { key: secret });
      assert.equal(r.body.valid, true);
    };
    await tick(node);
    assert.equal(rcv.received.length, 0, "not used since the rotation");
    clock.advance(60_000);
    await use();
    await tick(node);
    clock.advance(60_000);
    await use();
    await tick(node);
    assert.equal(rcv.received.length, 1);
    assert.equal(rcv.received[0]!.json.type, "key.version.still_in_use");
    assert.equal(rcv.received[0]!.json.data.version, 1);
    clock.advance(3_600_000);
    await tick(node);
    assert.equal(rcv.received.length, 2, "used again since the last notice, an hour later");
    clock.advance(3_600_000);
    await tick(node);
    assert.equal(rcv.received.length, 2, "no new use, no new notice");
    await use();
    await tick(node);
    assert.equal(rcv.received.length, 3);
    clock.set(T0 + 4 * 3_600_000 + 1000);
    await tick(node);
    await tick(node);
    const retired = rcv.received.filter((r) => r.json.type === "key.version.retired");
    assert.equal(retired.length, 1);
    assert.equal(retired[0]!.json.data.reason, "grace_ended");
    assert.equal(retired[0]!.json.data.version, 1);
  });
});
