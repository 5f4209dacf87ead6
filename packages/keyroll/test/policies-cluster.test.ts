// Issue 14 on three `keyroll serve` processes sharing one PostgreSQL (the built bin; run
// `npm run build` first):
// - phased activation: a version scheduled 3 s ahead answers NOT_YET_ACTIVE on every node until
//   activateAt, then VALID on every node, and the previous version is in grace from that instant
//   (each node decides by its clock, not by a feed event); it is distributable at once (picked up
//   ahead on another node);
// - policy rotations across a leader change: keys fall due just before, during and after the
//   leader is SIGKILLed; each is rotated once (by the old leader or the new one), none twice, none
//   before it was due.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type Cluster,
  type ClusterNode,
  createKey,
  http,
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
  cluster = await startCluster(database, 3);
});
after(async () => {
  await cluster?.stop();
  await pgs?.close();
});

const HOUR = 3_600_000;

test("phased activation: NOT_YET_ACTIVE on every node until activateAt, then VALID on every node; the previous version in grace from that instant", {
  timeout: 60_000,
}, async (t) => {
  const [a, b] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
  const k = await createKey(a);
  const A = Date.now() + 3_000;
  const r = await a.call("POST", `/v1/keys/${k.keyId}/rotate`, {
    gracePeriod: "1h",
    activateAt: new Date(A).toISOString(),
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const s2 = r.body.secret as string;

  // distributable at once: the holder of the current secret picks the scheduled one up on another node
  const ahead = await http(b.url, "POST", "/v1/self/successor?scheduled=true", { auth: k.secret });
  assert.equal(ahead.status, 200, JSON.stringify(ahead.body));
  assert.equal(ahead.body.secret, s2);
  assert.equal(ahead.body.activatesAt, new Date(A).toISOString());

  // every node, over and over, until a second after activateAt: each answer with the instants it
  // was sent and received
  type Seen = {
    node: string;
    sent: number;
    recv: number;
    code: string;
    old: { code: string; deprecated: boolean; expiresAt: string | null };
  };
  const seen: Seen[] = [];
  await Promise.all(
    cluster.nodes.map(async (n) => {
      while (Date.now() < A + 1_000) {
        const sent = Date.now();
        const [nw, old] = await Promise.all([n.verify(s2), n.verify(k.secret)]);
        const recv = Date.now();
        assert.equal(nw.status, 200);
        seen.push({ node: n.name, sent, recv, code: nw.body.code, old: old.body });
        await sleep(20);
      }
    }),
  );
  // a node's clock is the database's (it syncs to it): allow a few ms for the estimate
  const SLACK = 25;
  for (const n of cluster.nodes) {
    const mine = seen.filter((s) => s.node === n.name);
    const beforeA = mine.filter((s) => s.recv < A - SLACK);
    const afterA = mine.filter((s) => s.sent > A + SLACK);
    assert.ok(beforeA.length > 10 && afterA.length > 5, `${n.name}: enough answers on both sides`);
    for (const s of beforeA) {
      assert.equal(s.code, "NOT_YET_ACTIVE", `${n.name} at A${s.recv - A} ms`);
      assert.deepEqual([s.old.code, s.old.deprecated], ["VALID", false]);
    }
    for (const s of afterA) {
      assert.equal(s.code, "VALID", `${n.name} at A+${s.sent - A} ms`);
      assert.deepEqual(
        [s.old.code, s.old.deprecated, s.old.expiresAt],
        ["VALID", true, new Date(A + HOUR).toISOString()],
        "in grace from activateAt, until activateAt + grace",
      );
    }
    const lastNot = Math.max(...mine.filter((s) => s.code === "NOT_YET_ACTIVE").map((s) => s.recv));
    const firstValid = Math.min(...mine.filter((s) => s.code === "VALID").map((s) => s.sent));
    t.diagnostic(
      `${n.name}: last NOT_YET_ACTIVE received A${lastNot - A} ms, first VALID sent A+${firstValid - A} ms`,
    );
  }
  const versions = (await a.call("GET", `/v1/keys/${k.keyId}`)).body.versions;
  assert.deepEqual(
    versions.map((v: { state: string }) => v.state),
    ["grace", "active"],
  );
});

test("policy rotations across a leader SIGKILL: each due key rotates once, by whichever leader, never early", {
  timeout: 60_000,
}, async (t) => {
  const { leader, others: survivors } = await waitForLeader(cluster.nodes);
  const writer = survivors[0]!;
  const c = await writer.call("POST", "/v1/consumers", { name: "fleet" });
  assert.equal(c.status, 201);
  const keys: Array<{ keyId: string; secret: string; consumerId: string }> = [];
  for (let i = 0; i < 8; i++) keys.push(await createKey(writer, c.body.id));
  // as if the keys were made an hour ago, at staggered times: due from S-2.5 s (the old leader's)
  // to S+1.7 s (after the kill at S-0.3 s: the new leader's, or due while no node led)
  const S = Date.now() + 5_000;
  const due = keys.map((_, i) => S - 2_500 + 600 * i);
  const ids = keys.map((k) => k.keyId);
  const backdate = "from (select unnest($1::text[]) as id, unnest($2::bigint[]) - 3600000 as at) d";
  await sql(
    database,
    `update key_versions v set activates_at = d.at, created_at = d.at ${backdate} where v.key_id = d.id`,
    [ids, due],
  );
  await sql(database, `update keys k set created_at = d.at ${backdate} where k.id = d.id`, [ids, due]);
  // the policy after the rows it applies to: the leader scans for candidates when a policy changes
  // (and once a minute), so rows changed behind its back before that are seen at once
  const p = await writer.call("PUT", `/v1/consumers/${c.body.id}/policy`, {
    interval: "1h",
    gracePeriod: "1h",
  });
  assert.equal(p.status, 200, JSON.stringify(p.body));
  const shown = await writer.call("GET", `/v1/keys/${keys[3]!.keyId}`);
  assert.equal(shown.body.nextRotationAt, new Date(due[3]!).toISOString());
  assert.ok(Date.now() < due[0]!, "set up in time for the test to mean something");

  await sleep(S - 300 - Date.now());
  const killedAt = Date.now();
  await leader.stop("SIGKILL", 1_000);

  await waitFor(
    "every key rotated",
    async () => {
      const rows = await sql<{ key_id: string; n: string }>(
        database,
        "select key_id, count(*) as n from key_versions where key_id = any($1) group by key_id",
        [keys.map((k) => k.keyId)],
      );
      return rows.every((r) => Number(r.n) >= 2) && rows.length === keys.length ? true : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  await sleep(2_500); // more ticks of the new leader: a repeated rotation would show now

  const versions = await sql<{ key_id: string; version: number; activates_at: string }>(
    database,
    "select key_id, version, activates_at from key_versions where key_id = any($1) order by key_id, version",
    [keys.map((k) => k.keyId)],
  );
  const ledger = await sql<{ key_id: string; due_at: string; version: number }>(
    database,
    "select key_id, due_at, version from policy_rotations where key_id = any($1)",
    [keys.map((k) => k.keyId)],
  );
  const audits = await sql<{ target_id: string; actor_rule: string | null }>(
    database,
    "select target_id, actor_rule from audit_log where action = 'key.rotated' and target_id = any($1)",
    [keys.map((k) => k.keyId)],
  );
  const lines: string[] = [];
  for (const [i, k] of keys.entries()) {
    const vs = versions.filter((v) => v.key_id === k.keyId);
    assert.equal(vs.length, 2, `${k.keyId}: rotated once`);
    const rotatedAt = Number(vs[1]!.activates_at);
    assert.ok(
      rotatedAt >= due[i]!,
      `key ${i} rotated ${rotatedAt - due[i]!} ms after it was due: never early`,
    );
    assert.ok(rotatedAt - due[i]! < 8_000, `key ${i} rotated ${rotatedAt - due[i]!} ms after it was due`);
    const l = ledger.filter((x) => x.key_id === k.keyId);
    assert.deepEqual(
      l.map((x) => [Number(x.due_at), x.version]),
      [[due[i]!, 2]],
    );
    const a = audits.filter((x) => x.target_id === k.keyId);
    assert.deepEqual(
      a.map((x) => x.actor_rule),
      ["rotation-policy"],
    );
    lines.push(
      `key ${i}: due S${due[i]! - S >= 0 ? "+" : ""}${due[i]! - S} ms, rotated +${rotatedAt - due[i]!} ms`,
    );
  }
  const byOld = keys.filter(
    (_, i) => Number(versions.filter((v) => v.key_id === keys[i]!.keyId)[1]!.activates_at) < killedAt,
  );
  t.diagnostic(
    `${leader.name} SIGKILLed at S-${S - killedAt} ms; ${byOld.length} rotated before by it; ${lines.join("; ")}`,
  );
  assert.ok(byOld.length >= 1, "the old leader rotated the keys due before the kill");
  assert.ok(byOld.length < keys.length, "the new leader rotated the rest");
});
