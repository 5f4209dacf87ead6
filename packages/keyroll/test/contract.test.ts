// The contract, checked from outside: a listening node serves /openapi.json; every documented
// operation is driven over real HTTP (its success and each error it can give), and every answer's
// status, content type, headers and body are checked against that document with ajv, which knows
// nothing of the route code. An answer with a status its operation does not list fails; a route
// the server serves that the document lacks fails; a documented status no case drives fails.
//
// A new route: add its success (and its own 404/409/422 …) to `specific` below. The generic
// errors (400, 401, 403, 413, 415, 431) are derived from the document and driven for every
// operation without further ado: 401 and 403 by its security scheme (`adminKey`: Authorization
// Bearer with a scope; `gatewayKey`: the header the scheme names, /v1/authorize).
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, request } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import * as ajvFormats from "ajv-formats";
import { isUndocumentedPath, UI_PREFIX } from "../src/http/openapi.js";
import { MINUTE, SECOND, T0 } from "./contract-fixtures.js";
import { ADMIN_KEY, startTestNode, type TestNode } from "./helpers.js";
import { type ManualClock, quietNode } from "./usage-fixtures.js";

// biome-ignore lint/suspicious/noExplicitAny: the served document and bodies are read field by field
type Json = any;
interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: Json;
}
interface Req {
  /** the admin key to send; null sends no Authorization */
  auth?: string | null;
  body?: unknown;
  raw?: string;
  type?: string;
  headers?: Record<string, string>;
}

// Issue 12's operations (client-key routes and the in-process verifier's feed) are driven by
// test/self.test.ts, client-verifier.test.ts and openapi.test.ts, not yet by this harness: the
// /v1/self routes take a client key (their 401 is CLIENT_UNAUTHORIZED, no admin scope), and
// /v1/changes is an endless event stream. They stay in the served-vs-documented check.
const DRIVEN_ELSEWHERE = new Set([
  "getSelf",
  "pickUpSuccessor",
  "rotateSelf",
  "getVerifierSnapshot",
  "streamChanges",
  "reportUsage",
]);

let node: TestNode;
let clock: ManualClock;
let base: URL;
let doc: Json;
const ops = new Map<string, { method: string; path: string; op: Json }>();
const covered = new Map<string, Set<number>>();
/** A URL and request each operation succeeded with, for the generic error cases. */
const good = new Map<
  string,
  { url: string; body?: unknown; auth?: string | null; headers?: Record<string, string> }
>();

function send(method: string, url: string, req: Req = {}): Promise<Answer> {
  const auth = req.auth === undefined ? ADMIN_KEY : req.auth;
  const payload =
    req.raw !== undefined ? req.raw : req.body !== undefined ? JSON.stringify(req.body) : undefined;
  const headers: Record<string, string | number> = {
    ...(auth !== null && { authorization: `Bearer ${auth}` }),
    ...(payload !== undefined && {
      "content-type": req.type ?? "application/json",
      "content-length": Buffer.byteLength(payload),
    }),
    ...req.headers,
  };
  return new Promise((resolve, reject) => {
    const r = request(
      { host: base.hostname, port: base.port, method, path: url, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode!, headers: res.headers, text, body });
        });
      },
    );
    r.on("error", reject);
    r.end(payload);
  });
}

// ---- the validator: compiled from the served document only ----

const ajv = new Ajv2020({ strict: false, allErrors: true });
(ajvFormats.default as unknown as (a: Ajv2020) => void)(ajv);
const compiled = new Map<string, ValidateFunction>();

function validator(key: string, schema: Json): ValidateFunction {
  let v = compiled.get(key);
  if (!v) {
    // the document's own refs point at its components; they are registered once as "doc"
    const text = JSON.stringify(schema).replaceAll('"#/components/schemas/', '"doc#/$defs/');
    v = ajv.compile(JSON.parse(text));
    compiled.set(key, v);
  }
  return v;
}

function params(mediaType: string): { type: string; params: Map<string, string> } {
  const [type, ...rest] = mediaType.split(";").map((p) => p.trim().toLowerCase());
  return { type: type!, params: new Map(rest.map((p) => p.split("=") as [string, string])) };
}

/** The documented media type `actual` is (its type, and every parameter the document names). */
function mediaOf(content: Record<string, unknown>, actual: string): string | undefined {
  const a = params(actual);
  return Object.keys(content).find((m) => {
    const d = params(m);
    return d.type === a.type && [...d.params].every(([k, v]) => a.params.get(k) === v);
  });
}

/** Checks one answer of `opId` against the document, and records its status as driven. */
function check(opId: string, a: Answer, what: string): void {
  const entry = ops.get(opId);
  assert.ok(entry, `${opId} is not in the document`);
  const at = `${opId} (${what}) → ${a.status} ${a.text.slice(0, 300)}`;
  const r = entry.op.responses[String(a.status)];
  assert.ok(r, `${at}: the document does not list this status for the operation`);
  if (r.content) {
    const ct = String(a.headers["content-type"] ?? "");
    const media = mediaOf(r.content, ct);
    assert.ok(media, `${at}: content type ${ct} is not one of ${Object.keys(r.content).join(", ")}`);
    if (params(media).type.endsWith("json")) {
      assert.notEqual(a.body, undefined, `${at}: the body is not JSON`);
      const v = validator(`${opId} ${a.status} ${media}`, r.content[media].schema);
      assert.ok(v(a.body), `${at}: body differs from the schema: ${ajv.errorsText(v.errors)}`);
    } else {
      assert.ok(a.text.length > 0, `${at}: empty body`);
    }
    if (media === "application/problem+json") assert.equal(a.body.status, a.status, `${at}: problem.status`);
  }
  const documented = r.headers ?? {};
  for (const [name, h] of Object.entries<Json>(documented)) {
    const def = h.$ref ? doc.components.headers[h.$ref.split("/").pop()] : h;
    const value = a.headers[name.toLowerCase()];
    if (def.required) assert.notEqual(value, undefined, `${at}: header ${name} is required`);
    if (value !== undefined) {
      const v = validator(`header ${name}`, def.schema);
      assert.ok(v(value), `${at}: header ${name}: ${value} ${ajv.errorsText(v.errors)}`);
    }
  }
  // a header of Keyroll's own sent where the document does not say so
  for (const name of Object.keys(doc.components.headers)) {
    if (a.headers[name.toLowerCase()] !== undefined) {
      assert.ok(documented[name], `${at}: sends ${name}, which this response does not document`);
    }
  }
  covered.get(opId)!.add(a.status);
  checked++;
}
let checked = 0;

