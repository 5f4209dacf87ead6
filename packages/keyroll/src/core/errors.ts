/**
 * The one registry of error codes Keyroll answers with. The HTTP layer turns a `KeyrollError`
 * into RFC 9457 problem+json from this table; `docs/errors.md` documents every entry (a test
 * keeps the two in sync).
 */
export const ERRORS = {
  VALIDATION_FAILED: { status: 400, title: "The request is not valid" },
  MALFORMED_JSON: { status: 400, title: "The request body is not valid JSON" },
  INVALID_DURATION: { status: 400, title: "A duration is not valid or out of range" },
  INVALID_SECRET: { status: 400, title: "An imported secret is not acceptable" },
  INVALID_CURSOR: { status: 400, title: "The page cursor is not valid" },
  INVALID_IDEMPOTENCY_KEY: { status: 400, title: "The Idempotency-Key header is not valid" },
  INVALID_WEBHOOK_URL: { status: 400, title: "The webhook URL is not a valid http(s) URL" },
  WEBHOOK_URL_NOT_ALLOWED: { status: 400, title: "The webhook URL points to a private or local address" },
  UNKNOWN_EVENT_TYPE: { status: 400, title: "An event type is not one Keyroll emits" },
  UNAUTHORIZED: { status: 401, title: "A valid admin key is required" },
  CLIENT_UNAUTHORIZED: { status: 401, title: "A valid client key is required" },
  SECRET_REVOKED: { status: 401, title: "This secret is revoked" },
  SECRET_EXPIRED: { status: 401, title: "This secret has expired" },
  LEAK_SIGNATURE_INVALID: { status: 401, title: "The leak report's signature does not verify" },
  FORBIDDEN: { status: 403, title: "The admin key lacks the scope this call needs" },
  KEY_MISSING: { status: 401, title: "An API key is required" },
  KEY_INVALID: { status: 401, title: "The API key is not valid" },
  INSUFFICIENT_SCOPE: { status: 403, title: "The API key lacks a scope this route needs" },
  ROUTE_NOT_ALLOWED: { status: 403, title: "No route rule allows this request" },
  SUCCESSOR_PICKUP_DISABLED: { status: 403, title: "Successor pickup is turned off for this key" },
  NOT_FOUND: { status: 404, title: "No such route" },
  CONSUMER_NOT_FOUND: { status: 404, title: "No such consumer" },
  KEY_NOT_FOUND: { status: 404, title: "No such key" },
  VERSION_NOT_FOUND: { status: 404, title: "No such key version" },
  ALERT_NOT_FOUND: { status: 404, title: "No such alert" },
  AUDIT_SIGNING_OFF: { status: 404, title: "This server signs no audit checkpoints" },
  SUCCESSOR_NOT_AVAILABLE: { status: 404, title: "No successor is waiting for this secret" },
  WEBHOOK_NOT_FOUND: { status: 404, title: "No such webhook" },
  DELIVERY_NOT_FOUND: { status: 404, title: "No such webhook delivery" },
  ROTATION_JOB_NOT_FOUND: { status: 404, title: "No such rotation job" },
  CONSUMER_RESERVED: { status: 409, title: "The reserved admin consumer cannot be changed this way" },
  EXTERNAL_ID_TAKEN: { status: 409, title: "Another consumer has this externalId" },
  SECRET_ALREADY_EXISTS: { status: 409, title: "This secret is already in use" },
  DUPLICATE_EXTERNAL_ID: { status: 409, title: "Two rows of one import carry the same externalId" },
  KEY_REVOKED: { status: 409, title: "The key is revoked" },
  KEY_EXPIRED: { status: 409, title: "The key has expired" },
  ROTATION_PENDING: { status: 409, title: "A scheduled rotation is already pending for this key" },
  ROLLBACK_NOT_POSSIBLE: { status: 409, title: "The previous version is no longer in grace" },
  VERSION_ACTIVE: { status: 409, title: "The active version cannot be revoked on its own" },
  VERSION_NOT_SCHEDULED: { status: 409, title: "The version is not scheduled (any more)" },
  POLICY_NOT_ALLOWED: { status: 409, title: "Admin keys take no rotation policy" },
  NOT_CURRENT_VERSION: { status: 409, title: "Only the active secret of a key may rotate it" },
  CONCURRENT_MODIFICATION: { status: 409, title: "The key was changed concurrently; retry" },
  ROTATION_JOB_FINISHED: { status: 409, title: "The rotation job has completed or was cancelled" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Send the body as application/json" },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: "This Idempotency-Key was used with a different request" },
  RATE_LIMITED: { status: 429, title: "Too many requests for this API key" },
  HEADERS_TOO_LARGE: { status: 431, title: "The request headers are too large" },
  INTERNAL: { status: 500, title: "Internal error" },
  UPSTREAM_UNAVAILABLE: { status: 502, title: "The upstream API could not be reached" },
  UPSTREAM_TIMEOUT: { status: 504, title: "The upstream API did not answer in time" },
  STORE_UNAVAILABLE: { status: 503, title: "The database is not reachable" },
  RATE_LIMIT_UNAVAILABLE: { status: 503, title: "The shared rate limit store is not reachable" },
  STORE_BUSY: { status: 503, title: "The database is busy; retry after the time in Retry-After" },
  STALE_CACHE: { status: 503, title: "This node is behind the change feed and runs in strict mode" },
  SHUTTING_DOWN: { status: 503, title: "This node is shutting down" },
} as const satisfies Record<string, { status: number; title: string }>;

/** One of the stable UPPER_SNAKE error codes of `ERRORS`. */
export type ErrorCode = keyof typeof ERRORS;

/** An expected failure of a call, carrying a registry code and a client-safe detail. */
export class KeyrollError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Field-level problems, safe to show to the client. */
  readonly errors: ReadonlyArray<{ path: string; message: string }> | undefined;

  constructor(
    code: ErrorCode,
    detail?: string,
    errors?: ReadonlyArray<{ path: string; message: string }>,
    cause?: unknown,
  ) {
    // `cause` is for the server log only; the HTTP layer never sends it
    super(detail ?? ERRORS[code].title, cause === undefined ? undefined : { cause });
    this.name = "KeyrollError";
    this.code = code;
    this.status = ERRORS[code].status;
    this.errors = errors;
  }
}
