import assert from "node:assert/strict";
import { test } from "node:test";
import { matchRoute, normalizedSegments, readAccessPolicy } from "./route-rules.js";

const policy = (v: Record<string, unknown>) => {
  const problems: string[] = [];
  const p = readAccessPolicy(v, problems);
  return { p, problems };
};

test("rules match by method and path pattern, first match wins", () => {
  const { p, problems } = policy({
    routes: [
      { match: "GET /orders/:id", scopes: ["orders:read"] },
      { match: "POST|PUT /orders/*", scopes: ["orders:write"], rateLimit: { limit: 5, period: "1s" } },
      { match: "/files/**", scopes: ["files"], name: "files" },
      { match: "* /orders", scopes: ["orders:list"] },
    ],
  });
  assert.deepEqual(problems, []);
  const name = (m: string, u: string) => matchRoute(p.routes, m, u)?.name;
  assert.equal(name("GET", "/orders/42?x=1"), "GET /orders/:id");
  assert.equal(name("get", "/orders/42"), "GET /orders/:id");
  assert.equal(name("PUT", "/orders/42"), "POST|PUT /orders/*");
  assert.equal(name("DELETE", "/orders/42"), undefined);
  assert.equal(name("GET", "/orders/42/items"), undefined);
  assert.equal(name("GET", "/orders/"), undefined, "an empty segment is no :id");
  assert.equal(name("DELETE", "/files/a/b/c"), "files");
  assert.equal(name("PATCH", "/orders"), "* /orders");
  assert.equal(matchRoute(p.routes, "POST", "/orders/1")?.rateLimit?.periodMs, 1_000);
});

test("dot segments and encoded unreserved characters cannot dodge a rule", () => {
  assert.deepEqual(normalizedSegments("/public/../admin/x"), ["admin", "x"]);
  assert.deepEqual(normalizedSegments("/%61dmin/./x%2Fy"), ["admin", "x%2Fy"]);
  const { p } = policy({ routes: [{ match: "GET /admin/**", scopes: ["admin"] }] });
  assert.ok(matchRoute(p.routes, "GET", "/public/../admin/users"));
  assert.ok(matchRoute(p.routes, "GET", "/%61dmin/users"));
});

test("every problem of a policy is reported at once", () => {
  const { problems } = policy({
    keyHeader: "X API",
    unmatched: "maybe",
    rotationDocs: "ftp://x",
    extra: 1,
    routes: [
      { match: "get /a" },
      { match: "GET a", scopes: ["bad scope"] },
      { match: "GET /a/**/b", rateLimit: { limit: 0, period: "1s" } },
      { match: "GET /a", rateLimit: { limit: 5, period: "soon" }, color: "red" },
      "nope",
    ],
  });
  assert.equal(problems.length, 12, problems.join("\n"));
  assert.ok(problems.some((p) => p.includes('unknown setting "extra"')));
  assert.ok(problems.some((p) => p.startsWith("routes[3]: unknown field")));
});