/** Sends, asserts the status, checks the answer against the document. */
async function expect(opId: string, status: number, method: string, url: string, req: Req = {}) {
  const a = await send(method, url, req);
  assert.equal(a.status, status, `${opId} ${method} ${url}: ${a.text.slice(0, 400)}`);
  check(opId, a, `${method} ${url}`);
  if (status < 300 && !good.has(opId))
    good.set(opId, { url, body: req.body, auth: req.auth, headers: req.headers });
  return a;
}

const problemCode = (a: Answer, code: string) => assert.equal(a.body.code, code, a.text);

// the route rules GET /v1/authorize applies (docs/gateways.md): a scoped route, a public one, the rest denied
const policyDir = mkdtempSync(join(tmpdir(), "keyroll-contract-"));
const policyFile = join(policyDir, "gateway.yaml");
writeFileSync(
  policyFile,
  `rotationDocs: https://docs.example.com/rotation
unmatched: deny
routes:
  - match: GET /orders/**
    scopes: [orders:read]
  - match: GET /public/**
`,
);

before(async () => {
  const signingKey = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" });
  ({ node, clock } = await quietNode({
    KEYROLL_AUDIT_SIGNING_KEY: signingKey.toString(),
    KEYROLL_GATEWAY_CONFIG: policyFile,
  }));
  base = new URL(await node.kr.app.listen({ host: "127.0.0.1", port: 0 }));
  const d = await send("GET", "/openapi.json", { auth: null });
  assert.equal(d.status, 200);
  doc = d.body;
  ajv.addSchema({ $id: "doc", $defs: doc.components.schemas });
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const [method, op] of Object.entries<Json>(item)) {
      assert.ok(op.operationId, `${method} ${path} has an operationId`);
      assert.ok(!ops.has(op.operationId), `operationId ${op.operationId} is unique`);
      ops.set(op.operationId, { method: method.toUpperCase(), path, op });
      covered.set(op.operationId, new Set());
    }
  }
});
after(async () => {
  await node.close();
  rmSync(policyDir, { recursive: true, force: true });
});

test("every route the server serves is a documented operation, and every operation is served", () => {
  // Fastify's own route list, parsed from its printed tree (full paths with commonPrefix: false)
  const served = new Set<string>();
  const stack: string[] = [];
  for (const line of node.kr.app.printRoutes({ commonPrefix: false }).split("\n")) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join("").replace(/:(\w+)/g, "{$1}");
    for (const method of m[3]?.split(", ") ?? []) served.add(`${method} ${path}`);
  }
  assert.ok(served.size >= 20, `parsed the route list: ${[...served].join(", ")}`);
  const documented = new Set([...ops.values()].map((o) => `${o.method} ${o.path}`));
  // the one rule for routes left out of the document: the dashboard's static files under /ui
  // (docs/decisions/0021); http/openapi.ts refuses `hide` on any other route (test/dashboard.test.ts)
  // (the printed tree shows the wildcard of `/ui/*` as a child `*` of `/ui`, so it reads `/ui*`)
  const isUi = (s: string) => s.split(" ")[1]!.startsWith(UI_PREFIX);
  assert.deepEqual([...served].filter(isUi).sort(), ["GET /ui", "GET /ui*", "HEAD /ui", "HEAD /ui*"]);
  for (const s of served) {
    if (isUi(s)) continue;
    // HEAD is Fastify's automatic twin of a GET: same answer without the body (RFC 9110)
    if (s.startsWith("HEAD ")) {
      assert.ok(documented.has(s.replace("HEAD", "GET")), `${s} twins a documented GET`);
      continue;
    }
    assert.ok(documented.has(s), `${s} is served but not in /openapi.json`);
  }
  for (const d of documented) assert.ok(served.has(d), `${d} is documented but not served`);
  assert.ok(
    ![...documented].some((d) => isUndocumentedPath(d.split(" ")[1]!)),
    "no /ui path in the document",
  );
});

