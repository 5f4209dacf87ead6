import { STATUS_CODES } from "node:http";
import type { TSchema } from "@sinclair/typebox";
import type { RouteOptions } from "fastify";
import { ERRORS } from "../core/errors.js";
import { Problem } from "./schemas.js";

// The contract mechanism: /openapi.json is generated from the route schemas, and what every route
// has in common is added here, once (in the document only), so a new route is exact by default.
//
// HOW TO ADD A ROUTE (routes/<resource>.ts):
//   schema: {
//     operationId: "createWebhook",          // required, camelCase, unique: registration throws without it
//     tags: ["webhooks"],                   // each tag needs an entry in TAGS below (registration throws)
//     summary: "…",
//     body / params / querystring / headers, // TypeBox, additionalProperties: false
//     response: { 201: Thing, ...errorResponses(404, 409) }, // only the statuses YOUR route adds
//   }
//   config: { scope: "keys:write" }          // the admin scope; shown as the role in `security`.
//                                            // Omit for a public route, and set `security: []`
// documentRoute below then adds, from what the route is: 400 (any input, or any body method: bad JSON),
// 401 + 403 (a scope), 413 + 415 (a method that takes a body), 431, 500 and 503 (every request:
// a node shutting down; admin routes: the store too), and the headers of every answer. Response
// headers a route sends itself are declared with `withHeaders(schema, "Idempotent-Replayed")`
// (add new ones to HEADERS). test/contract.test.ts then drives the route and fails on anything the
// document does not say.

export const PROBLEM_JSON = "application/problem+json";

/**
 * The dashboard's static files (routes/ui.ts) are served under this prefix and are the only routes
 * left out of /openapi.json: they are pages, not operations (docs/decisions/0021). `schema.hide` on
 * any other route fails at registration, and test/contract.test.ts excludes exactly this prefix.
 */
export const UI_PREFIX = "/ui";

/** True for a path the document leaves out on purpose: `/ui` and everything under `/ui/`. */
export function isUndocumentedPath(url: string): boolean {
  return url === UI_PREFIX || url.startsWith(`${UI_PREFIX}/`);
}

/** Every tag an operation may carry, with the description the document shows. */
export const TAGS: Record<string, string> = {
  consumers: "The provider's clients; each owns keys",
  keys: "Stable credentials of a consumer, each with versions (secrets)",
  rotation: "Adding, rolling back and revoking versions of a key",
  verify: "The hot path: is this secret valid now?",
  usage: "Traffic per version, rotations in progress, alerts",
  operations: "Liveness, readiness, metrics and this document",
  audit: "The tamper-evident log of every change: entries, signed checkpoints, verification",
  self: "A client, by its own secret: its key's state, its successor after a rotation, self-rotation",
  webhooks: "Standard Webhooks endpoints, their signing secrets and deliveries",
  policies: "Rotation policies of keys, consumers and the global default: the leader rotates on schedule",
  reports: "Compliance reports: key age against rotation policies",
  incidents:
    "The emergency: compromised keys, leak reports, and the nodes that must prove they reject a revoked secret",
};

/** Response headers Keyroll sends, as OpenAPI header objects (shared under components.headers). */
export const HEADERS = {
  "X-Request-Id": {
    description: "The request's id, also the `instance` of a problem; quote it when reporting one",
    required: true,
    schema: { type: "string" },
  },
  "Cache-Control": {
    description: "Always `no-store`: no answer of this API may be cached",
    required: true,
    schema: { type: "string", const: "no-store" },
  },
  "WWW-Authenticate": {
    description:
      'RFC 9110: how to authenticate: `Bearer realm="keyroll"` for Keyroll\'s own credentials; on /v1/authorize, a missing or invalid client key is challenged in the API\'s realm, `Bearer realm="api"` (the gateway passes it on to the client)',
    required: true,
    schema: { type: "string" },
  },
  Sunset: {
    description:
      "RFC 8594: the credential used (the admin key; on /v1/verify, the key verified; on /v1/authorize, the client's key) is in grace and stops working at this HTTP date",
    schema: { type: "string" },
  },
  "Retry-After": {
    description: "On 503 `STORE_BUSY` and 429 `RATE_LIMITED`: seconds to wait before retrying",
    schema: { type: "string", pattern: "^[0-9]+$" },
  },
  "X-Keyroll-Key-Id": {
    description: "/v1/authorize: the client key's id (stable across rotations), for the upstream",
    schema: { type: "string" },
  },
  "X-Keyroll-Consumer-Id": {
    description: "/v1/authorize: the consumer owning the client's key",
    schema: { type: "string" },
  },
  "X-Keyroll-Key-Version": {
    description: "/v1/authorize: the version of the key the client presented",
    schema: { type: "string", pattern: "^[0-9]+$" },
  },
  Deprecation: {
    description:
      "RFC 9745: the presented version (on /v1/self, the secret used) is in grace since this time (`@<epoch seconds>`); a successor waits, and `Sunset` says when it stops working",
    schema: { type: "string", pattern: "^@-?[0-9]+$" },
  },
  Link: {
    description:
      'For a version in grace, the provider\'s rotation docs (when configured): `<url>; rel="deprecation"; type="text/html"`',
    schema: { type: "string" },
  },
  "RateLimit-Policy": {
    description: 'IETF httpapi ratelimit-headers: the key\'s limit, e.g. `"key";q=100;w=60`',
    schema: { type: "string" },
  },
  RateLimit: {
    description: 'IETF httpapi ratelimit-headers: what is left of it, e.g. `"key";r=99;t=1`',
    schema: { type: "string" },
  },
  "X-Keyroll-Problem": {
    description:
      "/v1/authorize refusals (401, 403, 429, 503): the problem+json body again, as ASCII JSON, for a gateway that passes only the status on (nginx `auth_request`: docs/gateways.md)",
    schema: { type: "string", pattern: "^\\{.*\\}$" },
  },
  "Idempotent-Replayed": {
    description: "`true` when this answer replays an earlier request with the same Idempotency-Key",
    schema: { type: "string", enum: ["true"] },
  },
} as const satisfies Record<string, { description: string; required?: boolean; schema: object }>;

