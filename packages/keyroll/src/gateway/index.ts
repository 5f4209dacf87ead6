import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import { Pool, errors as undiciErrors } from "undici";
import type { Clock } from "../core/clock.js";
import { ERRORS, type ErrorCode } from "../core/errors.js";
import type { Logger } from "../core/logger.js";
import { type RateDecision, rateLimitHeadersLower } from "../core/rate-limit.js";
import { type AccessPolicy, matchRoute, type RouteRule } from "../core/route-rules.js";
import type { VerifyResult } from "../core/verify.js";
import { type LimitStep, type RateLimiter, routeStep } from "../services/rate-limit.js";
import type { Verifier } from "../verifier/index.js";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.js";

/** What a gateway is built from. */
export interface GatewayDeps {
  readonly verifier: Verifier;
  readonly limiter: RateLimiter;
  readonly policy: AccessPolicy;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The API behind the gateway: `http(s)://host:port[/base path]`. */
  readonly upstream: string;
  /** How long the upstream may take to send its response headers (then 504). */
  readonly upstreamTimeoutMs?: number;
  /** Longest pause between two chunks of a body, either way (then the exchange is cut). */
  readonly bodyIdleTimeoutMs?: number;
  /** Feed lag past which `/readyz` answers 503. */
  readonly maxStalenessMs?: number;
  /** Connections kept to the upstream. */
  readonly connections?: number;
  /** Off: forward everything without asking the verifier (for the benchmark's baseline only). */
  readonly auth?: boolean;
  /** This gateway's node id (its heartbeat), named in its `/v1/node/revocations` answers. */
  readonly nodeId?: () => string | undefined;
}

// RFC 9110 §7.6.1: meaningful for one connection only, never forwarded
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "expect",
]);

const BEARER_RE = /^Bearer +(\S+) *$/i;
const OPS = new Set(["/healthz", "/readyz", "/metrics"]);
/** Answered by the gateway itself, for an admin key: does its verifier reject these versions (decision 0018). */
const REVOCATIONS = "/v1/node/revocations";
const VERSIONS_RE = /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,99}$/;

/** An error of the gateway: a registry code, a detail and extra headers. */
interface Refusal {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly headers?: Record<string, string>;
}

function problemBody(code: ErrorCode, detail: string, instance: string): string {
  const e = ERRORS[code];
  return JSON.stringify({
    type: `urn:keyroll:error:${code}`,
    title: e.title,
    status: e.status,
    code,
    detail,
    instance,
  });
}

/** Headers built once per decision object (see `createGateway`). */
type HeaderCache = WeakMap<VerifyResult, Readonly<Record<string, string>>>;

/** The identity headers for the upstream, as `GET /v1/authorize` sends them. */
function identity(v: VerifyResult, cache: HeaderCache): Readonly<Record<string, string>> {
  let h = cache.get(v);
  if (h === undefined) {
    h = Object.freeze({
      "x-keyroll-key-id": v.keyId ?? "",
      "x-keyroll-consumer-id": v.consumerId ?? "",
      "x-keyroll-key-version": String(v.version ?? ""),
    });
    cache.set(v, h);
  }
  return h;
}

/** The RFC 9745 / RFC 8594 headers for the client of a version in grace, or null. */
function deprecationHeaders(
  v: VerifyResult,
  rotationDocs: string | null,
  cache: HeaderCache,
): Readonly<Record<string, string>> | null {
  if (!v.deprecated) return null;
  let h = cache.get(v);
  if (h === undefined) {
    const d: Record<string, string> = {};
    if (v.deprecatedAt !== null) d.deprecation = `@${Math.floor(v.deprecatedAt / 1000)}`;
    if (v.expiresAt !== null) d.sunset = new Date(v.expiresAt).toUTCString();
    if (rotationDocs !== null) d.link = `<${rotationDocs}>; rel="deprecation"; type="text/html"`;
    h = Object.freeze(d);
    cache.set(v, h);
  }
  return h;
}

/**
 * `keyroll gateway`: a reverse proxy that verifies the client's key from memory (the server's
 * verifier and change feed), enforces route rules and rate limits, strips the key, adds the
 * `X-Keyroll-*` identity headers and streams both bodies through undici without buffering them.
 * Refusals are problem+json (401/403/429); the upstream failing is 502, too slow 504.
 * @example const gw = createGateway(deps); http.createServer(gw.handle).listen(8000)
 */
