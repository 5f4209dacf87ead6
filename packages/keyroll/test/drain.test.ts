// Issue 18: what one `keyroll serve` process (the built bin, on SQLite) does between SIGTERM and its
// exit, seen from raw sockets: /readyz 503 at once, serving on during the drain with
// `Connection: close` on the fast verify path and on Fastify's routes, a request in flight when
// the listener closes still answered, idle kept-alive connections closed, each step logged, a
// second SIGTERM forcing the exit. And the database files a new start creates: 0600 in a 0700
// directory; a warning when an existing file is readable by others.
// Needs `npm run build`.
import assert from "node:assert/strict";
import { once } from "node:events";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import { type ServerProcess, startServerProcess } from "./server-process.js";

const ADMIN = "drain_test_admin_key_0123456789abcdefghij";
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "keyroll-drain-"));
  dirs.push(d);
  return d;
}

/** A raw HTTP/1.1 exchange on `socket`: writes `text`, resolves with the response head and body. */
function exchange(socket: Socket, text: string): Promise<{ head: string; body: string }> {
  return new Promise((resolve, reject) => {
    let buf = "";
    const onData = (d: Buffer) => {
      buf += d.toString("latin1");
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = buf.slice(0, end).toLowerCase();
      const length = Number(/\r\ncontent-length: (\d+)/.exec(head)?.[1] ?? 0);
      if (buf.length < end + 4 + length) return;
      socket.off("data", onData);
      socket.off("error", reject);
      resolve({ head, body: buf.slice(end + 4, end + 4 + length) });
    };
    socket.on("data", onData);
    socket.once("error", reject);
    if (text) socket.write(text);
  });
}

async function open(srv: ServerProcess): Promise<Socket> {
  const u = new URL(srv.url);
  const s = connect(Number(u.port), u.hostname);
  await once(s, "connect");
  return s;
}

