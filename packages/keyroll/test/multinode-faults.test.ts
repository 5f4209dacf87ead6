// Faults between real `keyroll serve` processes on one PostgreSQL: a node's LISTEN connection is
// terminated while keys change elsewhere; many random changes race random listener terminations;
// the leader is SIGKILLed. The nodes run with a 60 s backstop poll here, so that what they catch up
// on comes from NOTIFY and from the read after each reconnect, which is what these tests are about.
// Needs `npm run build` (the tests run the built bin).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import {
  type ApiResponse,
  type Cluster,
  type ClusterNode,
  createKey,
  leadersOf,
  sleep,
  sql,
  startCluster,
  terminateListeners,
  waitFor,
  waitForCode,
  waitForLeader,
} from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

/** No backstop poll within a test's lifetime: only NOTIFY and the read after a reconnect. */
const NO_POLL = { KEYROLL_POLL_INTERVAL: "60s", KEYROLL_MAX_STALENESS: "120s" };

let pgs: TestPostgres;
const clusters: Cluster[] = [];
const cleanups: Array<() => Promise<unknown>> = [];

before(
  async () => {
    pgs = await startTestPostgres();
  },
  { timeout: 60_000 },
);
after(
  async () => {
    for (const c of clusters) await c.stop();
    for (const f of cleanups) await f().catch(() => undefined);
    await pgs?.close();
  },
  { timeout: 60_000 },
);

const count = (text: string, needle: string) => text.split(needle).length - 1;
const DISCONNECTED = "change feed listener disconnected";

