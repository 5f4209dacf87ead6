// The nginx auth_request and Caddy forward_auth configurations of docs/gateways.md, run as
// written (ports and gateway key substituted) by real nginx and real Caddy in front of a sample
// upstream, asking a real Keyroll node's GET /v1/authorize.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { adminKeyOf, startTestNode, type TestNode } from "./helpers.js";
import { freePort } from "./support/ports.js";
import {
  type Child,
  documentedConfig,
  needBinary,
  type Seen,
  startCaddy,
  startNginx,
  startRedis,
  startUpstream,
  substitute,
} from "./support/proxies.js";
import { rotateEveryKeyUnderLoad } from "./support/rotation-load.js";

const dir = mkdtempSync(join(tmpdir(), "keyroll-proxies-"));
const policyFile = join(dir, "gateway.yaml");
writeFileSync(
  policyFile,
  [
    "rotationDocs: https://docs.example.com/rotation",
    "routes:",
    "  - match: GET /orders/**",
    "    scopes: [orders:read]",
    "  - match: POST /orders",
    "    scopes: [orders:write]",
    "",
  ].join("\n"),
);

let node: TestNode;
let keyroll = "";
let gatewayKey = "";
let consumerId = "";
let upstream: Awaited<ReturnType<typeof startUpstream>>;

async function newKey(body: Record<string, unknown> = {}) {
  const k = await node.call("POST", "/v1/keys", { consumerId, scopes: ["orders:read"], ...body });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { id: k.body.key.id as string, secret: k.body.secret as string };
}

