// `keyroll gateway` in process: a real listening gateway on the test node's SQLite file (it follows
// the change feed as a second process would), in front of the sample upstream.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ConfigError } from "../src/config/index.js";
import type { KeyrollGateway } from "../src/main.js";
import { ADMIN_KEY, startGatewayOver, startTestNode, type TestNode } from "./helpers.js";
import { freePort } from "./support/ports.js";
import { type Seen, startUpstream } from "./support/proxies.js";

let node: TestNode;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gw: KeyrollGateway;
let base = "";
let consumerId = "";

const gatewayConfig = (dir: string, name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const startGateway = (opts: { upstream: string; configFile?: string }) => startGatewayOver(node, opts);

async function newKey(body: Record<string, unknown> = {}) {
  const k = await node.call("POST", "/v1/keys", { consumerId, scopes: ["orders:read"], ...body });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { id: k.body.key.id as string, secret: k.body.secret as string };
}

async function send(
  url: string,
  opts: { key?: string; method?: string; headers?: Record<string, string>; body?: string } = {},
) {
  const r = await fetch(url, {
    method: opts.method ?? "GET",
    headers: { ...(opts.key !== undefined && { authorization: `Bearer ${opts.key}` }), ...opts.headers },
    ...(opts.body !== undefined && { body: opts.body }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: r.status, headers: r.headers, text: await r.text() };
}

before(async () => {
  node = await startTestNode();
  consumerId = (await node.call("POST", "/v1/consumers", { name: "acme" })).body.id;
  upstream = await startUpstream();
  const file = gatewayConfig(
    node.dir,
    "gateway.yaml",
    [
      "rotationDocs: https://docs.example.com/rotation",
      "routes:",
      "  - match: GET /orders/**",
      "    scopes: [orders:read]",
      "  - match: POST /orders",
      "    scopes: [orders:write]",
      "  - match: GET /search",
      "    name: search",
      "    rateLimit: { limit: 2, period: 1h }",
      "",
    ].join("\n"),
  );
  ({ gw, url: base } = await startGateway({ upstream: `${upstream.url}/api`, configFile: file }));
});
after(async () => {
  await gw?.close();
  await upstream?.close();
  await node?.close();
});

test("a valid key is forwarded without the key, with identity and X-Forwarded-* headers", async () => {
  const k = await newKey();
  const r = await send(`${base}/orders/9?x=1`, {
    key: k.secret,
    method: "GET",
    headers: { "x-keyroll-key-id": "key_forged", "x-forwarded-for": "203.0.113.9" },
  });
  assert.equal(r.status, 200, r.text);
  const seen = JSON.parse(r.text) as Seen;
  assert.equal(seen.url, "/api/orders/9?x=1", "the upstream's base path comes first");
  assert.equal(seen.headers.authorization, undefined);
  assert.equal(seen.headers["x-keyroll-key-id"], k.id);
  assert.equal(seen.headers["x-keyroll-consumer-id"], consumerId);
  assert.equal(seen.headers["x-keyroll-key-version"], "1");
  assert.equal(seen.headers["x-forwarded-for"], "203.0.113.9, 127.0.0.1");
  assert.equal(seen.headers["x-forwarded-proto"], "http");
  assert.equal(seen.headers["x-forwarded-host"], new URL(base).host);
  assert.equal(seen.headers.host, upstream.host);
  const posted = await send(`${base}/public`, { key: k.secret, method: "PUT", body: "hello" });
  assert.equal(
    (JSON.parse(posted.text) as Seen).bodyBytes,
    5,
    "an unmatched route lets any valid key through",
  );
});

test("refusals are problem+json: 401 none, bad, revoked or in the query string; 403 scope; 429 limit", async () => {
  const none = await send(`${base}/orders/1`);
  assert.equal(none.status, 401);
  assert.equal(none.headers.get("content-type"), "application/problem+json");
  assert.equal(JSON.parse(none.text).code, "KEY_MISSING");
  const k = await newKey();
  assert.equal(
    (await send(`${base}/orders/1?key=${k.secret}&api_key=${k.secret}`)).status,
    401,
    "never from a query string",
  );
  assert.equal(
    JSON.parse((await send(`${base}/orders/1`, { key: "kr_live_nope_nope_nope_nope_nope" })).text).code,
    "KEY_INVALID",
  );
  const revoked = await newKey();
  await node.call("POST", `/v1/keys/${revoked.id}/revoke`, {});
  await gw.verifier.sync();
  const rv = await send(`${base}/orders/1`, { key: revoked.secret });
  assert.equal(rv.status, 401);
  assert.match(JSON.parse(rv.text).detail, /REVOKED/);
  const scope = await send(`${base}/orders`, { key: k.secret, method: "POST", body: "{}" });
  assert.equal(scope.status, 403);
  assert.equal(JSON.parse(scope.text).code, "INSUFFICIENT_SCOPE");

  const limited = await newKey({ rateLimit: { limit: 2, period: "1h" } });
  const statuses: number[] = [];
  let last: Awaited<ReturnType<typeof send>> | undefined;
  for (let i = 0; i < 3; i++) {
    last = await send(`${base}/public`, { key: limited.secret });
    statuses.push(last.status);
  }
  assert.deepEqual(statuses, [200, 200, 429]);
  assert.equal(last!.headers.get("retry-after"), "1800");
  assert.equal(last!.headers.get("ratelimit-policy"), '"key";q=2;w=3600');
  assert.equal(JSON.parse(last!.text).code, "RATE_LIMITED");
  const search = [];
  for (let i = 0; i < 3; i++) search.push((await send(`${base}/search?q=1`, { key: k.secret })).status);
  assert.deepEqual(search, [200, 200, 429], "the rule's limit per key");
});

test("a version in grace gets Deprecation, Sunset and Link in the response", async () => {
  const k = await newKey();
  const rotated = await node.call("POST", `/v1/keys/${k.id}/rotate`, { gracePeriod: "1h" });
  await gw.verifier.sync();
  const r = await send(`${base}/orders/1`, { key: k.secret });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get("sunset"), new Date(rotated.body.previous.expiresAt).toUTCString());
  assert.equal(
    r.headers.get("deprecation"),
    `@${Math.floor(Date.parse(rotated.body.key.versions[1].activatesAt) / 1000)}`,
  );
  assert.equal(
    r.headers.get("link"),
    '<https://docs.example.com/rotation>; rel="deprecation"; type="text/html"',
  );
  const fresh = await send(`${base}/orders/1`, { key: rotated.body.secret });
  assert.equal(fresh.headers.get("sunset"), null);
  assert.equal((JSON.parse(fresh.text) as Seen).headers["x-keyroll-key-version"], "2");
});

test("an unreachable upstream is 502 and a silent one 504, never a hang", async () => {
  const k = await newKey();
  const closedPort = await freePort();
  const down = await startGateway({ upstream: `http://127.0.0.1:${closedPort}` });
  const silent = createServer(() => {
    // never answers
  });
  await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
  const file = gatewayConfig(node.dir, "slow.yaml", "upstreamTimeout: 300ms\n");
  const slow = await startGateway({
    upstream: `http://127.0.0.1:${(silent.address() as { port: number }).port}`,
    configFile: file,
  });
  try {
    const a = await send(`${down.url}/x`, { key: k.secret });
    assert.equal(a.status, 502);
    assert.equal(JSON.parse(a.text).code, "UPSTREAM_UNAVAILABLE");
    const t0 = Date.now();
    const b = await send(`${slow.url}/x`, { key: k.secret });
    assert.equal(b.status, 504);
    assert.equal(JSON.parse(b.text).code, "UPSTREAM_TIMEOUT");
    assert.ok(Date.now() - t0 < 10_000, "answered long before any client would give up");
  } finally {
    await down.gw.close();
    await slow.gw.close();
    silent.closeAllConnections();
    silent.close();
  }
});

test("the gateway answers /healthz, /readyz and /metrics itself and counts usage like a node", async () => {
  assert.equal((await send(`${base}/healthz`)).status, 200);
  const ready = await send(`${base}/readyz`);
  assert.equal(ready.status, 200);
  assert.deepEqual(JSON.parse(ready.text).rateLimit, { mode: "local", up: true, failure: "open" });
  const metrics = await send(`${base}/metrics`);
  assert.match(metrics.text, /keyroll_gateway_requests_total\{status="200",outcome="FORWARDED"\} [1-9]/);
  assert.match(metrics.text, /keyroll_gateway_requests_total\{status="401",outcome="KEY_MISSING"\} [1-9]/);
  assert.match(metrics.text, /keyroll_rate_limited_total [1-9]/);
  const k = await newKey();
  for (let i = 0; i < 3; i++) await send(`${base}/orders/1`, { key: k.secret });
  await gw.verifier.flush();
  const usage = await node.call("GET", `/v1/keys/${k.id}/usage`);
  assert.equal(usage.status, 200, JSON.stringify(usage.body));
  assert.match(JSON.stringify(usage.body), /"VALID":3|"valid":3|"count":3/, JSON.stringify(usage.body));
});

test("a bad gateway config stops the start with every problem at once", async () => {
  const file = gatewayConfig(
    node.dir,
    "bad.yaml",
    "upstream: ftp://x\nupstreamTimeout: forever\nkeyHeader: 'X API'\nroutes:\n  - match: GET nope\ncolour: blue\n",
  );
  await assert.rejects(
    startGateway({ upstream: undefined as unknown as string, configFile: file }),
    (err: Error) => {
      assert.ok(err instanceof ConfigError, String(err));
      assert.equal(err.problems.length, 5, err.message);
      return true;
    },
  );
});

test("the gateway beats in the store and answers /v1/node/revocations from its own verifier (admin keys only)", async () => {
  const k = await newKey();
  assert.equal((await send(`${base}/orders/1`, { key: k.secret })).status, 200);
  const nodes = await node.call("GET", "/v1/nodes");
  assert.equal(nodes.status, 200);
  const mine = nodes.body.data.find((n: { address: string }) => n.address === base);
  assert.ok(mine, JSON.stringify(nodes.body));
  assert.equal(mine.kind, "gateway");
  assert.equal(mine.live, true);
  const c = await node.call("POST", `/v1/keys/${k.id}/compromised`, { reason: "leaked" });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  const url = `${base}/v1/node/revocations?keyId=${k.id}&versions=1`;
  let answer: { status: number; text: string } | undefined;
  for (let i = 0; i < 100; i++) {
    answer = await send(url, { key: ADMIN_KEY });
    if (answer.status === 200 && JSON.parse(answer.text).versions[0].rejected) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const body = JSON.parse(answer!.text);
  assert.equal(body.kind, "gateway");
  assert.equal(body.nodeId, mine.id);
  assert.deepEqual(
    { ...body.versions[0], since: typeof body.versions[0].since },
    { version: 1, indexed: true, rejected: true, code: "REVOKED", since: "string" },
  );
  assert.equal((await send(`${base}/orders/1`, { key: k.secret })).status, 401);
  // answered by the gateway itself (kind above), and only for an admin key
  assert.equal((await send(url)).status, 401);
  assert.equal((await send(url, { key: c.body.secret })).status, 403);
  assert.equal(
    (await send(`${base}/v1/node/revocations?keyId=nope&versions=1`, { key: ADMIN_KEY })).status,
    400,
  );
});
