import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Validator } from "@seriousme/openapi-schema-validator";
import { startTestNode } from "./helpers.js";

test("/openapi.json is a valid OpenAPI 3.1 document covering the contract", async () => {
  const node = await startTestNode();
  after(() => node.close());
  const res = await node.kr.app.inject({ method: "GET", url: "/openapi.json" });
  assert.equal(res.statusCode, 200);
  const spec = res.json();
  assert.equal(spec.openapi, "3.1.0");
  const validator = new Validator();
  const result = await validator.validate(spec);
  assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2));
  const paths = Object.keys(spec.paths);
  for (const p of [
    "/v1/consumers",
    "/v1/consumers/{id}",
    "/v1/keys",
    "/v1/keys/{id}",
    "/v1/keys/{id}/rotate",
    "/v1/keys/{id}/rollback",
    "/v1/keys/{id}/versions/{version}/revoke",
    "/v1/keys/{id}/revoke",
    "/v1/verify",
    "/healthz",
    "/readyz",
    "/v1/audit",
    "/v1/audit/verify",
    "/v1/audit/checkpoints",
    "/v1/audit/public-key",
  ]) {
    assert.ok(paths.includes(p), `missing ${p}`);
  }
  // operationIds name client methods: they are part of the contract and do not change
  const ids = Object.values<Record<string, { operationId: string }>>(spec.paths)
    .flatMap((item) => Object.values(item).map((op) => op.operationId))
    .sort();
  for (const id of [
    "acknowledgeAlert",
    "createConsumer",
    "createKey",
    "deleteConsumer",
    "getConsumer",
    "getHealth",
    "getKey",
    "getKeyUsage",
    "getMetrics",
    "getOpenApi",
    "getReadiness",
    "listAlerts",
    "listConsumers",
    "listKeys",
    "listRotations",
    "revokeKey",
    "revokeKeyVersion",
    "rollbackKey",
    "rotateKey",
    "updateConsumer",
    "updateKey",
    "verifyKey",
  ]) {
    assert.ok(ids.includes(id), `operationId ${id}`);
  }
  assert.ok(spec.servers.length > 0, "servers");
  // every error answer is problem+json with the one shared schema
  for (const item of Object.values<Record<string, { responses: Record<string, { content?: object }> }>>(
    spec.paths,
  )) {
    for (const op of Object.values(item)) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        assert.deepEqual(
          (r.content as Record<string, unknown>)["application/problem+json"],
          { schema: { $ref: "#/components/schemas/Problem" } },
          status,
        );
      }
    }
  }
  assert.ok(spec.paths["/v1/keys/{id}/rotate"].post.responses["201"], "rotate documents its 201");
  assert.ok(spec.paths["/v1/keys/{id}/rollback"].post.responses["409"], "rollback documents its 409");
  assert.equal(spec.paths["/v1/audit/verify"].get.operationId, "verifyAuditLog");
  assert.ok(spec.paths["/v1/audit/public-key"].get.responses["404"], "the public key documents its 404");
});

test("GET /v1/authorize is documented: operationId, every status, the headers it reads and sends", async () => {
  const node = await startTestNode();
  after(() => node.close());
  const spec = (await node.kr.app.inject({ method: "GET", url: "/openapi.json" })).json();
  const op = spec.paths["/v1/authorize"].get;
  assert.equal(op.operationId, "authorizeRequest");
  assert.deepEqual(Object.keys(op.responses).sort(), [
    "200",
    "400",
    "401",
    "403",
    "429",
    "431",
    "500",
    "503",
  ]);
  const read = op.parameters
    .filter((p: { in: string }) => p.in === "header")
    .map((p: { name: string }) => p.name);
  // (OpenAPI ignores an Authorization header parameter: the description says how the client key comes)
  for (const h of ["x-keyroll-gateway-key", "x-original-method", "x-original-uri", "x-forwarded-uri"])
    assert.ok(read.includes(h), `documents the ${h} request header`);
  const sent = Object.keys(op.responses["200"].headers ?? {});
  for (const h of [
    "X-Keyroll-Key-Id",
    "X-Keyroll-Consumer-Id",
    "X-Keyroll-Key-Version",
    "Deprecation",
    "Sunset",
    "Link",
    "RateLimit",
    "RateLimit-Policy",
  ])
    assert.ok(sent.includes(h), `documents the ${h} response header`);
  for (const h of ["Retry-After", "RateLimit", "RateLimit-Policy"])
    assert.deepEqual(op.responses["429"].headers[h], { $ref: `#/components/headers/${h}` });
  assert.deepEqual(op.security, [{ gatewayKey: [] }]);
  assert.equal(spec.components.securitySchemes.gatewayKey.name, "X-Keyroll-Gateway-Key");
  const body = spec.paths["/v1/keys"].post.requestBody.content["application/json"].schema;
  assert.ok(body.properties.rateLimit, "POST /v1/keys takes rateLimit");
});

test("the client routes are documented: operationId, security, every status", async () => {
  const node = await startTestNode();
  after(() => node.close());
  const spec = (await node.kr.app.inject({ method: "GET", url: "/openapi.json" })).json();
  const expect: Array<[string, string, string, string[]]> = [
    ["/v1/self", "get", "getSelf", ["200", "401"]],
    ["/v1/self/successor", "post", "pickUpSuccessor", ["200", "400", "401", "403", "404"]],
    ["/v1/self/rotate", "post", "rotateSelf", ["201", "400", "401", "403", "409"]],
    ["/v1/verifier/snapshot", "get", "getVerifierSnapshot", ["200", "401", "403"]],
    ["/v1/changes", "get", "streamChanges", ["200", "400", "401", "403"]],
    ["/v1/usage", "post", "reportUsage", ["202", "400", "401", "403", "413"]],
  ];
  for (const [path, method, id, statuses] of expect) {
    const op = spec.paths[path]?.[method];
    assert.ok(op, `${method} ${path} is documented`);
    assert.equal(op.operationId, id);
    assert.ok(op.summary && op.tags?.length, `${id} has a summary and a tag`);
    for (const s of statuses) assert.ok(op.responses[s], `${id} documents ${s}`);
  }
  assert.deepEqual(spec.paths["/v1/self"].get.security, [{ clientKey: [] }]);
  assert.ok(spec.paths["/v1/changes"].get.responses["200"].content["text/event-stream"]);
});
