// The in-process verifier of @keyroll/client (createVerifier) against real listening nodes: the
// same answers as POST /v1/verify, a revocation seen within the propagation bound, a stream that
// resumes after a server restart without losing a change, fail-closed staleness, usage sent back.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { expressMiddleware, fastifyHook, honoMiddleware, type VerifyAnswer } from "@keyroll/client";
import { createVerifier, StaleIndexError } from "@keyroll/client/node";
import Fastify from "fastify";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";
import { ADMIN_KEY } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "keyroll-inproc-"));
after(() => rmSync(dir, { recursive: true, force: true }));

async function startNode(file: string, port = 0): Promise<{ kr: Keyroll; url: string }> {
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: join(dir, file),
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "silent",
      KEYROLL_POLL_MS: "50",
    },
  });
  const kr = await createKeyroll(config, { changesHeartbeatMs: 100 });
  const url = await kr.app.listen({ host: "127.0.0.1", port });
  return { kr, url };
}

async function admin(url: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN_KEY}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: read field by field in assertions
  return { status: res.status, body: (await res.json()) as any };
}

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test("answers exactly as POST /v1/verify, and sees a revocation within the propagation bound", async (t) => {
  const { kr, url } = await startNode("same.db");
  t.after(() => kr.close());
  const c = await admin(url, "POST", "/v1/consumers", { name: "shop" });
  const k1 = await admin(url, "POST", "/v1/keys", { consumerId: c.body.id, scopes: ["orders:read"] });
  const k2 = await admin(url, "POST", "/v1/keys", {
    consumerId: c.body.id,
    secret: "imported-secret-0123456789",
  });
  const rot = await admin(url, "POST", `/v1/keys/${k1.body.key.id}/rotate`, { gracePeriod: "1h" });
  const gone = await admin(url, "POST", "/v1/keys", { consumerId: c.body.id });
  await admin(url, "POST", `/v1/keys/${gone.body.key.id}/revoke`, {});

  const verifier = createVerifier({ url, adminKey: ADMIN_KEY, usage: false });
  t.after(() => verifier.close());
  await verifier.ready;
  const s1: string = k1.body.secret;
  const cases: Array<[string, string[] | undefined]> = [
    [s1, undefined],
    [s1, ["orders:read"]],
    [s1, ["orders:write"]],
    [rot.body.secret, undefined],
    [k2.body.secret, undefined],
    [gone.body.secret, undefined],
    ["kr_live_0000000000000000000000000000000000000000", undefined], // bad checksum: MALFORMED
    ["short", undefined],
    ["x".repeat(300), undefined],
    ["someone-elses-secret-0000000", undefined],
    [ADMIN_KEY, undefined],
  ];
  for (const [secret, scopes] of cases) {
    const server = await admin(url, "POST", "/v1/verify", scopes ? { key: secret, scopes } : { key: secret });
    const local = verifier.verify(secret, scopes ? { scopes } : undefined);
    assert.deepEqual({ ...local }, server.body, `same answer for ${secret.slice(0, 10)}… ${scopes ?? ""}`);
  }

  // a new key and a revocation arrive over the stream
  const k3 = await admin(url, "POST", "/v1/keys", { consumerId: c.body.id });
  await until("the new key", () => verifier.verify(k3.body.secret).code === "VALID");
  const t0 = performance.now();
  await admin(url, "POST", `/v1/keys/${k3.body.key.id}/revoke`, {});
  await until("the revocation", () => verifier.verify(k3.body.secret).code === "REVOKED", 2000);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `revocation seen in ${ms} ms`);
});

test("the stream resumes from Last-Event-ID after a server restart, without losing a change; fail closed past the bound", async () => {
  const first = await startNode("restart.db");
  const port = Number(new URL(first.url).port);
  const c = await admin(first.url, "POST", "/v1/consumers", { name: "shop" });
  const k = await admin(first.url, "POST", "/v1/keys", { consumerId: c.body.id });
  let skew = 0;
  const verifier = createVerifier({
    url: first.url,
    adminKey: ADMIN_KEY,
    usage: false,
    maxStalenessMs: 60_000,
    reconnectMs: 50,
    // the verifier's clock runs `skew` ahead of the real one: staleness is checked without waiting
    now: () => Date.now() + skew,
  });
  await verifier.ready;
  await until("connected", () => verifier.status().connected);
  assert.equal(verifier.verify(k.body.secret).code, "VALID");
  await first.kr.close();

  // while no server answers, a change is made on the database (by a node that does not listen)
  const offline = await createKeyroll(
    resolveConfig({ env: { KEYROLL_DATABASE: join(dir, "restart.db"), KEYROLL_LOG_LEVEL: "silent" } }),
  );
  await offline.services.keys.revoke(k.body.key.id, "leaked", { keyId: null, scopes: ["admin"] });
  await offline.close();
  assert.equal(
    verifier.verify(k.body.secret).code,
    "VALID",
    "the stale index still answers within the bound",
  );
  skew = 61_000;
  assert.throws(() => verifier.verify(k.body.secret), StaleIndexError, "fail closed past the bound");

  const second = await startNode("restart.db", port);
  try {
    await until("the missed revocation", () => {
      try {
        return verifier.verify(k.body.secret).code === "REVOKED";
      } catch {
        return false;
      }
    });
  } finally {
    await verifier.close();
    await second.kr.close();
  }
});