before(async () => {
  node = await startTestNode({ env: { KEYROLL_GATEWAY_CONFIG: policyFile } });
  const base = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  keyroll = base.replace("http://", "");
  consumerId = (await node.call("POST", "/v1/consumers", { name: "acme" })).body.id;
  gatewayKey = await adminKeyOf(node, ["verify"]);
  upstream = await startUpstream();
});
after(async () => {
  await upstream?.close();
  await node?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function get(
  url: string,
  opts: { key?: string; method?: string; headers?: Record<string, string> } = {},
) {
  const r = await fetch(url, {
    method: opts.method ?? "GET",
    headers: { ...(opts.key !== undefined && { authorization: `Bearer ${opts.key}` }), ...opts.headers },
    signal: AbortSignal.timeout(15_000),
  });
  const text = await r.text();
  return { status: r.status, headers: r.headers, text };
}

const PROXIES = {
  nginx: {
    skip: () => needBinary("nginx", "nginx"),
    start: (to: { keyroll: string; upstream: string; gatewayKey: string }) =>
      startNginx(dir, (listen) => substitute(documentedConfig("nginx"), { ...to, listen })),
  },
  caddy: {
    skip: () => needBinary("caddy", "caddy"),
    start: (to: { keyroll: string; upstream: string; gatewayKey: string }) =>
      startCaddy(dir, (listen) => substitute(documentedConfig("caddy"), { ...to, listen })),
  },
} as const;

for (const [name, proxy] of Object.entries(PROXIES)) {
  const skip = proxy.skip();
  describe(`${name} with the documented configuration`, { skip }, () => {
    let p: Child;
    before(async () => {
      p = await proxy.start({ keyroll, upstream: upstream.host, gatewayKey });
    });
    after(() => p?.stop());

    test("a valid key passes with identity headers; the key and forged identity headers never reach the API", async () => {
      const k = await newKey();
      const r = await get(`${p.url}/orders/7?x=1`, {
        key: k.secret,
        headers: { "x-keyroll-key-id": "key_forged" },
      });
      assert.equal(r.status, 200, `${r.text}\n${p.log()}`);
      const seen = JSON.parse(r.text) as Seen;
      assert.equal(seen.url, "/orders/7?x=1");
      assert.equal(seen.headers["x-keyroll-key-id"], k.id);
      assert.equal(seen.headers["x-keyroll-consumer-id"], consumerId);
      assert.equal(seen.headers["x-keyroll-key-version"], "1");
      assert.ok(!seen.headers.authorization, "the key is stripped");
      assert.equal(r.headers.get("deprecation"), null);
      assert.equal(r.headers.get("sunset"), null);
    });

    test("no key, a bad key and a revoked key are 401; a missing scope is 403; all problem+json", async () => {
      /** A refusal as Keyroll itself sends it: status, problem+json content type and the body's code. */
      const refused = (r: Awaited<ReturnType<typeof get>>, status: number, code: string) => {
        assert.equal(r.status, status, `${r.text}\n${p.log()}`);
        assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/, r.text);
        const body = JSON.parse(r.text);
        assert.equal(body.code, code, r.text);
        assert.equal(body.status, status);
        assert.equal(body.type, `urn:keyroll:error:${code}`);
        assert.equal(r.headers.get("x-keyroll-problem"), null, "the header copy is for the gateway only");
      };
      const none = await get(`${p.url}/orders/1`);
      refused(none, 401, "KEY_MISSING");
      assert.equal(none.headers.get("www-authenticate"), 'Bearer realm="api"');
      const bad = await get(`${p.url}/orders/1`, { key: "kr_live_bogus_bogus_bogus_bogus_bogus" });
      refused(bad, 401, "KEY_INVALID");
      assert.equal(bad.headers.get("www-authenticate"), 'Bearer realm="api", error="invalid_token"');
      const revoked = await newKey();
      await node.call("POST", `/v1/keys/${revoked.id}/revoke`, {});
      const gone = await get(`${p.url}/orders/1`, { key: revoked.secret });
      refused(gone, 401, "KEY_INVALID");
      assert.match(JSON.parse(gone.text).detail, /REVOKED/);
      const reader = await newKey();
      const write = await get(`${p.url}/orders`, { key: reader.secret, method: "POST" });
      refused(write, 403, "INSUFFICIENT_SCOPE");
      assert.equal(write.headers.get("www-authenticate"), null);
    });

    test("429 with Retry-After past the key's limit", async () => {
      const k = await newKey({ rateLimit: { limit: 3, period: "1h" } });
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof get>> | undefined;
      for (let i = 0; i < 4; i++) {
        last = await get(`${p.url}/orders/1`, { key: k.secret });
        statuses.push(last.status);
        if (i === 0) {
          assert.equal(
            last.headers.get("ratelimit"),
            '"key";r=2;t=1200',
            "a passing request says what is left",
          );
          assert.equal(last.headers.get("ratelimit-policy"), '"key";q=3;w=3600');
        }
      }
      assert.deepEqual(statuses, [200, 200, 200, 429], p.log());
      assert.equal(last!.headers.get("retry-after"), "1200");
      assert.equal(last!.headers.get("ratelimit"), '"key";r=0;t=3600');
      assert.match(last!.headers.get("content-type") ?? "", /^application\/problem\+json/);
      assert.equal(JSON.parse(last!.text).code, "RATE_LIMITED");
      assert.equal(JSON.parse(last!.text).status, 429);
    });

    test("a version in grace gets Sunset, Deprecation and Link; its successor does not", async () => {
      const k = await newKey();
      const rotated = await node.call("POST", `/v1/keys/${k.id}/rotate`, { gracePeriod: "1h" });
      const old = await get(`${p.url}/orders/1`, { key: k.secret });
      assert.equal(old.status, 200);
      assert.equal(old.headers.get("sunset"), new Date(rotated.body.previous.expiresAt).toUTCString());
      const at = Date.parse(rotated.body.key.versions[1].activatesAt);
      assert.equal(old.headers.get("deprecation"), `@${Math.floor(at / 1000)}`);
      assert.equal(
        old.headers.get("link"),
        '<https://docs.example.com/rotation>; rel="deprecation"; type="text/html"',
      );
      assert.equal((JSON.parse(old.text) as Seen).headers["x-keyroll-key-version"], "1");
      const fresh = await get(`${p.url}/orders/1`, { key: rotated.body.secret });
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers.get("sunset"), null);
      assert.equal(fresh.headers.get("deprecation"), null);
    });

    test("zero failed requests while every key is rotated under steady load", async () => {
      const keys = await Promise.all([1, 2, 3, 4].map(() => newKey()));
      const { ok } = await rotateEveryKeyUnderLoad({
        keys,
        send: (secret, i) => get(`${p.url}/orders/${i}`, { key: secret }),
        async rotate(keyId) {
          const rotated = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "10m" });
          assert.equal(rotated.status, 201);
          return rotated.body.secret as string;
        },
        async revokeOld(keyId) {
          assert.equal((await node.call("POST", `/v1/keys/${keyId}/versions/1/revoke`, {})).status, 200);
        },
      });
      process.stdout.write(`# ${name}: ${ok} requests while 4 keys rotated, 0 failed\n`);
    });
  });
}

describe("nginx with the documented configuration, Keyroll not answering", {
  skip: needBinary("nginx", "nginx"),
}, () => {
  test("502 problem+json, not nginx's page, when the key service cannot be reached", async () => {
    const dead = await freePort();
    const p = await startNginx(dir, (listen) =>
      substitute(documentedConfig("nginx"), {
        keyroll: `127.0.0.1:${dead}`,
        upstream: upstream.host,
        gatewayKey,
        listen,
      }),
    );
    try {
      const r = await get(`${p.url}/orders/1`, { key: "kr_live_whatever_whatever_whatever" });
      assert.equal(r.status, 502, `${r.text}\n${p.log()}`);
      assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/);
      assert.equal(JSON.parse(r.text).code, "INTERNAL");
    } finally {
      await p.stop();
    }
  });
});

