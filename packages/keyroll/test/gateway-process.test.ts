// The real `keyroll gateway` process (the built bin) beside a real `keyroll serve` on one SQLite
// file: 200 MB up and down with bounded memory, and zero failed requests while every key is
// rotated under steady load. Runs the built bin (`npm run build`).
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { CLI, type KeyrollProcess, spawnKeyroll } from "./support/keyroll-process.js";
import { freePort } from "./support/ports.js";
import { type Seen, startUpstream } from "./support/proxies.js";
import { rotateEveryKeyUnderLoad } from "./support/rotation-load.js";

const ADMIN = "gateway_test_admin_key_0123456789abcdefghijklmno";
const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), "keyroll-gateway-proc-"));
const database = join(dir, "keyroll.db");
let server: KeyrollProcess;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gateway: ChildProcess;
let gatewayUrl = "";
let gatewayLog = "";
let consumerId = "";

async function admin(method: string, path: string, body?: unknown) {
  const r = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  // biome-ignore lint/suspicious/noExplicitAny: read field by field in assertions
  return { status: r.status, body: (await r.json()) as any };
}

before(async () => {
  const env = { KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN, KEYROLL_LOG_LEVEL: "warn" };
  server = await spawnKeyroll({ database, env, readyMs: 60_000 });
  consumerId = (await admin("POST", "/v1/consumers", { name: "acme" })).body.id;
  upstream = await startUpstream();
  const port = await freePort();
  gateway = spawn(
    process.execPath,
    [CLI, "gateway", "--upstream", upstream.url, "--database", database, "--port", String(port)],
    { env: { PATH: process.env.PATH ?? "", KEYROLL_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  gateway.stderr!.on("data", (d: Buffer) => {
    gatewayLog += d.toString();
  });
  gatewayUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${gatewayUrl}/readyz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (gateway.exitCode !== null || Date.now() > deadline)
      throw new Error(`gateway did not start:\n${gatewayLog}`);
    await new Promise((r) => setTimeout(r, 50));
  }
});
after(async () => {
  gateway?.kill("SIGKILL");
  await server?.stop("SIGKILL");
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The gateway process's resident memory, in bytes. */
function rss(): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${gateway.pid}/status`, "utf8"));
  return Number(m?.[1] ?? 0) * 1024;
}

function sampleRss(): { stop(): number } {
  let peak = rss();
  const t = setInterval(() => {
    peak = Math.max(peak, rss());
  }, 20);
  return {
    stop() {
      clearInterval(t);
      return Math.max(peak, rss());
    },
  };
}

test("200 MB up and 200 MB down stream through the gateway with bounded memory", async () => {
  const k = await admin("POST", "/v1/keys", { consumerId });
  const secret = k.body.secret as string;
  const size = 200 * MB;
  const before = rss();

  const up = sampleRss();
  const seen = await new Promise<Seen>((resolve, reject) => {
    const req = request(`${gatewayUrl}/upload`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${secret}`,
        "content-type": "application/octet-stream",
        "content-length": size,
      },
    });
    req.on("response", (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        text += d;
      });
      res.on("end", () =>
        res.statusCode === 200 ? resolve(JSON.parse(text) as Seen) : reject(new Error(text)),
      );
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(MB, 0x62);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
  const upPeak = up.stop();
  assert.equal(seen.bodyBytes, size, "the upstream got every byte");

  const down = sampleRss();
  const received = await new Promise<number>((resolve, reject) => {
    request(`${gatewayUrl}/bytes/${size}`, { headers: { authorization: `Bearer ${secret}` } }, (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => {
        n += c.length;
      });
      res.on("end", () => resolve(n));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
  const downPeak = down.stop();
  assert.equal(received, size);
  const grew = Math.max(upPeak, downPeak) - before;
  process.stdout.write(
    `# gateway RSS: ${Math.round(before / MB)} MB before, peak ${Math.round(upPeak / MB)} MB up, ${Math.round(downPeak / MB)} MB down\n`,
  );
  // buffering either body would take 200 MB or more; what grows is mostly garbage not yet
  // collected (64 KiB chunks), which GC timing on a busy machine makes vary
  assert.ok(grew < 140 * MB, `the gateway grew by ${Math.round(grew / MB)} MB moving 200 MB`);
});

test("clients that go away in the middle of a download leave the gateway serving", async () => {
  const k = await admin("POST", "/v1/keys", { consumerId });
  const secret = k.body.secret as string;
  for (let i = 0; i < 5; i++) {
    await new Promise<void>((resolve, reject) => {
      const req = request(`${gatewayUrl}/bytes/${100 * MB}`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      req.on("response", (res) => {
        let n = 0;
        res.on("data", (c: Buffer) => {
          n += c.length;
          if (n >= MB) {
            req.destroy();
            resolve();
          }
        });
      });
      req.on("error", (err) => (req.destroyed ? resolve() : reject(err)));
      req.end();
    });
  }
  await new Promise((r) => setTimeout(r, 200));
  const r = await fetch(`${gatewayUrl}/orders/1`, { headers: { authorization: `Bearer ${secret}` } });
  assert.equal(r.status, 200, await r.text());
  assert.equal(gateway.exitCode, null, `the gateway is still running:\n${gatewayLog}`);
});

test("zero failed requests through the gateway while every key is rotated under steady load", async () => {
  const keys = [];
  for (let i = 0; i < 4; i++) {
    const k = await admin("POST", "/v1/keys", { consumerId });
    keys.push({ id: k.body.key.id as string, secret: k.body.secret as string });
  }
  const { ok } = await rotateEveryKeyUnderLoad({
    keys,
    async send(secret, i) {
      const r = await fetch(`${gatewayUrl}/orders/${i}`, {
        headers: { authorization: `Bearer ${secret}` },
        signal: AbortSignal.timeout(5_000),
      });
      return { status: r.status, text: await r.text() };
    },
    async rotate(keyId) {
      const rotated = await admin("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "10m" });
      assert.equal(rotated.status, 201);
      return rotated.body.secret as string;
    },
    async revokeOld(keyId) {
      assert.equal((await admin("POST", `/v1/keys/${keyId}/versions/1/revoke`, {})).status, 200);
    },
  });
  process.stdout.write(`# gateway: ${ok} requests while 4 keys rotated, 0 failed\n`);
});
