// `keyroll policy show|set|clear`, `keyroll keys cancel` and `keyroll report key-age` (table, CSV,
// JSON) against a real listening Keyroll node on a manual clock.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWindow } from "../src/cli/policies.js";
import { manualClock } from "../src/core/clock.js";
import { HOUR, T0 } from "./contract-fixtures.js";
import { cliAgainst, startTestNode } from "./helpers.js";

test("--window takes days (and ranges), hours and a zone", () => {
  assert.deepEqual(parseWindow("sat,sun 02:00-05:00 Europe/Berlin"), {
    days: ["sat", "sun"],
    start: "02:00",
    end: "05:00",
    timeZone: "Europe/Berlin",
  });
  assert.deepEqual(parseWindow("fri-mon 22:00-02:00").days, ["fri", "sat", "sun", "mon"]);
  assert.equal(parseWindow("mon 01:00-02:00").timeZone, "UTC");
  assert.throws(() => parseWindow("someday 01:00-02:00"), /not a day/);
  assert.throws(() => parseWindow("mon 1-2"), /expected days and hours/);
});

test("policy set/show/clear, keys cancel, report key-age as a table, CSV and JSON", async (t) => {
  const clock = manualClock(T0);
  const node = await startTestNode({ clock });
  t.after(() => node.close());
  const url = await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
  const run = cliAgainst(url);
  const con = (await node.call("POST", "/v1/consumers", { name: "acme" })).body.id as string;
  const k1 = (await node.call("POST", "/v1/keys", { consumerId: con, name: "prod" })).body.key.id as string;
  const k2 = (await node.call("POST", "/v1/keys", { consumerId: con, name: 'old, "quoted"' })).body.key
    .id as string;

  const set = await run([
    "policy",
    "set",
    "--consumer",
    con,
    "--interval",
    "7d",
    "--grace",
    "3600",
    "--window",
    "sat,sun 02:00-05:00 Europe/Berlin",
  ]);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /own policy +every 7d, grace 1h; window sat,sun 02:00-05:00 Europe\/Berlin/);
  const shown = await run(["policy", "show", "--key", k1]);
  assert.match(shown.stdout, /own policy +none/);
  assert.match(shown.stdout, /in effect +every 7d, grace 1h; window .*\(from the consumer\)/);
  // 2030-01-08 is a Tuesday: the next window is Saturday 2030-01-12 02:00 CET = 01:00Z
  assert.match(shown.stdout, /next rotation +2030-01-12T01:00:00.000Z/);
  const keyShow = await run(["keys", "show", k1]);
  assert.match(keyShow.stdout, /rotation policy +every 7d, grace 1h \(from the consumer\)/);
  assert.match(keyShow.stdout, /next rotation +2030-01-12T01:00:00.000Z/);
  const both = await run(["policy", "show", "--key", k1, "--default"]);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /exactly one of --key, --consumer or --default/);
  const bad = await run(["policy", "set", "--default", "--interval", "5m", "--grace", "1h"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /INVALID_DURATION/);

  const r = await node.call("POST", `/v1/keys/${k1}/rotate`, {
    gracePeriod: "1h",
    activateAt: new Date(T0 + HOUR).toISOString(),
  });
  assert.equal(r.status, 201);
  const cancelled = await run(["keys", "cancel", k1, "2", "--reason", "too early"]);
  assert.equal(cancelled.code, 0, cancelled.stderr);
  assert.match(cancelled.stdout, /Cancelled version 2/);
  assert.match(cancelled.stdout, /^2 +revoked/m);
  const again = await run(["keys", "cancel", k1, "2"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /VERSION_NOT_SCHEDULED/);

  clock.set(T0 + 9 * 24 * HOUR);
  const table = await run(["report", "key-age"]);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /Past their policy's age: 2/);
  assert.match(table.stdout, /Without a rotation policy: 1/, "the admin key");
  assert.ok(table.stdout.includes(k1) && table.stdout.includes(k2));
  assert.match(table.stdout, /9\.0 +7d \(consumer\)/);
  const csv = await run(["report", "key-age", "--format", "csv", "--consumer", con]);
  assert.equal(csv.code, 0, csv.stderr);
  const lines = csv.stdout.trimEnd().split("\r\n");
  assert.equal(
    lines[0],
    "finding,key_id,consumer_id,key_name,version,since,age_days,policy_interval,policy_source,next_rotation_at,expires_at",
  );
  assert.ok(
    lines.some((l) => l.startsWith(`past_policy_age,${k2},${con},"old, ""quoted""",1,`)),
    csv.stdout,
  );
  assert.equal(lines.filter((l) => l.startsWith("never_rotated,")).length, 2);
  const json = await run(["report", "key-age", "--format", "json"]);
  assert.deepEqual(
    JSON.parse(json.stdout)
      .pastPolicyAge.map((x: { keyId: string }) => x.keyId)
      .sort(),
    [k1, k2].sort(),
  );
  // --limit cuts each list; the table says so, a cut CSV says so on stderr (never in the CSV)
  const cut = await run(["report", "key-age", "--limit", "1"]);
  assert.equal(cut.code, 0, cut.stderr);
  assert.match(cut.stdout, /Past their policy's age: 2 \(the first 1 shown; --limit up to 10000\)/);
  assert.match(cut.stdout, /Without a rotation policy: 1\n/);
  const cutCsv = await run(["report", "key-age", "--limit", "1", "--format", "csv", "--consumer", con]);
  assert.equal(cutCsv.code, 0, cutCsv.stderr);
  assert.equal(
    cutCsv.stdout
      .trimEnd()
      .split("\r\n")
      .filter((l) => l.startsWith("never_rotated,")).length,
    1,
  );
  assert.match(cutCsv.stderr, /the report's limit cut pastPolicyAge, neverRotated/);
  const tooMany = await run(["report", "key-age", "--limit", "10001"]);
  assert.notEqual(tooMany.code, 0);
  assert.match(tooMany.stderr, /limit must be between 1 and 10000/);

  const cleared = await run(["policy", "clear", "--consumer", con]);
  assert.equal(cleared.code, 0, cleared.stderr);
  assert.match(cleared.stdout, /own policy +none/);
});
