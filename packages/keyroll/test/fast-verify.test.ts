// The fast path of POST /v1/verify (a real listening server) must answer exactly as the Fastify
// route does (inject bypasses the fast path): same status, headers and body, for every input.
import assert from "node:assert/strict";
import { once } from "node:events";
import { Agent, request } from "node:http";
import { connect, type Socket } from "node:net";
import { after, before, test } from "node:test";
import { setTimeout } from "node:timers/promises";
import { ADMIN_KEY, startTestNode, type TestNode } from "./helpers.js";
import { onResponses } from "./raw-http.js";

let node: TestNode;
let base: string;
const secrets: Record<string, string> = {};
let verifyOnlyAdmin = "";
let readOnlyAdmin = "";

before(async () => {
  node = await startTestNode();
  const c = await node.call("POST", "/v1/consumers", { name: "acme" });
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, scopes: ["orders:read"] });
  secrets.v1 = k.body.secret;
  const r = await node.call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" });
  secrets.v2 = r.body.secret;
  const k2 = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  await node.call("POST", `/v1/keys/${k2.body.key.id}/revoke`, {});
  secrets.revoked = k2.body.secret;
  const admins = await node.call("GET", "/v1/consumers");
  const adminConsumer = admins.body.data.find((x: { name: string }) => x.name === "keyroll-admin").id;
  verifyOnlyAdmin = (await node.call("POST", "/v1/keys", { consumerId: adminConsumer, scopes: ["verify"] }))
    .body.secret;
  readOnlyAdmin = (await node.call("POST", "/v1/keys", { consumerId: adminConsumer, scopes: ["keys:read"] }))
    .body.secret;
  base = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
});
after(() => node.close());

type Case = { name: string; body: string; headers?: Record<string, string>; auth?: string | null };

const cases = (): Case[] => [
  { name: "valid v2", body: JSON.stringify({ key: secrets.v2 }) },
  { name: "valid v2 again (a reused answer)", body: JSON.stringify({ key: secrets.v2 }) },
  {
    name: "all fields, clientIp first",
    body: JSON.stringify({ clientIp: "203.0.113.9", scopes: ["orders:read"], key: secrets.v1 }),
  },
  { name: "spaced JSON", body: JSON.stringify({ key: secrets.v2, scopes: [] }, null, 2) },
  { name: "escaped key", body: `{"key":"${secrets.v2!.replace("_", "\\u005f")}"}` },
  { name: "repeated key field", body: `{"key":"nope","key":"${secrets.v2}"}` },
  { name: "trailing bytes", body: `${JSON.stringify({ key: secrets.v2 })}x` },
  { name: "v1 in grace (Sunset)", body: JSON.stringify({ key: secrets.v1, scopes: ["orders:read"] }) },
  { name: "insufficient scope", body: JSON.stringify({ key: secrets.v2, scopes: ["orders:write"] }) },
  { name: "revoked", body: JSON.stringify({ key: secrets.revoked }) },
  { name: "with clientIp", body: JSON.stringify({ key: secrets.v2, clientIp: "2001:db8::1" }) },
  { name: "malformed", body: JSON.stringify({ key: "nope" }) },
  { name: "bad checksum", body: JSON.stringify({ key: `${secrets.v2!.slice(0, -1)}0` }) },
  { name: "not found", body: JSON.stringify({ key: "x".repeat(40) }) },
  {
    name: "charset json",
    body: JSON.stringify({ key: secrets.v2 }),
    headers: { "content-type": "application/json; charset=utf-8" },
  },
  { name: "broken JSON", body: '{"key": ' },
  { name: "unknown field", body: JSON.stringify({ key: secrets.v2, extra: 1 }) },
  { name: "key not a string", body: JSON.stringify({ key: 42 }) },
  { name: "bad scope", body: JSON.stringify({ key: secrets.v2, scopes: ["no spaces allowed"] }) },
  { name: "bad clientIp", body: JSON.stringify({ key: secrets.v2, clientIp: "999.1.1.1" }) },
  { name: "__proto__", body: `{"key":"${secrets.v2}","__proto__":{"admin":true}}` },
  { name: "array body", body: "[]" },
  {
    name: "text/plain",
    body: JSON.stringify({ key: secrets.v2 }),
    headers: { "content-type": "text/plain" },
  },
  { name: "no auth", body: JSON.stringify({ key: secrets.v2 }), auth: null },
  { name: "wrong scheme", body: JSON.stringify({ key: secrets.v2 }), auth: `Basic ${ADMIN_KEY}` },
  { name: "consumer key as admin", body: JSON.stringify({ key: secrets.v2 }), auth: `Bearer ${secrets.v2}` },
  {
    name: "verify-only admin key",
    body: JSON.stringify({ key: secrets.v2 }),
    auth: `Bearer ${verifyOnlyAdmin}`,
  },
  { name: "read-only admin key", body: JSON.stringify({ key: secrets.v2 }), auth: `Bearer ${readOnlyAdmin}` },
];

