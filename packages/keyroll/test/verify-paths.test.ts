// POST /v1/verify has two paths: the fast path (fast-verify.ts, only on a listening server) and the
// Fastify route (what `inject` always reaches). Over generated requests, valid and not, the two give
// the same status, headers and body, and the test knows which path answered each request from
// keyroll_verify_path_total{path}. Then the points the property alone does not pin down: a zone id
// in clientIp, the admin key counted once on a fallback, a failed replay answered as problem+json.
import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import fc from "fast-check";
import { requestIds } from "../src/core/ids.js";
import { createFastVerify } from "../src/http/fast-verify.js";
import { ADMIN_KEY, startTestNode, type TestNode } from "./helpers.js";

let node: TestNode;
let base: string;
const secrets: Record<string, string> = {};
const admins: Record<string, string> = {};

before(async () => {
  node = await startTestNode();
  const c = await node.call("POST", "/v1/consumers", { name: "acme" });
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id, scopes: ["orders:read"] });
  secrets.grace = k.body.secret;
  secrets.current = (
    await node.call("POST", `/v1/keys/${k.body.key.id}/rotate`, { gracePeriod: "1h" })
  ).body.secret;
  const k2 = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  await node.call("POST", `/v1/keys/${k2.body.key.id}/revoke`, {});
  secrets.revoked = k2.body.secret;
  // rate limits, applied by both paths: one bucket emptied (one token an hour, taken here, so every
  // later answer is RATE_LIMITED whichever path and order), one that never runs dry (VALID through
  // the limiter)
  const limited = await node.call("POST", "/v1/keys", {
    consumerId: c.body.id,
    rateLimit: { limit: 1, period: "1h" },
  });
  secrets.limited = limited.body.secret;
  const first = await node.kr.app.inject({
    method: "POST",
    url: "/v1/verify",
    headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
    payload: { key: secrets.limited },
  });
  assert.equal(first.json().code, "VALID", "the limited key's one token");
  secrets.roomy = (
    await node.call("POST", "/v1/keys", {
      consumerId: c.body.id,
      rateLimit: { limit: 1_000_000, period: "1h" },
    })
  ).body.secret;
  const adminConsumer = (await node.call("GET", "/v1/consumers")).body.data.find(
    (x: { name: string }) => x.name === "keyroll-admin",
  ).id;
  for (const scope of ["verify", "keys:read"]) {
    admins[scope] = (
      await node.call("POST", "/v1/keys", { consumerId: adminConsumer, scopes: [scope] })
    ).body.secret;
  }
  base = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
});
after(() => node.close());

/** keyroll_verify_path_total by path, read without touching either path. */
async function paths(): Promise<{ fast: number; framework: number }> {
  const text = (await node.kr.app.inject({ method: "GET", url: "/metrics" })).body;
  const read = (p: string) =>
    Number(new RegExp(`^keyroll_verify_path_total\\{path="${p}"\\} (\\d+)$`, "m").exec(text)?.[1]);
  return { fast: read("fast"), framework: read("framework") };
}

// ---- generated requests ---------------------------------------------------------------------------