test("every operation's success and its own errors, checked against the document", async () => {
  // public operations
  await expect("getHealth", 200, "GET", "/healthz", { auth: null });
  await expect("getReadiness", 200, "GET", "/readyz", { auth: null });
  const metrics = await expect("getMetrics", 200, "GET", "/metrics", { auth: null });
  assert.match(metrics.text, /^# HELP /m);
  await expect("getOpenApi", 200, "GET", "/openapi.json", { auth: null });

  // consumers
  const c = await expect("createConsumer", 201, "POST", "/v1/consumers", {
    body: { name: "acme", externalId: "ext-1", metadata: { plan: "pro" } },
  });
  const con = c.body.id as string;
  const other = (await expect("createConsumer", 201, "POST", "/v1/consumers", { body: { name: "other" } }))
    .body.id as string;
  problemCode(
    await expect("createConsumer", 409, "POST", "/v1/consumers", {
      body: { name: "b", externalId: "ext-1" },
    }),
    "EXTERNAL_ID_TAKEN",
  );
  const list = await expect("listConsumers", 200, "GET", "/v1/consumers?limit=200");
  const adminCon = list.body.data.find((x: { name: string }) => x.name === "keyroll-admin").id as string;
  await expect("getConsumer", 200, "GET", `/v1/consumers/${con}`);
  const noCon = "con_00000000000000000000000000";
  problemCode(await expect("getConsumer", 404, "GET", `/v1/consumers/${noCon}`), "CONSUMER_NOT_FOUND");
  problemCode(await expect("listConsumers", 400, "GET", "/v1/consumers?cursor=nope"), "INVALID_CURSOR");
  await expect("updateConsumer", 200, "PATCH", `/v1/consumers/${con}`, { body: { name: "acme inc" } });
  await expect("updateConsumer", 404, "PATCH", `/v1/consumers/${noCon}`, { body: { name: "x" } });
  problemCode(
    await expect("updateConsumer", 409, "PATCH", `/v1/consumers/${other}`, { body: { externalId: "ext-1" } }),
    "EXTERNAL_ID_TAKEN",
  );

  // admin keys with too little scope, and an ordinary key, for the 403s
  const adminKey = async (scopes: string[]) =>
    (await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: adminCon, scopes } })).body;
  const verifyOnly = await adminKey(["verify"]);
  const readOnly = await adminKey(["keys:read"]);

  // keys
  const k = await expect("createKey", 201, "POST", "/v1/keys", {
    body: { consumerId: con, name: "prod", scopes: ["orders:read"] },
  });
  const key = k.body.key.id as string;
  const ordinary = k.body.secret as string;
  const noKey = "key_00000000000000000000000000";
  problemCode(
    await expect("createKey", 404, "POST", "/v1/keys", { body: { consumerId: noCon } }),
    "CONSUMER_NOT_FOUND",
  );
  const imported = "imported_secret_0123456789_abcdef";
  await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: other, secret: imported } });
  problemCode(
    await expect("createKey", 409, "POST", "/v1/keys", { body: { consumerId: con, secret: imported } }),
    "SECRET_ALREADY_EXISTS",
  );
  // docs/errors.md: a length the schema refuses is VALIDATION_FAILED; bad characters INVALID_SECRET
  problemCode(
    await expect("createKey", 400, "POST", "/v1/keys", { body: { consumerId: con, secret: "abcde" } }),
    "VALIDATION_FAILED",
  );
  problemCode(
    await expect("createKey", 400, "POST", "/v1/keys", {
      body: { consumerId: con, secret: "has spaces in it 0123456789" },
    }),
    "INVALID_SECRET",
  );
  // docs/errors.md: an empty body is no body, so a route that needs one says VALIDATION_FAILED
  problemCode(await expect("createKey", 400, "POST", "/v1/keys", { raw: "" }), "VALIDATION_FAILED");
  await expect("listKeys", 200, "GET", `/v1/keys?consumerId=${con}&state=active&limit=10`);
  // bulk import (decision 0019): a committed request, its re-run, a request with a bad row, NDJSON
  const imported1 = await expect("importKeys", 200, "POST", "/v1/keys/import", {
    body: { keys: [{ externalId: "contract-1", consumerId: con, scopes: ["orders:read"] }] },
  });
  assert.equal(imported1.body.committed, true);
  assert.equal(imported1.body.results[0].status, "created");
  assert.ok(imported1.body.results[0].secret);
  const rerun = await expect("importKeys", 200, "POST", "/v1/keys/import", {
    raw: `{"externalId":"contract-1","consumerId":"${con}"}\n{"externalId":"contract-2","consumerId":"${noCon}"}\n`,
    type: "application/x-ndjson",
  });
  assert.equal(rerun.body.committed, false);
  assert.deepEqual(
    rerun.body.results.map((r: { status: string }) => r.status),
    ["existing", "failed"],
  );
  assert.equal(rerun.body.results[0].secret, undefined);
  assert.equal(rerun.body.results[1].error.code, "CONSUMER_NOT_FOUND");
  await expect("importKeys", 200, "POST", "/v1/keys/import?dryRun=true", {
    body: { keys: [{ externalId: "contract-3", consumerId: con }] },
  });
  problemCode(
    await expect("importKeys", 400, "POST", "/v1/keys/import", { body: { rows: [] } }),
    "VALIDATION_FAILED",
  );
  const byExternal = await expect("listKeys", 200, "GET", "/v1/keys?externalId=contract-1");
  assert.equal(byExternal.body.data.length, 1);
  assert.equal(byExternal.body.data[0].externalId, "contract-1");
  await expect("getKey", 200, "GET", `/v1/keys/${key}`);
  problemCode(await expect("getKey", 404, "GET", `/v1/keys/${noKey}`), "KEY_NOT_FOUND");
  await expect("updateKey", 200, "PATCH", `/v1/keys/${key}`, { body: { name: "production", metadata: {} } });
  await expect("updateKey", 404, "PATCH", `/v1/keys/${noKey}`, { body: { name: "x" } });

  // authorize: the gateway proves itself with an admin key of scope verify; the client's key comes
  // as the client sent it (Authorization: Bearer), the original request in X-Original-*
  const asGateway = (client: string | null, uri?: string, method = "GET"): Req => ({
    auth: client,
    headers: {
      "x-keyroll-gateway-key": verifyOnly.secret,
      "x-original-method": method,
      ...(uri !== undefined && { "x-original-uri": uri }),
    },
  });
  const ok = await expect("authorizeRequest", 200, "GET", "/v1/authorize", asGateway(imported, "/public/a"));
  assert.equal(ok.headers["x-keyroll-key-version"], "1");
  assert.equal(ok.headers.deprecation, undefined);
  const scoped = await expect(
    "authorizeRequest",
    200,
    "GET",
    "/v1/authorize",
    asGateway(ordinary, "/orders/1"),
  );
  assert.equal(scoped.headers["x-keyroll-key-id"], key);
  assert.equal(scoped.headers["x-keyroll-consumer-id"], con);
  problemCode(
    await expect("authorizeRequest", 400, "GET", "/v1/authorize", asGateway(ordinary)),
    "VALIDATION_FAILED",
  );
  // the client's key is challenged in the API's realm (the gateway passes the 401 on to the client)
  const missing = await expect("authorizeRequest", 401, "GET", "/v1/authorize", asGateway(null, "/orders/1"));
  problemCode(missing, "KEY_MISSING");
  assert.equal(missing.headers["www-authenticate"], 'Bearer realm="api"');
  const invalid = await expect(
    "authorizeRequest",
    401,
    "GET",
    "/v1/authorize",
    asGateway("kr_live_not_a_key_of_this_server", "/orders/1"),
  );
  problemCode(invalid, "KEY_INVALID");
  assert.equal(invalid.headers["www-authenticate"], 'Bearer realm="api", error="invalid_token"');
  problemCode(
    await expect("authorizeRequest", 403, "GET", "/v1/authorize", asGateway(imported, "/orders/1")),
    "INSUFFICIENT_SCOPE",
  );
  problemCode(
    await expect("authorizeRequest", 403, "GET", "/v1/authorize", asGateway(ordinary, "/orders", "POST")),
    "ROUTE_NOT_ALLOWED",
  );
  // a key's own rate limit: one request an hour (the manual clock does not move here)
  const limited = (
    await expect("createKey", 201, "POST", "/v1/keys", {
      body: { consumerId: other, rateLimit: { limit: 1, period: "1h" } },
    })
  ).body.secret as string;
  const first = await expect(
    "authorizeRequest",
    200,
    "GET",
    "/v1/authorize",
    asGateway(limited, "/public/a"),
  );
  assert.match(String(first.headers["ratelimit-policy"]), /q=1;w=3600/);
  assert.match(String(first.headers.ratelimit), /r=0/);
  const over = await expect("authorizeRequest", 429, "GET", "/v1/authorize", asGateway(limited, "/public/a"));
  problemCode(over, "RATE_LIMITED");
  assert.match(String(over.headers["retry-after"]), /^[1-9][0-9]*$/);

  // a failed rollover, for the alerts: v1 used from an address, rotated, used after its grace
  const alerted = (await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: other } })).body;
  clock.set(T0 + 10 * SECOND);
  await expect("verifyKey", 200, "POST", "/v1/verify", {
    body: { key: alerted.secret, clientIp: "203.0.113.7" },
  });
  await node.kr.verifier.flush();
  clock.set(T0 + MINUTE);
  await expect("rotateKey", 201, "POST", `/v1/keys/${alerted.key.id}/rotate`, {
    body: { gracePeriod: "10m" },
  });
  clock.set(T0 + 12 * MINUTE);
  const late = await expect("verifyKey", 200, "POST", "/v1/verify", {
    body: { key: alerted.secret, clientIp: "203.0.113.7" },
  });
  assert.equal(late.body.code, "EXPIRED");
  await node.kr.verifier.flush();
  const alerts = await expect("listAlerts", 200, "GET", `/v1/alerts?state=open&keyId=${alerted.key.id}`);
  const alert = alerts.body.data[0]?.id as string;
  assert.ok(alert, alerts.text);
  await expect("acknowledgeAlert", 200, "POST", `/v1/alerts/${alert}/ack`);
  problemCode(
    await expect("acknowledgeAlert", 404, "POST", "/v1/alerts/alr_00000000000000000000000000/ack"),
    "ALERT_NOT_FOUND",
  );

  // rotation: Idempotency-Key of any 1-255 printable characters; a replay says so
  const rot = { body: { gracePeriod: "1h", reason: "quarterly" }, headers: { "idempotency-key": "r1" } };
  const r1 = await expect("rotateKey", 201, "POST", `/v1/keys/${key}/rotate`, rot);
  assert.equal(r1.headers["idempotent-replayed"], undefined);
  const replay = await expect("rotateKey", 201, "POST", `/v1/keys/${key}/rotate`, rot);
  assert.equal(replay.headers["idempotent-replayed"], "true");
  assert.equal(replay.body.secret, r1.body.secret);
  problemCode(
    await expect("rotateKey", 422, "POST", `/v1/keys/${key}/rotate`, { ...rot, body: { gracePeriod: "2h" } }),
    "IDEMPOTENCY_KEY_REUSED",
  );
  problemCode(
    await expect("rotateKey", 400, "POST", `/v1/keys/${key}/rotate`, {
      body: { gracePeriod: "1h" },
      headers: { "idempotency-key": "has space" },
    }),
    "INVALID_IDEMPOTENCY_KEY",
  );
  problemCode(
    await expect("rotateKey", 400, "POST", `/v1/keys/${key}/rotate`, { body: { gracePeriod: "forever" } }),
    "INVALID_DURATION",
  );
  await expect("rotateKey", 404, "POST", `/v1/keys/${noKey}/rotate`, { body: { gracePeriod: "1h" } });

  // verify: the version in grace is VALID, deprecated, with a Sunset header
  const inGrace = await expect("verifyKey", 200, "POST", "/v1/verify", { body: { key: ordinary } });
  assert.equal(inGrace.body.deprecated, true);
  assert.match(String(inGrace.headers.sunset), /GMT$/);
  const graceAuth = await expect(
    "authorizeRequest",
    200,
    "GET",
    "/v1/authorize",
    asGateway(ordinary, "/orders/1"),
  );
  assert.match(String(graceAuth.headers.deprecation), /^@\d+$/);
  assert.match(String(graceAuth.headers.sunset), /GMT$/);
  assert.equal(
    graceAuth.headers.link,
    '<https://docs.example.com/rotation>; rel="deprecation"; type="text/html"',
  );
  await expect("verifyKey", 200, "POST", "/v1/verify", { body: { key: "kr_live_nothing", scopes: ["a:b"] } });

  // usage and rotations
  await expect("getKeyUsage", 200, "GET", `/v1/keys/${key}/usage?granularity=hour`);
  await expect("getKeyUsage", 404, "GET", `/v1/keys/${noKey}/usage`);
  const rotations = await expect("listRotations", 200, "GET", "/v1/rotations?state=active");
  assert.ok(rotations.body.data.some((x: { keyId: string }) => x.keyId === key));

  // rollback, with {} as the README sends it, and with no body at all; 409 with nothing to return to
  await expect("rollbackKey", 200, "POST", `/v1/keys/${key}/rollback`, { body: {} });
  problemCode(await expect("rollbackKey", 409, "POST", `/v1/keys/${key}/rollback`), "ROLLBACK_NOT_POSSIBLE");
  await expect("rollbackKey", 404, "POST", `/v1/keys/${noKey}/rollback`, { body: {} });

  // revoking one version (no body, or a reason); the active one alone is 409
  const r2 = await expect("rotateKey", 201, "POST", `/v1/keys/${key}/rotate`, {
    body: { gracePeriod: "1h" },
  });
  await expect("revokeKeyVersion", 200, "POST", `/v1/keys/${key}/versions/1/revoke`);
  problemCode(
    await expect("revokeKeyVersion", 409, "POST", `/v1/keys/${key}/versions/${r2.body.version}/revoke`, {
      body: { reason: "no" },
    }),
    "VERSION_ACTIVE",
  );
  problemCode(
    await expect("revokeKeyVersion", 404, "POST", `/v1/keys/${key}/versions/99/revoke`, { body: {} }),
    "VERSION_NOT_FOUND",
  );

  // revoke the key; a revoked key is 409 for the calls that change it
  await expect("revokeKey", 200, "POST", `/v1/keys/${key}/revoke`, { body: { reason: "rotated out" } });
  await expect("revokeKey", 200, "POST", `/v1/keys/${key}/revoke`);
  await expect("revokeKey", 404, "POST", `/v1/keys/${noKey}/revoke`);
  problemCode(
    await expect("updateKey", 409, "PATCH", `/v1/keys/${key}`, { body: { name: "x" } }),
    "KEY_REVOKED",
  );
  problemCode(
    await expect("rotateKey", 409, "POST", `/v1/keys/${key}/rotate`, { body: { gracePeriod: "1h" } }),
    "KEY_REVOKED",
  );

  // rotation policies, cancelling a scheduled version, the key-age report (issue 14)
  const policy = { interval: "90d", gracePeriod: "7d" };
  const dp = await expect("getDefaultPolicy", 200, "GET", "/v1/policies/default");
  assert.equal(dp.body.policy, null);
  await expect("setDefaultPolicy", 200, "PUT", "/v1/policies/default", { body: policy });
  problemCode(
    await expect("setDefaultPolicy", 400, "PUT", "/v1/policies/default", {
      body: { interval: "1m", gracePeriod: "1h" },
    }),
    "INVALID_DURATION",
  );
  await expect("deleteDefaultPolicy", 200, "DELETE", "/v1/policies/default");
  const windowed = {
    ...policy,
    activateAfter: "1d",
    window: { days: ["sat", "sun"], start: "02:00", end: "05:00", timeZone: "Europe/Berlin" },
  };
  await expect("setConsumerPolicy", 200, "PUT", `/v1/consumers/${con}/policy`, { body: windowed });
  problemCode(
    await expect("setConsumerPolicy", 404, "PUT", `/v1/consumers/${noCon}/policy`, { body: policy }),
    "CONSUMER_NOT_FOUND",
  );
  problemCode(
    await expect("setConsumerPolicy", 409, "PUT", `/v1/consumers/${adminCon}/policy`, { body: policy }),
    "POLICY_NOT_ALLOWED",
  );
  await expect("getConsumerPolicy", 200, "GET", `/v1/consumers/${con}/policy`);
  problemCode(
    await expect("getConsumerPolicy", 404, "GET", `/v1/consumers/${noCon}/policy`),
    "CONSUMER_NOT_FOUND",
  );
  const policed = (await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: con } })).body.key
    .id;
  const kp = await expect("setKeyPolicy", 200, "PUT", `/v1/keys/${policed}/policy`, {
    body: { ...policy, retireWhenUnusedFor: "1h", extendWhileInUse: { max: "14d", step: "1d" } },
  });
  assert.equal(kp.body.effective.source, "key");
  problemCode(
    await expect("setKeyPolicy", 404, "PUT", `/v1/keys/${noKey}/policy`, { body: policy }),
    "KEY_NOT_FOUND",
  );
  problemCode(
    await expect("setKeyPolicy", 409, "PUT", `/v1/keys/${verifyOnly.key.id}/policy`, { body: policy }),
    "POLICY_NOT_ALLOWED",
  );
  await expect("getKeyPolicy", 200, "GET", `/v1/keys/${policed}/policy`);
  problemCode(await expect("getKeyPolicy", 404, "GET", `/v1/keys/${noKey}/policy`), "KEY_NOT_FOUND");
  const shown = await expect("getKey", 200, "GET", `/v1/keys/${policed}`);
  assert.equal(shown.body.rotationPolicy.source, "key");
  await expect("deleteKeyPolicy", 200, "DELETE", `/v1/keys/${policed}/policy`);
  problemCode(await expect("deleteKeyPolicy", 404, "DELETE", `/v1/keys/${noKey}/policy`), "KEY_NOT_FOUND");
  assert.equal(
    (await expect("getKey", 200, "GET", `/v1/keys/${policed}`)).body.rotationPolicy.source,
    "consumer",
  );
  await expect("deleteConsumerPolicy", 200, "DELETE", `/v1/consumers/${con}/policy`);
  problemCode(
    await expect("deleteConsumerPolicy", 404, "DELETE", `/v1/consumers/${noCon}/policy`),
    "CONSUMER_NOT_FOUND",
  );
  await expect("rotateKey", 201, "POST", `/v1/keys/${policed}/rotate`, {
    body: { gracePeriod: "1h", activateAt: new Date(clock.now() + 3_600_000).toISOString() },
  });
  await expect("cancelKeyVersion", 200, "POST", `/v1/keys/${policed}/versions/2/cancel`, {
    body: { reason: "test" },
  });
  problemCode(
    await expect("cancelKeyVersion", 409, "POST", `/v1/keys/${policed}/versions/2/cancel`),
    "VERSION_NOT_SCHEDULED",
  );
  problemCode(
    await expect("cancelKeyVersion", 404, "POST", `/v1/keys/${policed}/versions/7/cancel`),
    "VERSION_NOT_FOUND",
  );
  const report = await expect("getKeyAgeReport", 200, "GET", `/v1/reports/key-age?consumerId=${con}`);
  // other keys of this consumer (made by other parts of this test) may be listed too
  assert.ok(
    report.body.neverRotated.some((x: { keyId: string }) => x.keyId === policed),
    "a key whose only rotation was cancelled is still on its first secret",
  );

  // webhooks (a public literal address: no DNS, and the guard lets it through)
  const noWhk = "whk_00000000000000000000000000";
  const wh = await expect("createWebhook", 201, "POST", "/v1/webhooks", {
    body: { url: "http://8.8.8.8:9/hook", events: ["key.created"], consumerId: con },
  });
  const whk = wh.body.webhook.id as string;
  problemCode(
    await expect("createWebhook", 404, "POST", "/v1/webhooks", {
      body: { url: "http://8.8.8.8:9/hook", events: ["key.created"], consumerId: noCon },
    }),
    "CONSUMER_NOT_FOUND",
  );
  await expect("listWebhooks", 200, "GET", "/v1/webhooks");
  await expect("getWebhook", 200, "GET", `/v1/webhooks/${whk}`);
  problemCode(await expect("getWebhook", 404, "GET", `/v1/webhooks/${noWhk}`), "WEBHOOK_NOT_FOUND");
  await expect("updateWebhook", 200, "PATCH", `/v1/webhooks/${whk}`, { body: { description: "ops" } });
  await expect("updateWebhook", 404, "PATCH", `/v1/webhooks/${noWhk}`, { body: { description: "ops" } });
  await expect("rotateWebhookSecret", 200, "POST", `/v1/webhooks/${whk}/rotate-secret`, {
    body: { overlap: "1h" },
  });
  await expect("rotateWebhookSecret", 404, "POST", `/v1/webhooks/${noWhk}/rotate-secret`, { body: {} });
  await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: con } });
  const dl = await expect("listWebhookDeliveries", 200, "GET", `/v1/webhooks/${whk}/deliveries`);
  const dlv = dl.body.data[0].id as string;
  await expect("listWebhookDeliveries", 404, "GET", `/v1/webhooks/${noWhk}/deliveries`);
  await expect("retryWebhookDelivery", 202, "POST", `/v1/webhooks/${whk}/deliveries/${dlv}/retry`);
  problemCode(
    await expect(
      "retryWebhookDelivery",
      404,
      "POST",
      `/v1/webhooks/${whk}/deliveries/dlv_0000000000000000000000000000/retry`,
    ),
    "DELIVERY_NOT_FOUND",
  );
  await expect("deleteWebhook", 404, "DELETE", `/v1/webhooks/${noWhk}`);
  const spare = (
    await expect("createWebhook", 201, "POST", "/v1/webhooks", {
      body: { url: "http://8.8.8.8:9/other", events: ["key.revoked"] },
    })
  ).body.webhook.id as string;
  await expect("deleteWebhook", 200, "DELETE", `/v1/webhooks/${spare}`);

  // bulk rotation jobs: a dry run (200), a job (202), its keys, pause / resume / cancel, and the
  // final state's 409
  const noJob = "job_00000000000000000000000000";
  const dry = await expect("createRotationJob", 200, "POST", "/v1/rotation-jobs", {
    body: { selector: { consumerId: other }, gracePeriod: "1h", dryRun: true },
  });
  assert.equal(dry.body.dryRun, true);
  const job = (
    await expect("createRotationJob", 202, "POST", "/v1/rotation-jobs", {
      body: { selector: { consumerId: other }, gracePeriod: "1h", rate: 1 },
    })
  ).body.id as string;
  await expect("listRotationJobs", 200, "GET", "/v1/rotation-jobs?state=queued");
  await expect("getRotationJob", 200, "GET", `/v1/rotation-jobs/${job}`);
  problemCode(
    await expect("getRotationJob", 404, "GET", `/v1/rotation-jobs/${noJob}`),
    "ROTATION_JOB_NOT_FOUND",
  );
  await expect("listRotationJobKeys", 200, "GET", `/v1/rotation-jobs/${job}/keys?state=pending`);
  await expect("listRotationJobKeys", 404, "GET", `/v1/rotation-jobs/${noJob}/keys`);
  await expect("pauseRotationJob", 200, "POST", `/v1/rotation-jobs/${job}/pause`, { body: {} });
  await expect("pauseRotationJob", 404, "POST", `/v1/rotation-jobs/${noJob}/pause`);
  await expect("resumeRotationJob", 200, "POST", `/v1/rotation-jobs/${job}/resume`);
  await expect("resumeRotationJob", 404, "POST", `/v1/rotation-jobs/${noJob}/resume`);
  await expect("cancelRotationJob", 200, "POST", `/v1/rotation-jobs/${job}/cancel`);
  await expect("cancelRotationJob", 404, "POST", `/v1/rotation-jobs/${noJob}/cancel`);
  for (const op of ["pauseRotationJob", "resumeRotationJob", "cancelRotationJob"] as const) {
    const action = { pauseRotationJob: "pause", resumeRotationJob: "resume", cancelRotationJob: "cancel" }[
      op
    ];
    problemCode(await expect(op, 409, "POST", `/v1/rotation-jobs/${job}/${action}`), "ROTATION_JOB_FINISHED");
  }

  // consumers: delete one (revoking its keys); the reserved admin consumer is 409
  const del = await expect("deleteConsumer", 200, "DELETE", `/v1/consumers/${con}`);
  assert.equal(del.body.deleted, true);
  await expect("deleteConsumer", 404, "DELETE", `/v1/consumers/${noCon}`);
  problemCode(
    await expect("deleteConsumer", 409, "DELETE", `/v1/consumers/${adminCon}`),
    "CONSUMER_RESERVED",
  );

  // the audit log (this node signs checkpoints; a node without a signing key answers the public
  // key 404)
  const entries = await expect("listAuditEntries", 200, "GET", "/v1/audit?limit=5");
  assert.equal(entries.body.data.length, 5);
  await expect("listAuditEntries", 200, "GET", `/v1/audit?targetId=${con}&actor=system&cursor=1`);
  problemCode(await expect("listAuditEntries", 400, "GET", "/v1/audit?cursor=nope"), "INVALID_CURSOR");
  problemCode(
    await expect("listAuditCheckpoints", 400, "GET", "/v1/audit/checkpoints?cursor=x"),
    "INVALID_CURSOR",
  );
  assert.ok(await node.kr.services.audit.checkpoint(), "a checkpoint of the head");
  const cps = await expect("listAuditCheckpoints", 200, "GET", "/v1/audit/checkpoints");
  assert.equal(cps.body.data.length, 1);
  const verified = await expect("verifyAuditLog", 200, "GET", "/v1/audit/verify");
  assert.equal(verified.body.valid, true, verified.text);
  await expect("getAuditPublicKey", 200, "GET", "/v1/audit/public-key", { auth: null });
  const unsigned = await startTestNode();
  try {
    const r = await unsigned.kr.app.inject({ method: "GET", url: "/v1/audit/public-key" });
    const a: Answer = {
      status: r.statusCode,
      headers: r.headers as IncomingHttpHeaders,
      text: r.body,
      body: r.json(),
    };
    assert.equal(a.status, 404);
    check("getAuditPublicKey", a, "a node without a signing key");
    problemCode(a, "AUDIT_SIGNING_OFF");
  } finally {
    await unsigned.close();
  }

  // incidents (decision 0018): emergency rotation, the digest lookup, exposure, nodes, leak reports
  const leaky = (await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: other } })).body;
  const digest = createHash("sha256").update(leaky.secret).digest("hex");
  const found = await expect("lookupKeyByDigest", 200, "POST", "/v1/keys/lookup", { body: { digest } });
  assert.equal(found.body.keyId, leaky.key.id);
  problemCode(
    await expect("lookupKeyByDigest", 404, "POST", "/v1/keys/lookup", { body: { digest: "0".repeat(64) } }),
    "KEY_NOT_FOUND",
  );
  const comp = await expect("compromiseKey", 201, "POST", `/v1/keys/${leaky.key.id}/compromised`, {
    body: { reason: "in a public gist", versions: [1] },
  });
  assert.deepEqual(comp.body.revokedVersions, [1]);
  problemCode(
    await expect("compromiseKey", 404, "POST", `/v1/keys/${noKey}/compromised`, { body: { reason: "x" } }),
    "KEY_NOT_FOUND",
  );
  await expect("revokeKey", 200, "POST", `/v1/keys/${leaky.key.id}/revoke`);
  problemCode(
    await expect("compromiseKey", 409, "POST", `/v1/keys/${leaky.key.id}/compromised`, {
      body: { reason: "again" },
    }),
    "KEY_REVOKED",
  );
  await expect("getKeyExposure", 200, "GET", `/v1/keys/${leaky.key.id}/exposure?versions=1`);
  problemCode(await expect("getKeyExposure", 404, "GET", `/v1/keys/${noKey}/exposure`), "KEY_NOT_FOUND");
  const victim = (await expect("createConsumer", 201, "POST", "/v1/consumers", { body: { name: "victim" } }))
    .body.id as string;
  await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: victim } });
  const cc = await expect("compromiseConsumer", 201, "POST", `/v1/consumers/${victim}/compromised`, {
    body: { reason: "laptop stolen" },
  });
  assert.equal(cc.body.keys.length, 1);
  problemCode(
    await expect("compromiseConsumer", 404, "POST", `/v1/consumers/${noCon}/compromised`, {
      body: { reason: "x" },
    }),
    "CONSUMER_NOT_FOUND",
  );
  node.kr.heartbeat.start(base.origin);
  for (let i = 0; i < 50 && (await send("GET", "/v1/nodes")).body.data.length === 0; i++) await sleep(20);
  const nodes = await expect("listNodes", 200, "GET", "/v1/nodes");
  assert.equal(nodes.body.data[0].address, base.origin);
  const rej = await expect(
    "checkNodeRevocations",
    200,
    "GET",
    `/v1/node/revocations?keyId=${leaky.key.id}&versions=1,2`,
  );
  assert.deepEqual(
    rej.body.versions.map((v: Json) => [v.version, v.rejected]),
    [
      [1, true],
      [2, true],
    ],
  );
  const leakBody = [{ token: ordinary, type: "keyroll_api_key", url: "https://github.com/o/r/blob/x/f" }];
  const other2 = (await expect("createKey", 201, "POST", "/v1/keys", { body: { consumerId: other } })).body;
  const leaked = await expect("reportLeaks", 200, "POST", "/v1/leaks", {
    body: [{ ...leakBody[0], token: other2.secret, source: "content" }],
  });
  assert.deepEqual(leaked.body, []);
  problemCode(
    await expect("reportLeaks", 401, "POST", "/v1/leaks", {
      auth: null,
      body: leakBody,
      headers: { "github-public-key-identifier": "k1", "github-public-key-signature": "MEUCIQ==" },
    }),
    "LEAK_SIGNATURE_INVALID",
  );

  // the generic errors of every operation, from the document (each is refused before its handler)
  await genericErrors({ verifyOnly: verifyOnly.secret, readOnly: readOnly.secret, ordinary: imported });

  // the last admin key cannot be revoked
  for (const s of [verifyOnly, readOnly])
    await expect("revokeKey", 200, "POST", `/v1/keys/${s.key.id}/revoke`);
  const bootstrap = (await expect("listKeys", 200, "GET", `/v1/keys?consumerId=${adminCon}&state=active`))
    .body.data[0].id as string;
  problemCode(await expect("revokeKey", 409, "POST", `/v1/keys/${bootstrap}/revoke`), "CONSUMER_RESERVED");
});

