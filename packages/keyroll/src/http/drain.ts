import type { Server } from "node:http";

/** How often connections that turned idle after the listener closed are looked for. */
const SWEEP_MS = 25;

/**
 * Stops accepting connections and resolves once every open one is gone. Requests in flight are
 * answered (with `Connection: close` while the node is draining, so the client opens its next
 * connection elsewhere); a kept-alive connection is closed as soon as it is idle, i.e. between two
 * requests, never with a request on it that this node has read. Resolves `false` if connections
 * are still open after `timeoutMs` (the caller then closes them anyway).
 * @example kr.startDrain(); await sleep(config.drainMs); await closeConnections(kr.app.server, 10_000);
 */
export function closeConnections(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearInterval(sweep);
      clearTimeout(bound);
      resolve(ok);
    };
    // closes the listener and, since Node 19, the connections idle at this moment; "close" comes
    // once the last connection has ended
    server.close(() => finish(true));
    // a connection busy now turns idle later (an answer that went out kept-alive before the drain)
    const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    const bound = setTimeout(() => finish(false), timeoutMs);
  });
}