const printable = fc.string({
  unit: fc.constantFrom(..."abcXYZ019_:.-/*".split("")),
  minLength: 1,
  maxLength: 70,
});
const anyText = fc.oneof(
  printable,
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 8 }),
);
const key = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("current", "grace", "revoked", "roomy").map((n) => secrets[n]!) },
  { weight: 2, arbitrary: fc.constant("limited").map((n) => secrets[n]!) },
  { weight: 1, arbitrary: fc.constant(ADMIN_KEY) },
  { weight: 1, arbitrary: fc.constantFrom("current", "grace").map((n) => `${secrets[n]!.slice(0, -1)}0`) },
  { weight: 1, arbitrary: fc.constant(`kr_${"x".repeat(40)}`) },
  { weight: 1, arbitrary: fc.constant("café_ключ_🔑_0123456789abcdef") },
  { weight: 2, arbitrary: anyText },
);
const scope = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("orders:read", "orders:write", "admin", "a.b-c_*") },
  { weight: 1, arbitrary: fc.constantFrom("", "no spaces", "x".repeat(65), "é") },
  { weight: 1, arbitrary: anyText },
);
const scopes = fc.oneof(
  { weight: 6, arbitrary: fc.array(scope, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 101 }, () => "a")) },
  { weight: 1, arbitrary: fc.array(fc.oneof(scope, fc.integer(), fc.constant(null)), { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.oneof(printable, fc.integer(), fc.constant(null)) },
);
const clientIp = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.ipV4(), fc.ipV6()) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "fe80::1%eth0",
      "fe80::1%25eth0",
      "::1%1",
      "999.1.1.1",
      "1.2.3",
      "01.2.3.4",
      "::ffff:192.0.2.1",
      "2001:db8::1/64",
      " 203.0.113.9",
      "203.0.113.9 ",
      "",
      "localhost",
    ),
  },
  { weight: 1, arbitrary: fc.oneof(anyText, fc.integer(), fc.constant(null)) },
);
const wrongType = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(printable, { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
);

/** A body as an object: the documented fields (each maybe absent or of a wrong type) and maybe others. */
const bodyObject = fc
  .record(
    {
      key: fc.oneof({ weight: 9, arbitrary: key }, { weight: 1, arbitrary: wrongType }),
      scopes,
      clientIp,
      extra: fc.tuple(
        fc.constantFrom("extra", "Key", "__proto__", "constructor", "scope", "é"),
        fc.jsonValue({ maxDepth: 1 }),
      ),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...fields }) => ({
    fields: fields as Record<string, unknown>,
    extra: extra as [string, unknown] | undefined,
  }));

/** A JSON string literal with some characters written as \u escapes (or none). */
function literal(s: string, escapes: "none" | "first" | "all"): string {
  if (escapes === "none" || s.length === 0) return JSON.stringify(s);
  const esc = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  const inner =
    escapes === "all"
      ? [...s].map((c) => (c.length === 1 ? esc(c) : c)).join("")
      : esc(s[0]!) + JSON.stringify(s.slice(1)).slice(1, -1);
  return `"${inner}"`;
}

function value(v: unknown, escapes: "none" | "first" | "all"): string {
  if (typeof v === "string") return literal(v, escapes);
  if (Array.isArray(v)) return `[${v.map((x) => value(x, escapes)).join(",")}]`;
  return JSON.stringify(v) ?? "null";
}

/** A body as bytes: written compactly as encoders do, or with whitespace, escapes, a repeated field, garbage. */
const bodyText = fc
  .record({
    body: bodyObject,
    reverse: fc.boolean(),
    space: fc.constantFrom("", "", "", " ", "\n  ", "\t"),
    escapes: fc.constantFrom("none", "none", "none", "first", "all"),
    withExtra: fc.boolean(),
    duplicate: fc.constantFrom(-1, -1, -1, -1, 0, 1),
    ending: fc.constantFrom("", "", "", "", " ", "\n", "x", "}", ","),
  })
  .map(({ body, reverse, space, escapes, withExtra, duplicate, ending }) => {
    const entries = Object.entries(body.fields);
    if (withExtra && body.extra !== undefined) entries.push(body.extra as [string, unknown]);
    if (reverse) entries.reverse();
    if (duplicate >= 0 && entries[duplicate % Math.max(1, entries.length)] !== undefined)
      entries.push(entries[duplicate % entries.length]!);
    const members = entries.map(
      ([k, v]) => `${literal(k, "none")}:${space ? " " : ""}${value(v, escapes as "none")}`,
    );
    return `{${space}${members.join(`,${space}`)}${space}}${ending}`;
  });

/** A body of the documented shape, as an encoder writes it: what the fast path answers itself. */
const wellFormed = fc
  .record(
    {
      key,
      scopes: fc.array(fc.constantFrom("orders:read", "orders:write", "admin", "a.b-c_*"), { maxLength: 3 }),
      clientIp: fc.oneof(fc.ipV4(), fc.ipV6()),
    },
    { requiredKeys: ["key"] },
  )
  .map((b) => JSON.stringify(b));