/** 400, 401, 403, 413, 415 and 431 for every operation, derived from what the document says of it. */
async function genericErrors(keys: { verifyOnly: string; readOnly: string; ordinary: string }) {
  for (const [opId, { method, path, op }] of ops) {
    if (DRIVEN_ELSEWHERE.has(opId)) continue;
    const g = good.get(opId);
    assert.ok(g, `${opId}: add its success case to test/contract.test.ts`);
    const { url, body } = g;
    const withBody = body === undefined ? {} : { body };
    const schemes = Object.keys(op.security?.[0] ?? { adminKey: [] });
    if (op.security?.length !== 0)
      assert.equal(schemes.length, 1, `${opId}: one security scheme, one way to be refused`);
    if (schemes[0] === "gatewayKey") {
      // the asking gateway's key, in the header the scheme names; the client's request as it succeeded
      const scheme = doc.components.securitySchemes.gatewayKey;
      assert.equal(scheme.type, "apiKey");
      assert.equal(scheme.in, "header");
      const name = String(scheme.name).toLowerCase();
      const asGateway = (gatewayKey: string | undefined): Req => {
        const headers = Object.fromEntries(Object.entries(g.headers ?? {}).filter(([h]) => h !== name));
        if (gatewayKey !== undefined) headers[name] = gatewayKey;
        return { ...withBody, auth: g.auth, headers };
      };
      assert.ok(g.headers?.[name], `${opId}: its success case sends ${scheme.name}`);
      for (const gatewayKey of [undefined, "not_a_key_of_this_server_000000"]) {
        const a = await expect(opId, 401, method, url, asGateway(gatewayKey));
        problemCode(a, "UNAUTHORIZED");
        // Keyroll's own credential failed: Keyroll's realm (the client's key is challenged in "api")
        assert.equal(a.headers["www-authenticate"], 'Bearer realm="keyroll"');
      }
      for (const gatewayKey of [keys.readOnly, keys.ordinary]) {
        problemCode(await expect(opId, 403, method, url, asGateway(gatewayKey)), "FORBIDDEN");
      }
    } else if (op.security === undefined || op.security.length > 0) {
      assert.equal(schemes[0], "adminKey", `${opId}: drive the 401 and 403 of scheme ${schemes[0]} here`);
      const scopes: string[] = op.security?.[0]?.adminKey ?? [];
      assert.equal(scopes.length, 1, `${opId} names the admin scope it needs`);
      for (const auth of [null, "not_a_key_of_this_server_000000"]) {
        const a = await expect(opId, 401, method, url, { ...withBody, auth });
        problemCode(a, "UNAUTHORIZED");
        assert.equal(a.headers["www-authenticate"], 'Bearer realm="keyroll"');
      }
      const a = await send(method, url, { ...withBody, headers: { authorization: "Basic Zm9vOmJhcg==" } });
      assert.equal(a.status, 401);
      check(opId, a, "Basic auth");
      const lacking = scopes[0] === "verify" ? keys.readOnly : keys.verifyOnly;
      for (const auth of [lacking, keys.ordinary]) {
        problemCode(await expect(opId, 403, method, url, { ...withBody, auth }), "FORBIDDEN");
      }
    }
    if (["POST", "PUT", "PATCH", "DELETE"].includes(method)) {
      problemCode(await expect(opId, 400, method, url, { raw: "{" }), "MALFORMED_JSON");
      problemCode(
        await expect(opId, 415, method, url, { raw: "key=value", type: "text/plain" }),
        "UNSUPPORTED_MEDIA_TYPE",
      );
      problemCode(
        await expect(opId, 413, method, url, {
          // the bulk import takes bodies up to 16 MiB; every other route the default 64 KiB
          raw: JSON.stringify({ pad: "x".repeat(opId === "importKeys" ? 17 * 1024 * 1024 : 70 * 1024) }),
        }),
        "PAYLOAD_TOO_LARGE",
      );
    }
    if (path.includes("{")) {
      const bad = path.replace(/\{[^}]+\}/g, "not-an-id");
      problemCode(await expect(opId, 400, method, bad, withBody), "VALIDATION_FAILED");
    }
    if ((op.parameters ?? []).some((p: { in: string }) => p.in === "query")) {
      const sep = url.includes("?") ? "&" : "?";
      problemCode(await expect(opId, 400, method, `${url}${sep}bogus=1`, withBody), "VALIDATION_FAILED");
    }
    if (op.requestBody) {
      const a = await expect(opId, 400, method, url, { body: { bogus: 1 } });
      problemCode(a, "VALIDATION_FAILED");
    }
    problemCode(
      await expect(opId, 431, method, url, { ...withBody, headers: { "x-padding": "p".repeat(20 * 1024) } }),
      "HEADERS_TOO_LARGE",
    );
  }
}