export type HeaderName = keyof typeof HEADERS;

/** A response schema that also documents response headers this route itself sends. */
export function withHeaders<T extends TSchema>(schema: T, ...names: HeaderName[]): T {
  const headers = Object.fromEntries(names.map((n) => [n, { type: "string" }]));
  return { ...schema, headers: { ...(schema as { headers?: object }).headers, ...headers } };
}

type ResponseEntry = { description?: string; headers?: Record<string, unknown>; content?: unknown };

/** The problem+json response for an error status; its codes come from the registry. */
export function problemResponse(status: number): ResponseEntry {
  const codes = Object.entries(ERRORS)
    .filter(([, e]) => e.status === status)
    .map(([c]) => `\`${c}\``);
  return {
    description: `${STATUS_CODES[status]}: problem details, \`code\` one of ${codes.join(", ")}`,
    content: { [PROBLEM_JSON]: { schema: Problem } },
  };
}

/** Methods whose body Fastify reads (and so may refuse as malformed, too large or not JSON). */
const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

type RouteLike = Pick<RouteOptions, "method" | "url" | "config"> & { schema?: unknown };

/**
 * The onRoute hook: checks that the route states its contract (operationId, known tags), so a
 * route that cannot be documented exactly fails at registration, not in a client's generator.
 */
export function checkContract(route: RouteOptions): void {
  contractSchema(route);
}

/**
 * The swagger `transform`: the route's schema as documented, with the error statuses and headers
 * it can give by what it is. Only the document gets them: Fastify serializes problems without a
 * schema, so the server compiles no extra serializer per route and status.
 */
export function documentRoute({ schema, url, route }: { schema: unknown; url: string; route: RouteLike }) {
  return { schema: contractSchema({ ...route, schema }) as never, url };
}

