// HTTP/1.1 responses read straight off a raw socket, for tests and benchmarks that write requests
// byte by byte (pipelining, bodies in pieces, closed-loop round trips). Content-Length bodies only,
// which is what Keyroll answers.
import type { Socket } from "node:net";

/** One response as it came off the wire. */
export interface RawResponse {
  status: number;
  body: Buffer;
}

/** Calls `on` with each response the socket receives, in order. */
export function onResponses(socket: Socket, on: (r: RawResponse) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on("data", (d: Buffer) => {
    buf = buf.length === 0 ? d : Buffer.concat([buf, d]);
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.subarray(0, end).toString("latin1");
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = buf.subarray(end + 4, end + 4 + length);
      buf = buf.subarray(end + 4 + length);
      on({ status: Number(head.split(" ")[1]), body });
    }
  });
}
