import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { ERRORS, type ErrorCode, KeyrollError } from "../core/errors.js";
import type { Logger } from "../services/deps.js";

/** The RFC 9457 body for `code`. */
export function problem(code: ErrorCode, detail?: string, extra?: { instance?: string; errors?: unknown }) {
  const e = ERRORS[code];
  return {
    type: `urn:keyroll:error:${code}`,
    title: e.title,
    status: e.status,
    code,
    detail: detail ?? e.title,
    ...(extra?.instance !== undefined && { instance: extra.instance }),
    ...(extra?.errors !== undefined && { errors: extra.errors }),
  };
}

/** Seconds a client is told to wait (Retry-After) before retrying a STORE_BUSY answer. */
export const STORE_BUSY_RETRY_AFTER_S = 1;

/** Fastify's own error codes that a client causes, and ours for them. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_JSON",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "VALIDATION_FAILED",
  FST_ERR_CTP_INVALID_TYPE: "UNSUPPORTED_MEDIA_TYPE",
};

/** Maps any error to a registry code and a client-safe detail. Never passes `cause` or internals on. */
export function classify(err: FastifyError | Error): { code: ErrorCode; detail?: string; errors?: unknown } {
  if (err instanceof KeyrollError) return { code: err.code, detail: err.message, errors: err.errors };
  const fe = err as FastifyError;
  if (fe.validation) {
    const errors = fe.validation.map((v) => ({
      path: `${fe.validationContext ?? "body"}${v.instancePath || ""}`,
      message:
        v.keyword === "additionalProperties"
          ? `unknown field "${(v.params as { additionalProperty?: string }).additionalProperty}"`
          : (v.message ?? "is not valid"),
    }));
    return {
      code: "VALIDATION_FAILED",
      detail: errors.map((e) => `${e.path}: ${e.message}`).join("; "),
      errors,
    };
  }
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped)
    return { code: mapped, detail: mapped === "MALFORMED_JSON" ? "the body is not valid JSON" : undefined };
  if (err instanceof SyntaxError || (fe.statusCode === 400 && /json/i.test(fe.message))) {
    return { code: "MALFORMED_JSON", detail: "the body is not valid JSON" };
  }
  if (fe.statusCode === 413) return { code: "PAYLOAD_TOO_LARGE" };
  if (fe.statusCode === 415) return { code: "UNSUPPORTED_MEDIA_TYPE" };
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { code: "VALIDATION_FAILED", detail: "the request is not valid" };
  }
  return { code: "INTERNAL" };
}

/** The one error handler: every failure leaves as problem+json from the registry. */
export function errorHandler(logger: Logger) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const c = classify(err);
    const status = ERRORS[c.code].status;
    if (c.code === "STORE_BUSY") {
      // expected under a burst, and many at once: one short line each, no stack
      logger.warn({ reqId: req.id, code: c.code }, "store busy; answered 503 with Retry-After");
    } else if (status >= 500) {
      // message and stack only: a driver error's detail may quote row values
      logger.error(
        { reqId: req.id, err: { name: err.name, code: err.code, message: err.message, stack: err.stack } },
        "request failed",
      );
    }
    // overload, not an outage: tell the client when to come back (docs/errors.md)
    if (c.code === "STORE_BUSY") reply.header("retry-after", String(STORE_BUSY_RETRY_AFTER_S));
    // RFC 9110: every 401 says how to authenticate (Keyroll's realm, unless the route challenged
    // in another: /v1/authorize answers for the client's key in the API's realm)
    if (status === 401 && !reply.hasHeader("www-authenticate"))
      reply.header("WWW-Authenticate", 'Bearer realm="keyroll"');
    reply
      .code(status)
      .type("application/problem+json")
      .send(
        problem(c.code, status >= 500 ? undefined : c.detail, { instance: String(req.id), errors: c.errors }),
      );
  };
}

/**
 * Answers errors that happen before a request exists (headers too large, garbage on the wire)
 * with problem+json too, instead of Node's bare status line.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode = err.code === "HPE_HEADER_OVERFLOW" ? "HEADERS_TOO_LARGE" : "VALIDATION_FAILED";
  const body = JSON.stringify(
    problem(
      code,
      code === "HEADERS_TOO_LARGE"
        ? "request headers exceed the server's limit"
        : "the request could not be parsed",
    ),
  );
  const status = ERRORS[code].status;
  const reason = code === "HEADERS_TOO_LARGE" ? "Request Header Fields Too Large" : "Bad Request";
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
