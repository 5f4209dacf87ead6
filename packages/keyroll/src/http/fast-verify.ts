import type { IncomingMessage, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";
import { rawDigest } from "../core/secret.js";
import type { VerifyResult } from "../core/verify.js";
import type { Verifier } from "../verifier/index.js";
import { bearerToken, mayCall } from "./auth.js";
import { problem } from "./errors.js";
import { readVerifyBody, type VerifyBody } from "./verify-body.js";
import { sunset, verifyView } from "./views.js";

/** Answers written at once at most: bounds what the first answer of a batch waits for. */
const MAX_BATCH = 32;

/** The admin key a kept-alive connection authenticated with, so its next request needs no SHA-256. */
interface AdminMemo {
  readonly authorization: string;
  readonly digest: string;
}

/** Equal strings, in a time that depends on their length only. */
function sameString(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A verify answer's bytes and its `Sunset` header. */
interface Answer {
  /** Bytes, not a string: node:http then writes them as they are, with no encoding per request. */
  readonly body: Buffer;
  readonly sunset: string | undefined;
}

/** What the fast path needs from the app. */
export interface FastVerifyDeps {
  readonly app: FastifyInstance;
  readonly verifier: Verifier;
  readonly bodyLimit: number;
  readonly nextRequestId: () => string;
  readonly observe: (seconds: number, code: string) => void;
  /** Counts an answer the fast path sent itself (`keyroll_verify_path_total{path="fast"}`). */
  readonly answered: () => void;
  /** Reports a replay through Fastify that failed (answered 500 problem+json). */
  readonly onReplayError: (err: unknown, requestId: string) => void;
  /** The route's decision for a valid body (RouteDeps `decideVerify`: the verifier, then the key's rate limit). */
  readonly decide: (body: VerifyBody) => VerifyResult | Promise<VerifyResult>;
  /** False while strict mode refuses to answer from a stale cache (Fastify then answers 503). */
  readonly mayAnswer: () => boolean;
  /** True while the node drains to stop: answers then carry `Connection: close`. */
  readonly closing?: (() => boolean) | undefined;
}

/**
 * `POST /v1/verify` without the framework on its happy path: an authorized admin key (checked from
 * memory), a JSON body of the documented shape, an answer from the verifier. The answer is the
 * same bytes and headers Fastify's route sends. Anything else (no or bad admin key, another
 * content type, a body too large, chunked, invalid JSON or shape, strict mode while stale) goes to
 * the Fastify route, before the body is read or, once read, through `inject` with the same body, so
 * every error answer stays exactly the registry's. See docs/decisions/0007-fast-verify-path.md; how
 * it reads bodies and writes answers: docs/decisions/0009-answers-written-per-loop-turn.md.
 * Body and admin key are judged by the route's own code (verify-body.ts `validateVerifyBody`,
 * auth.ts `mayCall`), and the admin key's use is counted only when the fast path answers: a request
 * handed over is counted once, by Fastify's hook.
 */
export function createFastVerify(deps: FastVerifyDeps) {
  const { verifier } = deps;
  // The verifier hands out the same decision object until the version's next transition by time,
  // so an answer is serialized once per decision, not once per request.
  const answers = new WeakMap<VerifyResult, Answer>();
  // by connection; gone with it
  const admins = new WeakMap<Socket, AdminMemo>();

  function answerOf(v: VerifyResult): Answer {
    let a = answers.get(v);
    if (a === undefined) {
      a = {
        body: Buffer.from(JSON.stringify(verifyView(v))),
        sunset: v.deprecated && v.expiresAt !== null ? sunset(v.expiresAt) : undefined,
      };
      // a failed scope check is a fresh decision per request: nothing to reuse
      if (v.code !== "INSUFFICIENT_SCOPE") answers.set(v, a);
    }
    return a;
  }

  /**
   * The caller's admin key when it may verify, checked from memory and not yet counted as a use;
   * `undefined` hands the request to Fastify, which checks (and counts) it itself. A connection
   * that sends the same Authorization header again is checked by the digest it had, still against
   * the current index (a revoked or expired admin key fails at once), without hashing again.
   */
  function adminOf(req: IncomingMessage): AdminMemo | undefined {
    const authorization = req.headers.authorization;
    if (authorization === undefined) return undefined;
    const memo = admins.get(req.socket);
    if (memo !== undefined && sameString(memo.authorization, authorization)) {
      const r = verifier.peekRawDigest(memo.digest);
      if (r !== undefined) return mayCall(r, "verify") ? memo : undefined;
    }
    const token = bearerToken(authorization);
    if (token === undefined) return undefined;
    // a key not in the index is no valid admin key: Fastify answers it (and reads through if need be)
    const digest = rawDigest(token);
    const r = verifier.peekRawDigest(digest);
    if (r === undefined || !mayCall(r, "verify")) return undefined;
    const m: AdminMemo = { authorization, digest };
    admins.set(req.socket, m);
    return m;
  }

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
          if (deps.closing?.()) out.connection = "close";
          res.writeHead(r.statusCode, out);
          res.end(r.rawPayload);
        },
        (err: unknown) => {
          // as Fastify's error handler answers a failure: problem+json, no detail
          const id = deps.nextRequestId();
          deps.onReplayError(err, id);
          const body = JSON.stringify(problem("INTERNAL", undefined, { instance: id }));
          if (res.headersSent) {
            res.destroy();
            return;
          }
          res.writeHead(500, {
            "x-request-id": id,
            "cache-control": "no-store",
            "content-type": "application/problem+json; charset=utf-8",
            "content-length": Buffer.byteLength(body),
          });
          res.end(body);
        },
      );
  }

  function answer(res: ServerResponse, v: VerifyResult, t0: number, admin: AdminMemo): void {
    deps.observe((performance.now() - t0) / 1000, v.code);
    deps.answered();
    verifier.countRawDigest(admin.digest, "VALID");
    const a = answerOf(v);
    // a flat [name, value, …] list: node:http walks it without a for…in over an object
    const headers = [
      "x-request-id",
      deps.nextRequestId(),
      "cache-control",
      "no-store",
      "content-type",
      "application/json; charset=utf-8",
      "content-length",
      a.body.length,
    ];
    if (a.sunset !== undefined) headers.push("sunset", a.sunset);
    if (deps.closing?.()) headers.push("connection", "close");
    res.writeHead(200, headers as unknown as string[]);
    post(res, a.body);
  }

  // Answers wait in an outbox until the event loop has handled every request that arrived with
  // this poll, then go out together (docs/decisions/0009-answers-written-per-loop-turn.md): the
  // peer is woken once per batch, not once per answer.
  let outbox: Array<ServerResponse | Buffer> = [];
  function post(res: ServerResponse, body: Buffer): void {
    outbox.push(res, body);
    if (outbox.length === 2) setImmediate(sendAll);
    else if (outbox.length >= 2 * MAX_BATCH) sendAll();
  }
  function sendAll(): void {
    const batch = outbox;
    if (batch.length === 0) return;
    outbox = [];
    for (let i = 0; i < batch.length; i += 2) {
      const res = batch[i] as ServerResponse;
      try {
        res.end(batch[i + 1] as Buffer);
      } catch {
        // one broken connection must not keep the others' answers
        res.destroy();
      }
    }
  }

  return (
    req: IncomingMessage,
    res: ServerResponse,
    fastify: (req: IncomingMessage, res: ServerResponse) => void,
  ) => {
    const h = req.headers;
    const length = Number(h["content-length"]);
    if (
      (h["content-type"] !== "application/json" && h["content-type"] !== "application/json; charset=utf-8") ||
      !(length > 0 && length <= deps.bodyLimit) ||
      h["transfer-encoding"] !== undefined ||
      h.expect !== undefined ||
      !deps.mayAnswer()
    ) {
      fastify(req, res);
      return;
    }
    const admin = adminOf(req);
    if (admin === undefined) {
      fastify(req, res);
      return;
    }
    // node:http parses a body that came with its headers right after this handler returns, so it
    // is buffered in the request by the next tick
    process.nextTick(readBody, req, res, length, admin);
  };

  function readBody(req: IncomingMessage, res: ServerResponse, length: number, admin: AdminMemo): void {
    if (req.readableLength === length) {
      // the whole body is buffered in the request: one read, no stream events
      respond(req, res, req.read() as Buffer, length, admin);
      return;
    }
    // a body still on its way (several TCP segments): collect its chunks as they come
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= deps.bodyLimit) chunks.push(c);
    });
    req.on("end", () => respond(req, res, Buffer.concat(chunks), length, admin));
    // no "error" listener: an aborted request just never ends (node:http destroys the socket), as for
    // any node:http handler that reads a body
  }

  /** Answers a request whose whole body has been read; `length` is what its header announced. */
  function respond(
    req: IncomingMessage,
    res: ServerResponse,
    raw: Buffer,
    length: number,
    admin: AdminMemo,
  ): void {
    const body = raw.length === length ? readVerifyBody(raw) : undefined;
    if (body === undefined) {
      replay(req, res, raw);
      return;
    }
    const t0 = performance.now();
    const r = deps.decide(body);
    if (r instanceof Promise) {
      r.then(
        (v) => answer(res, v, t0, admin),
        () => replay(req, res, raw),
      );
    } else answer(res, r, t0, admin);
  }
}
