import type { Problem } from "./api-types.js";
import type { Env, FetchFn } from "./context.js";
import { CliError } from "./errors.js";
import { clean } from "./format.js";

/** Where the server listens when neither `--url` nor `KEYROLL_URL` says otherwise. */
export const DEFAULT_URL = "http://127.0.0.1:8080";
const DEFAULT_TIMEOUT_MS = 30_000;

/** The options every client command accepts. */
export interface ClientOptions {
  url?: string;
  adminKey?: string;
  json?: boolean;
}

/** A resolved connection to a Keyroll server. */
export interface ApiClient {
  /** The server URL without credentials, safe to print. */
  readonly displayUrl: string;
  /**
   * Sends one admin call and returns the 2xx answer; throws a {@link CliError} for a problem
   * answer (exit 1) or a server that cannot be reached (exit 2).
   */
  request(method: string, path: string, init?: ApiRequest): Promise<ApiResponse>;
}

/** Extra parts of one admin call. */
export interface ApiRequest {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** An NDJSON body, sent as it is (instead of `body`). */
  ndjson?: string;
  headers?: Record<string, string>;
}

/** A successful answer: the raw text (printed as-is by `--json`) and its parsed value. */
export interface ApiResponse {
  status: number;
  text: string;
  data: unknown;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** The URL with user and password removed, so an error message never repeats a credential. */
function safeUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href.replace(/\/$/, "");
}

/**
 * Resolves `--url`/`KEYROLL_URL` and `--admin-key`/`KEYROLL_ADMIN_KEY` (flags win) into a client.
 *
 * @example
 * const api = createApiClient({ url: "http://127.0.0.1:8080" }, { KEYROLL_ADMIN_KEY: "kr_…" }, fetch);
 * const { data } = await api.request("GET", "/v1/keys/key_1");
 */
export function createApiClient(
  options: ClientOptions,
  env: Env,
  fetchFn: FetchFn,
  settings: { version?: string; timeoutMs?: number } = {},
): ApiClient {
  const rawUrl = nonEmpty(options.url) ?? nonEmpty(env.KEYROLL_URL) ?? DEFAULT_URL;
  let base: URL;
  try {
    base = new URL(rawUrl);
  } catch {
    throw new CliError("usage", `invalid server URL ${JSON.stringify(rawUrl)} (from --url or KEYROLL_URL)`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new CliError("usage", `server URL must start with http:// or https:// (got ${base.protocol})`);
  }
  const adminKey = nonEmpty(options.adminKey) ?? nonEmpty(env.KEYROLL_ADMIN_KEY);
  if (adminKey === undefined) {
    throw new CliError("usage", "no admin key: set KEYROLL_ADMIN_KEY or pass --admin-key");
  }
  const displayUrl = safeUrl(base);
  const basePath = base.pathname.replace(/\/+$/, "");
  const timeoutMs = settings.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const userAgent = `keyroll-cli/${settings.version ?? "dev"}`;

  return {
    displayUrl,
    async request(method, path, init = {}) {
      const target = new URL(base.href);
      target.pathname = basePath + path;
      target.search = "";
      for (const [name, value] of Object.entries(init.query ?? {})) {
        if (value !== undefined) target.searchParams.set(name, String(value));
      }
      const headers: Record<string, string> = {
        accept: "application/json, application/problem+json",
        authorization: `Bearer ${adminKey}`,
        "user-agent": userAgent,
        ...init.headers,
      };
      if (init.body !== undefined) headers["content-type"] = "application/json";
      if (init.ndjson !== undefined) headers["content-type"] = "application/x-ndjson";

      let status: number;
      let statusText: string;
      let text: string;
      try {
        const response = await fetchFn(target, {
          method,
          headers,
          body: init.ndjson ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        statusText = response.statusText;
        text = await response.text();
      } catch (error) {
        throw networkError(error, displayUrl, timeoutMs);
      }

      const data = parseJson(text);
      if (status < 200 || status > 299) throw apiError(status, statusText, data);
      if (data === undefined) {
        throw new CliError(
          "response",
          `unexpected answer from ${displayUrl}: HTTP ${status} is not JSON`,
          status,
        );
      }
      return { status, text, data };
    },
  };
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function apiError(status: number, statusText: string, data: unknown): CliError {
  const problem = (typeof data === "object" && data !== null ? data : {}) as Problem;
  const code = typeof problem.code === "string" ? problem.code : `HTTP ${status}`;
  const detail =
    typeof problem.detail === "string" && problem.detail !== ""
      ? problem.detail
      : typeof problem.title === "string" && problem.title !== ""
        ? problem.title
        : statusText || "request failed";
  return new CliError("api", `${clean(code)}: ${clean(detail)}`, status);
}

/** Finds a system error code (ECONNREFUSED, ENOTFOUND, …) in undici's `fetch failed` cause chain. */
function systemCode(error: unknown, depth = 0): string | undefined {
  if (typeof error !== "object" || error === null || depth > 5) return undefined;
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === "string" && /^E[A-Z_]+$/.test(record.code)) return record.code;
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) {
      const code = systemCode(inner, depth + 1);
      if (code !== undefined) return code;
    }
  }
  return systemCode(record.cause, depth + 1);
}

function networkError(error: unknown, url: string, timeoutMs: number): CliError {
  if (error instanceof Error && error.name === "TimeoutError") {
    return new CliError("network", `no answer from Keyroll at ${url} within ${timeoutMs / 1000}s`);
  }
  const code = systemCode(error);
  if (code === "ECONNREFUSED") {
    return new CliError(
      "network",
      `cannot connect to Keyroll at ${url}: connection refused. Is the server running (keyroll serve)? ` +
        "Point --url or KEYROLL_URL at it.",
    );
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return new CliError("network", `cannot connect to Keyroll at ${url}: host not found`);
  }
  const reason = code ?? innermostMessage(error);
  return new CliError("network", `cannot connect to Keyroll at ${url}: ${clean(reason)}`);
}

/** undici wraps the useful reason ("bad port", a TLS failure, …) in a generic "fetch failed". */
function innermostMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause instanceof Error; depth++) {
    current = current.cause;
  }
  return current instanceof Error ? current.message : String(current);
}
