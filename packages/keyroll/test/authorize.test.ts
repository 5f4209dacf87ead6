// GET /v1/authorize on a real node (inject), per-key rate limits on POST /v1/verify through the
// route and the fast path (a listening server), and the policy file read at start.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ConfigError } from "../src/config/index.js";
import { asciiJson } from "../src/http/routes/authorize.js";
import { createKeyroll, resolveConfig } from "../src/main.js";
import { ADMIN_KEY, adminKeyOf, startTestNode, type TestNode } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "keyroll-authorize-"));
const policyFile = join(dir, "gateway.yaml");
writeFileSync(
  policyFile,
  `
rotationDocs: https://docs.example.com/rotation
routes:
  - match: GET /orders/**
    scopes: [orders:read]
  - match: POST /orders
    scopes: [orders:write]
  - match: GET /search
    name: search
    rateLimit: { limit: 2, period: 1h }
  - match: GET /public/**
`,
);

let node: TestNode;
let consumerId = "";
let gatewayKey = "";
let readOnlyAdmin = "";
const secrets: Record<string, string> = {};

before(async () => {
  node = await startTestNode({ env: { KEYROLL_GATEWAY_CONFIG: policyFile } });
  consumerId = (await node.call("POST", "/v1/consumers", { name: "acme" })).body.id;
  gatewayKey = await adminKeyOf(node, ["verify"]);
  readOnlyAdmin = await adminKeyOf(node, ["keys:read"]);
  const k = await node.call("POST", "/v1/keys", { consumerId, scopes: ["orders:read"] });
  secrets.reader = k.body.secret;
  const revoked = await node.call("POST", "/v1/keys", { consumerId });
  await node.call("POST", `/v1/keys/${revoked.body.key.id}/revoke`, {});
  secrets.revoked = revoked.body.secret;
});
after(async () => {
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

function authorize(headers: Record<string, string>) {
  return node.kr.app.inject({ method: "GET", url: "/v1/authorize", headers });
}
const asGateway = (client: string | undefined, method: string, uri: string, extra = {}) =>
  authorize({
    "x-keyroll-gateway-key": gatewayKey,
    "x-original-method": method,
    "x-original-uri": uri,
    ...(client !== undefined && { authorization: `Bearer ${client}` }),
    ...extra,
  });

test("only a gateway with an admin key of scope verify may ask", async () => {
  const none = await authorize({ authorization: `Bearer ${secrets.reader}`, "x-original-uri": "/orders/1" });
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().code, "UNAUTHORIZED");
  assert.equal(none.headers["content-type"], "application/problem+json; charset=utf-8");
  const client = await asGateway(secrets.reader, "GET", "/orders/1", {
    "x-keyroll-gateway-key": secrets.reader,
  });
  assert.equal(client.statusCode, 403, "a client key is no gateway key");
  const reader = await asGateway(secrets.reader, "GET", "/orders/1", {
    "x-keyroll-gateway-key": readOnlyAdmin,
  });
  assert.equal(reader.statusCode, 403);
  assert.equal(reader.json().code, "FORBIDDEN");
  const admin = await asGateway(secrets.reader, "GET", "/orders/1", { "x-keyroll-gateway-key": ADMIN_KEY });
  assert.equal(admin.statusCode, 200, "the admin scope grants verify");
});

test("a valid key is answered 200 with its identity, no deprecation headers while active", async () => {
  const r = await asGateway(secrets.reader, "GET", "/orders/42?expand=items");
  assert.equal(r.statusCode, 200, r.body);
  const keyId = r.json().keyId as string;
  assert.match(keyId, /^key_/);
  assert.equal(r.headers["x-keyroll-key-id"], keyId);
  assert.equal(r.headers["x-keyroll-consumer-id"], consumerId);
  assert.equal(r.headers["x-keyroll-key-version"], "1");
  assert.equal(r.headers.deprecation, undefined);
  assert.equal(r.headers.sunset, undefined);
  assert.equal(r.headers.ratelimit, undefined, "no limit, no RateLimit header");
  // Caddy and Traefik send X-Forwarded-Method / X-Forwarded-Uri
  const fwd = await authorize({
    "x-keyroll-gateway-key": gatewayKey,
    authorization: `Bearer ${secrets.reader}`,
    "x-forwarded-method": "GET",
    "x-forwarded-uri": "/orders/1",
  });
  assert.equal(fwd.statusCode, 200);
});

test("no key, a bad key and a revoked key are 401; a missing scope or an unknown route rule 403", async () => {
  const none = await asGateway(undefined, "GET", "/orders/1");
  assert.equal(none.statusCode, 401);
  assert.equal(none.json().code, "KEY_MISSING");
  assert.equal(none.headers["www-authenticate"], 'Bearer realm="api"');
  const bad = await asGateway("kr_live_nonsense_nonsense_nonsense", "GET", "/orders/1");
  assert.equal(bad.statusCode, 401);
  assert.equal(bad.json().code, "KEY_INVALID");
  const revoked = await asGateway(secrets.revoked, "GET", "/public/x");
  assert.equal(revoked.statusCode, 401);
  assert.match(revoked.json().detail, /REVOKED/);
  const write = await asGateway(secrets.reader, "POST", "/orders");
  assert.equal(write.statusCode, 403);
  assert.equal(write.json().code, "INSUFFICIENT_SCOPE");
  const traversal = await asGateway(secrets.revoked, "GET", "/public/../orders/1");
  assert.equal(traversal.statusCode, 401);
  const noUri = await authorize({
    "x-keyroll-gateway-key": gatewayKey,
    authorization: `Bearer ${secrets.reader}`,
  });
  assert.equal(noUri.statusCode, 400, "with route rules, the original URI is required");
  // every refusal repeats its body in X-Keyroll-Problem, for nginx (auth_request keeps only the status)
  for (const r of [none, bad, revoked, write]) {
    assert.deepEqual(JSON.parse(String(r.headers["x-keyroll-problem"])), r.json());
  }
  assert.equal(
    noUri.headers["x-keyroll-problem"],
    undefined,
    "a 400 is the gateway's fault, not the client's",
  );
});

test("X-Keyroll-Problem is ASCII: characters outside it are escaped, and it parses to the same body", () => {
  const body = JSON.stringify({ detail: 'caf\u00e9 \u2028 \u{1f600} \u007f "q"' });
  const h = asciiJson(body);
  assert.match(h, /^[\x20-\x7e]+$/);
  assert.deepEqual(JSON.parse(h), JSON.parse(body));
});

test("a key's own rate limit and a route rule's limit give 429 with Retry-After and RateLimit headers", async () => {
  const k = await node.call("POST", "/v1/keys", {
    consumerId,
    rateLimit: { limit: 3, period: "1h" },
  });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  assert.deepEqual(k.body.key.rateLimit, { limit: 3, period: "1h" });
  const s = k.body.secret as string;
  const statuses: number[] = [];
  let last: Awaited<ReturnType<typeof asGateway>> | undefined;
  for (let i = 0; i < 4; i++) {
    last = await asGateway(s, "GET", "/public/a");
    statuses.push(last.statusCode);
  }
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  assert.equal(last!.json().code, "RATE_LIMITED");
  assert.equal(last!.headers["ratelimit-policy"], '"key";q=3;w=3600');
  assert.equal(last!.headers.ratelimit, '"key";r=0;t=3600');
  assert.equal(last!.headers["retry-after"], "1200");

  // per route rule, per key: the search rule allows 2 per hour to each key
  const other = (await node.call("POST", "/v1/keys", { consumerId })).body.secret as string;
  const search: number[] = [];
  for (let i = 0; i < 3; i++) search.push((await asGateway(other, "GET", "/search?q=x")).statusCode);
  assert.deepEqual(search, [200, 200, 429]);
  assert.equal((await asGateway(other, "GET", "/public/a")).statusCode, 200, "other routes are not limited");

  // PATCH removes the limit
  const patched = await node.call("PATCH", `/v1/keys/${k.body.key.id}`, { rateLimit: null });
  assert.equal(patched.body.rateLimit, null);
  assert.equal((await asGateway(s, "GET", "/public/a")).statusCode, 200);
  const badLimit = await node.call("POST", "/v1/keys", { consumerId, rateLimit: { limit: 3, period: "0s" } });
  assert.equal(badLimit.status, 400);
});

test("a version in grace carries Deprecation (RFC 9745), Sunset (RFC 8594) and a Link to the rotation docs", async () => {
  const k = await node.call("POST", "/v1/keys", { consumerId });
  const rotated = await node.call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" });
  assert.equal(rotated.status, 201);
  const rotatedAt = Date.parse(rotated.body.key.versions[1].activatesAt);
  const old = await asGateway(k.body.secret, "GET", "/public/a");
  assert.equal(old.statusCode, 200);
  assert.equal(old.headers["x-keyroll-key-version"], "1");
  assert.equal(old.headers.deprecation, `@${Math.floor(rotatedAt / 1000)}`);
  assert.equal(old.headers.sunset, new Date(rotated.body.previous.expiresAt).toUTCString());
  assert.equal(old.headers.link, '<https://docs.example.com/rotation>; rel="deprecation"; type="text/html"');
  const fresh = await asGateway(rotated.body.secret, "GET", "/public/a");
  assert.equal(fresh.headers["x-keyroll-key-version"], "2");
  assert.equal(fresh.headers.deprecation, undefined);
});

test("POST /v1/verify answers RATE_LIMITED past a key's limit, the same through the route and the fast path", async () => {
  const k = await node.call("POST", "/v1/keys", { consumerId, rateLimit: { limit: 2, period: "1h" } });
  const secret = k.body.secret as string;
  const base = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  const fast = async () => {
    const r = await fetch(`${base}/v1/verify`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ key: secret }),
    });
    return { status: r.status, body: await r.text() };
  };
  const route = async () => {
    const r = await node.kr.app.inject({
      method: "POST",
      url: "/v1/verify",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      payload: JSON.stringify({ key: secret }),
    });
    return { status: r.statusCode, body: r.body };
  };
  const answers = [await fast(), await route(), await fast(), await route()];
  assert.deepEqual(
    answers.map((a) => JSON.parse(a.body).code),
    ["VALID", "VALID", "RATE_LIMITED", "RATE_LIMITED"],
  );
  assert.equal(answers[2]!.body, answers[3]!.body, "both paths send the same bytes");
  assert.equal(answers[0]!.body, answers[1]!.body);
  const limited = JSON.parse(answers[2]!.body);
  assert.equal(limited.valid, false);
  assert.equal(limited.keyId, k.body.key.id, "a limited answer is attributed to its key");
  const metrics = await node.kr.app.inject({ method: "GET", url: "/metrics" });
  assert.match(metrics.body, /keyroll_rate_limited_total [1-9]/);
  assert.match(metrics.body, /keyroll_rate_limit_backend_up\{mode="local"\} 1/);
  const ready = await node.kr.app.inject({ method: "GET", url: "/readyz" });
  assert.deepEqual(ready.json().rateLimit, { mode: "local", up: true, failure: "open" });
});

test("a bad policy file stops the start with every problem listed", async () => {
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "routes:\n  - match: get /x\n  - match: GET /y\n    scopes: oops\nunmatched: never\n");
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: join(dir, "bad.db"),
      KEYROLL_LOG_LEVEL: "silent",
      KEYROLL_GATEWAY_CONFIG: bad,
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    },
  });
  await assert.rejects(createKeyroll(config), (err: Error) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.problems.length, 3, err.message);
    return true;
  });
  const syntax = join(dir, "syntax.yaml");
  writeFileSync(syntax, "routes: [\n");
  const config2 = resolveConfig({
    env: { ...Object.fromEntries([]), KEYROLL_DATABASE: join(dir, "bad2.db"), KEYROLL_LOG_LEVEL: "silent" },
    flags: { gatewayConfig: syntax },
  });
  await assert.rejects(createKeyroll(config2), ConfigError);
});
