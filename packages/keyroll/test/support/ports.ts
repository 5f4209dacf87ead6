// A free TCP port, for tests and benchmarks that start servers of their own.
import { createServer } from "node:net";

/**
 * A port on 127.0.0.1 that was free a moment ago: listen on 0, read the port, close. Another
 * process may take it before the caller listens; callers that spawn a server retry on EADDRINUSE.
 * @example const port = await freePort();
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}
