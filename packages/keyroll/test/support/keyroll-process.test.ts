// The readiness check of spawned test servers: a port another process took meanwhile is not ours.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { test } from "node:test";
import { listensOn } from "./keyroll-process.js";

test("listensOn tells the process that holds a listening port from one that does not", async (t) => {
  const server = createServer((_req, res) => res.end("ok"));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  t.after(() => server.close());
  const port = (server.address() as { port: number }).port;
  assert.equal(listensOn(process.pid, port), true, "this process listens there");

  const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"], { stdio: "ignore" });
  t.after(() => other.kill("SIGKILL"));
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(listensOn(other.pid, port), false, "a process without the socket is not the listener");
  server.close();
  await once(server, "close");
  assert.equal(listensOn(process.pid, port), false, "a closed socket listens no more");
});
