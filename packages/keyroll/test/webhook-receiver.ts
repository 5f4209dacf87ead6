// A real HTTP receiver for webhook tests: records every request and answers as the test says.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: Record<string, string>;
  body: string;
  // biome-ignore lint/suspicious/noExplicitAny: payloads are read field by field in assertions
  json: any;
}

/** Starts a receiver on 127.0.0.1; `respond` decides each answer (default 204). */
export async function startReceiver(
  respond: (r: Received, res: ServerResponse, n: number) => void = (_r, res) => {
    res.writeHead(204).end();
  },
) {
  const received: Received[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(",") : String(v)]),
      );
      const r = { headers, body, json };
      received.push(r);
      for (const w of waiters.splice(0)) w();
      state.respond(r, res, received.length);
    });
  });
  const state = { respond };
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    setRespond(fn: typeof respond) {
      state.respond = fn;
    },
    /** Waits until `n` requests have arrived (bounded). */
    async waitFor(n: number, timeoutMs = 10_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`expected ${n} requests, got ${received.length}`);
        await new Promise<void>((ok) => {
          waiters.push(ok);
          setTimeout(ok, 100).unref();
        });
      }
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
