// A request refused by a rate limit is counted as RATE_LIMITED in per-version usage, not VALID, on
// every path that applies limits: POST /v1/verify (the Fastify route and the fast path),
// GET /v1/authorize, and `keyroll gateway`. Each path gets its own key with a limit of 2 per hour
// and four requests: usage must show VALID 2 and RATE_LIMITED 2 for that key's version.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { KeyrollGateway } from "../src/main.js";
import {
  ADMIN_KEY,
  adminKeyOf,
  startGatewayOver,
  startTestNode,
  type TestNode,
  versionOneTotals,
} from "./helpers.js";
import { startUpstream } from "./support/proxies.js";

let node: TestNode;
let consumerId = "";
let gatewayKey = "";
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gw: KeyrollGateway;
let gwUrl = "";
let nodeUrl = "";

before(async () => {
  const policy = join(mkdtempSync(join(tmpdir(), "keyroll-usage-rl-")), "gateway.yaml");
  writeFileSync(
    policy,
    "routes:\n  - match: GET /search\n    name: search\n    rateLimit: { limit: 2, period: 1h }\n",
  );
  node = await startTestNode({ env: { KEYROLL_GATEWAY_CONFIG: policy } });
  nodeUrl = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  consumerId = (await node.call("POST", "/v1/consumers", { name: "acme" })).body.id;
  gatewayKey = await adminKeyOf(node, ["verify"]);
  upstream = await startUpstream();
  ({ gw, url: gwUrl } = await startGatewayOver(node, { upstream: upstream.url, configFile: policy }));
});
after(async () => {
  await gw?.close();
  await upstream?.close();
  await node?.close();
});

async function limitedKey(rateLimit: { limit: number; period: string } | null = { limit: 2, period: "1h" }) {
  const k = await node.call("POST", "/v1/keys", { consumerId, ...(rateLimit && { rateLimit }) });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { id: k.body.key.id as string, secret: k.body.secret as string };
}

const totalsOf = (keyId: string, flush: () => Promise<void>) => versionOneTotals(node, keyId, flush);

const verifyRoute = (secret: string) =>
  node.kr.app.inject({
    method: "POST",
    url: "/v1/verify",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    payload: JSON.stringify({ key: secret }),
  });
const verifyFast = async (secret: string) => {
  const r = await fetch(`${nodeUrl}/v1/verify`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ key: secret }),
  });
  return (await r.json()) as { code: string };
};

test("POST /v1/verify: rate-limited answers count as RATE_LIMITED, on the route and the fast path", async () => {
  const metricOf = async () => {
    const m = await node.kr.app.inject({ method: "GET", url: "/metrics" });
    return Number(/keyroll_verifications_total\{outcome="RATE_LIMITED"\} (\d+)/.exec(m.body)?.[1] ?? 0);
  };
  const before = await metricOf();
  const k = await limitedKey();
  const codes: string[] = [];
  for (let i = 0; i < 2; i++) {
    codes.push((await verifyFast(k.secret)).code);
    codes.push((await verifyRoute(k.secret)).json().code);
  }
  assert.deepEqual(codes, ["VALID", "VALID", "RATE_LIMITED", "RATE_LIMITED"]);
  assert.deepEqual(await totalsOf(k.id, () => node.kr.verifier.flush()), { VALID: 2, RATE_LIMITED: 2 });
  assert.equal((await metricOf()) - before, 2, "keyroll_verifications_total counts them as RATE_LIMITED");
});

test("GET /v1/authorize: a 429 counts as RATE_LIMITED, by the key's own limit and by a rule's", async () => {
  const ask = (secret: string, uri: string) =>
    node.kr.app.inject({
      method: "GET",
      url: "/v1/authorize",
      headers: {
        "x-keyroll-gateway-key": gatewayKey,
        "x-original-method": "GET",
        "x-original-uri": uri,
        authorization: `Bearer ${secret}`,
      },
    });
  const own = await limitedKey();
  const byKey: number[] = [];
  for (let i = 0; i < 4; i++) byKey.push((await ask(own.secret, "/public")).statusCode);
  assert.deepEqual(byKey, [200, 200, 429, 429]);
  assert.deepEqual(await totalsOf(own.id, () => node.kr.verifier.flush()), { VALID: 2, RATE_LIMITED: 2 });

  const plain = await limitedKey(null);
  const byRule: number[] = [];
  for (let i = 0; i < 3; i++) byRule.push((await ask(plain.secret, "/search")).statusCode);
  assert.deepEqual(byRule, [200, 200, 429]);
  assert.deepEqual(await totalsOf(plain.id, () => node.kr.verifier.flush()), { VALID: 2, RATE_LIMITED: 1 });
});

test("keyroll gateway: a 429 counts as RATE_LIMITED, by the key's own limit and by a rule's", async () => {
  const send = async (secret: string, path: string) => {
    const r = await fetch(`${gwUrl}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    await r.arrayBuffer();
    return r.status;
  };
  const own = await limitedKey();
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push(await send(own.secret, "/public"));
  assert.deepEqual(statuses, [200, 200, 429, 429]);
  assert.deepEqual(await totalsOf(own.id, () => gw.verifier.flush()), { VALID: 2, RATE_LIMITED: 2 });

  const plain = await limitedKey(null);
  const byRule: number[] = [];
  for (let i = 0; i < 3; i++) byRule.push(await send(plain.secret, "/search"));
  assert.deepEqual(byRule, [200, 200, 429]);
  assert.deepEqual(await totalsOf(plain.id, () => gw.verifier.flush()), { VALID: 2, RATE_LIMITED: 1 });
  const metrics = await (await fetch(`${gwUrl}/metrics`)).text();
  assert.match(metrics, /keyroll_gateway_requests_total\{status="429",outcome="RATE_LIMITED"\} 3/);
});
