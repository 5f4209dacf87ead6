import type { Server } from "node:http";
import { Server as NetServer } from "node:net";

/** How often connections that turned idle after the listener closed are looked for. */
const SWEEP_MS = 25;
/**
 * How long a connection accepted just before the listener closed gets to have its first request
 * read: until then it looks idle, and closing it would reset a request its client already sent.
 */
const FIRST_REQUEST_MS = 250;

/**
 * Stops accepting connections and resolves once every open one is gone. Requests in flight are
 * answered (with `Connection: close` while the node is draining, so the client opens its next
 * connection elsewhere); a kept-alive connection is closed as soon as it is idle, i.e. between two
 * requests, never with a request on it that this node has read. Resolves `false` if connections
 * are still open after `timeoutMs`, once they are closed.
 * @example kr.startDrain(); await sleep(config.drainMs); await closeConnections(kr.app.server, 10_000);
 */
export function closeConnections(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(first);
      clearInterval(sweep);
      clearTimeout(bound);
      resolve(ok);
    };
    // the listener only ("close" comes once the last connection has ended): http.Server#close would
    // also close at once every connection without a request in progress, including one accepted a
    // moment ago whose request is still unread
    NetServer.prototype.close.call(server, () => finish(true));
    // then idle connections, again and again: a busy one turns idle later (an answer that went out
    // kept-alive before the drain); while draining, answers close their connections themselves
    let sweep: NodeJS.Timeout | undefined;
    const first = setTimeout(() => {
      server.closeIdleConnections();
      sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
    }, FIRST_REQUEST_MS);
    const bound = setTimeout(() => {
      // what is still open then has had its chance: the stop goes on without it
      server.closeAllConnections();
      finish(false);
    }, timeoutMs);
  });
}