export function createGateway(deps: GatewayDeps) {
  const { verifier, limiter, policy, logger } = deps;
  const auth = deps.auth ?? true;
  const up = new URL(deps.upstream);
  const basePath = up.pathname.replace(/\/+$/, "");
  const upstreamHost = up.host;
  const pool = new Pool(up.origin, {
    connections: deps.connections ?? 256,
    headersTimeout: deps.upstreamTimeoutMs ?? 30_000,
    bodyTimeout: deps.bodyIdleTimeoutMs ?? 60_000,
    connectTimeout: Math.min(deps.upstreamTimeoutMs ?? 30_000, 10_000),
    keepAliveTimeout: 30_000,
  });
  const metrics: GatewayMetrics = createGatewayMetrics({ verifier, limiter, clock: deps.clock });
  const maxStalenessMs = deps.maxStalenessMs ?? 5_000;
  let seq = 0;
  // per decision object: the verifier hands out the same answer until the version's next
  // transition (decision 0008), so these headers are built once per decision, not per request
  const identities: HeaderCache = new WeakMap();
  const deprecations: HeaderCache = new WeakMap();

  function refuse(res: ServerResponse, r: Refusal, reqId: string): void {
    const status = ERRORS[r.code].status;
    metrics.answered(status, r.code);
    const body = problemBody(r.code, r.detail, reqId);
    res.writeHead(status, {
      ...r.headers,
      "content-type": "application/problem+json",
      "content-length": Buffer.byteLength(body),
      "cache-control": "no-store",
      "x-request-id": reqId,
    });
    res.end(body);
  }

  function keyOf(h: IncomingHttpHeaders): string | undefined {
    const raw = h[policy.keyHeader];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (value === undefined || value === "") return undefined;
    if (policy.keyHeader !== "authorization") return value.trim() || undefined;
    return BEARER_RE.exec(value)?.[1];
  }

  function ops(res: ServerResponse, path: string): void {
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ status: "ok" }));
      return;
    }
    if (path === "/readyz") {
      const s = verifier.status();
      const fresh = verifier.isFresh(maxStalenessMs);
      const rl = limiter.status();
      const ready = fresh && (rl.up || rl.failOpen);
      res.writeHead(ready ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(
        JSON.stringify({
          status: !fresh ? "stale" : ready ? "ready" : "rate-limit-unavailable",
          feedLagMs: s.started ? Math.max(0, deps.clock.now() - s.lastSyncAt) : null,
          rateLimit: { mode: rl.mode, up: rl.up, failure: rl.failOpen ? "open" : "closed" },
        }),
      );
      return;
    }
    metrics.registry.metrics().then(
      (body) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(body);
      },
      () => {
        res.statusCode = 500;
        res.end();
      },
    );
  }

  function clientAddress(req: IncomingMessage): string | undefined {
    const a = req.socket.remoteAddress;
    if (a === undefined) return undefined;
    return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
  }

  /** Forwards an authorized request; `extra` goes to the upstream, `back` to the client. */
  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    extra: Readonly<Record<string, string>> | null,
    back: Readonly<Record<string, string>> | null,
    address: string | undefined,
    t0: number,
  ): void {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v === undefined || HOP_BY_HOP.has(k) || k === "host") continue;
      // the key never reaches the upstream, and identity headers come only from Keyroll
      if (auth && (k === policy.keyHeader || k.startsWith("x-keyroll-"))) continue;
      headers[k] = v;
    }
    // a Connection header names more hop-by-hop headers
    const conn = req.headers.connection;
    if (conn) for (const name of conn.toLowerCase().split(",")) delete headers[name.trim()];
    const prior = req.headers["x-forwarded-for"];
    if (address !== undefined) headers["x-forwarded-for"] = prior ? `${prior}, ${address}` : address;
    headers["x-forwarded-proto"] = (req.headers["x-forwarded-proto"] as string | undefined) ?? "http";
    if (req.headers.host !== undefined)
      headers["x-forwarded-host"] =
        (req.headers["x-forwarded-host"] as string | undefined) ?? req.headers.host;
    headers.host = upstreamHost;
    if (extra !== null) Object.assign(headers, extra);

    const hasBody =
      req.headers["transfer-encoding"] !== undefined ||
      (req.headers["content-length"] !== undefined && req.headers["content-length"] !== "0");
    const abort = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) abort.abort();
    });
    pool
      .request({
        path: basePath + (req.url ?? "/"),
        method: (req.method ?? "GET") as "GET",
        headers,
        body: hasBody ? req : null,
        signal: abort.signal,
      })
      .then(
        (up) => {
          const out: Record<string, string | string[]> = {};
          for (const [k, v] of Object.entries(up.headers)) {
            if (v === undefined || HOP_BY_HOP.has(k)) continue;
            out[k] = v as string | string[];
          }
          if (back !== null) Object.assign(out, back);
          res.writeHead(up.statusCode, out);
          metrics.answered(up.statusCode, "FORWARDED", (performance.now() - t0) / 1000);
          // pipe, not stream.pipeline: pipeline makes and aborts an AbortController per call, a
          // DOMException included (≈ 7 % of the gateway's CPU in a profile). A client that goes
          // away aborts the upstream request above, which destroys its body
          const body = up.body;
          body.on("error", (err) => {
            if (!res.destroyed) res.destroy(err);
          });
          // a write to a client gone meanwhile is an error nobody needs: never an uncaught one
          res.on("error", ignore);
          body.pipe(res);
        },
        (err: Error) => {
          if (abort.signal.aborted) return; // the client went away: nobody to answer
          const timeout =
            err instanceof undiciErrors.HeadersTimeoutError ||
            err instanceof undiciErrors.ConnectTimeoutError ||
            err instanceof undiciErrors.BodyTimeoutError;
          if (res.headersSent) {
            res.destroy();
            return;
          }
          logger.warn({ err: err.message, code: (err as { code?: string }).code }, "upstream request failed");
          // a request body still on its way is not read any further
          req.resume();
          refuse(
            res,
            timeout
              ? { code: "UPSTREAM_TIMEOUT", detail: "the upstream did not answer in time" }
              : { code: "UPSTREAM_UNAVAILABLE", detail: "the upstream could not be reached" },
            `req_${(++seq).toString(36)}`,
          );
        },
      );
  }

  function authorized(
    req: IncomingMessage,
    res: ServerResponse,
    v: VerifyResult,
    rule: RouteRule | undefined,
    step: LimitStep,
    address: string | undefined,
    t0: number,
    reqId: () => string,
  ): void {
    const l = step.outcome;
    const rl: Record<string, string> | null =
      l.decision === null ? null : rateLimitHeadersLower(l.decision as RateDecision, l.policy);
    if (v.code === "RATE_LIMITED") {
      req.resume();
      refuse(
        res,
        {
          code: "RATE_LIMITED",
          detail: `the rate limit "${l.policy}" of this key is used up`,
          headers: rl ?? {},
        },
        reqId(),
      );
      return;
    }
    if (v.code === "ROUTE_NOT_ALLOWED") {
      // no rule matched and unmatched routes are denied (no limit was taken; counted as such)
      req.resume();
      refuse(
        res,
        { code: "ROUTE_NOT_ALLOWED", detail: `no route rule allows ${req.method} ${req.url}` },
        reqId(),
      );
      return;
    }
    if (!v.valid) {
      if (v.code === "INSUFFICIENT_SCOPE") {
        refuse(
          res,
          {
            code: "INSUFFICIENT_SCOPE",
            detail: `this route needs the scopes ${(rule?.scopes ?? []).join(", ")}`,
          },
          reqId(),
        );
      } else {
        refuse(
          res,
          {
            code: "KEY_INVALID",
            detail: `the API key is not valid (${v.code})`,
            ...(policy.keyHeader === "authorization" && {
              headers: { "www-authenticate": 'Bearer realm="api", error="invalid_token"' },
            }),
          },
          reqId(),
        );
      }
      return;
    }
    const dep = deprecationHeaders(v, policy.rotationDocs, deprecations);
    forward(req, res, identity(v, identities), dep && rl ? { ...dep, ...rl } : (dep ?? rl), address, t0);
  }

  /**
   * The incident playbook's question to this gateway: does its in-memory verifier reject these
   * versions now (the same answer shape as the server's `GET /v1/node/revocations`). Admin keys
   * with `keys:read` only; nothing is forwarded.
   */
  function revocations(req: IncomingMessage, res: ServerResponse, url: string, reqId: string): void {
    req.resume();
    const m = BEARER_RE.exec(req.headers.authorization ?? "");
    const answer = (r: VerifyResult | undefined) => {
      if (r === undefined || !r.valid) {
        refuse(
          res,
          {
            code: "UNAUTHORIZED",
            detail: "send Authorization: Bearer <admin key>",
            headers: { "www-authenticate": 'Bearer realm="keyroll"' },
          },
          reqId,
        );
        return;
      }
      if (!r.admin || !(r.scopes.includes("admin") || r.scopes.includes("keys:read"))) {
        refuse(
          res,
          { code: "FORBIDDEN", detail: 'this call needs an admin key with the "keys:read" scope' },
          reqId,
        );
        return;
      }
      const params = new URL(url, "http://gateway").searchParams;
      const keyId = params.get("keyId") ?? "";
      const list = params.get("versions") ?? "";
      if (!/^key_[0-9a-z]{26}$/.test(keyId) || !VERSIONS_RE.test(list)) {
        refuse(
          res,
          { code: "VALIDATION_FAILED", detail: "keyId and versions (e.g. 1,2) are required" },
          reqId,
        );
        return;
      }
      const s = verifier.status();
      const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
      const body = JSON.stringify({
        nodeId: deps.nodeId?.() ?? null,
        kind: "gateway",
        checkedAt: iso(deps.clock.now()),
        feedSeq: s.lastSeq,
        lastRevocationAt: iso(verifier.lastRevocationAt()),
        keyId,
        versions: verifier
          .rejection(keyId, list.split(",").map(Number))
          .map((v) => ({ ...v, since: iso(v.since) })),
      });
      res.writeHead(200, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
        "cache-control": "no-store",
        "x-request-id": reqId,
      });
      res.end(body);
    };
    if (!m) {
      answer(undefined);
      return;
    }
    const r = verifier.verify(m[1]!);
    if (r instanceof Promise)
      r.then(answer, () =>
        refuse(res, { code: "STORE_UNAVAILABLE", detail: "the key store cannot be reached" }, reqId),
      );
    else answer(r);
  }

  /** The node:http request handler. */
  function handle(req: IncomingMessage, res: ServerResponse): void {
    const t0 = performance.now();
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (req.method === "GET" && OPS.has(path)) {
      ops(res, path);
      return;
    }
    const reqId = () => `req_${(++seq).toString(36)}`;
    if (req.method === "GET" && path === REVOCATIONS && auth) {
      revocations(req, res, url, reqId());
      return;
    }
    const address = clientAddress(req);
    if (!auth) {
      forward(req, res, null, null, address, t0);
      return;
    }
    const key = keyOf(req.headers);
    if (key === undefined) {
      req.resume();
      refuse(
        res,
        {
          code: "KEY_MISSING",
          detail:
            policy.keyHeader === "authorization"
              ? "send Authorization: Bearer <API key>"
              : `send the API key in the ${policy.keyHeader} header`,
          ...(policy.keyHeader === "authorization" && {
            headers: { "www-authenticate": 'Bearer realm="api"' },
          }),
        },
        reqId(),
      );
      return;
    }
    const rule = matchRoute(policy.routes, req.method ?? "GET", url);
    // the rate limits (or the refusal of a request no rule allows) run inside verify, so such a
    // request is counted as RATE_LIMITED (ROUTE_NOT_ALLOWED), not VALID
    const step = routeStep(limiter, policy, rule);
    const r = verifier.verify(key, rule?.scopes, address, step.after);
    if (r instanceof Promise) {
      r.then(
        (v) => authorized(req, res, v, rule, step, address, t0, reqId),
        (err: Error & { code?: string }) => {
          req.resume();
          refuse(
            res,
            err.code === "RATE_LIMIT_UNAVAILABLE"
              ? { code: "RATE_LIMIT_UNAVAILABLE", detail: err.message }
              : { code: "STORE_UNAVAILABLE", detail: "the key store cannot be reached" },
            reqId(),
          );
        },
      );
    } else authorized(req, res, r, rule, step, address, t0, reqId);
  }

  return {
    handle,
    metrics,
    /** Closes the upstream connections. */
    async close(): Promise<void> {
      await pool.close();
    },
  };
}

function ignore(): void {}

/** The gateway's interface. */
export type Gateway = ReturnType<typeof createGateway>;