test("every documented status of every operation was driven (500 and 503 excepted, see below)", (t) => {
  // 500 is a bug and has no honest trigger. 503 is a store that cannot be reached, or a strict node
  // behind the change feed (readiness: a stale view): multinode-faults.test.ts and multinode-pg-restart.test.ts
  // drive those on real clusters; here they are documented, not driven (SHUTTING_DOWN is, below).
  const missing: string[] = [];
  for (const [opId, { op }] of ops) {
    if (DRIVEN_ELSEWHERE.has(opId)) continue;
    for (const s of Object.keys(op.responses).map(Number)) {
      if (s === 500 || s === 503) continue;
      if (!covered.get(opId)!.has(s)) missing.push(`${opId} ${s}`);
    }
  }
  assert.deepEqual(missing, [], "documented but never answered in this test");
  const answers = [...covered.values()].reduce((n, st) => n + st.size, 0);
  t.diagnostic(
    `${ops.size} operations, ${answers} (operation, status) pairs answered and checked, ${checked} answers`,
  );
});

test("a request that arrives while the node shuts down is 503 SHUTTING_DOWN, as documented", async () => {
  const sock = connect(Number(base.port), base.hostname);
  await once(sock, "connect");
  let received = "";
  sock.on("data", (d: Buffer) => {
    received += d.toString("latin1");
  });
  // request 1 is under way (half its body sent) when the node starts to close; request 2 then
  // arrives on the same connection
  const auth = `Authorization: Bearer ${ADMIN_KEY}\r\nHost: test\r\n`;
  sock.write(
    `POST /v1/keys/not-an-id/rollback HTTP/1.1\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{`,
  );
  await sleep(200);
  const closing = node.kr.close();
  // Fastify stops listening after its preClose hooks, so from then on the node is closing
  for (let i = 0; i < 200 && node.kr.app.server.listening; i++) await sleep(50);
  assert.equal(node.kr.app.server.listening, false);
  sock.write(`}GET /v1/consumers HTTP/1.1\r\n${auth}\r\n`);
  const answers = await new Promise<Answer[]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no second answer: ${received}`)), 10_000);
    const parse = () => {
      const out: Answer[] = [];
      let rest = received;
      for (;;) {
        const end = rest.indexOf("\r\n\r\n");
        if (end < 0) break;
        const [statusLine, ...lines] = rest.slice(0, end).split("\r\n");
        const headers: IncomingHttpHeaders = {};
        for (const l of lines)
          headers[l.slice(0, l.indexOf(":")).toLowerCase()] = l.slice(l.indexOf(":") + 1).trim();
        const length = Number(headers["content-length"] ?? 0);
        if (rest.length < end + 4 + length) break;
        const text = rest.slice(end + 4, end + 4 + length);
        out.push({ status: Number(statusLine!.split(" ")[1]), headers, text, body: JSON.parse(text) });
        rest = rest.slice(end + 4 + length);
      }
      return out;
    };
    const onData = () => {
      const out = parse();
      if (out.length >= 2) {
        clearTimeout(timer);
        resolve(out);
      }
    };
    sock.on("data", onData);
    sock.on("end", onData);
  });
  sock.destroy();
  await closing;
  // the first was routed before the close began (400), or, on a very slow machine, just after (503)
  assert.ok([400, 503].includes(answers[0]!.status), answers[0]!.text);
  check("rollbackKey", answers[0]!, "during close, already under way");
  assert.equal(answers[1]!.status, 503, answers[1]!.text);
  problemCode(answers[1]!, "SHUTTING_DOWN");
  assert.equal(answers[1]!.headers.connection, "close");
  check("listConsumers", answers[1]!, "arriving during close");
});
