// The README's first command is `npm ci && npx keyroll serve`: the `keyroll` bin must be linked by
// npm (a committed file, not dist/, which only exists after `prepare`) and start a server.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { lstatSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, test } from "node:test";
import { freePort } from "./support/ports.js";

const ROOT = resolve(import.meta.dirname, "../../..");

test("npm links the keyroll bin to a committed file", () => {
  const link = join(ROOT, "node_modules/.bin/keyroll");
  assert.ok(lstatSync(link).isSymbolicLink(), "node_modules/.bin/keyroll exists");
  const r = spawnSync("npx", ["keyroll", "--version"], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\d+\.\d+\.\d+/);
});

test("npx keyroll serve starts on the embedded default and answers /healthz", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-readme-"));
  const port = await freePort();
  // what `npx keyroll` runs from the repository, started in an empty folder to see the default file
  const child = spawn(join(ROOT, "node_modules/.bin/keyroll"), ["serve", "--port", String(port)], {
    cwd: dir,
    env: { ...process.env, KEYROLL_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  after(() => {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  const deadline = Date.now() + 20_000;
  let ok = false;
  while (Date.now() < deadline && !ok) {
    try {
      ok = (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  assert.ok(ok, `server did not answer /healthz: ${stderr}`);
  assert.match(stderr, /created the first admin key/, "the first admin key is printed once");
  assert.ok(lstatSync(join(dir, "keyroll.db")).isFile(), "./keyroll.db is the embedded default");
});
