// Middlewares for Express (and connect / node:http), Fastify and Hono, over any verifier with the
// in-process verifier's `verify` (none of these frameworks is a dependency: the shapes used are
// written out here).
import type { VerifyAnswer, VerifyRequest } from "./answer.js";

/** Anything that verifies like `createVerifier(...)`. */
export interface VerifierLike {
  verify(secret: string, request?: VerifyRequest): VerifyAnswer;
}

/** Settings shared by the middlewares. */
export interface MiddlewareOptions {
  /** Scopes every request must have, or a function of the request's method and path. */
  scopes?: readonly string[] | ((method: string, path: string) => readonly string[] | undefined);
  /** Where the secret is read: `Authorization: Bearer …` (default) or another header such as `x-api-key`. */
  header?: string;
}

/** What a middleware decided: let the request through with its answer, or answer it. */
type Outcome =
  | { ok: true; answer: VerifyAnswer; headers: Record<string, string> }
  | { ok: false; status: number; body: Record<string, unknown>; headers: Record<string, string> };

function secretFrom(
  get: (name: string) => string | undefined,
  header: string | undefined,
): string | undefined {
  if (header !== undefined && header.toLowerCase() !== "authorization")
    return get(header.toLowerCase())?.trim();
  const m = /^Bearer +(\S+) *$/i.exec(get("authorization") ?? "");
  return m?.[1];
}

function decide(
  verifier: VerifierLike,
  opts: MiddlewareOptions,
  get: (name: string) => string | undefined,
  method: string,
  path: string,
  ip: string | undefined,
): Outcome {
  const secret = secretFrom(get, opts.header);
  const headers: Record<string, string> = {};
  if (secret === undefined || secret === "") {
    headers["www-authenticate"] = 'Bearer realm="api"';
    return { ok: false, status: 401, body: { code: "MISSING_KEY", message: "send your API key" }, headers };
  }
  const scopes = typeof opts.scopes === "function" ? opts.scopes(method, path) : opts.scopes;
  let answer: VerifyAnswer;
  try {
    answer = verifier.verify(secret, { ...(scopes && { scopes }), ...(ip && { clientIp: ip }) });
  } catch (err) {
    if ((err as Error).name === "StaleIndexError") {
      headers["retry-after"] = "1";
      return { ok: false, status: 503, body: { code: "STALE_CACHE", message: "try again shortly" }, headers };
    }
    throw err;
  }
  if (answer.deprecated && answer.expiresAt !== null) {
    // RFC 9745 and RFC 8594: the key works, but a successor waits and this one stops at Sunset
    headers.deprecation = "true";
    headers.sunset = new Date(answer.expiresAt).toUTCString();
  }
  if (answer.valid) return { ok: true, answer, headers };
  const status = answer.code === "INSUFFICIENT_SCOPE" ? 403 : answer.code === "RATE_LIMITED" ? 429 : 401;
  return {
    ok: false,
    status,
    body: { code: answer.code, message: `the API key is not accepted (${answer.code})` },
    headers,
  };
}

const ipOf = (ip: string | undefined) => (ip?.startsWith("::ffff:") ? ip.slice(7) : ip);

/** The request and response shapes of Express, connect and node:http that the middleware uses. */
export interface NodeStyleRequest {
  method?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
  socket?: { remoteAddress?: string };
  keyroll?: VerifyAnswer;
}
export interface NodeStyleResponse {
  statusCode: number;
  setHeader(name: string, value: string): unknown;
  end(body?: string): unknown;
}

/**
 * Express / connect middleware (also usable with plain node:http): puts the answer on
 * `req.keyroll`, or answers 401/403/503 with a JSON `code`.
 * @example app.use(expressMiddleware(verifier, { scopes: ["orders:read"] }));
 */
export function expressMiddleware(verifier: VerifierLike, opts: MiddlewareOptions = {}) {
  return (req: NodeStyleRequest, res: NodeStyleResponse, next: (err?: unknown) => void): void => {
    const get = (name: string) => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    let out: Outcome;
    try {
      out = decide(
        verifier,
        opts,
        get,
        req.method ?? "GET",
        (req.url ?? "/").split("?")[0]!,
        ipOf(req.socket?.remoteAddress),
      );
    } catch (err) {
      next(err);
      return;
    }
    for (const [k, v] of Object.entries(out.headers)) res.setHeader(k, v);
    if (out.ok) {
      req.keyroll = out.answer;
      next();
      return;
    }
    res.statusCode = out.status;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify(out.body));
  };
}

/** The Fastify request and reply shapes the hook uses. */
export interface FastifyLikeRequest {
  method: string;
  url: string;
  ip?: string;
  headers: Record<string, string | string[] | undefined>;
  keyroll?: VerifyAnswer;
}
export interface FastifyLikeReply {
  header(name: string, value: string): unknown;
  code(status: number): { send(body: unknown): unknown };
}

/**
 * A Fastify `onRequest`/`preHandler` hook: puts the answer on `request.keyroll`, or replies.
 * @example app.addHook("onRequest", fastifyHook(verifier));
 */
export function fastifyHook(verifier: VerifierLike, opts: MiddlewareOptions = {}) {
  return async (request: FastifyLikeRequest, reply: FastifyLikeReply): Promise<void> => {
    const get = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const out = decide(verifier, opts, get, request.method, request.url.split("?")[0]!, ipOf(request.ip));
    for (const [k, v] of Object.entries(out.headers)) reply.header(k, v);
    if (out.ok) request.keyroll = out.answer;
    else await reply.code(out.status).send(out.body);
  };
}

/** The Hono context shape the middleware uses. */
export interface HonoLikeContext {
  req: { method: string; path: string; header(name: string): string | undefined };
  header(name: string, value: string): void;
  set(key: "keyroll", value: VerifyAnswer): void;
  json(body: unknown, status?: number): Response;
  env?: { incoming?: { socket?: { remoteAddress?: string } } };
}

/**
 * Hono middleware: `c.get("keyroll")` holds the answer, or it answers with JSON.
 * @example app.use("/api/*", honoMiddleware(verifier));
 */
export function honoMiddleware(verifier: VerifierLike, opts: MiddlewareOptions = {}) {
  return async (c: HonoLikeContext, next: () => Promise<void>): Promise<Response | undefined> => {
    const out = decide(
      verifier,
      opts,
      (n) => c.req.header(n),
      c.req.method,
      c.req.path,
      ipOf(c.env?.incoming?.socket?.remoteAddress),
    );
    for (const [k, v] of Object.entries(out.headers)) c.header(k, v);
    if (!out.ok) return c.json(out.body, out.status);
    c.set("keyroll", out.answer);
    await next();
    return undefined;
  };
}