function verifyRequest(secret: string): { head: string; body: string } {
  const body = JSON.stringify({ key: secret });
  return {
    head:
      `POST /v1/verify HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body,
  };
}

const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ADMIN}\r\n\r\n`;

async function newKey(srv: ServerProcess): Promise<string> {
  const h = { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" };
  const c = (await (
    await fetch(`${srv.url}/v1/consumers`, { method: "POST", headers: h, body: '{"name":"a"}' })
  ).json()) as { id: string };
  const k = await fetch(`${srv.url}/v1/keys`, {
    method: "POST",
    headers: h,
    body: JSON.stringify({ consumerId: c.id }),
  });
  assert.equal(k.status, 201);
  return ((await k.json()) as { secret: string }).secret;
}

async function refused(srv: ServerProcess): Promise<boolean> {
  const u = new URL(srv.url);
  const s = connect(Number(u.port), u.hostname);
  try {
    await once(s, "connect");
    return false;
  } catch (err) {
    return (err as { code?: string }).code === "ECONNREFUSED";
  } finally {
    s.destroy();
  }
}

test("SIGTERM: not ready at once, serving on with Connection: close, in-flight answered, idle closed, each step logged", {
  timeout: 60_000,
}, async () => {
  const dir = tempDir();
  const database = join(dir, "new", "keyroll.db");
  const srv = await startServerProcess({
    database,
    env: { KEYROLL_DRAIN: "1s", KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN, KEYROLL_LOG_LEVEL: "info" },
  });
  try {
    // the files this start created
    assert.equal(statSync(join(dir, "new")).mode & 0o777, 0o700, "a directory Keyroll creates is 0700");
    for (const f of ["keyroll.db", "keyroll.db-wal", "keyroll.db-shm"]) {
      assert.equal((statSync(join(dir, "new", f)).mode & 0o777).toString(8), "600", `${f} is 0600`);
    }
    const secret = await newKey(srv);
    const req = verifyRequest(secret);
    // before: kept alive
    const idle = await open(srv);
    const before = await exchange(idle, req.head + req.body);
    assert.match(before.head, /^http\/1\.1 200/);
    assert.doesNotMatch(before.head, /connection: close/);
    // a request whose body is still on its way when the listener closes
    const slow = await open(srv);
    const slowAnswer = exchange(slow, req.head + req.body.slice(0, 10));
    // its headers are read (and its handler called) before the drain begins: the answer, sent
    // after, still closes the connection
    await new Promise((r) => setTimeout(r, 150));

    const t0 = performance.now();
    srv.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    const ready = await fetch(`${srv.url}/readyz`);
    assert.equal(ready.status, 503, "not ready at once");
    assert.equal(((await ready.json()) as { status: string }).status, "draining");

    // still serving, every answer closing its connection: the fast path and a Fastify route
    for (const text of [req.head + req.body, get("/v1/keys")]) {
      const s = await open(srv);
      const r = await exchange(s, text);
      assert.match(r.head, /^http\/1\.1 200/, r.head);
      assert.match(r.head, /\r\nconnection: close/, r.head);
      if (text.startsWith("POST")) assert.equal(JSON.parse(r.body).code, "VALID");
      await once(s, "close");
    }

    // after the drain: no new connections, but the request in flight is answered
    const deadline = Date.now() + 5_000;
    while (!(await refused(srv))) {
      assert.ok(Date.now() < deadline, "the listener closed after the drain");
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.ok(performance.now() - t0 >= 950, "the listener stayed open for the whole drain");
    slow.write(req.body.slice(10));
    const late = await slowAnswer;
    assert.match(late.head, /^http\/1\.1 200/, late.head);
    assert.match(late.head, /\r\nconnection: close/, late.head);
    assert.equal(JSON.parse(late.body).code, "VALID");

    // the idle kept-alive connection was closed by the node, not left to the exit
    assert.equal(await srv.exited, 0);
    const ms = performance.now() - t0;
    assert.ok(ms < 4_000, `stopped ${ms.toFixed(0)} ms after SIGTERM: nothing waited for the 10 s bound`);
    const out = srv.stdout();
    let at = 0;
    for (const step of [
      "draining: /readyz answers 503, still serving",
      "no longer accepting connections; answering requests in flight with Connection: close",
      "connections closed",
      "usage counts flushed",
      "leadership released",
      '"msg":"stopped"',
    ]) {
      const i = out.indexOf(step, at);
      assert.ok(i >= 0, `"${step}" logged, in order:\n${out}`);
      at = i;
    }
    idle.destroy();
    slow.destroy();
  } finally {
    await srv.stop("SIGKILL");
  }
});

test("a second SIGTERM during the drain exits at once, with code 1 (and a world-readable file is warned of)", {
  timeout: 30_000,
}, async () => {
  const dir = tempDir();
  // a file made beforehand with the usual umask: Keyroll uses it, and says others can read it
  writeFileSync(join(dir, "keyroll.db"), "");
  chmodSync(join(dir, "keyroll.db"), 0o644);
  const srv = await startServerProcess({
    database: join(dir, "keyroll.db"),
    env: { KEYROLL_DRAIN: "60s", KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN },
  });
  try {
    srv.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await fetch(`${srv.url}/readyz`)).status, 503);
    const t0 = performance.now();
    srv.child.kill("SIGTERM");
    assert.equal(await srv.exited, 1);
    assert.ok(performance.now() - t0 < 2_000);
    assert.match(srv.stdout(), /second signal: exiting now/);
    assert.match(srv.stdout(), /"level":40,.*"mode":"0644".*readable by every user of this machine/);
  } finally {
    await srv.stop("SIGKILL");
  }
});

test("a new database is 0600 (with its WAL files); an existing one readable by others gets a warning", async () => {
  const dir = tempDir();
  const file = join(dir, "a", "b", "k.db");
  const warnings: string[] = [];
  const store = openSqliteStore(file, { warn: (_d, msg) => warnings.push(msg) });
  await store.migrate();
  await store.close();
  for (const d of [join(dir, "a"), join(dir, "a", "b")]) assert.equal(statSync(d).mode & 0o777, 0o700, d);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal(warnings.length, 0, "a file Keyroll created itself is no news");

  // a file someone else made world-readable: opened as it is, with a warning
  chmodSync(file, 0o644);
  const again = openSqliteStore(file, { warn: (d, msg) => warnings.push(`${msg} ${JSON.stringify(d)}`) });
  await again.migrate();
  await again.close();
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /readable by every user of this machine.*"mode":"0644"/);
  assert.equal(statSync(file).mode & 0o777, 0o644, "Keyroll does not change an existing file's mode");

  // an empty file made beforehand (0600, say by an installer) is taken as the new database
  const pre = join(dir, "pre.db");
  writeFileSync(pre, "", { mode: 0o600 });
  const p = openSqliteStore(pre);
  await p.migrate();
  await p.close();
  assert.equal(statSync(`${pre}`).mode & 0o777, 0o600);
});