describe("nginx with the documented configuration, Redis failing closed", {
  skip: needBinary("nginx", "nginx") ?? needBinary("redis-server", "redis-server"),
}, () => {
  test("503 RATE_LIMIT_UNAVAILABLE problem+json through nginx while Redis is down", async () => {
    const redis = await startRedis(dir);
    let closed: TestNode | undefined;
    let p: Child | undefined;
    try {
      closed = await startTestNode({
        env: {
          KEYROLL_GATEWAY_CONFIG: policyFile,
          KEYROLL_RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
          KEYROLL_RATE_LIMIT_FAILURE: "closed",
        },
      });
      const base = await closed.kr.app.listen({ host: "127.0.0.1", port: 0 });
      // the Redis client connects in the background: until it is up, failing closed answers 503
      const ready = Date.now() + 30_000;
      while ((await closed.call("GET", "/readyz")).body.rateLimit?.up !== true) {
        assert.ok(Date.now() < ready, "the node never reached Redis");
        await new Promise((ok) => setTimeout(ok, 50));
      }
      const cid = (await closed.call("POST", "/v1/consumers", { name: "acme" })).body.id;
      const admins = await closed.call("GET", "/v1/consumers");
      const adminConsumer = admins.body.data.find((x: { name: string }) => x.name === "keyroll-admin").id;
      const gwKey = (await closed.call("POST", "/v1/keys", { consumerId: adminConsumer, scopes: ["verify"] }))
        .body.secret as string;
      const mk = async (body: Record<string, unknown>) => {
        const k = await closed!.call("POST", "/v1/keys", {
          consumerId: cid,
          scopes: ["orders:read"],
          ...body,
        });
        assert.equal(k.status, 201, JSON.stringify(k.body));
        return k.body.secret as string;
      };
      const limited = await mk({ rateLimit: { limit: 100, period: "1h" } });
      const unlimited = await mk({});
      const nginx = await startNginx(dir, (listen) =>
        substitute(documentedConfig("nginx"), {
          keyroll: base.replace("http://", ""),
          upstream: upstream.host,
          gatewayKey: gwKey,
          listen,
        }),
      );
      p = nginx;
      const up = await get(`${nginx.url}/orders/1`, { key: limited });
      assert.equal(up.status, 200, `${up.text}\n${nginx.log()}`);
      assert.equal(up.headers.get("ratelimit-policy"), '"key";q=100;w=3600', "the limit is taken on Redis");

      await redis.stop();
      // the Redis client notices the closed connection; from then on every take fails at once
      let r = await get(`${nginx.url}/orders/1`, { key: limited });
      const deadline = Date.now() + 15_000;
      while (r.status === 200 && Date.now() < deadline) {
        await new Promise((ok) => setTimeout(ok, 50));
        r = await get(`${nginx.url}/orders/1`, { key: limited });
      }
      assert.equal(r.status, 503, `${r.text}\n${nginx.log()}`);
      assert.match(r.headers.get("content-type") ?? "", /^application\/problem\+json/, r.text);
      const body = JSON.parse(r.text);
      assert.equal(body.code, "RATE_LIMIT_UNAVAILABLE", r.text);
      assert.equal(body.status, 503);
      assert.equal(body.type, "urn:keyroll:error:RATE_LIMIT_UNAVAILABLE");
      assert.equal(r.headers.get("x-keyroll-problem"), null, "the header copy is for the gateway only");
      assert.equal(r.headers.get("ratelimit"), null, "no limit was decided");
      // Keyroll's own answer, as nginx passed it on: the same body
      const direct = await closed.kr.app.inject({
        method: "GET",
        url: "/v1/authorize",
        headers: {
          "x-keyroll-gateway-key": gwKey,
          "x-original-method": "GET",
          "x-original-uri": "/orders/1",
          authorization: `Bearer ${limited}`,
        },
      });
      assert.equal(direct.statusCode, 503);
      assert.equal(direct.json().detail, body.detail);
      // a key without a limit never needs Redis: it still passes
      const free = await get(`${nginx.url}/orders/1`, { key: unlimited });
      assert.equal(free.status, 200, free.text);
    } finally {
      await p?.stop();
      await closed?.close();
      await redis.stop();
    }
  });
});
