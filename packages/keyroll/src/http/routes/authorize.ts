import { isIP } from "node:net";
import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import { rateLimitHeaders } from "../../core/rate-limit.js";
import { type AccessPolicy, matchRoute } from "../../core/route-rules.js";
import type { VerifyResult } from "../../core/verify.js";
import { type LimitOutcome, type RateLimiter, routeStep } from "../../services/rate-limit.js";
import type { Verifier } from "../../verifier/index.js";
import { type HeaderName, problemResponse, withHeaders } from "../openapi.js";
import { VerifyResponse } from "../schemas.js";
import { deprecation, sunset, verifyView } from "../views.js";

/** What `GET /v1/authorize` is built from. */
export interface AuthorizeDeps {
  readonly verifier: Verifier;
  readonly limiter: RateLimiter;
  readonly policy: AccessPolicy;
  /** Answer without `X-Keyroll-Gateway-Key` (a trusted network only). */
  readonly open: boolean;
}

const BEARER_RE = /^Bearer +(\S+) *$/i;

const str = (description: string) => Type.Optional(Type.String({ description }));

/** A problem+json answer of this route, described, with the headers it sends besides the usual. */
function problem(status: number, description: string, ...headers: HeaderName[]) {
  const h = headers.length > 0 && {
    headers: Object.fromEntries(headers.map((n) => [n, { type: "string" }])),
  };
  return { ...problemResponse(status), description, ...h };
}

function clientKey(req: FastifyRequest, header: string): string | undefined {
  const raw = req.headers[header];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === "") return undefined;
  if (header !== "authorization") return value.trim() || undefined;
  return BEARER_RE.exec(value)?.[1];
}

function firstHeader(req: FastifyRequest, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = req.headers[n];
    const s = Array.isArray(v) ? v[0] : v;
    if (s !== undefined && s !== "") return s;
  }
  return undefined;
}

function clientAddress(req: FastifyRequest): string | undefined {
  const real = firstHeader(req, "x-real-ip");
  if (real !== undefined && isIP(real) !== 0) return real;
  const fwd = firstHeader(req, "x-forwarded-for")?.split(",")[0]?.trim();
  return fwd !== undefined && isIP(fwd) !== 0 ? fwd : undefined;
}

