// Rate limits in redis mode: one limit across three real `keyroll serve` processes on one
// database, through a real redis-server; a Redis outage answered by the failure mode and shown in
// /readyz and /metrics. Runs the built bin (`npm run build`).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { type KeyrollProcess, spawnKeyroll } from "./support/keyroll-process.js";
import { type Child, needBinary, startRedis, startUpstream } from "./support/proxies.js";

const ADMIN = "redis_test_admin_key_0123456789abcdefghijklmnop";
const skip = needBinary("redis-server", "redis-server");

async function call(base: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await r.text();
  // biome-ignore lint/suspicious/noExplicitAny: read field by field in assertions
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: r.status, body: parsed };
}

describe("redis mode", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-rl-redis-"));
  const database = join(dir, "keyroll.db");
  let redis: Child;
  const nodes: KeyrollProcess[] = [];
  let closedNode: KeyrollProcess;
  // a `keyroll gateway` on the same database and Redis, failing closed
  let gateway: KeyrollProcess;
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let consumerId = "";

  before(async () => {
    redis = await startRedis(dir);
    const env = {
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN,
      KEYROLL_LOG_LEVEL: "warn",
      KEYROLL_RATE_LIMIT_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      KEYROLL_USAGE_FLUSH_INTERVAL: "200ms",
    };
    // generous: four node processes start on a machine that may be busy
    const readyMs = 60_000;
    nodes.push(await spawnKeyroll({ database, env, readyMs }));
    consumerId = (await call(nodes[0]!.url, "POST", "/v1/consumers", { name: "acme" })).body.id;
    const [b, c, d] = await Promise.all([
      spawnKeyroll({ database, env, readyMs }),
      spawnKeyroll({ database, env, readyMs }),
      spawnKeyroll({ database, env: { ...env, KEYROLL_RATE_LIMIT_FAILURE: "closed" }, readyMs }),
    ]);
    nodes.push(b, c);
    closedNode = d;
    upstream = await startUpstream();
    gateway = await spawnKeyroll({
      command: "gateway",
      args: ["--upstream", upstream.url],
      database,
      env: { ...env, KEYROLL_RATE_LIMIT_FAILURE: "closed", KEYROLL_POLL_INTERVAL: "50ms" },
      readyMs,
    });
  });
  after(async () => {
    await Promise.all([...nodes, closedNode, gateway].filter(Boolean).map((n) => n.stop("SIGKILL")));
    await upstream?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("three nodes share one limit: total accepted within 5 % of it", async () => {
    const limit = 300;
    const k = await call(nodes[0]!.url, "POST", "/v1/keys", {
      consumerId,
      rateLimit: { limit, period: "1h" },
    });
    assert.equal(k.status, 201);
    const secret = k.body.secret as string;
    // every node has the key in its index before the load starts (they follow the feed by polling)
    for (const n of nodes) {
      for (let i = 0; i < 100; i++) {
        const r = await call(n.url, "POST", "/v1/verify", { key: "kr_live_warmup_warmup_warmup_warm" });
        if (r.status === 200) break;
      }
    }
    const codes = new Map<string, number>();
    const perNode = 400;
    await Promise.all(
      nodes.map(async (n) => {
        // 8 concurrent clients per node
        let left = perNode;
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            while (left-- > 0) {
              const r = await call(n.url, "POST", "/v1/verify", { key: secret });
              assert.equal(r.status, 200, JSON.stringify(r.body));
              codes.set(r.body.code, (codes.get(r.body.code) ?? 0) + 1);
            }
          }),
        );
      }),
    );
    const valid = codes.get("VALID") ?? 0;
    assert.equal(valid + (codes.get("RATE_LIMITED") ?? 0), 3 * perNode, JSON.stringify([...codes]));
    // the key may have been read by a node before its first poll caught it: still counted per bucket
    assert.ok(Math.abs(valid - limit) <= limit * 0.05, `accepted ${valid} of ${3 * perNode}, limit ${limit}`);
    process.stdout.write(`# redis mode: 3 nodes x ${perNode} requests, limit ${limit}: ${valid} accepted\n`);
    // usage, summed over the three nodes' flushes, counts each refused request as RATE_LIMITED
    // (the limit is decided on Redis, after the verifier's answer: the async path)
    let totals: Record<string, number> = {};
    for (let i = 0; i < 150; i++) {
      const u = await call(nodes[0]!.url, "GET", `/v1/keys/${k.body.key.id}/usage`);
      totals = u.body.versions.find((v: { version: number }) => v.version === 1)?.totals ?? {};
      if ((totals.VALID ?? 0) + (totals.RATE_LIMITED ?? 0) >= 3 * perNode) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(totals, { VALID: valid, RATE_LIMITED: 3 * perNode - valid });
  });

  test("a gateway and a node share one limit; usage counts the refused requests as RATE_LIMITED", async () => {
    const limit = 20;
    const k = await call(nodes[0]!.url, "POST", "/v1/keys", {
      consumerId,
      rateLimit: { limit, period: "1h" },
    });
    assert.equal(k.status, 201);
    const secret = k.body.secret as string;
    const statuses: number[] = [];
    const codes: string[] = [];
    for (let i = 0; i < 30; i++) {
      const r = await fetch(`${gateway.url}/items/${i}`, { headers: { authorization: `Bearer ${secret}` } });
      await r.arrayBuffer();
      statuses.push(r.status);
      codes.push((await call(nodes[1]!.url, "POST", "/v1/verify", { key: secret })).body.code);
    }
    const passed = statuses.filter((s) => s === 200).length + codes.filter((c) => c === "VALID").length;
    assert.equal(passed, limit, `gateway ${statuses.join(",")}; node ${codes.join(",")}`);
    assert.ok(
      statuses.every((s) => s === 200 || s === 429),
      statuses.join(","),
    );
    let totals: Record<string, number> = {};
    for (let i = 0; i < 150; i++) {
      const u = await call(nodes[0]!.url, "GET", `/v1/keys/${k.body.key.id}/usage`);
      totals = u.body.versions.find((v: { version: number }) => v.version === 1)?.totals ?? {};
      if ((totals.VALID ?? 0) + (totals.RATE_LIMITED ?? 0) >= 60) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(totals, { VALID: limit, RATE_LIMITED: 60 - limit });
  });

  test("a Redis outage: open lets limited keys through, closed answers 503; both visible", async () => {
    const k = await call(nodes[0]!.url, "POST", "/v1/keys", {
      consumerId,
      rateLimit: { limit: 1, period: "1h" },
    });
    const secret = k.body.secret as string;
    const open = nodes[0]!.url;
    const closed = closedNode.url;
    const ready = await call(closed, "GET", "/readyz");
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body.rateLimit, { mode: "redis", up: true, failure: "closed" });
    await redis.stop();
    // both nodes notice the connection is gone
    for (let i = 0; i < 100; i++) {
      const [a, b] = await Promise.all([call(open, "GET", "/readyz"), call(closed, "GET", "/readyz")]);
      if (a.body.rateLimit.up === false && b.body.rateLimit.up === false) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const openReady = await call(open, "GET", "/readyz");
    assert.equal(openReady.status, 200, "failing open keeps the node ready");
    assert.deepEqual(openReady.body.rateLimit, { mode: "redis", up: false, failure: "open" });
    const closedReady = await call(closed, "GET", "/readyz");
    assert.equal(closedReady.status, 503, "failing closed drains the node");
    assert.equal(closedReady.body.status, "rate-limit-unavailable");

    for (let i = 0; i < 3; i++) {
      const r = await call(open, "POST", "/v1/verify", { key: secret });
      assert.equal(r.body.code, "VALID", "fail open: the limit is not applied while Redis is away");
    }
    const refused = await call(closed, "POST", "/v1/verify", { key: secret });
    assert.equal(refused.status, 503);
    assert.equal(refused.body.code, "RATE_LIMIT_UNAVAILABLE");
    // the gateway, failing closed too: 503 problem+json for a limited key, and not ready
    const viaGateway = await fetch(`${gateway.url}/items/1`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(viaGateway.status, 503);
    assert.equal(viaGateway.headers.get("content-type"), "application/problem+json");
    assert.equal(((await viaGateway.json()) as { code: string }).code, "RATE_LIMIT_UNAVAILABLE");
    for (let i = 0; i < 100; i++) {
      if ((await fetch(`${gateway.url}/readyz`).then((r) => r.arrayBuffer().then(() => r.status))) === 503)
        break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal((await fetch(`${gateway.url}/readyz`)).status, 503, "a gateway failing closed drains too");
    const unlimited = (await call(closed, "POST", "/v1/keys", { consumerId })).body.secret as string;
    for (let i = 0; i < 50; i++) {
      // the closed node reads the new key from the feed by polling
      const r = await call(closed, "POST", "/v1/verify", { key: unlimited });
      if (r.body.code === "VALID") break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(
      (await call(closed, "POST", "/v1/verify", { key: unlimited })).body.code,
      "VALID",
      "a key without a limit never needs Redis",
    );
    const metrics = await fetch(`${open}/metrics`).then((r) => r.text());
    assert.match(metrics, /keyroll_rate_limit_backend_up\{mode="redis"\} 0/);
    assert.match(metrics, /keyroll_rate_limit_backend_errors_total [1-9]/);
  });
});
