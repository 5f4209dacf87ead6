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

test("a path needing no normalizing is matched as the normalized path would be", () => {
  const { p } = policy({
    routes: [
      { match: "GET /orders/:id", scopes: ["a"] },
      { match: "POST|PUT /orders/*", scopes: ["b"] },
      { match: "/files/**", scopes: ["c"] },
      { match: "* /orders", scopes: ["d"] },
      { match: "GET /", scopes: ["e"] },
      { match: "GET /a/:x/b/*/c", scopes: ["f"] },
      { match: "GET /:", scopes: ["g"] },
    ],
  });
  const paths = ["/", "//", "/orders", "/orders/", "/orders/42", "/orders/42/", "/orders/42/x", "/orders//x"];
  paths.push("/ordersx", "/order", "/files", "/files/", "/files/a/b", "/filesx/a", "/a/1/b/2/c", "/a/1/b//c");
  paths.push(
    "/a/1/b/2/c/",
    "/:",
    "/:x",
    "*",
    "",
    "orders/42",
    "/orders/42?x=/files/1",
    "/orders/42#/x",
    "/x?a#b",
  );
  for (const uri of paths) {
    for (const m of ["GET", "post", "PUT", "DELETE"]) {
      // "/." + uri takes the normalizing path and names the same segments
      const slow = uri.startsWith("/") ? matchRoute(p.routes, m, `/.${uri}`) : undefined;
      const fast = matchRoute(p.routes, m, uri);
      if (uri.startsWith("/")) assert.equal(fast?.name, slow?.name, `${m} ${uri}`);
    }
  }
  assert.equal(matchRoute(p.routes, "GET", "/orders/42?x=/files/1")?.name, "GET /orders/:id");
  assert.equal(matchRoute(p.routes, "GET", "/")?.name, "GET /");
  assert.equal(matchRoute(p.routes, "GET", "/a/1/b//c")?.name, undefined);
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
