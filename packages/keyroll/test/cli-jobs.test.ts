// `keyroll keys rotate --consumer …` (bulk rotation jobs) and `keyroll jobs …` against a real
// listening node: the dry run, progress as plain lines off a terminal and as a bar on one,
// re-attaching, the job commands.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runCli } from "../src/cli/run-cli.js";
import { ADMIN_KEY, startTestNode } from "./helpers.js";

test("keys rotate with a selector runs a job with progress; jobs list, show, attach, pause", async (t) => {
  const node = await startTestNode();
  t.after(() => node.close());
  const url = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  const run = async (argv: string[], tty = false) => {
    let stdout = "";
    let stderr = "";
    const err = {
      write: (s: string) => {
        stderr += s;
        return true;
      },
      ...(tty && {
        isTTY: true,
        columns: 120,
        cursorTo: () => true,
        clearLine: () => true,
        moveCursor: () => true,
        clearScreenDown: () => true,
        on: () => undefined,
        removeListener: () => undefined,
      }),
    };
    const code = await runCli(argv, {
      env: { KEYROLL_URL: url, KEYROLL_ADMIN_KEY: ADMIN_KEY },
      stdout: { write: (s: string) => (stdout += s) },
      stderr: err,
      fetch,
    });
    return { code, stdout, stderr };
  };
  const c = (await node.call("POST", "/v1/consumers", { name: "cli-fleet" })).body.id as string;
  for (let i = 0; i < 12; i++)
    await node.call("POST", "/v1/keys", { consumerId: c, metadata: { env: "prod" } });

  const dry = await run(["keys", "rotate", "--consumer", c, "--grace", "1h", "--dry-run"]);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /Dry run: 12 key\(s\) match; nothing was changed\./);
  assert.equal((await node.call("GET", "/v1/rotation-jobs")).body.data.length, 0);

  const bulk = await run([
    "keys",
    "rotate",
    "--metadata-field",
    "env=prod",
    "--grace",
    "1h",
    "--rate",
    "10",
    "--poll-ms",
    "100",
  ]);
  assert.equal(bulk.code, 0, bulk.stderr);
  assert.match(bulk.stderr, /Created rotation job job_[0-9a-z]{26}: 12 key\(s\) at most 10 keys\/s/);
  // off a terminal: plain lines, the last one the end
  assert.match(bulk.stderr, /job_[0-9a-z]{26} completed: 12\/12 \(rotated 12, skipped 0, failed 0\)/);
  assert.ok(!bulk.stderr.includes("\u001b["), "no terminal escapes off a terminal");
  assert.match(bulk.stdout, /state +completed/);
  const id = /job_[0-9a-z]{26}/.exec(bulk.stderr)![0];

  const list = await run(["jobs", "list"]);
  assert.equal(list.code, 0, list.stderr);
  assert.ok(list.stdout.includes(id));
  const shown = await run(["jobs", "show", id, "--json"]);
  assert.equal(JSON.parse(shown.stdout).rotated, 12);

  // a job to follow on a terminal: the bar shows rate and time left
  const slow = await node.call("POST", "/v1/rotation-jobs", {
    selector: { consumerId: c },
    gracePeriod: "1h",
    rate: 8,
  });
  assert.equal(slow.status, 202);
  const attached = await run(["jobs", "attach", slow.body.id, "--poll-ms", "100"], true);
  assert.equal(attached.code, 0, attached.stderr);
  assert.match(attached.stderr, /\d+\/12 keys \| [\d.]+ keys\/s \| left \d+s \| running/);
  assert.match(attached.stderr, /12\/12 keys/);
  // re-attaching through keys rotate --job, to a finished job, prints where it ended
  const again = await run(["keys", "rotate", "--job", slow.body.id]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /rotated +12/);
  const paused = await run(["jobs", "pause", slow.body.id]);
  assert.notEqual(paused.code, 0);
  assert.match(paused.stderr, /ROTATION_JOB_FINISHED|completed/);
  const both = await run(["keys", "rotate", "key_01", "--consumer", c, "--grace", "1h"]);
  assert.equal(both.code, 2);
  const none = await run(["keys", "rotate", "--grace", "1h"]);
  assert.equal(none.code, 2);
});
