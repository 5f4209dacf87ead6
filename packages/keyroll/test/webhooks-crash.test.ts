// Nothing in the outbox is lost: SIGKILL a real `keyroll serve` while its deliveries hang, restart
// it on the same SQLite file, and every event reaches the receiver, in order per key.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { startServerProcess } from "./server-process.js";
import { startReceiver } from "./webhook-receiver.js";

const KEYS = 8;

test("a server SIGKILLed with undelivered events delivers every one after restart", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-whcrash-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const database = join(dir, "keyroll.db");
  const admin = `crash_admin_${randomBytes(24).toString("hex")}`;
  // first the receiver hangs: attempts are in flight or queued behind them when the server dies
  let hanging = true;
  const rcv = await startReceiver((_r, res) => {
    if (!hanging) res.writeHead(204).end();
  });
  t.after(() => rcv.close());
  const env = {
    KEYROLL_BOOTSTRAP_ADMIN_KEY: admin,
    KEYROLL_LOG_LEVEL: "warn",
    KEYROLL_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
  };
  const api = async (base: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
    // biome-ignore lint/suspicious/noExplicitAny: a response body, read field by field
    return { status: res.status, body: (await res.json()) as any };
  };
  const first = await startServerProcess({ database, env });
  t.after(() => first.stop("SIGKILL", 2000));
  const w = await api(first.url, "POST", "/v1/webhooks", {
    url: rcv.url,
    events: ["key.created", "key.rotated"],
  });
  assert.equal(w.status, 201, JSON.stringify(w.body));
  const c = await api(first.url, "POST", "/v1/consumers", { name: "crash" });
  const keyIds: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    const k = await api(first.url, "POST", "/v1/keys", { consumerId: c.body.id });
    keyIds.push(k.body.key.id);
    assert.equal(
      (await api(first.url, "POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" })).status,
      201,
    );
  }
  await rcv.waitFor(1);
  first.child.kill("SIGKILL");
  await first.exited;
  const beforeRestart = rcv.received.length;
  assert.ok(beforeRestart < 2 * KEYS, "some events were still undelivered at the kill");

  hanging = false;
  const second = await startServerProcess({ database, env });
  t.after(() => second.stop("SIGKILL", 2000));
  const until = Date.now() + 30_000;
  let deliveries: Array<{ eventId: string; eventType: string; status: string }> = [];
  while (Date.now() < until) {
    const d = await api(second.url, "GET", `/v1/webhooks/${w.body.webhook.id}/deliveries?limit=200`);
    deliveries = d.body.data;
    if (deliveries.length === 2 * KEYS && deliveries.every((x) => x.status === "delivered")) break;
    await new Promise((ok) => setTimeout(ok, 200));
  }
  assert.equal(deliveries.length, 2 * KEYS);
  assert.deepEqual(
    deliveries.filter((x) => x.status !== "delivered"),
    [],
    "every event delivered after the restart",
  );
  const got = new Set(rcv.received.map((r) => r.headers["webhook-id"]));
  for (const d of deliveries) assert.ok(got.has(d.eventId), `event ${d.eventId} reached the receiver`);
  // in order per key: a key's rotation never arrives before its creation was answered
  const answered = rcv.received.slice(beforeRestart);
  for (const keyId of keyIds) {
    const types = answered.filter((r) => r.json.data.keyId === keyId).map((r) => r.json.type);
    const lastCreated = types.lastIndexOf("key.created");
    const firstRotated = types.indexOf("key.rotated");
    if (lastCreated >= 0 && firstRotated >= 0)
      assert.ok(lastCreated < firstRotated, `${keyId}: ${types.join(",")}`);
  }
});
