// Bad input gets a clear 4xx problem+json (never a 5xx) and changes nothing.
import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import Database from "better-sqlite3";
import { checksum } from "../src/core/secret.js";
import { ADMIN_KEY, startTestNode, type TestNode } from "./helpers.js";

type Res = Awaited<ReturnType<TestNode["call"]>>;

let node: TestNode;
let consumerId: string;
let adminConsumerId: string;
let keyId: string;
let secret: string;
let acmeKeyId: string;
let acmeSecret: string;

const JSON_HEADERS = { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" };

/** `app.inject` with a raw payload (no JSON encoding by the helper). */
async function raw(opts: {
  method: string;
  url: string;
  payload?: string | Buffer;
  headers?: Record<string, string>;
}): Promise<Res> {
  const res = await node.kr.app.inject({
    method: opts.method as "POST",
    url: opts.url,
    headers: opts.headers ?? JSON_HEADERS,
    ...(opts.payload !== undefined && { payload: opts.payload }),
  });
  let body: unknown = res.body;
  try {
    body = JSON.parse(res.body);
  } catch {
    // not JSON: keep the text, the assertion says what was expected
  }
  return { status: res.statusCode, body, headers: res.headers };
}

/** A 4xx application/problem+json with the registry's fields. */
function assertProblem(res: Res, status: number | "4xx", code?: string | readonly string[]): void {
  const what = `${res.status} ${JSON.stringify(res.body)}`;
  if (status === "4xx") assert.ok(res.status >= 400 && res.status < 500, `expected a 4xx, got ${what}`);
  else assert.equal(res.status, status, what);
  assert.match(String(res.headers["content-type"]), /^application\/problem\+json/, what);
  const b = res.body as Record<string, unknown>;
  assert.equal(typeof b, "object", what);
  assert.match(String(b.code), /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/, `code is UPPER_SNAKE: ${what}`);
  assert.equal(b.status, res.status, what);
  assert.equal(typeof b.title, "string", what);
  assert.ok((b.title as string).length > 0, what);
  assert.equal(typeof b.detail, "string", what);
  assert.ok((b.detail as string).length > 0, what);
  if (code !== undefined) {
    const codes = typeof code === "string" ? [code] : code;
    assert.ok(codes.includes(b.code as string), `expected code ${codes.join("|")}, got ${what}`);
  }
  // no internals leak to a client
  assert.doesNotMatch(JSON.stringify(b), /\bat .+\.(ts|js):\d+|node_modules|sqlite|kysely/i, what);
}

/** Everything a client or an operator could see change: lists, versions, the change feed, the audit log. */
async function snapshot(): Promise<unknown> {
  const consumers = await node.call("GET", "/v1/consumers?limit=200");
  const keys = await node.call("GET", "/v1/keys?limit=200");
  assert.equal(consumers.status, 200);
  assert.equal(keys.status, 200);
  const db = new Database(join(node.dir, "keyroll.db"), { readonly: true, fileMustExist: true });
  try {
    const counts = db
      .prepare(
        `select (select count(*) from changes) as changes, (select max(seq) from changes) as seq,
                (select count(*) from audit_log) as audit, (select count(*) from key_versions) as versions,
                (select count(*) from idempotency_keys) as idem`,
      )
      .get();
    return {
      consumers: consumers.body,
      // lastUsedAt moves on every successful verify; it is not what "changes nothing" is about
      keys: JSON.parse(JSON.stringify(keys.body), (k, v) => (k === "lastUsedAt" ? undefined : v)),
      counts,
    };
  } finally {
    db.close();
  }
}

/** Runs `fn` and asserts the store and the API look the same afterwards. */
async function unchanged(fn: () => Promise<void>): Promise<void> {
  const before = await snapshot();
  await fn();
  assert.deepEqual(await snapshot(), before, "a rejected request changed state");
}

/** A Keyroll-shaped secret whose checksum does not match. */
function badChecksum(s: string): string {
  const cut = s.length - 6;
  const good = s.slice(cut);
  const bad = good === "000000" ? "000001" : "000000";
  assert.notEqual(checksum(s.slice(0, cut)), bad);
  return s.slice(0, cut) + bad;
}

before(async () => {
  node = await startTestNode();
  const c = await node.call("POST", "/v1/consumers", { name: "acme" });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  consumerId = c.body.id;
  const k = await node.call("POST", "/v1/keys", { consumerId, scopes: ["orders:read"] });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  keyId = k.body.key.id;
  secret = k.body.secret;
  const k2 = await node.call("POST", "/v1/keys", { consumerId, prefix: "acme", name: "custom prefix" });
  assert.equal(k2.status, 201, JSON.stringify(k2.body));
  acmeKeyId = k2.body.key.id;
  acmeSecret = k2.body.secret;
  const all = await node.call("GET", "/v1/consumers?limit=200");
  adminConsumerId = all.body.data.find((x: { name: string }) => x.name === "keyroll-admin").id;
});

after(() => node?.close());

describe("/v1/verify with malformed secrets answers 200 MALFORMED", () => {
  const cases: Array<[string, string]> = [
    ["empty", ""],
    ["short", "kr_live_abc"],
    ["non-ASCII", `kr_live_${"é".repeat(20)}${"ü".repeat(18)}`],
    ["emoji", `kr_live_${"🔑".repeat(30)}`],
    ["NUL and control chars", `kr_live_${"a".repeat(30)}\u0000\u0007\u001b[2J\r\n`],
    ["spaces", `kr_live_${"a".repeat(20)} ${"b".repeat(20)}`],
    ["just over the longest secret (257 chars)", "k".repeat(257)],
    ["4 kB", "k".repeat(4096)],
  ];
  for (const [name, key] of cases) {
    test(name, async () => {
      await unchanged(async () => {
        const r = await node.call("POST", "/v1/verify", { key });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.valid, false);
        assert.equal(r.body.code, "MALFORMED");
        assert.equal(r.body.keyId, null);
        assert.equal(r.body.consumerId, null);
      });
    });
  }

  // DESIGN.md: /v1/verify answers 200 {valid, code}; a string that can be nothing we store is
  // MALFORMED. Today the body schema caps `key` at 4096 chars, so 4097+ gets a 400 instead while
  // 257..4096 gets MALFORMED.
  test("10 kB", async () => {
    await unchanged(async () => {
      const r = await node.call("POST", "/v1/verify", { key: "k".repeat(10 * 1024) });
      assert.ok(r.status < 500, JSON.stringify(r.body));
      assert.equal(r.status, 200, `a 10 kB secret should be 200 MALFORMED: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.valid, false);
      assert.equal(r.body.code, "MALFORMED");
    });
  });

  test("a key that is not a string is a 400, not a 5xx", async () => {
    for (const key of [123, null, ["x"], { a: 1 }, true]) {
      assertProblem(await node.call("POST", "/v1/verify", { key }), 400, "VALIDATION_FAILED");
    }
    assertProblem(await node.call("POST", "/v1/verify", {}), 400, "VALIDATION_FAILED");
  });
});

describe("Keyroll-shaped secrets with bad checksums", () => {
  test("are MALFORMED without a store lookup", async () => {
    const store = node.kr.store;
    const original = store.findByDigest;
    let lookups = 0;
    (store as { findByDigest: typeof original }).findByDigest = (d) => {
      lookups++;
      return original.call(store, d);
    };
    try {
      const before = node.kr.verifier.status().storeLookups;
      const tampered = [
        badChecksum(secret),
        badChecksum(acmeSecret),
        // a flipped character in the random part, checksum kept
        `${secret.slice(0, 10)}${secret[10] === "A" ? "B" : "A"}${secret.slice(11)}`,
        // a fresh-looking random kr_live secret that was never issued
        badChecksum(`kr_live_${"Z".repeat(32)}000000`),
      ];
      await unchanged(async () => {
        for (const key of tampered) {
          // twice: the second time must not be a negative-cache hit either, but a shape reject
          for (let i = 0; i < 2; i++) {
            const r = await node.call("POST", "/v1/verify", { key });
            assert.equal(r.status, 200, JSON.stringify(r.body));
            assert.deepEqual(
              { valid: r.body.valid, code: r.body.code, keyId: r.body.keyId },
              { valid: false, code: "MALFORMED", keyId: null },
              key,
            );
          }
        }
      });
      assert.equal(lookups, 0, "findByDigest was called for a secret with a bad checksum");
      assert.equal(node.kr.verifier.status().storeLookups, before);
    } finally {
      (store as { findByDigest: typeof original }).findByDigest = original;
    }
  });

  test("the genuine secrets still verify", async () => {
    const a = await node.call("POST", "/v1/verify", { key: secret });
    assert.equal(a.body.code, "VALID");
    assert.equal(a.body.keyId, keyId);
    const b = await node.call("POST", "/v1/verify", { key: acmeSecret });
    assert.equal(b.body.code, "VALID");
    assert.equal(b.body.keyId, acmeKeyId);
  });
});

describe("admin authentication", () => {
  const routes: Array<[string, string, unknown?]> = [
    ["GET", "/v1/keys"],
    ["GET", "/v1/consumers"],
    ["POST", "/v1/consumers", { name: "mallory" }],
    ["POST", "/v1/verify", { key: "kr_live_x" }],
  ];

  test("missing Authorization is 401 UNAUTHORIZED with WWW-Authenticate", async () => {
    await unchanged(async () => {
      for (const [method, url, body] of routes) {
        const r = await raw({
          method,
          url,
          headers: { "content-type": "application/json" },
          ...(body !== undefined && { payload: JSON.stringify(body) }),
        });
        assertProblem(r, 401, "UNAUTHORIZED");
        assert.match(String(r.headers["www-authenticate"]), /^Bearer/);
      }
    });
  });

  test("a wrong scheme is 401 UNAUTHORIZED", async () => {
    const schemes = [
      `Basic ${Buffer.from(`admin:${ADMIN_KEY}`).toString("base64")}`,
      `Token ${ADMIN_KEY}`,
      ADMIN_KEY,
      "Bearer",
      "Bearer ",
      `Bearer ${ADMIN_KEY} extra`,
      `Bearer\t${ADMIN_KEY}`,
    ];
    await unchanged(async () => {
      for (const authorization of schemes) {
        for (const [method, url, body] of routes) {
          const r = await raw({
            method,
            url,
            headers: { authorization, "content-type": "application/json" },
            ...(body !== undefined && { payload: JSON.stringify(body) }),
          });
          assertProblem(r, 401, "UNAUTHORIZED");
        }
      }
    });
  });

  test("an unknown or malformed admin key is 401 UNAUTHORIZED", async () => {
    const bad = [
      "not_a_real_key_but_long_enough_0123456789",
      badChecksum(secret),
      `${ADMIN_KEY}x`,
      ADMIN_KEY.slice(0, -1),
      "x".repeat(5000),
      "ünïcödé_ünïcödé_ünïcödé_ünïcödé",
    ];
    await unchanged(async () => {
      for (const token of bad) {
        for (const [method, url, body] of routes) {
          const r = await raw({
            method,
            url,
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            ...(body !== undefined && { payload: JSON.stringify(body) }),
          });
          assertProblem(r, 401, "UNAUTHORIZED");
        }
      }
    });
  });

  test("a revoked admin key is 401 UNAUTHORIZED", async () => {
    const k = await node.call("POST", "/v1/keys", { consumerId: adminConsumerId, scopes: ["admin"] });
    assert.equal(k.status, 201, JSON.stringify(k.body));
    const auth = { authorization: `Bearer ${k.body.secret}` };
    assert.equal((await node.call("GET", "/v1/keys", undefined, auth)).status, 200);
    const rv = await node.call("POST", `/v1/keys/${k.body.key.id}/revoke`, { reason: "test" });
    assert.equal(rv.status, 200, JSON.stringify(rv.body));
    await unchanged(async () => {
      assertProblem(await node.call("GET", "/v1/keys", undefined, auth), 401, "UNAUTHORIZED");
      assertProblem(await node.call("POST", "/v1/consumers", { name: "m" }, auth), 401, "UNAUTHORIZED");
      assertProblem(
        await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" }, auth),
        401,
        "UNAUTHORIZED",
      );
    });
  });

  test("a consumer's (non-admin) key is 403 FORBIDDEN", async () => {
    const auth = { authorization: `Bearer ${secret}` };
    await unchanged(async () => {
      assertProblem(await node.call("GET", "/v1/keys", undefined, auth), 403, "FORBIDDEN");
      assertProblem(await node.call("POST", "/v1/consumers", { name: "m" }, auth), 403, "FORBIDDEN");
      assertProblem(await node.call("POST", "/v1/verify", { key: secret }, auth), 403, "FORBIDDEN");
      assertProblem(
        await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" }, auth),
        403,
        "FORBIDDEN",
      );
    });
  });

  test("an admin key without the needed scope is 403 FORBIDDEN", async () => {
    const ro = await node.call("POST", "/v1/keys", { consumerId: adminConsumerId, scopes: ["keys:read"] });
    assert.equal(ro.status, 201, JSON.stringify(ro.body));
    const auth = { authorization: `Bearer ${ro.body.secret}` };
    await unchanged(async () => {
      assert.equal((await node.call("GET", "/v1/keys", undefined, auth)).status, 200);
      assertProblem(await node.call("POST", "/v1/consumers", { name: "m" }, auth), 403, "FORBIDDEN");
      assertProblem(await node.call("POST", "/v1/verify", { key: secret }, auth), 403, "FORBIDDEN");
      assertProblem(await node.call("POST", `/v1/keys/${keyId}/revoke`, {}, auth), 403, "FORBIDDEN");
    });
  });
});

describe("request bodies", () => {
  test("broken JSON is 400 MALFORMED_JSON", async () => {
    const bodies = [
      '{"name": "x",',
      "{name: 'x'}",
      "{",
      '{"name":"x"}}',
      "nul",
      '{"name":"\\u12"}',
      "\u0000",
    ];
    await unchanged(async () => {
      for (const payload of bodies) {
        for (const url of ["/v1/consumers", "/v1/verify", `/v1/keys/${keyId}/rotate`]) {
          assertProblem(await raw({ method: "POST", url, payload }), 400, "MALFORMED_JSON");
        }
      }
      assertProblem(await raw({ method: "POST", url: "/v1/consumers", payload: "" }), 400, [
        "MALFORMED_JSON",
        "VALIDATION_FAILED",
      ]);
    });
  });

  test("a form body is 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    await unchanged(async () => {
      for (const ct of ["application/x-www-form-urlencoded", "application/xml", "multipart/form-data"]) {
        const r = await raw({
          method: "POST",
          url: "/v1/consumers",
          headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": ct },
          payload: "name=x",
        });
        assertProblem(r, 415, "UNSUPPORTED_MEDIA_TYPE");
      }
      const none = await raw({
        method: "POST",
        url: "/v1/consumers",
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        payload: '{"name":"x"}',
      });
      assertProblem(none, 415, "UNSUPPORTED_MEDIA_TYPE");
    });
  });

  // Fastify registers a text/plain parser by default, so a text/plain body reaches schema
  // validation as a string and gets 400 "body: must be object" instead of 415.
  test("a text/plain body is 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    await unchanged(async () => {
      for (const url of ["/v1/consumers", "/v1/verify"]) {
        const r = await raw({
          method: "POST",
          url,
          headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/plain" },
          payload: url === "/v1/verify" ? `{"key":"${secret}"}` : '{"name":"x"}',
        });
        assertProblem(r, "4xx");
        assert.equal(r.status, 415, `text/plain should be 415: ${JSON.stringify(r.body)}`);
        assert.equal(r.body.code, "UNSUPPORTED_MEDIA_TYPE");
      }
    });
  });

  test("unknown fields are 400 VALIDATION_FAILED naming the field", async () => {
    const cases: Array<[string, string, Record<string, unknown>, string]> = [
      ["POST", "/v1/consumers", { name: "x", isAdmin: true }, "isAdmin"],
      ["POST", "/v1/keys", { consumerId, admin: true }, "admin"],
      ["POST", "/v1/keys", { consumerId, digest: "0".repeat(64) }, "digest"],
      ["POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h", version: 99 }, "version"],
      ["PATCH", `/v1/keys/${keyId}`, { prefix: "evil" }, "prefix"],
      ["PATCH", `/v1/consumers/${consumerId}`, { system: true }, "system"],
      ["POST", "/v1/verify", { key: secret, consumerId }, "consumerId"],
      ["POST", `/v1/keys/${keyId}/revoke`, { reason: "x", force: true }, "force"],
    ];
    await unchanged(async () => {
      for (const [method, url, body, field] of cases) {
        const r = await node.call(method, url, body);
        assertProblem(r, 400, "VALIDATION_FAILED");
        assert.match(r.body.detail, new RegExp(`\\b${field}\\b`), JSON.stringify(r.body));
      }
    });
  });

  test("wrong types are 400", async () => {
    const cases: Array<[string, string, unknown]> = [
      ["POST", "/v1/consumers", { name: 123 }],
      ["POST", "/v1/consumers", { name: "" }],
      ["POST", "/v1/consumers", { name: null }],
      ["POST", "/v1/consumers", { name: ["x"] }],
      ["POST", "/v1/consumers", { name: "x", metadata: "m" }],
      ["POST", "/v1/consumers", { name: "x", metadata: [1, 2] }],
      ["POST", "/v1/consumers", "just a string"],
      ["POST", "/v1/consumers", [{ name: "x" }]],
      ["POST", "/v1/keys", { consumerId, scopes: "x" }],
      ["POST", "/v1/keys", { consumerId, scopes: [1] }],
      ["POST", "/v1/keys", { consumerId, scopes: ["has space"] }],
      ["POST", "/v1/keys", { consumerId, prefix: "UPPER" }],
      ["POST", "/v1/keys", { consumerId, prefix: "x".repeat(40) }],
      ["POST", "/v1/keys", { consumerId, expiresAt: "tomorrow" }],
      ["POST", "/v1/keys", { consumerId, expiresAt: "2000-01-01T00:00:00Z" }],
      ["POST", "/v1/keys", { consumerId: 42 }],
      ["POST", "/v1/keys", {}],
      ["POST", "/v1/keys", { consumerId, secret: "short" }],
      ["POST", "/v1/keys", { consumerId, secret: `has spaces in it ${"x".repeat(20)}` }],
      ["POST", "/v1/keys", { consumerId, secret: `${"ü".repeat(30)}` }],
      ["POST", "/v1/keys", { consumerId, secret: 123456789012345 }],
      ["POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: true }],
      ["POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: null }],
      ["POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: ["1h"] }],
      ["POST", `/v1/keys/${keyId}/rotate`, {}],
      ["POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h", activateAt: "soon" }],
      ["PATCH", `/v1/keys/${keyId}`, { scopes: { a: 1 } }],
      ["PATCH", `/v1/consumers/${consumerId}`, { name: 7 }],
      ["POST", "/v1/verify", { key: secret, scopes: "orders:read" }],
    ];
    await unchanged(async () => {
      for (const [method, url, body] of cases) {
        const r = await raw({ method, url, payload: JSON.stringify(body) });
        assertProblem(r, 400, ["VALIDATION_FAILED", "INVALID_SECRET", "INVALID_DURATION"]);
      }
    });
  });

  test("absurd durations are 400 INVALID_DURATION or VALIDATION_FAILED", async () => {
    const durations: unknown[] = [
      "-1s",
      "99999d",
      "1y",
      1e12,
      -1,
      1e308,
      "1e3",
      "",
      " ",
      "1h30m",
      "0x10",
      "NaN",
      "Infinity",
      "999999999999999999999s",
      "1.5h",
      "7 d",
      "7D",
    ];
    await unchanged(async () => {
      for (const gracePeriod of durations) {
        const r = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod });
        assertProblem(r, 400, ["INVALID_DURATION", "VALIDATION_FAILED"]);
      }
    });
  });

  test("a body over the limit is 413 PAYLOAD_TOO_LARGE", async () => {
    await unchanged(async () => {
      const big = JSON.stringify({ name: "x", metadata: { a: "x".repeat(200 * 1024) } });
      assertProblem(
        await raw({ method: "POST", url: "/v1/consumers", payload: big }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
      const bigVerify = JSON.stringify({ key: "k".repeat(1024 * 1024) });
      assertProblem(
        await raw({ method: "POST", url: "/v1/verify", payload: bigVerify }),
        413,
        "PAYLOAD_TOO_LARGE",
      );
    });
  });

  test("__proto__ and constructor pollution payloads are 4xx and pollute nothing", async () => {
    const payloads = [
      '{"name":"x","__proto__":{"polluted":"yes"}}',
      '{"name":"x","metadata":{"__proto__":{"polluted":"yes"}}}',
      '{"name":"x","constructor":{"prototype":{"polluted":"yes"}}}',
      '{"name":"x","metadata":{"constructor":{"prototype":{"polluted":"yes"}}}}',
    ];
    await unchanged(async () => {
      for (const payload of payloads) {
        assertProblem(await raw({ method: "POST", url: "/v1/consumers", payload }), "4xx");
      }
      for (const payload of [
        `{"consumerId":"${consumerId}","__proto__":{"admin":true}}`,
        `{"key":"${secret}","__proto__":{"scopes":["admin"]}}`,
      ]) {
        const url = payload.includes("consumerId") ? "/v1/keys" : "/v1/verify";
        assertProblem(await raw({ method: "POST", url, payload }), "4xx");
      }
      const rot = await raw({
        method: "POST",
        url: `/v1/keys/${keyId}/rotate`,
        payload: '{"gracePeriod":"1h","__proto__":{"graceMs":0}}',
      });
      assertProblem(rot, "4xx");
    });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(({} as Record<string, unknown>).admin, undefined);
    assert.equal(({} as Record<string, unknown>).graceMs, undefined);
  });

  // JSON.stringify of the metadata in the store throws RangeError (call stack) on deep nesting; a
  // 10 kB body is enough. Expected: a 400, since metadata is documented as a free-form object.
  test("deeply nested metadata is a 4xx, not a 5xx", async () => {
    const deep = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;
    const bodies: Array<[string, string, string]> = [
      ["POST", "/v1/consumers", `{"name":"deep","metadata":{"a":${deep(5000)}}}`],
      ["POST", "/v1/keys", `{"consumerId":"${consumerId}","metadata":{"a":${deep(5000)}}}`],
      ["PATCH", `/v1/consumers/${consumerId}`, `{"metadata":{"a":${deep(5000)}}}`],
      ["PATCH", `/v1/keys/${keyId}`, `{"metadata":{"a":${deep(5000)}}}`],
    ];
    await unchanged(async () => {
      const failures: string[] = [];
      for (const [method, url, payload] of bodies) {
        const r = await raw({ method, url, payload });
        if (r.status >= 500 || r.status < 400) failures.push(`${method} ${url} → ${r.status} ${r.body.code}`);
        else assertProblem(r, "4xx");
      }
      assert.deepEqual(failures, [], "deeply nested metadata must be rejected with a 4xx");
    });
  });

  test("out-of-range collections are 400", async () => {
    const manyFields = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, i]));
    const cases: Array<[string, string, unknown]> = [
      ["POST", "/v1/consumers", { name: "x", metadata: manyFields }],
      ["POST", "/v1/consumers", { name: "x".repeat(201) }],
      ["POST", "/v1/keys", { consumerId, scopes: Array.from({ length: 101 }, (_, i) => `s${i}`) }],
      ["POST", "/v1/keys", { consumerId, scopes: ["x".repeat(65)] }],
      ["POST", "/v1/verify", { key: secret, scopes: Array.from({ length: 101 }, (_, i) => `s${i}`) }],
      ["POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h", reason: "r".repeat(501) }],
    ];
    await unchanged(async () => {
      for (const [method, url, body] of cases) {
        assertProblem(await node.call(method, url, body), 400, "VALIDATION_FAILED");
      }
    });
  });

  // schemas.ts declares metadata keys as Type.String({ maxLength: 64 }), but a TypeBox Record
  // compiles its key schema to a patternProperties regex, so the length is never enforced.
  test("a metadata field name over 64 chars is 400", async () => {
    await unchanged(async () => {
      const long = { ["k".repeat(65)]: 1 };
      assertProblem(
        await node.call("POST", "/v1/consumers", { name: "x", metadata: long }),
        400,
        "VALIDATION_FAILED",
      );
      assertProblem(
        await node.call("POST", "/v1/keys", { consumerId, metadata: long }),
        400,
        "VALIDATION_FAILED",
      );
    });
  });
});

describe("ids, routes and headers", () => {
  test("unknown ids are 404 *_NOT_FOUND", async () => {
    const ghostKey = "key_00000000000000000000000000";
    const ghostCon = "con_00000000000000000000000000";
    await unchanged(async () => {
      for (const [method, url, body] of [
        ["GET", `/v1/keys/${ghostKey}`],
        ["PATCH", `/v1/keys/${ghostKey}`, { name: "x" }],
        ["POST", `/v1/keys/${ghostKey}/rotate`, { gracePeriod: "1h" }],
        ["POST", `/v1/keys/${ghostKey}/rollback`],
        ["POST", `/v1/keys/${ghostKey}/revoke`, {}],
        ["POST", `/v1/keys/${ghostKey}/versions/1/revoke`, {}],
      ] as Array<[string, string, unknown?]>) {
        assertProblem(await node.call(method, url, body), 404, "KEY_NOT_FOUND");
      }
      assertProblem(await node.call("GET", `/v1/consumers/${ghostCon}`), 404, "CONSUMER_NOT_FOUND");
      assertProblem(await node.call("DELETE", `/v1/consumers/${ghostCon}`), 404, "CONSUMER_NOT_FOUND");
      assertProblem(await node.call("POST", "/v1/keys", { consumerId: ghostCon }), 404, "CONSUMER_NOT_FOUND");
      assertProblem(
        await node.call("POST", `/v1/keys/${keyId}/versions/99/revoke`, {}),
        404,
        "VERSION_NOT_FOUND",
      );
    });
  });

  test("ill-formed ids are 400 (or 404), never 5xx", async () => {
    const ids = [
      "nope",
      "key_",
      "KEY_00000000000000000000000000",
      "key_0000000000000000000000000%00",
      "key_..%2F..%2Fetc%2Fpasswd",
      "key_'%20OR%20'1'%3D'1",
      encodeURIComponent("key_ü0000000000000000000000000"),
      consumerId,
    ];
    await unchanged(async () => {
      for (const id of ids) {
        for (const [method, url, body] of [
          ["GET", `/v1/keys/${id}`],
          ["POST", `/v1/keys/${id}/rotate`, { gracePeriod: "1h" }],
          ["POST", `/v1/keys/${id}/revoke`, {}],
          ["POST", `/v1/keys/${keyId}/versions/${id}/revoke`, {}],
          ["GET", `/v1/consumers/${id === consumerId ? keyId : id}`],
        ] as Array<[string, string, unknown?]>) {
          const r = await node.call(method, url, body);
          assertProblem(r, "4xx", ["VALIDATION_FAILED", "NOT_FOUND", "KEY_NOT_FOUND", "CONSUMER_NOT_FOUND"]);
          assert.ok([400, 404].includes(r.status), `${method} ${url} → ${r.status}`);
        }
      }
      for (const v of ["0", "-1", "1.5", "99999999999", "abc"]) {
        const r = await node.call("POST", `/v1/keys/${keyId}/versions/${v}/revoke`, {});
        assertProblem(r, 400, "VALIDATION_FAILED");
      }
    });
  });

  // Fastify answers a bad percent-encoding (FST_ERR_BAD_URL) and a path parameter over
  // maxParamLength (FST_ERR_MAX_PARAM_LENGTH, 414) from its router with its own
  // application/json body, bypassing the error handler: buildApp sets no `frameworkErrors`.
  test("a bad URL encoding or an overlong id is a 4xx problem+json", async () => {
    await unchanged(async () => {
      const failures: string[] = [];
      for (const url of [
        "/v1/keys/%zz",
        "/v1/keys/%E0%A4%A",
        "/v1/consumers/%",
        `/v1/keys/key_${"0".repeat(500)}`,
        `/v1/keys/key_${"0".repeat(500)}/rotate`,
      ]) {
        const method = url.endsWith("/rotate") ? "POST" : "GET";
        const r = await raw({ method, url, payload: method === "POST" ? '{"gracePeriod":"1h"}' : undefined });
        try {
          assertProblem(r, "4xx");
        } catch {
          failures.push(`${method} ${url.slice(0, 40)} → ${r.status} ${r.headers["content-type"]}`);
        }
      }
      assert.deepEqual(failures, [], "framework errors must be problem+json too");
    });
  });

  test("bad query strings are 400", async () => {
    await unchanged(async () => {
      for (const q of [
        "limit=0",
        "limit=201",
        "limit=abc",
        "limit=-1",
        "cursor=nope",
        "state=deleted",
        "foo=1",
      ]) {
        assertProblem(await node.call("GET", `/v1/keys?${q}`), 400, ["VALIDATION_FAILED", "INVALID_CURSOR"]);
      }
      // an injection attempt in a filter finds nothing rather than everything
      const inj = await node.call("GET", `/v1/keys?consumerId=${encodeURIComponent("' OR 1=1 --")}`);
      assert.equal(inj.status, 200);
      assert.deepEqual(inj.body.data, []);
    });
  });

  test("a bad Idempotency-Key is 400 and a reused one with another body is 422", async () => {
    await unchanged(async () => {
      for (const idem of ["", "x".repeat(256), "has space in it", "caf\u00e9"]) {
        const r = await node.call(
          "POST",
          `/v1/keys/${keyId}/rotate`,
          { gracePeriod: "1h" },
          { "idempotency-key": idem },
        );
        assertProblem(r, 400, "INVALID_IDEMPOTENCY_KEY");
      }
    });
    // any 1-255 printable characters, as Stripe and the IETF draft take them
    const short = await node.call(
      "POST",
      `/v1/keys/${acmeKeyId}/rotate`,
      { gracePeriod: "1h" },
      { "idempotency-key": "r1" },
    );
    assert.equal(short.status, 201, JSON.stringify(short.body));
    const idem = { "idempotency-key": "security-test-0001" };
    const first = await node.call("POST", `/v1/keys/${acmeKeyId}/rotate`, { gracePeriod: "1h" }, idem);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    await unchanged(async () => {
      const r = await node.call("POST", `/v1/keys/${acmeKeyId}/rotate`, { gracePeriod: "2h" }, idem);
      assertProblem(r, 422, "IDEMPOTENCY_KEY_REUSED");
    });
  });

  test("an unknown route or method is 404 problem+json", async () => {
    await unchanged(async () => {
      assertProblem(await node.call("GET", "/v1/nope"), 404, "NOT_FOUND");
      assertProblem(await node.call("GET", "/"), 404, "NOT_FOUND");
      assertProblem(await node.call("PUT", "/v1/keys"), 404, ["NOT_FOUND", "METHOD_NOT_ALLOWED"]);
      assertProblem(await node.call("DELETE", `/v1/keys/${keyId}`), 404, ["NOT_FOUND", "METHOD_NOT_ALLOWED"]);
      assertProblem(await raw({ method: "GET", url: "/v1/../../etc/passwd", headers: {} }), 404, "NOT_FOUND");
      const r = await raw({ method: "GET", url: "/v1/nope", headers: {} });
      assertProblem(r, 404, "NOT_FOUND");
    });
  });

  test("a 1 MB header over a real socket is 431 problem+json, and the server keeps serving", async () => {
    const address = await node.kr.app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(address).port);
    const rawResponse = await new Promise<string>((resolve, reject) => {
      const s = connect(port, "127.0.0.1");
      let buf = "";
      const timer = setTimeout(() => {
        s.destroy();
        reject(new Error(`no answer within 5 s; got ${JSON.stringify(buf.slice(0, 200))}`));
      }, 5000);
      s.setEncoding("utf8");
      s.on("data", (d: string) => {
        buf += d;
      });
      // the server may close while we are still writing: what it answered is what counts
      s.on("error", () => undefined);
      s.on("close", () => {
        clearTimeout(timer);
        resolve(buf);
      });
      s.write(
        `GET /v1/keys HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN_KEY}\r\nX-Big: ${"a".repeat(1024 * 1024)}\r\n\r\n`,
      );
    });
    const [head = "", body = ""] = rawResponse.split("\r\n\r\n");
    assert.match(head, /^HTTP\/1\.1 431 /, rawResponse.slice(0, 300));
    assert.match(head, /content-type: application\/problem\+json/i);
    const p = JSON.parse(body);
    assert.equal(p.status, 431);
    assert.equal(p.code, "HEADERS_TOO_LARGE");
    assert.equal(typeof p.title, "string");
    assert.equal(typeof p.detail, "string");

    // many headers rather than one long one
    const many = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_KEY}` };
      for (let i = 0; i < 2000; i++) headers[`x-h${i}`] = "v".repeat(20);
      const req = request(
        { host: "127.0.0.1", port, path: "/v1/keys", method: "GET", headers, timeout: 5000 },
        (res) => {
          let b = "";
          res.setEncoding("utf8");
          res.on("data", (d: string) => {
            b += d;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: b }),
          );
        },
      );
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", reject);
      req.end();
    });
    assert.equal(many.status, 431, many.body);
    assert.match(many.type, /^application\/problem\+json/);
    assert.equal(JSON.parse(many.body).code, "HEADERS_TOO_LARGE");

    const ok = await fetch(`http://127.0.0.1:${port}/v1/keys`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      signal: AbortSignal.timeout(5000),
    });
    assert.equal(ok.status, 200);
    await ok.arrayBuffer();
  });
});
