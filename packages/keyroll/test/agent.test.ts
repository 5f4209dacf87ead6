// `keyroll agent` as a real child process (the built bin) against a real listening node: it keeps
// a key file current by successor pickup, writes it atomically with mode 0600, runs --on-change
// after each change, and retries with backoff while Keyroll is unreachable.
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { startTestNode, type TestNode } from "./helpers.js";
import { CLI, freePort } from "./server-process.js";

let node: TestNode;
let url: string;
const dir = mkdtempSync(join(tmpdir(), "keyroll-agent-"));
const children = new Set<ChildProcess>();

before(async () => {
  node = await startTestNode();
  url = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
});
after(async () => {
  for (const c of children) c.kill("SIGKILL");
  await node.close();
  rmSync(dir, { recursive: true, force: true });
});

function agent(args: string[]): {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
} {
  assert.ok(existsSync(CLI), "run `npm run build` first");
  const child = spawn(process.execPath, [CLI, "agent", ...args], {
    env: { PATH: process.env.PATH ?? "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let err = "";
  child.stderr!.on("data", (d) => {
    err += String(d);
  });
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  exited.then(() => children.delete(child));
  return { child, stderr: () => err, exited };
}

const until = async (what: string, ok: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

async function newKey() {
  const c = await node.call("POST", "/v1/consumers", { name: "cron job" });
  const k = await node.call("POST", "/v1/keys", { consumerId: c.body.id });
  return { keyId: k.body.key.id as string, secret: k.body.secret as string };
}

test("the agent picks up each successor into the key file (0600) and runs --on-change after each", async () => {
  const { keyId, secret: s1 } = await newKey();
  const file = join(dir, "client.key");
  const hookLog = join(dir, "hook.log");
  writeFileSync(file, `${s1}\n`, { mode: 0o644 });
  const a = agent([
    "--key-file",
    file,
    "--url",
    url,
    "--interval",
    "200ms",
    "--on-change",
    `echo "v$KEYROLL_KEY_VERSION $KEYROLL_KEY_FILE" >> ${hookLog}`,
  ]);
  await until("the agent to start", () => a.stderr().includes("watching"));
  const r2 = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" });
  await until("version 2 in the file", () => readFileSync(file, "utf8") === `${r2.body.secret}\n`);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const r3 = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" });
  await until("version 3 in the file", () => readFileSync(file, "utf8") === `${r3.body.secret}\n`);
  await until(
    "both hooks",
    () => existsSync(hookLog) && readFileSync(hookLog, "utf8").split("\n").length >= 3,
  );
  assert.equal(readFileSync(hookLog, "utf8"), `v2 ${file}\nv3 ${file}\n`);
  a.child.kill("SIGTERM");
  assert.equal(await a.exited, 0);
  const out = a.stderr();
  assert.match(out, /picked up version 2 \(was 1\)/);
  assert.match(out, /stopped \(SIGTERM\)/);
  for (const s of [s1, r2.body.secret, r3.body.secret])
    assert.ok(!out.includes(s), "the agent never prints a secret");
});

test("unreachable Keyroll: the agent keeps the file, backs off, and picks up once Keyroll answers", async () => {
  const { keyId, secret: s1 } = await newKey();
  const file = join(dir, "offline.key");
  writeFileSync(file, `${s1}\n`);
  const port = await freePort();
  const a = agent([
    "--key-file",
    file,
    "--url",
    `http://127.0.0.1:${port}`,
    "--interval",
    "2s",
    "--retry-min",
    "50ms",
  ]);
  await until("three failures", () => (a.stderr().match(/check failed/g) ?? []).length >= 3);
  assert.equal(readFileSync(file, "utf8"), `${s1}\n`);
  a.child.kill("SIGTERM");
  assert.equal(await a.exited, 0);

  // --once against a live node: one pickup, exit 0; against nothing: exit 1
  const r2 = await node.call("POST", `/v1/keys/${keyId}/rotate`, { gracePeriod: "1h" });
  const once = agent(["--key-file", file, "--url", url, "--once"]);
  assert.equal(await once.exited, 0, once.stderr());
  assert.equal(readFileSync(file, "utf8"), `${r2.body.secret}\n`);
  const failing = agent(["--key-file", file, "--url", `http://127.0.0.1:${port}`, "--once"]);
  assert.equal(await failing.exited, 1);
  const usage = agent(["--key-file", join(dir, "missing.key"), "--url", url, "--once"]);
  assert.equal(await usage.exited, 2);
});
