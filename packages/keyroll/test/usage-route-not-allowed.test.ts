// A request that no route rule allows (`unmatched: deny`, 403 ROUTE_NOT_ALLOWED) is counted as
// ROUTE_NOT_ALLOWED in per-version usage, not VALID, on both paths that apply route rules:
// GET /v1/authorize and `keyroll gateway`. It takes no rate-limit token, and a key that is not
// valid is still answered (and counted) by its own outcome first.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { KeyrollGateway } from "../src/main.js";
import { adminKeyOf, startGatewayOver, startTestNode, type TestNode, versionOneTotals } from "./helpers.js";
import { startUpstream } from "./support/proxies.js";

let node: TestNode;
let consumerId = "";
let gatewayKey = "";
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gw: KeyrollGateway;
let gwUrl = "";

before(async () => {
  const policy = join(mkdtempSync(join(tmpdir(), "keyroll-usage-rna-")), "gateway.yaml");
  writeFileSync(policy, "unmatched: deny\nroutes:\n  - match: GET /items/**\n    scopes: [items:read]\n");
  node = await startTestNode({ env: { KEYROLL_GATEWAY_CONFIG: policy } });
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

/** A key with `items:read` and a limit of 3 per hour: a denied request must not use a token. */
async function newKey() {
  const k = await node.call("POST", "/v1/keys", {
    consumerId,
    scopes: ["items:read"],
    rateLimit: { limit: 3, period: "1h" },
  });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { id: k.body.key.id as string, secret: k.body.secret as string };
}

const totalsOf = (keyId: string, flush: () => Promise<void>) => versionOneTotals(node, keyId, flush);

test("GET /v1/authorize: a 403 ROUTE_NOT_ALLOWED counts as ROUTE_NOT_ALLOWED and takes no token", async () => {
  const ask = async (secret: string, uri: string) => {
    const r = await node.kr.app.inject({
      method: "GET",
      url: "/v1/authorize",
      headers: {
        "x-keyroll-gateway-key": gatewayKey,
        "x-original-method": "GET",
        "x-original-uri": uri,
        authorization: `Bearer ${secret}`,
      },
    });
    return `${r.statusCode} ${r.json().code}`;
  };
  const k = await newKey();
  const answers: string[] = [];
  for (const uri of ["/admin", "/items/1", "/admin/x", "/items/2", "/items/3", "/items/4"])
    answers.push(await ask(k.secret, uri));
  assert.deepEqual(answers, [
    "403 ROUTE_NOT_ALLOWED",
    "200 VALID",
    "403 ROUTE_NOT_ALLOWED",
    "200 VALID",
    "200 VALID",
    "429 RATE_LIMITED",
  ]);
  assert.deepEqual(await totalsOf(k.id, () => node.kr.verifier.flush()), {
    VALID: 3,
    ROUTE_NOT_ALLOWED: 2,
    RATE_LIMITED: 1,
  });

  // a revoked key on a route no rule allows: 401, counted as REVOKED, not ROUTE_NOT_ALLOWED
  const r = await newKey();
  assert.equal((await node.call("POST", `/v1/keys/${r.id}/revoke`, {})).status, 200);
  assert.equal(await ask(r.secret, "/admin"), "401 KEY_INVALID");
  assert.deepEqual(await totalsOf(r.id, () => node.kr.verifier.flush()), { REVOKED: 1 });
});

test("keyroll gateway: a 403 ROUTE_NOT_ALLOWED counts as ROUTE_NOT_ALLOWED and takes no token", async () => {
  const send = async (secret: string, path: string) => {
    const r = await fetch(`${gwUrl}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    const body = await r.text();
    return r.status === 200 ? "200" : `${r.status} ${JSON.parse(body).code}`;
  };
  const k = await newKey();
  const answers: string[] = [];
  for (const path of ["/admin", "/items/1", "/admin/x", "/items/2", "/items/3", "/items/4"])
    answers.push(await send(k.secret, path));
  assert.deepEqual(answers, [
    "403 ROUTE_NOT_ALLOWED",
    "200",
    "403 ROUTE_NOT_ALLOWED",
    "200",
    "200",
    "429 RATE_LIMITED",
  ]);
  assert.deepEqual(await totalsOf(k.id, () => gw.verifier.flush()), {
    VALID: 3,
    ROUTE_NOT_ALLOWED: 2,
    RATE_LIMITED: 1,
  });

  const r = await newKey();
  assert.equal((await node.call("POST", `/v1/keys/${r.id}/revoke`, {})).status, 200);
  // the gateway learns of the revocation from the feed
  const deadline = Date.now() + 10_000;
  let answer = "";
  while (Date.now() < deadline) {
    answer = await send(r.secret, "/admin");
    if (answer !== "403 ROUTE_NOT_ALLOWED") break;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  assert.equal(answer, "401 KEY_INVALID");
  const t = await totalsOf(r.id, () => gw.verifier.flush());
  assert.equal(t.REVOKED, 1);
  assert.equal(t.VALID, undefined, "a denied request is never counted VALID");

  const metrics = await (await fetch(`${gwUrl}/metrics`)).text();
  assert.match(metrics, /keyroll_gateway_requests_total\{status="403",outcome="ROUTE_NOT_ALLOWED"\} (\d+)/);
  const n = Number(
    /keyroll_gateway_requests_total\{status="403",outcome="ROUTE_NOT_ALLOWED"\} (\d+)/.exec(metrics)![1],
  );
  assert.equal(n, 2 + (t.ROUTE_NOT_ALLOWED ?? 0));
});