const SAME_HEADERS = ["content-type", "cache-control", "sunset", "www-authenticate"];

test("the fast path answers exactly as the Fastify route", async () => {
  for (const c of cases()) {
    const headers: Record<string, string> = { "content-type": "application/json", ...c.headers };
    const auth = c.auth === undefined ? `Bearer ${ADMIN_KEY}` : c.auth;
    if (auth !== null) headers.authorization = auth;
    const viaFastify = await node.kr.app.inject({
      method: "POST",
      url: "/v1/verify",
      headers,
      payload: c.body,
    });
    const viaServer = await fetch(`${base}/v1/verify`, { method: "POST", headers, body: c.body });
    const text = await viaServer.text();
    assert.equal(viaServer.status, viaFastify.statusCode, `${c.name}: status`);
    for (const h of SAME_HEADERS) {
      assert.equal(
        viaServer.headers.get(h) ?? undefined,
        viaFastify.headers[h] ?? undefined,
        `${c.name}: ${h}`,
      );
    }
    assert.ok(viaServer.headers.get("x-request-id")?.startsWith("req_"), `${c.name}: x-request-id`);
    const a = JSON.parse(text);
    const b = viaFastify.json();
    // problem documents name their request in `instance`, which differs between the two requests
    delete a.instance;
    delete b.instance;
    assert.deepEqual(a, b, `${c.name}: body`);
  }
});