const rawBody = fc.oneof(
  { weight: 8, arbitrary: wellFormed },
  { weight: 12, arbitrary: bodyText },
  {
    weight: 1,
    arbitrary: fc.constantFrom("[]", "null", "42", '"key"', "{", '{"key":', "", "\uFEFF{}", "{}"),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
);

const authorization = fc.oneof(
  { weight: 8, arbitrary: fc.constant(`Bearer ${ADMIN_KEY}`) },
  { weight: 2, arbitrary: fc.constant("verify-only") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("read-only", "consumer", "none", "basic", "garbage", "lower-case", "spaces"),
  },
);
function authHeader(a: string): string | undefined {
  switch (a) {
    case "verify-only":
      return `Bearer ${admins.verify}`;
    case "read-only":
      return `Bearer ${admins["keys:read"]}`;
    case "consumer":
      return `Bearer ${secrets.current}`;
    case "none":
      return undefined;
    case "basic":
      return `Basic ${ADMIN_KEY}`;
    case "garbage":
      return `Bearer ${ADMIN_KEY.slice(0, -1)}!`;
    case "lower-case":
      return `bearer ${ADMIN_KEY}`;
    case "spaces":
      return `Bearer   ${ADMIN_KEY}  `;
    default:
      return a;
  }
}
const contentType = fc.oneof(
  { weight: 10, arbitrary: fc.constant("application/json") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("application/json; charset=utf-8", "Application/JSON", "text/plain"),
  },
);

const SAME_HEADERS = ["content-type", "cache-control", "sunset", "www-authenticate"];

test("over generated requests, the fast path and the route answer alike, and the counter says which answered", async (t) => {
  const answeredBy = { fast: 0, framework: 0 };
  // RATE_LIMITED answers of the listening server, by path: one from the fast path, equal to the
  // route's answer to the same request, shows that both apply the limit alike
  const limitedBy = { fast: 0, framework: 0 };
  let last = await paths();
  await fc.assert(
    fc.asyncProperty(rawBody, authorization, contentType, async (body, auth, type) => {
      const headers: Record<string, string> = { "content-type": type };
      const a = authHeader(auth);
      if (a !== undefined) headers.authorization = a;
      const listening = await fetch(`${base}/v1/verify`, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      const text = await listening.text();
      const now = await paths();
      const d = { fast: now.fast - last.fast, framework: now.framework - last.framework };
      assert.ok(
        (d.fast === 1 && d.framework === 0) || (d.fast === 0 && d.framework === 1),
        `exactly one path answered: ${JSON.stringify(d)}`,
      );
      const by = d.fast === 1 ? "fast" : "framework";
      answeredBy[by]++;
      // the route, for the very same request (inject never takes the fast path)
      const route = await node.kr.app.inject({ method: "POST", url: "/v1/verify", headers, payload: body });
      last = await paths();
      assert.deepEqual(
        { fast: last.fast - now.fast, framework: last.framework - now.framework },
        { fast: 0, framework: 1 },
        "inject is answered by the route",
      );
      const where = `${by} path, body ${JSON.stringify(body)}, auth ${auth}, type ${type}`;
      assert.equal(listening.status, route.statusCode, `status (${where}): ${text} vs ${route.body}`);
      for (const h of SAME_HEADERS) {
        assert.equal(listening.headers.get(h) ?? undefined, route.headers[h] ?? undefined, `${h} (${where})`);
      }
      assert.match(listening.headers.get("x-request-id") ?? "", /^req_[0-9a-hjkmnp-tv-z]{26}$/);
      const got = JSON.parse(text);
      const want = route.json();
      // problem documents name their request in `instance`: one per request, so they differ
      assert.equal(typeof got.instance, typeof want.instance, `instance (${where})`);
      if (got.instance !== undefined) assert.equal(got.instance, listening.headers.get("x-request-id"));
      delete got.instance;
      delete want.instance;
      assert.deepEqual(got, want, `body (${where})`);
      // the fast path only ever answers 200 (everything else is the route's)
      if (by === "fast") assert.equal(listening.status, 200, where);
      if (got.code === "RATE_LIMITED") limitedBy[by]++;
    }),
    {
      numRuns: Number(process.env.KEYROLL_PROPERTY_RUNS ?? 400),
      seed: process.env.KEYROLL_PROPERTY_SEED ? Number(process.env.KEYROLL_PROPERTY_SEED) : undefined,
    },
  );
  // both paths were exercised, not just one
  t.diagnostic(`answered by the fast path ${answeredBy.fast}, by the route ${answeredBy.framework}`);
  t.diagnostic(`RATE_LIMITED by the fast path ${limitedBy.fast}, by the route ${limitedBy.framework}`);
  assert.ok(answeredBy.fast >= 40 && answeredBy.framework >= 40, JSON.stringify(answeredBy));
  assert.ok(
    limitedBy.fast >= 1,
    `a rate-limited key answered by the fast path: ${JSON.stringify(limitedBy)}`,
  );
});

const verifyOn = (body: string, auth = `Bearer ${ADMIN_KEY}`) =>
  fetch(`${base}/v1/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: auth },
    body,
  });

test("a clientIp with a zone id is 400 VALIDATION_FAILED on both paths", async () => {
  for (const ip of ["fe80::1%eth0", "fe80::1%25eth0"]) {
    const body = JSON.stringify({ key: secrets.current, clientIp: ip });
    const before = await paths();
    const r = await verifyOn(body);
    const problem = (await r.json()) as { code: string };
    assert.equal(r.status, 400, ip);
    assert.equal(problem.code, "VALIDATION_FAILED");
    const now = await paths();
    assert.equal(now.framework - before.framework, 1, "handed to the route");
    const route = await node.kr.app.inject({
      method: "POST",
      url: "/v1/verify",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      payload: body,
    });
    assert.equal(route.statusCode, 400);
  }
});

test("the admin key's use is counted once, whichever path answers", async () => {
  const valid = () => node.kr.verifier.usage().totals.VALID;
  // handed over after the body was read (a bad clientIp): the route checks the admin key, once
  let before = valid();
  const handed = await verifyOn(JSON.stringify({ key: secrets.current, clientIp: "999.1.1.1" }));
  assert.equal(handed.status, 400);
  assert.equal(valid() - before, 1, "one admin-key check, no verification");
  // answered by the fast path: the admin key and the verified key, one each
  before = valid();
  const p0 = await paths();
  const fast = await verifyOn(JSON.stringify({ key: secrets.current }));
  assert.equal(fast.status, 200);
  assert.equal((await paths()).fast - p0.fast, 1);
  assert.equal(valid() - before, 2, "the admin key once, the verified key once");
  // handed over before the body is read (the route answers 200 from a spaced body): the same two
  before = valid();
  const spaced = await verifyOn(JSON.stringify({ key: secrets.current }, null, 1).replace('"key"', '"key" '));
  assert.equal(spaced.status, 200);
  assert.equal(valid() - before, 2);
});

test("a replay through Fastify that fails is answered 500 problem+json, and reported", async () => {
  const reported: string[] = [];
  const fv = createFastVerify({
    // the one part replaced: an app whose inject fails, as a broken framework would
    app: { inject: () => Promise.reject(new Error("inject failed")) } as never,
    verifier: node.kr.verifier,
    decide: (b) => node.kr.verifier.verify(b.key, b.scopes, b.clientIp),
    bodyLimit: 64 * 1024,
    nextRequestId: requestIds(),
    observe: () => undefined,
    answered: () => undefined,
    onReplayError: (_err, id) => reported.push(id),
    mayAnswer: () => true,
  });
  const server = createServer((req, res) =>
    fv(req, res, (_q, s) => {
      s.statusCode = 418;
      s.end();
    }),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  try {
    const port = (server.address() as AddressInfo).port;
    // a bad scope: read by the fast path, then replayed
    const r = await fetch(`http://127.0.0.1:${port}/v1/verify`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` },
      body: JSON.stringify({ key: secrets.current, scopes: ["no spaces"] }),
    });
    assert.equal(r.status, 500);
    assert.equal(r.headers.get("content-type"), "application/problem+json; charset=utf-8");
    assert.equal(r.headers.get("cache-control"), "no-store");
    const id = r.headers.get("x-request-id");
    assert.match(id ?? "", /^req_/);
    assert.deepEqual(await r.json(), {
      type: "urn:keyroll:error:INTERNAL",
      title: "Internal error",
      status: 500,
      code: "INTERNAL",
      detail: "Internal error",
      instance: id,
    });
    assert.deepEqual(reported, [id]);
  } finally {
    await new Promise((r) => server.close(r));
  }
});