test("a node whose LISTEN connection was terminated applies every change it missed after it reconnects", {
  timeout: 90_000,
}, async (t) => {
  const database = await pgs.createDatabase();
  const cluster = await startCluster(database, 2, { env: NO_POLL });
  clusters.push(cluster);
  const [a, b] = cluster.nodes as [ClusterNode, ClusterNode];

  // C logs in as its own role, so that its listener's reconnection can be held off for a while
  // (ALTER ROLE … NOLOGIN) while its other connections stay up
  const role = `keyroll_c_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  try {
    await sql(database, `create role ${role} login password '${password}'`);
  } catch (err) {
    t.skip(`this server does not let the test create a role: ${(err as Error).message}`);
    return;
  }
  cleanups.push(() => sql(database, `drop owned by ${role}; drop role ${role}`));
  await sql(
    database,
    `grant all on schema public to ${role};
     grant all on all tables in schema public to ${role};
     grant all on all sequences in schema public to ${role}`,
  );
  const asRole = new URL(database);
  asRole.username = role;
  asRole.password = password;
  const c = await cluster.add({ database: asRole.toString() });

  // before: five keys, each answered by C from its cache
  const k1 = await createKey(a); // revoked while C is away
  const k2 = await createKey(a, k1.consumerId); // rotated while C is away
  const k3 = await createKey(a, k1.consumerId); // rotated before, rolled back while C is away
  const k4 = await createKey(a, k1.consumerId); // rotated before, version 1 revoked while C is away
  const k5 = await createKey(a, k1.consumerId); // revoked after C is back
  const r3 = await a.call("POST", `/v1/keys/${k3.keyId}/rotate`, { gracePeriod: "1h" });
  const r4 = await a.call("POST", `/v1/keys/${k4.keyId}/rotate`, { gracePeriod: "1h" });
  assert.deepEqual([r3.status, r4.status], [201, 201]);
  for (const s of [k1.secret, k2.secret, r3.body.secret, r4.body.secret, k5.secret])
    await waitForCode(c, s, "VALID", { deprecated: false });
  for (const s of [k3.secret, k4.secret]) await waitForCode(c, s, "VALID", { deprecated: true });

  // C loses its LISTEN connection and cannot get it back yet
  await sql(database, `alter role ${role} nologin`);
  const ended = await terminateListeners(database, { user: role });
  assert.equal(ended.length, 1, "C's one listener connection was found and terminated");
  await waitFor("C to notice", () => (count(c.output(), DISCONNECTED) > 0 ? true : undefined), {
    timeoutMs: 3_000,
  });

  // meanwhile, on A: revoke k1, rotate k2, roll k3 back, revoke version 1 of k4
  const changes = [
    await a.call("POST", `/v1/keys/${k1.keyId}/revoke`, {}),
    await a.call("POST", `/v1/keys/${k2.keyId}/rotate`, { gracePeriod: "1h" }),
    await a.call("POST", `/v1/keys/${k3.keyId}/rollback`),
    await a.call("POST", `/v1/keys/${k4.keyId}/versions/1/revoke`, {}),
  ];
  assert.deepEqual(
    changes.map((r) => r.status),
    [200, 201, 200, 200],
    JSON.stringify(changes.map((r) => r.body)),
  );
  const k2new = changes[1]!.body.secret as string;
  // B, connected, has them all at once
  await waitForCode(b, k1.secret, "REVOKED");
  await waitForCode(b, k2.secret, "VALID", { deprecated: true });
  await waitForCode(b, r3.body.secret, "REVOKED");
  await waitForCode(b, k3.secret, "VALID", { deprecated: false });
  await waitForCode(b, k4.secret, "REVOKED");
  // C has missed them: it still answers from what it knew (this is what /readyz and --strict are for)
  await sleep(300);
  assert.equal((await c.verify(k1.secret)).body.code, "VALID", "C missed the revocation while away");
  assert.equal((await c.verify(k3.secret)).body.deprecated, true, "C missed the rollback while away");
  await sleep(700);

  // C may log in again: its listener reconnects (backoff ≤ 2 s) and reads everything it missed
  const disconnects = count(c.output(), DISCONNECTED);
  await sql(database, `alter role ${role} login`);
  const caught = await waitForCode(c, k1.secret, "REVOKED", { timeoutMs: 5_000 });
  t.diagnostic(
    `C: ${disconnects} failed (re)connections logged while away; k1 REVOKED ${caught.ms.toFixed(0)} ms after LOGIN was allowed again`,
  );
  const expect = async (secret: string, code: string, deprecated?: boolean) => {
    const r = await c.verify(secret);
    assert.equal(r.body.code, code, `C: ${JSON.stringify(r.body)}`);
    if (deprecated !== undefined) assert.equal(r.body.deprecated, deprecated, `C: ${JSON.stringify(r.body)}`);
  };
  await expect(k1.secret, "REVOKED");
  await expect(k2.secret, "VALID", true); // old version of k2, now in grace
  await expect(k2new, "VALID", false);
  await expect(k3.secret, "VALID", false); // rolled back: version 1 active again
  await expect(r3.body.secret, "REVOKED"); // … and version 2 revoked
  await expect(k4.secret, "REVOKED");
  await expect(r4.body.secret, "VALID", false);
  assert.equal(
    (
      await sql(
        database,
        "select 1 from pg_stat_activity where application_name = 'keyroll-listen' and usename = $1",
        [role],
      )
    ).length,
    1,
    "C listens again",
  );

  // and it is listening again: a change after the reconnect arrives by NOTIFY (the poll is 60 s)
  assert.equal((await a.call("POST", `/v1/keys/${k5.keyId}/revoke`, {})).status, 200);
  const pushed = await waitForCode(c, k5.secret, "REVOKED", { timeoutMs: 2_000 });
  t.diagnostic(`a revocation after the reconnect reached C in ${pushed.ms.toFixed(1)} ms`);
});

/** A small seeded PRNG (mulberry32), so that a failing run can be replayed with its seed. */
function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = s;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n: number) => Math.floor(next() * n),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}

interface KeyModel {
  keyId: string;
  secrets: Map<number, string>;
  revoked: boolean;
}

test("randomized: 150 changes from random nodes while listener connections are terminated at random", {
  timeout: 90_000,
}, async (t) => {
  const OPS = 150;
  const WORKERS = 3;
  const MAX_MS = 45_000; // within the 60 s poll interval: no backstop poll hides a lost change
  const seed = Number(process.env.KEYROLL_TEST_SEED ?? randomBytes(4).readUInt32LE(0));
  t.diagnostic(`seed ${seed} (replay with KEYROLL_TEST_SEED=${seed})`);
  const rnd = prng(seed);
  const database = await pgs.createDatabase();
  const cluster = await startCluster(database, 3, { env: NO_POLL });
  clusters.push(cluster);
  const nodes = cluster.nodes;
  const started = Date.now();
  const timeLeft = () => MAX_MS - (Date.now() - started);

  const first = await createKey(nodes[0]!);
  const consumerId = first.consumerId;
  const keys: KeyModel[] = [{ keyId: first.keyId, secrets: new Map([[1, first.secret]]), revoked: false }];
  const revokedSecrets = new Set<string>();
  const statuses = new Map<string, number>();
  const failures: string[] = [];
  const record = (op: string, r: ApiResponse) => {
    const k = `${op} ${r.status}${r.status >= 400 ? ` ${r.body?.code}` : ""}`;
    statuses.set(k, (statuses.get(k) ?? 0) + 1);
    if (r.status >= 500 || ![200, 201, 409].includes(r.status))
      failures.push(`${k}: ${JSON.stringify(r.body)}`);
  };
  const noteRevoked = (m: KeyModel, view: { versions: Array<{ version: number; state: string }> }) => {
    for (const v of view.versions) {
      const s = m.secrets.get(v.version);
      if (v.state === "revoked" && s) revokedSecrets.add(s);
    }
  };
  // warm every node's cache with a new secret, as clients would; the first verify on a node may
  // race the change feed bringing the same key
  const touch = (secret: string) => Promise.all(nodes.map((n) => n.verify(secret)));

  let done = 0;
  const worker = async () => {
    while (done < OPS && timeLeft() > 15_000) {
      done++;
      const node = rnd.pick(nodes);
      const live = keys.filter((k) => !k.revoked);
      const roll = rnd.next();
      if (live.length < 3 || roll < 0.25) {
        const r = await node.call("POST", "/v1/keys", { consumerId });
        record("create", r);
        if (r.status === 201) {
          const m: KeyModel = {
            keyId: r.body.key.id,
            secrets: new Map([[1, r.body.secret]]),
            revoked: false,
          };
          keys.push(m);
          await touch(r.body.secret);
        }
        continue;
      }
      const m = rnd.pick(live);
      if (roll < 0.6) {
        const r = await node.call("POST", `/v1/keys/${m.keyId}/rotate`, { gracePeriod: "1h" });
        record("rotate", r);
        if (r.status === 201) {
          m.secrets.set(r.body.version, r.body.secret);
          noteRevoked(m, r.body.key);
          await touch(r.body.secret);
        }
      } else if (roll < 0.75) {
        const r = await node.call("POST", `/v1/keys/${m.keyId}/revoke`, {});
        record("revoke", r);
        if (r.status === 200) {
          m.revoked = true;
          for (const s of m.secrets.values()) revokedSecrets.add(s);
        }
      } else if (roll < 0.9) {
        const r = await node.call("POST", `/v1/keys/${m.keyId}/rollback`);
        record("rollback", r);
        if (r.status === 200) noteRevoked(m, r.body.key);
      } else {
        const versions = [...m.secrets.keys()];
        const v = rnd.pick(versions);
        const r = await node.call("POST", `/v1/keys/${m.keyId}/versions/${v}/revoke`, {});
        record("revokeVersion", r);
        if (r.status === 200) noteRevoked(m, r.body.key);
      }
    }
  };

  // faults: every 30-250 ms, terminate a random share of the listener connections
  let running = true;
  let terminated = 0;
  let faultRounds = 0;
  const faults = (async () => {
    while (running && timeLeft() > 0) {
      await sleep(30 + rnd.int(220));
      if (!running) break;
      faultRounds++;
      terminated += (await terminateListeners(database, { share: 0.5 }).catch(() => [])).length;
    }
  })();

  // order: once a node has answered REVOKED for a secret, it must never answer VALID for it again
  const seenRevoked = new Set<string>();
  const violations: string[] = [];
  let polls = 0;
  let pollerRunning = true;
  const poller = (async () => {
    while (pollerRunning && timeLeft() > 0) {
      const secrets = [...revokedSecrets];
      for (const s of secrets) {
        const answers = await Promise.all(nodes.map((n) => n.verify(s).catch(() => undefined)));
        answers.forEach((r, i) => {
          if (r?.status !== 200) return;
          polls++;
          const id = `${nodes[i]!.name} ${s.slice(0, 12)}…`;
          if (r.body.code === "REVOKED") seenRevoked.add(id);
          else if (seenRevoked.has(id)) violations.push(`${id}: ${r.body.code} after REVOKED`);
        });
      }
      await sleep(20);
    }
  })();

  await Promise.all(Array.from({ length: WORKERS }, worker));
  running = false;
  await faults;
  t.diagnostic(
    `${done} ops in ${Date.now() - started} ms, ${terminated} listener connections terminated in ${faultRounds} rounds`,
  );
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
  assert.deepEqual(failures, [], "every change answered 200/201, or 409 for an op that did not apply");

  // the truth, from the database
  const rows = await sql<{
    key_id: string;
    version: number;
    state: string;
    revoked_at: number | null;
    expires_at: number | null;
    grace_starts_at: number | null;
    activates_at: number;
    key_revoked_at: number | null;
  }>(
    database,
    `select v.key_id, v.version, v.state, v.revoked_at::float8, v.expires_at::float8,
            v.grace_starts_at::float8, v.activates_at::float8, k.revoked_at::float8 as key_revoked_at
       from key_versions v join keys k on k.id = v.key_id where k.admin = 0`,
  );
  const dbNow = (
    await sql<{ now: number }>(database, "select (extract(epoch from now()) * 1000)::float8 as now")
  )[0]!.now;
  const truth = new Map<string, { code: string; deprecated: boolean; state: string; stored: string }>();
  for (const r of rows) {
    const state =
      r.revoked_at !== null
        ? "revoked"
        : r.expires_at !== null && dbNow >= r.expires_at
          ? "expired"
          : dbNow < r.activates_at
            ? "scheduled"
            : r.grace_starts_at !== null && dbNow >= r.grace_starts_at
              ? "grace"
              : "active";
    const code =
      r.key_revoked_at !== null || state === "revoked"
        ? "REVOKED"
        : state === "expired"
          ? "EXPIRED"
          : "VALID";
    truth.set(`${r.key_id}/${r.version}`, { code, deprecated: state === "grace", state, stored: r.state });
  }
  const secrets = keys.flatMap((m) => [...m.secrets].map(([v, s]) => ({ id: `${m.keyId}/${v}`, s })));
  assert.equal(truth.size, secrets.length, "every version the database holds was issued by the test");

  // every node converges on the truth by itself (no backstop poll: only NOTIFY and reconnects)
  // one full check: every secret on every node, the nodes in parallel
  const mismatches = async () => {
    const perNode = await Promise.all(
      nodes.map(async (n) => {
        const out: string[] = [];
        for (const { id, s } of secrets) {
          const r = await n.verify(s);
          const want = truth.get(id)!;
          if (r.status !== 200 || r.body.code !== want.code || r.body.deprecated !== want.deprecated)
            out.push(
              `${n.name} ${id}: ${r.status} ${r.body.code}/${r.body.deprecated}, want ${want.code}/${want.deprecated}`,
            );
        }
        return out;
      }),
    );
    return perNode.flat();
  };
  let last: string[] = [];
  let firstBehind: number | undefined;
  let checkMs = 0;
  const converged = await waitFor(
    "every node to agree with the database",
    async () => {
      const t0 = performance.now();
      last = await mismatches();
      checkMs = performance.now() - t0;
      firstBehind ??= last.length;
      return last.length === 0 ? true : undefined;
    },
    { timeoutMs: 8_000, intervalMs: 100 },
  ).catch(() => undefined);
  pollerRunning = false;
  await poller;
  assert.deepEqual(last, [], "every node's verify answers equal the database truth");
  t.diagnostic(
    `${nodes.length} nodes × ${secrets.length} secrets agree with the database: ${firstBehind} answers behind on the first full check, all agreeing ${converged!.ms.toFixed(0)} ms after the last change (a full check takes ${checkMs.toFixed(0)} ms)`,
  );
  const reconnects = nodes.map((n) => `${n.name} ${count(n.output(), DISCONNECTED)}`).join(", ");
  t.diagnostic(`listener disconnects logged per node: ${reconnects}`);
  t.diagnostic(
    `order checker: ${polls} answers on ${revokedSecrets.size} revoked secrets, ${violations.length} violations`,
  );
  assert.deepEqual(violations, [], "no node answered VALID for a secret after it had answered REVOKED");
  assert.ok(polls > 0, "the order checker ran");

  // the admin view of every key on every node matches the stored truth too
  for (const n of nodes) {
    for (const m of keys) {
      const r = await n.call("GET", `/v1/keys/${m.keyId}`);
      assert.equal(r.status, 200);
      for (const v of r.body.versions as Array<{ version: number; state: string }>) {
        const want = truth.get(`${m.keyId}/${v.version}`)!;
        assert.equal(v.state, want.state, `${n.name} ${m.keyId}/${v.version} view`);
        assert.equal(v.state, want.stored, `${n.name} ${m.keyId}/${v.version} stored state`);
      }
    }
  }
});

test("SIGKILL the leader: another node takes over and settles a grace end", {
  timeout: 90_000,
}, async (t) => {
  const database = await pgs.createDatabase();
  const cluster = await startCluster(database, 3);
  clusters.push(cluster);
  const { leader, others: survivors } = await waitForLeader(cluster.nodes, 5_000);
  const [x] = survivors as [ClusterNode];

  const k = await createKey(x);
  const rot = await x.call("POST", `/v1/keys/${k.keyId}/rotate`, { gracePeriod: "2s" });
  assert.equal(rot.status, 201);
  const expiresAt = Date.parse(rot.body.previous.expiresAt);

  leader.child.kill("SIGKILL");
  const killedAt = performance.now();
  await leader.exited;
  const takeover = await waitFor(
    "another node to report leader:true",
    async () => {
      const l = await leadersOf(survivors);
      return l.length > 0 ? l : undefined;
    },
    { timeoutMs: 10_000, intervalMs: 20 },
  );
  const takeoverMs = performance.now() - killedAt;
  assert.equal(takeover.value.length, 1, "exactly one new leader");
  t.diagnostic(
    `${leader.name} SIGKILLed; ${takeover.value[0]!.name} reported leader:true after ${takeoverMs.toFixed(0)} ms`,
  );
  // scheduler interval (1 s) plus the time pg needs to see the dead session (at once: the kernel
  // closes a killed process's sockets), with room for a loaded machine
  assert.ok(takeoverMs < 3_000, `takeover took ${takeoverMs.toFixed(0)} ms`);
  assert.ok(
    Date.now() < expiresAt,
    "the leader died before the grace ended: the settling is the new leader's",
  );

  const settled = await waitFor(
    "version 1 stored as expired",
    async () => {
      const r = await sql<{ state: string }>(
        database,
        "select state from key_versions where key_id = $1 and version = 1",
        [k.keyId],
      );
      return r[0]?.state === "expired" ? true : undefined;
    },
    { timeoutMs: Math.max(0, expiresAt - Date.now()) + 4_000, intervalMs: 50 },
  );
  t.diagnostic(
    `version 1 stored as 'expired' ${Date.now() - expiresAt} ms after its grace ended (waited ${settled.ms.toFixed(0)} ms)`,
  );
  const audit = await sql<{ n: number }>(
    database,
    "select count(*)::int as n from audit_log where target_id = $1 and action = 'key.settled'",
    [k.keyId],
  );
  assert.equal(audit[0]!.n, 1, "one key.settled audit entry");
  assert.equal((await leadersOf(survivors)).length, 1, "still exactly one leader");
  for (const n of survivors) assert.equal((await n.verify(k.secret)).body.code, "EXPIRED");
});

test("a node survives its pool connections being terminated in the middle of transactions", {
  timeout: 90_000,
}, async (t) => {
  const database = await pgs.createDatabase();
  const cluster = await startCluster(database, 1, { env: { KEYROLL_LOG_LEVEL: "warn" } });
  clusters.push(cluster);
  const [a] = cluster.nodes as [ClusterNode];
  const { consumerId } = await createKey(a);
  const outcomes = new Map<string, number>();
  let running = true;
  const until = Date.now() + 4_000;
  // admin writes (each one transaction of several statements) from 4 loops, bounded in time and count
  let n = 0;
  const writers = Array.from({ length: 4 }, async () => {
    while (running && Date.now() < until && n < 2_000 && a.alive()) {
      n++;
      const r = await a
        .call("POST", "/v1/keys", { consumerId }, { timeoutMs: 5_000 })
        .catch((err: Error) => ({ status: 0, body: { code: err.message }, ms: 0 }));
      const k = `${r.status} ${r.body.code ?? ""}`.trim();
      outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    }
  });
  // meanwhile, end the node's pool connections that sit idle inside a transaction
  let terminated = 0;
  while (Date.now() < until && a.alive()) {
    const rows = await sql<{ pid: number }>(
      database,
      `select pg_terminate_backend(pid) as ok, pid from pg_stat_activity
        where datname = current_database() and application_name = 'keyroll'
          and state like 'idle in transaction%'`,
    );
    terminated += rows.length;
    await sleep(2);
  }
  running = false;
  await Promise.all(writers);
  t.diagnostic(
    `${n} writes, ${terminated} pool connections terminated mid-transaction; outcomes ${JSON.stringify(Object.fromEntries(outcomes))}`,
  );
  assert.ok(a.alive(), `the node is still running; it exited:\n${a.output().slice(-3000)}`);
  const bad = [...outcomes.keys()].filter((k) => !/^(201|503 STORE_UNAVAILABLE)$/.test(k));
  // what the node logged for its 5xx answers (message and code only)
  const logged = new Set<string>();
  for (const line of a.output().split("\n")) {
    if (!line.includes('"request failed"')) continue;
    try {
      const e = JSON.parse(line).err as { code?: string; message?: string };
      logged.add(`${e.code ?? "(no code)"}: ${e.message}`);
    } catch {
      // not a log line
    }
  }
  assert.deepEqual(
    bad,
    [],
    `every write answered 201 or 503 STORE_UNAVAILABLE; logged: ${JSON.stringify([...logged])}`,
  );
  assert.ok(terminated > 0, "some connections were terminated mid-transaction");
});
