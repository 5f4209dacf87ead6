// Issue 18, leader hand-over on a clean stop: three `keyroll serve` processes on one PostgreSQL;
// the leader is SIGTERMed (a short drain, then a clean stop that releases the advisory lock and
// says so on a NOTIFY). Another node must lead within one second of the release, never two at
// once, and scheduled activations due around the hand-over must each be settled exactly once.
// Needs `npm run build` (the nodes run the built bin).
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type Cluster,
  type ClusterNode,
  createKey,
  sleep,
  sql,
  startCluster,
  waitFor,
  waitForLeader,
} from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres;
let cluster: Cluster;
let database: string;

before(async () => {
  pgs = await startTestPostgres();
  database = await pgs.createDatabase();
  cluster = await startCluster(database, 3, { env: { KEYROLL_DRAIN: "300ms" } });
});
after(async () => {
  await cluster?.stop();
  await pgs?.close();
});

/** The `time` of the last log line of `node` whose msg is `msg`. */
function lastLogTime(node: ClusterNode, msg: string): number | undefined {
  let at: number | undefined;
  for (const line of node.output().split("\n")) {
    if (!line.includes(`"msg":"${msg}"`)) continue;
    at = (JSON.parse(line) as { time: number }).time;
  }
  return at;
}

test("the leader stops cleanly: another node leads within a second, jobs due meanwhile run exactly once", {
  timeout: 60_000,
}, async (t) => {
  const { leader, others: survivors } = await waitForLeader(cluster.nodes);
  const writer = survivors[0]!;

  // six keys whose second versions activate 0, 200, … 1000 ms after S; the leader gets SIGTERM
  // 300 ms (its drain) before S, so it releases the lock at about S and the jobs fall in the
  // second after the release
  const keys = await Promise.all(Array.from({ length: 6 }, () => createKey(writer)));
  // (far enough ahead for a loaded machine: the test waits for S anyway)
  const S = Date.now() + 4_000;
  const rotated = await Promise.all(
    keys.map((k, i) =>
      writer.call("POST", `/v1/keys/${k.keyId}/rotate`, {
        gracePeriod: "1h",
        activateAt: new Date(S + 200 * i).toISOString(),
      }),
    ),
  );
  for (const r of rotated) assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.ok(Date.now() < S - 400, "the rotations were scheduled in time for the test to mean something");

  // who leads, sampled every 25 ms on every node until well after the last job
  const samples: Array<{ at: number; leaders: string[] }> = [];
  const sampling = (async () => {
    while (Date.now() < S + 2_500) {
      const hs = await Promise.all(cluster.nodes.map((n) => n.health()));
      samples.push({
        at: Date.now(),
        leaders: cluster.nodes.filter((_, i) => hs[i]?.leader).map((n) => n.name),
      });
      await sleep(25);
    }
  })();

  await sleep(S - 300 - Date.now());
  const sigtermAt = Date.now();
  const code = await leader.stop("SIGTERM", 10_000);
  const exitedAt = Date.now();
  assert.equal(code, 0, leader.output().slice(-3000));
  await sampling;

  const released = lastLogTime(leader, "leadership released");
  assert.ok(released !== undefined, `the old leader logs the release:\n${leader.output().slice(-2000)}`);
  const takeovers = survivors
    .map((n) => ({ n, at: lastLogTime(n, "this node is the leader") }))
    // the survivors never led before; the old leader logs its release after the NOTIFY's round
    // trip, so the new leader's line may come a few ms before it
    .filter((x) => x.at !== undefined && x.at >= sigtermAt);
  assert.equal(takeovers.length, 1, "exactly one survivor took over");
  const handOverMs = takeovers[0]!.at! - released;
  const firstSeen = samples.find((s) => s.at >= exitedAt && s.leaders.length === 1);
  assert.ok(firstSeen, "a survivor reports leader:true after the old leader exited");
  t.diagnostic(
    `${leader.name} released at S${released - S >= 0 ? "+" : ""}${released - S} ms; ` +
      `${takeovers[0]!.n.name} led ${handOverMs} ms after the release (its log), ` +
      `seen leading ${firstSeen.at - exitedAt} ms after ${leader.name} exited (/healthz every 25 ms)`,
  );
  assert.ok(handOverMs < 1_000, `hand-over took ${handOverMs} ms`);
  assert.ok(firstSeen.at - exitedAt < 1_000, `a survivor led ${firstSeen.at - exitedAt} ms after the exit`);
  const two = samples.find((s) => s.leaders.length > 1);
  assert.equal(two, undefined, `two leaders at once: ${JSON.stringify(two)}`);

  // every job ran, once: one settling per key (scheduled → active), none lost, none repeated
  await waitFor(
    "every scheduled version settled",
    async () => {
      const rows = await sql<{ n: string }>(
        database,
        "select count(*) as n from key_versions where version = 2 and state = 'active' and key_id = any($1)",
        [keys.map((k) => k.keyId)],
      );
      return Number(rows[0]!.n) === keys.length ? true : undefined;
    },
    { timeoutMs: 5_000, intervalMs: 100 },
  );
  await sleep(1_500); // more ticks of the new leader: a repeated run would show now
  const settled = await sql<{ target_id: string; n: string }>(
    database,
    "select target_id, count(*) as n from audit_log where action = 'key.settled' and target_id = any($1) group by target_id",
    [keys.map((k) => k.keyId)],
  );
  const byKey = new Map(settled.map((r) => [r.target_id, Number(r.n)]));
  assert.deepEqual(
    keys.map((k) => byKey.get(k.keyId) ?? 0),
    keys.map(() => 1),
    "each due activation settled exactly once",
  );
});