test("usage counted in process is sent back: per-version counts and addresses in the usage API", async (t) => {
  const { kr, url } = await startNode("usage.db");
  t.after(() => kr.close());
  const c = await admin(url, "POST", "/v1/consumers", { name: "shop" });
  const k = await admin(url, "POST", "/v1/keys", { consumerId: c.body.id });
  const verifier = createVerifier({ url, adminKey: ADMIN_KEY, flushMs: 60_000 });
  await verifier.ready;
  for (let i = 0; i < 25; i++) verifier.verify(k.body.secret, { clientIp: "203.0.113.9" });
  verifier.verify(k.body.secret, { scopes: ["nope"] });
  await verifier.close();
  await kr.verifier.flush();
  const u = await admin(url, "GET", `/v1/keys/${k.body.key.id}/usage`);
  assert.deepEqual(u.body.versions[0].totals, { VALID: 25, INSUFFICIENT_SCOPE: 1 });
  const key = await admin(url, "GET", `/v1/keys/${k.body.key.id}`);
  assert.ok(key.body.versions[0].lastUsedAt, "lastUsedAt moved");

  const bad = await admin(url, "POST", "/v1/usage", {
    usage: [
      {
        keyId: "key_00000000000000000000000000",
        version: 1,
        minute: new Date(0).toISOString(),
        outcome: "VALID",
        count: 1,
      },
    ],
  });
  assert.equal(bad.status, 202);
  assert.deepEqual(bad.body, { accepted: 0, rejected: 1, addresses: 0 });
  const unauth = await fetch(`${url}/v1/changes`);
  assert.equal(unauth.status, 401);
  const badId = await fetch(`${url}/v1/changes`, {
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "last-event-id": "x" },
  });
  assert.equal(badId.status, 400);
});

test("middlewares for node:http/Express, Fastify and Hono let valid keys through and answer the rest", async (t) => {
  const { kr, url } = await startNode("mw.db");
  t.after(() => kr.close());
  const c = await admin(url, "POST", "/v1/consumers", { name: "shop" });
  const k = await admin(url, "POST", "/v1/keys", { consumerId: c.body.id, scopes: ["orders:read"] });
  const rot = await admin(url, "POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" });
  const verifier = createVerifier({ url, adminKey: ADMIN_KEY, usage: false });
  t.after(() => verifier.close());
  await verifier.ready;

  const mw = expressMiddleware(verifier, { scopes: ["orders:read"] });
  const plain = createServer((req, res) =>
    mw(req, res, () =>
      res.end(JSON.stringify({ version: (req as { keyroll?: VerifyAnswer }).keyroll?.version })),
    ),
  );
  await new Promise<void>((r) => plain.listen(0, "127.0.0.1", r));
  t.after(() => plain.close());
  const fst = Fastify();
  fst.addHook("onRequest", fastifyHook(verifier, { header: "x-api-key" }));
  fst.get("/orders", async (req) => ({
    version: (req as unknown as { keyroll: VerifyAnswer }).keyroll.version,
  }));
  const fUrl = await fst.listen({ host: "127.0.0.1", port: 0 });
  t.after(() => fst.close());

  const base = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  const old = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${k.body.secret}` } });
  assert.equal(old.status, 200);
  assert.deepEqual(await old.json(), { version: 1 });
  assert.ok(old.headers.get("sunset") && old.headers.get("deprecation"));
  const neu = await fetch(`${base}/orders`, { headers: { authorization: `Bearer ${rot.body.secret}` } });
  assert.equal(neu.headers.get("sunset"), null);
  const none = await fetch(`${base}/orders`);
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { code: string }).code, "MISSING_KEY");
  const wrong = await fetch(`${base}/orders`, {
    headers: { authorization: "Bearer someone-elses-secret-0000000" },
  });
  assert.equal(((await wrong.json()) as { code: string }).code, "NOT_FOUND");

  const f = await fetch(`${fUrl}/orders`, { headers: { "x-api-key": rot.body.secret } });
  assert.deepEqual(await f.json(), { version: 2 });
  assert.equal(
    (await fetch(`${fUrl}/orders`, { headers: { "x-api-key": "nope-nope-nope-nope-nope" } })).status,
    401,
  );

  // Hono's context, as its middleware signature gives it
  const seen: Record<string, unknown> = {};
  const headers: Record<string, string> = {};
  const ctx = (auth: string | undefined) => ({
    req: {
      method: "GET",
      path: "/orders",
      header: (n: string) => (n === "authorization" ? auth : undefined),
    },
    header: (n: string, v: string) => {
      headers[n] = v;
    },
    set: (key: string, v: VerifyAnswer) => {
      seen[key] = v;
    },
    json: (body: unknown, status?: number) => new Response(JSON.stringify(body), { status: status ?? 200 }),
  });
  const hono = honoMiddleware(verifier, { scopes: ["orders:write"] });
  const refused = await hono(ctx(`Bearer ${rot.body.secret}`), async () => undefined);
  assert.equal(refused?.status, 403);
  let nexted = false;
  await honoMiddleware(verifier)(ctx(`Bearer ${k.body.secret}`), async () => {
    nexted = true;
  });
  assert.ok(nexted);
  assert.equal((seen.keyroll as VerifyAnswer).version, 1);
  assert.ok(headers.sunset);
});