function contractSchema(route: RouteLike): unknown {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  if (methods.every((m) => m === "HEAD")) return route.schema; // Fastify's automatic twin of a GET
  const where = `${methods.join(",")} ${route.url}`;
  const schema = route.schema as Record<string, unknown> | undefined;
  if (schema === undefined) throw new Error(`${where}: every route states its schema (see http/openapi.ts)`);
  if (schema.hide === true) {
    if (isUndocumentedPath(route.url)) return schema;
    throw new Error(
      `${where}: only the dashboard (${UI_PREFIX}) is left out of the document; document this route`,
    );
  }
  if (isUndocumentedPath(route.url))
    throw new Error(`${where}: ${UI_PREFIX} routes are the dashboard's; hide them`);
  if (typeof schema.operationId !== "string" || !/^[a-z][A-Za-z0-9]*$/.test(schema.operationId)) {
    throw new Error(`${where}: give it a camelCase schema.operationId (see http/openapi.ts)`);
  }
  for (const tag of (schema.tags as string[] | undefined) ?? []) {
    if (TAGS[tag] === undefined)
      throw new Error(`${where}: describe tag "${tag}" in TAGS of http/openapi.ts`);
  }
  const admin = route.config?.scope !== undefined;
  const takesBody = methods.some((m) => BODY_METHODS.has(m));
  const hasInput =
    takesBody || ["params", "querystring", "headers", "body"].some((k) => schema[k] !== undefined);
  const statuses = [
    ...(hasInput ? [400] : []),
    ...(admin ? [401, 403] : []),
    ...(takesBody ? [413, 415] : []),
    431,
    500,
    503, // every route: a node that is shutting down (SHUTTING_DOWN); admin routes: the store too
  ];
  const response: Record<string, unknown> = { ...(schema.response as Record<string, unknown> | undefined) };
  for (const s of statuses) if (response[s] === undefined) response[s] = problemResponse(s);
  for (const [status, entry] of Object.entries(response)) {
    const code = Number(status);
    // a bare Problem schema (the older style of errorResponses) becomes the problem+json response
    let e = (entry === Problem ? problemResponse(code) : { ...(entry as object) }) as ResponseEntry;
    // a route's own body for an error status (readiness: 503 {status: "stale"}) may also come as a
    // problem (503 SHUTTING_DOWN): the response then documents both media types
    if (code >= 400 && e.content === undefined && statuses.includes(code)) {
      const { headers, description, ...body } = e as ResponseEntry & Record<string, unknown>;
      e = {
        description: `${description ?? STATUS_CODES[code]}; or ${problemResponse(code).description}`,
        ...(headers !== undefined && { headers }),
        content: { "application/json": { schema: body }, [PROBLEM_JSON]: { schema: Problem } },
      };
    }
    // 431 is answered on the socket, before a request (and its id) exists
    const names: HeaderName[] = code === 431 ? ["Cache-Control"] : ["X-Request-Id", "Cache-Control"];
    if (code === 401) names.push("WWW-Authenticate");
    if (code === 503 && admin) names.push("Retry-After");
    if (code < 300 && (admin || route.url === "/v1/verify")) names.push("Sunset");
    e.headers = { ...Object.fromEntries(names.map((n) => [n, { type: "string" }])), ...e.headers };
    response[status] = e;
  }
  // the scope the admin key needs, as the role of the bearer scheme (OpenAPI 3.1 allows roles)
  // a route that also takes a signed request without an admin key (leak reports) says so as a
  // second, alternative requirement
  const signed = route.config?.signedBy !== undefined ? [{ githubSignature: [] }] : [];
  const security = admin ? { security: [{ adminKey: [route.config!.scope!] }, ...signed] } : {};
  return { ...schema, ...security, response };
}

type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, Record<string, unknown>>;
  [k: string]: unknown;
};
type Operation = {
  requestBody?: { required?: boolean; content: Record<string, { schema: Schema }> };
  responses: Record<string, { description: string; headers?: Record<string, unknown>; content?: unknown }>;
  tags?: string[];
};
type Schema = { anyOf?: Schema[]; type?: string; [k: string]: unknown };

/**
 * The swagger `transformObject`: shares the Problem schema and the headers as components, marks
 * optional bodies as optional, and names responses by their status.
 */
export function finishDocument(input: { openapiObject: unknown } | { swaggerObject: unknown }) {
  if (!("openapiObject" in input)) throw new Error("Keyroll serves OpenAPI 3.1, not Swagger 2");
  const doc = input.openapiObject as Doc;
  const used = new Set<string>();
  for (const ops of Object.values(doc.paths)) {
    for (const op of Object.values(ops)) {
      for (const t of op.tags ?? []) used.add(t);
      const body = op.requestBody?.content["application/json"];
      // Fastify hands a route `null` for "no body": a body schema that admits null is optional
      if (op.requestBody && body?.schema.anyOf?.some((s) => s.type === "null")) {
        const rest = body.schema.anyOf.filter((s) => s.type !== "null");
        body.schema = rest.length === 1 ? rest[0]! : { ...body.schema, anyOf: rest };
        op.requestBody.required = false;
      }
      for (const [status, r] of Object.entries(op.responses)) {
        if (r.description === "Default Response") r.description = STATUS_CODES[Number(status)] ?? status;
        const content = r.content as Record<string, { schema: unknown }> | undefined;
        if (content?.[PROBLEM_JSON])
          content[PROBLEM_JSON] = { schema: { $ref: "#/components/schemas/Problem" } };
        if (r.headers) {
          r.headers = Object.fromEntries(
            Object.keys(r.headers).map((h) => [h, { $ref: `#/components/headers/${h}` }]),
          );
        }
      }
    }
  }
  doc.components.schemas = { ...doc.components.schemas, Problem: JSON.parse(JSON.stringify(Problem)) };
  doc.components.headers = JSON.parse(JSON.stringify(HEADERS));
  doc.tags = [...used].sort().map((name) => ({ name, description: TAGS[name] }));
  return doc as never;
}