/** JSON text with every character outside printable ASCII escaped (`\uXXXX`): fit for a header value. */
export function asciiJson(json: string): string {
  return json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Sets the headers every answer about a key carries: its rate limit. */
function limitHeaders(reply: FastifyReply, l: LimitOutcome): void {
  if (l.decision === null) return;
  for (const [k, v] of Object.entries(rateLimitHeaders(l.decision, l.policy))) reply.header(k, v);
}

/** The identity and deprecation headers of a valid answer. */
export function identityHeaders(v: VerifyResult, rotationDocs: string | null): Record<string, string> {
  const h: Record<string, string> = {
    "X-Keyroll-Key-Id": v.keyId ?? "",
    "X-Keyroll-Consumer-Id": v.consumerId ?? "",
    "X-Keyroll-Key-Version": String(v.version ?? ""),
  };
  if (v.deprecated) {
    if (v.deprecatedAt !== null) h.Deprecation = deprecation(v.deprecatedAt);
    if (v.expiresAt !== null) h.Sunset = sunset(v.expiresAt);
    if (rotationDocs !== null) h.Link = `<${rotationDocs}>; rel="deprecation"; type="text/html"`;
  }
  return h;
}

/**
 * `GET /v1/authorize`: the auth service for an existing gateway (nginx `auth_request`, Caddy
 * `forward_auth`, Envoy `ext_authz`, Traefik `ForwardAuth`). The asking gateway proves itself
 * with an admin key of scope `verify` in `X-Keyroll-Gateway-Key`; the client's key comes as the
 * client sent it. Route rules and rate limits are the gateway's (core/route-rules.ts).
 */
export function registerAuthorizeRoutes(app: FastifyInstance, deps: AuthorizeDeps): void {
  const { verifier, limiter, policy } = deps;

  async function gatewayCheck(req: FastifyRequest): Promise<void> {
    if (deps.open) return;
    const token = firstHeader(req, "x-keyroll-gateway-key");
    if (token === undefined)
      throw new KeyrollError("UNAUTHORIZED", "send X-Keyroll-Gateway-Key: <admin key with the verify scope>");
    const r = await verifier.verify(token);
    if (!r.valid) throw new KeyrollError("UNAUTHORIZED", `the gateway key is not valid (${r.code})`);
    if (!r.admin) throw new KeyrollError("FORBIDDEN", "the gateway key is not an admin key");
    if (!r.scopes.includes("verify") && !r.scopes.includes("admin"))
      throw new KeyrollError("FORBIDDEN", 'the gateway key needs the "verify" scope');
  }

  app.get(
    "/v1/authorize",
    {
      // a gateway cannot always pass the body of a refusal on (nginx auth_request only passes the
      // status): the same problem+json in a header lets its configuration answer it as is
      onSend: (_req, reply, payload, done) => {
        const s = reply.statusCode;
        if ((s === 401 || s === 403 || s === 429 || s === 503) && typeof payload === "string")
          reply.header("X-Keyroll-Problem", asciiJson(payload));
        done(null, payload);
      },
      schema: {
        tags: ["verify"],
        operationId: "authorizeRequest",
        summary: "Authorize a request on behalf of a gateway (nginx auth_request, Caddy forward_auth)",
        description:
          "Verifies the client's API key (as the client sent it: `Authorization: Bearer` or the configured header), applies the route rule matching the original method and URI (`X-Original-Method`/`X-Original-URI`, or `X-Forwarded-Method`/`X-Forwarded-Uri`) and the rate limits. The gateway itself authenticates with an admin key of scope `verify` in `X-Keyroll-Gateway-Key` unless the server runs with `--authorize-open`. See docs/gateways.md.",
        security: [{ gatewayKey: [] }],
        headers: Type.Object({
          "x-keyroll-gateway-key": str("An admin key with the `verify` scope: the asking gateway"),
          authorization: str(
            "The client's key as it sent it: `Bearer <key>` (unless another header is configured)",
          ),
          "x-original-method": str("The client request's method (nginx)"),
          "x-original-uri": str("The client request's URI (nginx)"),
          "x-forwarded-method": str("The client request's method (Caddy, Traefik)"),
          "x-forwarded-uri": str("The client request's URI (Caddy, Traefik)"),
          "x-real-ip": str("The client's address, counted with the version"),
        }),
        // the headers are described once, in HEADERS of http/openapi.ts
        response: {
          200: withHeaders(
            { ...VerifyResponse, description: "The key may make this request" },
            "X-Keyroll-Key-Id",
            "X-Keyroll-Consumer-Id",
            "X-Keyroll-Key-Version",
            "Deprecation",
            "Sunset",
            "Link",
            "RateLimit-Policy",
            "RateLimit",
          ),
          400: problem(400, "VALIDATION_FAILED: route rules exist but no original URI was sent"),
          401: problem(
            401,
            "KEY_MISSING or KEY_INVALID (the client's key), or UNAUTHORIZED (the gateway's key is missing or not valid)",
            "X-Keyroll-Problem",
          ),
          403: problem(
            403,
            "INSUFFICIENT_SCOPE or ROUTE_NOT_ALLOWED (the client's request), or FORBIDDEN (the gateway's key is no admin key of scope verify)",
            "X-Keyroll-Problem",
          ),
          429: problem(
            429,
            "RATE_LIMITED: the key's limit is used up",
            "Retry-After",
            "RateLimit-Policy",
            "RateLimit",
            "X-Keyroll-Problem",
          ),
          503: problem(
            503,
            "RATE_LIMIT_UNAVAILABLE: redis mode failing closed cannot reach Redis; or SHUTTING_DOWN",
            "X-Keyroll-Problem",
          ),
        },
      },
    },
    async (req, reply) => {
      await gatewayCheck(req);
      const key = clientKey(req, policy.keyHeader);
      if (key === undefined) {
        if (policy.keyHeader === "authorization") reply.header("WWW-Authenticate", 'Bearer realm="api"');
        throw new KeyrollError(
          "KEY_MISSING",
          policy.keyHeader === "authorization"
            ? "send Authorization: Bearer <API key>"
            : `send the API key in the ${policy.keyHeader} header`,
        );
      }
      const method = firstHeader(req, "x-original-method", "x-forwarded-method") ?? "GET";
      const uri = firstHeader(req, "x-original-uri", "x-forwarded-uri");
      if (uri === undefined && policy.routes.length > 0)
        throw new KeyrollError(
          "VALIDATION_FAILED",
          "route rules apply: send the original URI in X-Original-URI or X-Forwarded-Uri",
        );
      const rule = uri === undefined ? undefined : matchRoute(policy.routes, method, uri);
      // the rate limits (or the refusal of a request no rule allows) run inside verify, so such a
      // request is counted as RATE_LIMITED (ROUTE_NOT_ALLOWED), not VALID
      const step = routeStep(limiter, policy, rule);
      const v = await verifier.verify(key, rule?.scopes, clientAddress(req), step.after);
      limitHeaders(reply, step.outcome);
      if (v.code === "RATE_LIMITED")
        throw new KeyrollError(
          "RATE_LIMITED",
          `the rate limit "${step.outcome.policy}" of this key is used up`,
        );
      if (v.code === "ROUTE_NOT_ALLOWED")
        throw new KeyrollError("ROUTE_NOT_ALLOWED", `no route rule allows ${method} ${uri}`);
      if (!v.valid) {
        if (v.code === "INSUFFICIENT_SCOPE")
          throw new KeyrollError(
            "INSUFFICIENT_SCOPE",
            `this route needs the scopes ${(rule?.scopes ?? []).join(", ")}`,
          );
        if (policy.keyHeader === "authorization")
          reply.header("WWW-Authenticate", 'Bearer realm="api", error="invalid_token"');
        throw new KeyrollError("KEY_INVALID", `the API key is not valid (${v.code})`);
      }
      for (const [k, h] of Object.entries(identityHeaders(v, policy.rotationDocs))) reply.header(k, h);
      return verifyView(v);
    },
  );
}
