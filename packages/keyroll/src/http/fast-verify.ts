import type { IncomingMessage, ServerResponse } from "node:http";
import { isIP } from "node:net";
import type { FastifyInstance } from "fastify";
import type { VerifyResult } from "../core/verify.js";
import { SCOPE_PATTERN } from "../core/verify.js";
import type { Verifier } from "../verifier/index.js";
import { sunset, verifyView } from "./views.js";

const SCOPE_RE = new RegExp(SCOPE_PATTERN);
const BEARER_RE = /^Bearer +(\S+) *$/i;

/** What the fast path needs from the app. */
export interface FastVerifyDeps {
  readonly app: FastifyInstance;
  readonly verifier: Verifier;
  readonly bodyLimit: number;
  readonly nextRequestId: () => string;
  readonly observe: (seconds: number, code: string) => void;
  /** False while strict mode refuses to answer from a stale cache (Fastify then answers 503). */
  readonly mayAnswer: () => boolean;
}

function happyBody(body: unknown): body is { key: string; scopes?: string[]; clientIp?: string } {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  let n = 0;
  for (const k in body) {
    if (!Object.hasOwn(body, k)) continue;
    n++;
    if (k !== "key" && k !== "scopes" && k !== "clientIp") return false;
  }
  const b = body as { key?: unknown; scopes?: unknown; clientIp?: unknown };
  if (typeof b.key !== "string") return false;
  if (b.scopes !== undefined) {
    if (!Array.isArray(b.scopes) || b.scopes.length > 100) return false;
    for (const s of b.scopes) if (typeof s !== "string" || !SCOPE_RE.test(s)) return false;
  }
  if (b.clientIp !== undefined && (typeof b.clientIp !== "string" || isIP(b.clientIp) === 0)) return false;
  return n <= 3;
}

/**
 * `POST /v1/verify` without the framework on its happy path: an authorized admin key (checked from
 * memory), a JSON body of the documented shape, an answer from the verifier. The answer is the
 * same bytes and headers Fastify's route sends. Anything else (no or bad admin key, another
 * content type, a body too large, chunked, invalid JSON or shape, strict mode while stale) goes to
 * the Fastify route, before the body is read or, once read, through `inject` with the same body, so
 * every error answer stays exactly the registry's. See docs/decisions/0007-fast-verify-path.md.
 * Returns false when the request is not for this path at all.
 */
export function createFastVerify(deps: FastVerifyDeps) {
  const { verifier } = deps;

  function replay(req: IncomingMessage, res: ServerResponse, raw: Buffer): void {
    const headers = { ...req.headers };
    delete headers["content-length"];
    deps.app
      .inject({
        method: "POST",
        url: req.url ?? "/v1/verify",
        headers,
        payload: raw,
        remoteAddress: req.socket.remoteAddress,
      })
      .then(
        (r) => {
          const out: Record<string, string | string[] | number> = {};
          for (const [k, v] of Object.entries(r.headers)) {
            if (v !== undefined && k !== "connection" && k !== "date" && k !== "transfer-encoding")
              out[k] = v as string;
          }
          res.writeHead(r.statusCode, out);
          res.end(r.rawPayload);
        },
        () => {
          res.statusCode = 500;
          res.end();
        },
      );
  }

  function answer(res: ServerResponse, v: VerifyResult, t0: number): void {
    deps.observe((performance.now() - t0) / 1000, v.code);
    const body = JSON.stringify(verifyView(v));
    const headers: Record<string, string | number> = {
      "x-request-id": deps.nextRequestId(),
      "cache-control": "no-store",
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    };
    if (v.deprecated && v.expiresAt !== null) headers.sunset = sunset(v.expiresAt);
    res.writeHead(200, headers);
    res.end(body);
  }

  return (
    req: IncomingMessage,
    res: ServerResponse,
    fastify: (req: IncomingMessage, res: ServerResponse) => void,
  ) => {
    const h = req.headers;
    const length = Number(h["content-length"]);
    const auth = h.authorization;
    const m = auth === undefined ? null : BEARER_RE.exec(auth);
    const admin = m === null ? undefined : verifier.verifyCached(m[1]!, undefined);
    if (
      admin === undefined ||
      !admin.valid ||
      !admin.admin ||
      (!admin.scopes.includes("verify") && !admin.scopes.includes("admin")) ||
      (h["content-type"] !== "application/json" && h["content-type"] !== "application/json; charset=utf-8") ||
      !(length > 0 && length <= deps.bodyLimit) ||
      h["transfer-encoding"] !== undefined ||
      h.expect !== undefined ||
      !deps.mayAnswer()
    ) {
      fastify(req, res);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= deps.bodyLimit) chunks.push(c);
    });
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let body: unknown;
      try {
        body = size === length ? JSON.parse(raw.toString("utf8")) : undefined;
      } catch {
        body = undefined;
      }
      if (!happyBody(body)) {
        replay(req, res, raw);
        return;
      }
      const t0 = performance.now();
      const r = verifier.verify(body.key, body.scopes, body.clientIp);
      if (r instanceof Promise) {
        r.then(
          (v) => answer(res, v, t0),
          () => replay(req, res, raw),
        );
      } else answer(res, r, t0);
    });
    req.on("error", () => res.destroy());
  };
}
