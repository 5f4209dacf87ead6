// A provider's API for the @keyroll/client tests: a real HTTP server that verifies each request's
// key through Keyroll's POST /v1/verify and answers 200 (with Deprecation/Sunset for a key in
// grace) or 401 {code}, as a provider that follows the docs would.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A running provider API; `counts` is requests answered, by verify code and version. */
export interface ProviderApi {
  readonly url: string;
  readonly counts: Map<string, number>;
  close(): Promise<void>;
}

/** Starts the provider API in front of the Keyroll at `keyrollUrl`. */
export async function startProviderApi(keyrollUrl: string, adminKey: string): Promise<ProviderApi> {
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const m = /^Bearer (\S+)$/.exec(req.headers.authorization ?? "");
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(body));
    };
    req.resume();
    if (!m) {
      answer(401, { code: "MISSING" });
      return;
    }
    fetch(`${keyrollUrl}/v1/verify`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" },
      body: JSON.stringify({ key: m[1], clientIp: "127.0.0.1" }),
    })
      .then(async (r) => {
        const v = (await r.json()) as {
          valid: boolean;
          code: string;
          version: number | null;
          expiresAt: string | null;
          deprecated: boolean;
        };
        const tag = `${v.code}:${v.version}`;
        counts.set(tag, (counts.get(tag) ?? 0) + 1);
        if (!v.valid) {
          answer(401, { code: v.code });
          return;
        }
        const h: Record<string, string> = {};
        if (v.deprecated && v.expiresAt) {
          h.deprecation = "true";
          h.sunset = new Date(v.expiresAt).toUTCString();
        }
        answer(200, { ok: true, version: v.version }, h);
      })
      .catch(() => answer(502, { code: "UPSTREAM" }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