test("answers from the fast path are counted in usage and metrics", async () => {
  const before = (await fetch(`${base}/metrics`).then((r) => r.text())).match(
    /keyroll_verifications_total\{outcome="VALID"\} (\d+)/,
  );
  const n0 = Number(before?.[1] ?? 0);
  for (let i = 0; i < 5; i++) {
    const r = await fetch(`${base}/v1/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ key: secrets.v2 }),
    });
    assert.equal(((await r.json()) as { code: string }).code, "VALID");
  }
  const afterText = await fetch(`${base}/metrics`).then((r) => r.text());
  assert.equal(Number(afterText.match(/keyroll_verifications_total\{outcome="VALID"\} (\d+)/)?.[1]), n0 + 5);
});

/** POSTs /v1/verify on one kept-alive connection; returns the status and the local port used. */
function onConnection(agent: Agent, auth: string, key: string): Promise<{ status: number; port: number }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ key });
    const req = request(
      `${base}/v1/verify`,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", authorization: auth, "content-length": body.length },
      },
      (res) => {
        const port = res.socket.localPort!;
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode!, port }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

test("a kept-alive connection's admin key is checked again on every request", async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const admins = await node.call("GET", "/v1/consumers");
    const adminConsumer = admins.body.data.find((x: { name: string }) => x.name === "keyroll-admin").id;
    const created = await node.call("POST", "/v1/keys", { consumerId: adminConsumer, scopes: ["verify"] });
    const auth = `Bearer ${created.body.secret}`;
    const first = await onConnection(agent, auth, secrets.v2!);
    assert.equal(first.status, 200);
    const again = await onConnection(agent, auth, secrets.v2!);
    assert.deepEqual(again, first, "the same connection, answered again");
    // another admin key on the same connection is its own check, not the remembered one
    // (its last character changed: a secret that already ends in "x" would otherwise stay itself)
    const secret = created.body.secret as string;
    const other = `${secret.slice(0, -1)}${secret.endsWith("x") ? "y" : "x"}`;
    const wrong = await onConnection(agent, `Bearer ${other}`, secrets.v2!);
    assert.deepEqual(wrong, { status: 401, port: first.port });
    const consumerKey = await onConnection(agent, `Bearer ${secrets.v2}`, secrets.v2!);
    assert.deepEqual(consumerKey, { status: 403, port: first.port });
    assert.deepEqual(await onConnection(agent, auth, secrets.v2!), first);
    // revoked: the very next request on the same connection is refused
    const revoked = await node.call("POST", `/v1/keys/${created.body.key.id}/revoke`, {});
    assert.equal(revoked.status, 200);
    assert.deepEqual(await onConnection(agent, auth, secrets.v2!), { status: 401, port: first.port });
  } finally {
    agent.destroy();
  }
});

/** The first `n` responses a raw socket receives: status and body each. */
function responses(socket: Socket, n: number): Promise<Array<{ status: number; body: string }>> {
  return new Promise((resolve, reject) => {
    const out: Array<{ status: number; body: string }> = [];
    onResponses(socket, (r) => {
      out.push({ status: r.status, body: r.body.toString("utf8") });
      if (out.length === n) resolve(out);
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`connection closed after ${out.length} of ${n} responses`)));
  });
}

function rawVerify(key: string): { head: string; body: string } {
  const body = JSON.stringify({ key });
  return {
    head:
      `POST /v1/verify HTTP/1.1\r\nhost: keyroll\r\nauthorization: Bearer ${ADMIN_KEY}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`,
    body,
  };
}

const connectTo = async (): Promise<Socket> => {
  const s = connect(Number(new URL(base).port), "127.0.0.1");
  await once(s, "connect");
  return s;
};

test("a body that arrives in pieces, after its headers, is read whole", async () => {
  const s = await connectTo();
  try {
    const got = responses(s, 1);
    const r = rawVerify(secrets.v2!);
    s.write(r.head);
    await setTimeout(30);
    s.write(r.body.slice(0, 10));
    await setTimeout(30);
    s.write(r.body.slice(10));
    const [a] = await got;
    assert.equal(a!.status, 200);
    assert.equal(JSON.parse(a!.body).code, "VALID");
  } finally {
    s.destroy();
  }
});

test("pipelined requests on one connection are answered in order", async () => {
  const s = await connectTo();
  try {
    const got = responses(s, 3);
    const keys = [secrets.v2!, secrets.revoked!, secrets.v1!];
    s.write(keys.map((k) => Object.values(rawVerify(k)).join("")).join(""));
    const codes = (await got).map((a) => JSON.parse(a.body).code);
    assert.deepEqual(codes, ["VALID", "REVOKED", "VALID"]);
  } finally {
    s.destroy();
  }
});

test("requests arriving together are all answered, even when one client leaves before its answer", async () => {
  const sockets = await Promise.all(Array.from({ length: 20 }, connectTo));
  try {
    const got = sockets.slice(1).map((s) => responses(s, 1));
    for (const s of sockets) s.write(Object.values(rawVerify(secrets.v2!)).join(""));
    sockets[0]!.destroy();
    for (const a of await Promise.all(got)) {
      assert.equal(a[0]!.status, 200);
      assert.equal(JSON.parse(a[0]!.body).code, "VALID");
    }
    // the server is still answering
    const r = await fetch(`${base}/v1/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ key: secrets.v2 }),
    });
    assert.equal(r.status, 200);
  } finally {
    for (const s of sockets) s.destroy();
  }
});
