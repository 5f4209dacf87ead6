import type { KeyProvider } from "./provider.js";

/** Settings of `keyrollFetch`. */
export interface KeyrollFetchOptions {
  /** The fetch to wrap (default the global one). */
  fetch?: typeof fetch;
  /** Header that carries the secret (default `authorization`). */
  header?: string;
  /** Prefix of the header value (default `"Bearer "`; `""` sends the bare secret, e.g. for `x-api-key`). */
  scheme?: string;
  /** Also retry methods that are not idempotent (POST, PATCH) after a reload. Default false. */
  retryUnsafeMethods?: boolean;
  /** The 401 codes that mean "your secret changed" (default `REVOKED`, `EXPIRED`). */
  retryCodes?: readonly string[];
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

async function codeOf(res: Response): Promise<string | undefined> {
  if (!/json/i.test(res.headers.get("content-type") ?? "")) return undefined;
  try {
    const body = (await res.clone().json()) as { code?: unknown; error?: { code?: unknown } };
    const code = body?.code ?? body?.error?.code;
    return typeof code === "string" ? code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A `fetch` that sends the provider's current secret on every request, tells the provider about
 * `Deprecation`/`Sunset` answers, and on a 401 whose JSON `code` is `REVOKED` or `EXPIRED`
 * reloads the key once and retries once (idempotent methods only unless told otherwise).
 * @example
 * const api = keyrollFetch(rotatingKey({ url, key }));
 * const res = await api("https://api.example.com/orders");
 */
export function keyrollFetch(provider: KeyProvider, opts: KeyrollFetchOptions = {}): typeof fetch {
  const base = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const header = opts.header ?? "authorization";
  const scheme = opts.scheme ?? "Bearer ";
  const retryCodes = new Set(opts.retryCodes ?? ["REVOKED", "EXPIRED"]);

  const send = (req: Request, secret: string) => {
    const r = new Request(req);
    r.headers.set(header, `${scheme}${secret}`);
    return base(r);
  };

  return (async (input: string | URL | Request, init?: RequestInit) => {
    const req = new Request(input, init);
    const retryable = opts.retryUnsafeMethods === true || IDEMPOTENT.has(req.method.toUpperCase());
    // a body can be sent once: keep a copy for the one retry
    const spare = retryable ? req.clone() : undefined;
    const secret = provider.current();
    const res = await send(req, secret);
    provider.notice(res.headers);
    if (res.status !== 401 || !spare) return res;
    const code = await codeOf(res);
    if (code === undefined || !retryCodes.has(code)) return res;
    let next: string;
    try {
      next = await provider.reload();
    } catch {
      return res;
    }
    if (next === secret) return res;
    await res.body?.cancel().catch(() => undefined);
    const again = await send(spare, next);
    provider.notice(again.headers);
    return again;
  }) as typeof fetch;
}
