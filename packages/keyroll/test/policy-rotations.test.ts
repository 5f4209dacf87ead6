// Issue 14, rotation policies on an injected clock, on SQLite and PostgreSQL: policies per key,
// per consumer and a global default (each change audited); GET /v1/keys/:id shows the effective
// one, its source and nextRotationAt; the leader rotates exactly when due, inside the maintenance
// window (a leader back after the window closed waits for the next one), with phased activation;
// a due rotation is made once even by two leaders at once (the ledger, in the rotation's
// transaction); cancelling a scheduled version; the key-age report.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { manualClock } from "../src/core/clock.js";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";
import { HOUR, isoAt } from "./contract-fixtures.js";
import { ADMIN_KEY } from "./helpers.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

const DIALECTS = ["sqlite", "postgres"] as const;
type Dialect = (typeof DIALECTS)[number];
const DAY = 24 * HOUR;
/** A Tuesday. */
const T0 = Date.parse("2030-01-01T00:00:00.000Z");

let pgs: TestPostgres | undefined;
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await pgs?.close();
});

type Clock = ReturnType<typeof manualClock>;
interface Node {
  kr: Keyroll;
  database: string;
  call(
    method: string,
    url: string,
    body?: unknown,
    auth?: string | null,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

async function databaseFor(dialect: Dialect): Promise<string> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "keyroll-policies-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    return join(dir, "keyroll.db");
  }
  pgs ??= await startTestPostgres();
  return pgs.createDatabase();
}

/** A node on `database` whose background work runs only when the test calls `runOnce()`. */
async function startNode(database: string, clock: Clock, env: Record<string, string> = {}): Promise<Node> {
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: database,
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "silent",
      KEYROLL_USAGE_FLUSH_INTERVAL: "5m",
      ...env,
    },
  });
  const kr = await createKeyroll(config, { clock });
  await kr.scheduler.stop();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await kr.close();
  };
  cleanups.push(close);
  return {
    kr,
    database,
    close,
    async call(method, url, body, auth = ADMIN_KEY) {
      const res = await kr.app.inject({
        method: method as "GET",
        url,
        headers: auth === null ? {} : { authorization: `Bearer ${auth}` },
        ...(body !== undefined && { payload: body as object }),
      });
      return { status: res.statusCode, body: res.body === "" ? undefined : JSON.parse(res.body) };
    },
  };
}

async function ok(r: Promise<{ status: number; body: unknown }>, status = 200) {
  const a = await r;
  assert.equal(a.status, status, JSON.stringify(a.body));
  // biome-ignore lint/suspicious/noExplicitAny: read field by field
  return a.body as any;
}

async function consumer(node: Node, name: string): Promise<string> {
  return (await ok(node.call("POST", "/v1/consumers", { name }), 201)).id;
}
async function key(node: Node, consumerId: string, body: Record<string, unknown> = {}) {
  const k = await ok(node.call("POST", "/v1/keys", { consumerId, ...body }), 201);
  return { id: k.key.id as string, secret: k.secret as string };
}
async function versions(
  node: Node,
  id: string,
): Promise<Array<{ version: number; state: string; activatesAt: string; expiresAt: string | null }>> {
  return (await ok(node.call("GET", `/v1/keys/${id}`))).versions;
}
async function verify(node: Node, secret: string) {
  return ok(node.call("POST", "/v1/verify", { key: secret }));
}

for (const dialect of DIALECTS) {
  describe(`rotation policies (${dialect})`, { timeout: 180_000 }, () => {
    test("one candidate scan serves the next minute's ticks; keys made and policies changed after it are not missed", async () => {
      const clock = manualClock(T0);
      const node = await startNode(await databaseFor(dialect), clock);
      const acme = await consumer(node, "scan");
      const slow = await consumer(node, "slow");
      await ok(node.call("PUT", "/v1/policies/default", { interval: "1h", gracePeriod: "0s" }));
      await ok(node.call("PUT", `/v1/consumers/${slow}/policy`, { interval: "100d", gracePeriod: "0s" }));
      const first = await key(node, acme);
      const parked = await key(node, slow);
      // the scan aggregates every key's versions: count how often the leader makes it
      const store = node.kr.store.policies;
      const scan = store.policyCandidates.bind(store);
      let scans = 0;
      store.policyCandidates = (q) => {
        scans++;
        return scan(q);
      };
      const tick = () => node.kr.scheduler.runOnce();
      const count = async (id: string) => (await versions(node, id)).length;

      await tick();
      for (let s = 1; s <= 30; s++) {
        clock.set(T0 + s * 1000);
        await tick();
      }
      assert.equal(scans, 1, "one scan for the ticks of half a minute");
      // made after that scan: due at T0 + 1h + 30 s
      const late = await key(node, acme);

      clock.set(T0 + HOUR);
      await tick();
      assert.equal(scans, 2, "the horizon passed: scanned again");
      assert.equal(await count(first.id), 2, "due at T0 + 1h: rotated");
      assert.equal(await count(late.id), 1);
      clock.set(T0 + HOUR + 29_999);
      await tick();
      assert.equal(await count(late.id), 1, "not before it is due");
      clock.set(T0 + HOUR + 30_000);
      await tick();
      assert.equal(await count(late.id), 2, "made after a scan, rotated when due all the same");
      assert.equal(scans, 2, "from the list of the last scan");
      await tick();
      assert.equal(await count(first.id), 2, "rotated once");

      // a policy change is seen at the next tick: the parked key is overdue under the new one
      clock.set(T0 + HOUR + 35_000);
      await ok(node.call("PUT", `/v1/consumers/${slow}/policy`, { interval: "1h", gracePeriod: "0s" }));
      await tick();
      assert.equal(scans, 3);
      assert.equal(await count(parked.id), 2, "rotated at the first tick after the policy changed");
    });

    test("per key, per consumer and default; rotations exactly when due, in the window, and once", async () => {
      const clock = manualClock(T0);
      const node = await startNode(await databaseFor(dialect), clock);
      const acme = await consumer(node, "acme");
      const other = await consumer(node, "other");
      const k1 = await key(node, acme);
      const k2 = await key(node, acme);
      const k3 = await key(node, other);

      // no policy yet
      let g = await ok(node.call("GET", `/v1/keys/${k1.id}`));
      assert.deepEqual([g.rotationPolicy, g.nextRotationAt, g.rotationBlocked], [null, null, null]);
      assert.deepEqual(await ok(node.call("GET", "/v1/policies/default")), { policy: null, updatedAt: null });

      const dflt = await ok(node.call("PUT", "/v1/policies/default", { interval: "30d", gracePeriod: "1h" }));
      assert.equal(dflt.policy.interval, "30d");
      assert.equal(dflt.updatedAt, isoAt(T0));
      const cp = await ok(
        node.call("PUT", `/v1/consumers/${acme}/policy`, { interval: 604800, gracePeriod: "2h" }),
      );
      assert.deepEqual(cp.effective, { ...cp.policy, source: "consumer" });
      assert.equal(cp.policy.interval, "7d");
      // Thursdays 03:00-04:00 UTC, every day
      const kp = await ok(
        node.call("PUT", `/v1/keys/${k2.id}/policy`, {
          interval: "1d",
          gracePeriod: "0s",
          window: { days: ["thu"], start: "03:00", end: "04:00" },
        }),
      );
      assert.equal(kp.effective.source, "key");
      assert.equal(kp.policy.window.timeZone, "UTC");

      g = await ok(node.call("GET", `/v1/keys/${k1.id}`));
      assert.equal(g.rotationPolicy.source, "consumer");
      assert.equal(g.rotationPolicy.interval, "7d");
      assert.equal(g.nextRotationAt, isoAt(T0 + 7 * DAY));
      g = await ok(node.call("GET", `/v1/keys/${k3.id}`));
      assert.equal(g.rotationPolicy.source, "default");
      assert.equal(g.nextRotationAt, isoAt(T0 + 30 * DAY));
      g = await ok(node.call("GET", `/v1/keys/${k2.id}`));
      assert.equal(
        g.nextRotationAt,
        "2030-01-03T03:00:00.000Z",
        "a day after creation is Wednesday: the next window",
      );

      // every change is audited, by its actor, with the policy before and after
      const sets = await node.kr.store.listAudit({ afterSeq: 0, limit: 1000, action: "policy.set" });
      assert.deepEqual(
        sets.map((e) => [e.targetId, e.data.scope]),
        [
          [null, "default"],
          [acme, "consumer"],
          [k2.id, "key"],
        ],
      );
      assert.equal(sets[0]!.actor.type, "admin");
      assert.deepEqual(sets[1]!.diff, { policy: { from: null, to: cp.policy } });

      const tick = () => node.kr.scheduler.runOnce();
      const count = async (id: string) => (await versions(node, id)).length;

      // Wednesday 00:00: k2's interval is over but its window is closed
      clock.set(T0 + DAY);
      await tick();
      assert.equal(await count(k2.id), 1);
      clock.set(Date.parse("2030-01-03T03:00:00.000Z") - 1);
      await tick();
      assert.equal(await count(k2.id), 1, "1 ms before the window opens");
      clock.set(Date.parse("2030-01-03T03:00:00.000Z"));
      await tick();
      await tick();
      let vs = await versions(node, k2.id);
      assert.deepEqual(
        vs.map((v) => [v.version, v.state]),
        [
          [1, "expired"],
          [2, "active"],
        ],
        "rotated when the window opened, grace 0s, once over two ticks",
      );
      assert.equal(vs[1]!.activatesAt, "2030-01-03T03:00:00.000Z");
      assert.equal(
        (await ok(node.call("GET", `/v1/keys/${k2.id}`))).nextRotationAt,
        "2030-01-10T03:00:00.000Z",
      );

      // k1: 7 days after creation, to the millisecond
      clock.set(T0 + 7 * DAY - 1);
      await tick();
      assert.equal(await count(k1.id), 1);
      clock.set(T0 + 7 * DAY);
      await tick();
      vs = await versions(node, k1.id);
      assert.deepEqual(
        vs.map((v) => [v.version, v.state, v.expiresAt]),
        [
          [1, "grace", isoAt(T0 + 7 * DAY + 2 * HOUR)],
          [2, "active", null],
        ],
      );
      // the old secret still works, in grace; its holder picks the new one up
      const v1 = await verify(node, k1.secret);
      assert.equal(v1.code, "VALID");
      assert.equal(v1.deprecated, true);
      const picked = await ok(node.call("POST", "/v1/self/successor", undefined, k1.secret));
      assert.equal(picked.version, 2);
      assert.equal((await verify(node, picked.secret)).code, "VALID");
      const rotatedBy = await node.kr.store.listAudit({
        afterSeq: 0,
        limit: 100,
        action: "key.rotated",
        targetId: k1.id,
      });
      assert.equal(rotatedBy.length, 1);
      assert.deepEqual(rotatedBy[0]!.actor, { type: "system", rule: "rotation-policy" });
      assert.deepEqual(rotatedBy[0]!.data.policy, { source: "consumer", dueAt: T0 + 7 * DAY });

      // the leader is "down" through k2's next window (Thursday 10th 03:00-04:00): back at 05:00,
      // it waits for the next window instead of rotating outside one
      clock.set(Date.parse("2030-01-10T05:00:00.000Z"));
      await tick();
      assert.equal(await count(k2.id), 2, "not outside the window");
      assert.equal(
        (await ok(node.call("GET", `/v1/keys/${k2.id}`))).nextRotationAt,
        "2030-01-17T03:00:00.000Z",
      );
      // back in the next window, late: each due rotation runs once (k1 was due on the 15th)
      clock.set(Date.parse("2030-01-17T03:30:00.000Z"));
      await tick();
      await tick();
      assert.equal(await count(k2.id), 3);
      assert.equal(await count(k1.id), 3, "k1's rotation of the 15th ran once when the leader came back");
      assert.equal(await count(k3.id), 1, "the default's 30 days are not over");
      const ledger = await node.kr.store.policies.policyRotations(k1.id);
      assert.deepEqual(
        ledger.map((r) => [r.version, r.dueAt]),
        [
          [3, T0 + 14 * DAY],
          [2, T0 + 7 * DAY],
        ],
      );

      // phased activation by policy: made a day ahead, scheduled, picked up ahead, active on time
      await ok(
        node.call("PUT", `/v1/keys/${k3.id}/policy`, {
          interval: "30d",
          gracePeriod: "1h",
          activateAfter: "1d",
        }),
      );
      clock.set(T0 + 29 * DAY - 1);
      await tick();
      assert.equal(await count(k3.id), 1);
      clock.set(T0 + 29 * DAY);
      await tick();
      vs = await versions(node, k3.id);
      assert.deepEqual(
        vs.map((v) => [v.version, v.state, v.activatesAt]),
        [
          [1, "active", isoAt(T0)],
          [2, "scheduled", isoAt(T0 + 30 * DAY)],
        ],
      );
      const self = await ok(node.call("GET", "/v1/self", undefined, k3.secret));
      assert.equal(self.successorAvailable, false, "nothing to switch to yet");
      assert.deepEqual(self.successorScheduled, { version: 2, activatesAt: isoAt(T0 + 30 * DAY) });
      const notYet = await node.call("POST", "/v1/self/successor", undefined, k3.secret);
      assert.equal(notYet.status, 404);
      assert.match(notYet.body.detail, /scheduled=true/);
      const ahead = await ok(node.call("POST", "/v1/self/successor?scheduled=true", undefined, k3.secret));
      assert.equal(ahead.version, 2);
      assert.equal(ahead.activatesAt, isoAt(T0 + 30 * DAY));
      assert.equal((await verify(node, ahead.secret)).code, "NOT_YET_ACTIVE");
      clock.set(T0 + 30 * DAY);
      assert.equal((await verify(node, ahead.secret)).code, "VALID", "by time: no tick ran");
      const old = await verify(node, k3.secret);
      assert.deepEqual(
        [old.code, old.deprecated, old.expiresAt],
        ["VALID", true, isoAt(T0 + 30 * DAY + HOUR)],
      );

      // clearing: the key falls back to its consumer's, then the default
      const cleared = await ok(node.call("DELETE", `/v1/keys/${k2.id}/policy`));
      assert.deepEqual([cleared.policy, cleared.effective.source], [null, "consumer"]);
      const c2 = await ok(node.call("DELETE", `/v1/consumers/${acme}/policy`));
      assert.deepEqual([c2.policy, c2.effective.source], [null, "default"]);
      assert.deepEqual(await ok(node.call("DELETE", "/v1/policies/default")), {
        policy: null,
        updatedAt: null,
      });
      assert.equal((await ok(node.call("GET", `/v1/keys/${k1.id}`))).rotationPolicy, null);
      const clearedAudit = await node.kr.store.listAudit({
        afterSeq: 0,
        limit: 100,
        action: "policy.cleared",
      });
      assert.deepEqual(
        clearedAudit.map((e) => e.data.scope),
        ["key", "consumer", "default"],
      );
    });

    test("two leaders at once (a split brain) still rotate each due key once", async () => {
      const clock = manualClock(T0);
      const database = await databaseFor(dialect);
      const a = await startNode(database, clock);
      // SQLite has one server per file; PostgreSQL gets a second node on the same database
      const b = dialect === "postgres" ? await startNode(database, clock) : a;
      const con = await consumer(a, "fleet");
      const ids: string[] = [];
      for (let i = 0; i < 12; i++) ids.push((await key(a, con)).id);
      await ok(a.call("PUT", `/v1/consumers/${con}/policy`, { interval: "1d", gracePeriod: "1h" }));
      clock.set(T0 + DAY);
      // both run the pass at the same instant, twice, bypassing the leader lock
      const made = await Promise.all([
        a.kr.services.policies.runDue(),
        b.kr.services.policies.runDue(),
        a.kr.services.policies.runDue(),
        b.kr.services.policies.runDue(),
      ]);
      assert.equal(
        made.reduce((x, y) => x + y, 0),
        ids.length,
      );
      for (const id of ids) {
        assert.equal((await versions(a, id)).length, 2, id);
        assert.equal((await a.kr.store.policies.policyRotations(id)).length, 1);
      }
      const audits = await a.kr.store.listAudit({ afterSeq: 0, limit: 1000, action: "key.rotated" });
      assert.equal(audits.length, ids.length);

      // the leader goes away; the other one runs the next due rotations
      if (b !== a) {
        await a.close();
        clock.set(T0 + 2 * DAY);
        await b.kr.scheduler.runOnce();
        assert.equal(b.kr.scheduler.isLeader(), true);
        for (const id of ids) assert.equal((await versions(b, id)).length, 3);
      }
    });

    test("cancelling a scheduled version: audited, in the feed and the outbox; 409 and 404 otherwise", async () => {
      const clock = manualClock(T0);
      const node = await startNode(await databaseFor(dialect), clock, {
        KEYROLL_WEBHOOK_ALLOWED_HOSTS: "127.0.0.1",
      });
      const hook = await ok(
        node.call("POST", "/v1/webhooks", {
          url: "http://127.0.0.1:9/hook",
          events: ["key.version.cancelled"],
        }),
        201,
      );
      const con = await consumer(node, "acme");
      const k = await key(node, con);
      const r = await ok(
        node.call("POST", `/v1/keys/${k.id}/rotate`, { gracePeriod: "1h", activateAt: isoAt(T0 + HOUR) }),
        201,
      );
      const seq = await node.kr.store.latestSeq();
      clock.set(T0 + 10 * 60_000);
      const c = await ok(
        node.call("POST", `/v1/keys/${k.id}/versions/2/cancel`, { reason: "sent to the wrong team" }),
      );
      assert.deepEqual(
        c.key.versions.map((v: { version: number; state: string; expiresAt: string | null }) => [
          v.version,
          v.state,
          v.expiresAt,
        ]),
        [
          [1, "active", null],
          [2, "revoked", null],
        ],
      );
      assert.equal((await verify(node, r.secret)).code, "REVOKED");
      clock.set(T0 + 2 * HOUR);
      const still = await verify(node, k.secret);
      assert.deepEqual(
        [still.code, still.deprecated],
        ["VALID", false],
        "the old version keeps working, without an end",
      );
      const audit = await node.kr.store.listAudit({ afterSeq: 0, limit: 10, action: "version.cancelled" });
      assert.equal(audit.length, 1);
      assert.deepEqual(audit[0]!.data, {
        version: 2,
        activatesAt: T0 + HOUR,
        reason: "sent to the wrong team",
      });
      const feed = await node.kr.store.changesSince(seq, 10);
      assert.deepEqual(
        feed.map((x) => [x.op, x.keyId]),
        [["version.cancelled", k.id]],
      );
      const deliveries = await ok(node.call("GET", `/v1/webhooks/${hook.id ?? hook.webhook.id}/deliveries`));
      assert.deepEqual(
        deliveries.data.map((d: { eventType: string }) => d.eventType),
        ["key.version.cancelled"],
      );

      const again = await node.call("POST", `/v1/keys/${k.id}/versions/2/cancel`);
      assert.deepEqual([again.status, again.body.code], [409, "VERSION_NOT_SCHEDULED"]);
      const active = await node.call("POST", `/v1/keys/${k.id}/versions/1/cancel`);
      assert.deepEqual([active.status, active.body.code], [409, "VERSION_NOT_SCHEDULED"]);
      const none = await node.call("POST", `/v1/keys/${k.id}/versions/9/cancel`);
      assert.deepEqual([none.status, none.body.code], [404, "VERSION_NOT_FOUND"]);
    });

    test("key-age report: past policy age, in grace, without a policy, never rotated, oldest per consumer", async () => {
      const clock = manualClock(T0);
      const node = await startNode(await databaseFor(dialect), clock);
      const acme = await consumer(node, "acme");
      const other = await consumer(node, "other");
      const old = await key(node, acme, { name: "old", allowSuccessorPickup: false });
      clock.set(T0 + DAY);
      const fresh = await key(node, acme, { name: "fresh" });
      const lone = await key(node, other, { name: "lone" });
      await ok(node.call("PUT", `/v1/consumers/${acme}/policy`, { interval: "7d", gracePeriod: "1h" }));
      clock.set(T0 + 8 * DAY);
      // fresh is due and rotates; old cannot (pickup off) and stays past its age
      await node.kr.scheduler.runOnce();
      assert.equal((await versions(node, fresh.id)).length, 2);
      const og = await ok(node.call("GET", `/v1/keys/${old.id}`));
      assert.equal(og.nextRotationAt, null);
      assert.match(og.rotationBlocked, /successor pickup is off/);
      clock.set(T0 + 8 * DAY + 30 * 60_000);

      const rep = await ok(node.call("GET", "/v1/reports/key-age"));
      assert.equal(rep.generatedAt, isoAt(T0 + 8 * DAY + 30 * 60_000));
      const ids = (xs: Array<{ keyId: string }>) => xs.map((x) => x.keyId);
      assert.deepEqual(ids(rep.pastPolicyAge), [old.id]);
      assert.equal(rep.pastPolicyAge[0].ageSeconds, (8 * DAY + 30 * 60_000) / 1000);
      assert.deepEqual(rep.pastPolicyAge[0].policy, { interval: "7d", source: "consumer" });
      assert.deepEqual(
        rep.inGrace.map((g: { keyId: string; version: number; expiresAt: string }) => [
          g.keyId,
          g.version,
          g.expiresAt,
        ]),
        [[fresh.id, 1, isoAt(T0 + 8 * DAY + HOUR)]],
      );
      // the bootstrap admin key has no policy either
      assert.ok(ids(rep.withoutPolicy).includes(lone.id));
      assert.ok(rep.withoutPolicy.some((x: { admin: boolean }) => x.admin));
      assert.ok(!ids(rep.withoutPolicy).includes(fresh.id));
      assert.deepEqual(
        ids(rep.neverRotated).filter(
          (id) => id !== rep.withoutPolicy.find((x: { admin: boolean }) => x.admin).keyId,
        ),
        [old.id, lone.id],
      );
      const oldest = Object.fromEntries(
        rep.oldestPerConsumer.map((x: { consumerId: string; keyId: string }) => [x.consumerId, x.keyId]),
      );
      assert.equal(oldest[acme], old.id);
      assert.equal(oldest[other], lone.id);
      const mine = await ok(node.call("GET", `/v1/reports/key-age?consumerId=${other}`));
      assert.deepEqual([mine.keys, ids(mine.neverRotated)], [1, [lone.id]]);
    });

    test("key-age report: each list holds its first `limit` entries and `counts` the full lengths, over many pages of keys", async () => {
      const clock = manualClock(T0);
      const node = await startNode(await databaseFor(dialect), clock);
      const cons: string[] = [];
      for (let i = 0; i < 8; i++) cons.push(await consumer(node, `c${i}`));
      // more keys than two of the report's pages (1 000 keys a read), made at T0 + 10 days
      clock.set(T0 + 10 * DAY);
      const bulk = Array.from({ length: 2_100 }, (_, i) => ({
        consumerId: cons[i % 8],
        externalId: `bulk-${i}`,
      }));
      await ok(node.call("POST", "/v1/keys/import", { keys: bulk }));
      // the clock steps back: these keys' ids still sort after the bulk keys' (ids stay monotonic),
      // so they come in the report's last page, but their secrets are older than the bulk keys'
      clock.set(T0 + DAY);
      const oldA = await key(node, cons[5]!);
      const oldB = await key(node, cons[2]!);
      clock.set(T0 + DAY + 1_000);
      const oldC = await key(node, cons[5]!);
      clock.set(T0 + 10 * DAY + HOUR);
      const ids = (xs: Array<{ keyId: string }>) => xs.map((x) => x.keyId);

      const whole = await ok(node.call("GET", "/v1/reports/key-age"));
      const live = 2_100 + 3 + 1; // and the bootstrap admin key, the oldest (made at T0)
      assert.equal(whole.keys, live);
      assert.deepEqual(whole.counts, {
        pastPolicyAge: 0,
        inGrace: 0,
        withoutPolicy: live,
        neverRotated: live,
        oldestPerConsumer: 9,
      });
      const admin = whole.neverRotated[0];
      assert.equal(admin.admin, true);
      // the default limit: 1 000 entries per list, the oldest first
      assert.equal(whole.neverRotated.length, 1_000);
      assert.equal(whole.withoutPolicy.length, 1_000);
      assert.deepEqual(ids(whole.neverRotated).slice(0, 4), [admin.keyId, oldA.id, oldB.id, oldC.id]);
      assert.equal(new Set(whole.oldestPerConsumer.map((x: { consumerId: string }) => x.consumerId)).size, 9);

      const cut = await ok(node.call("GET", "/v1/reports/key-age?limit=3"));
      assert.deepEqual(cut.counts, whole.counts);
      assert.deepEqual(ids(cut.neverRotated), [admin.keyId, oldA.id, oldB.id]);
      assert.deepEqual(ids(cut.withoutPolicy), [admin.keyId, oldA.id, oldB.id]);
      assert.deepEqual(
        cut.oldestPerConsumer.map((x: { consumerId: string; keyId: string }) => [x.consumerId, x.keyId]),
        [
          [admin.consumerId, admin.keyId],
          [cons[5], oldA.id],
          [cons[2], oldB.id],
        ],
      );
      const one = await ok(node.call("GET", `/v1/reports/key-age?consumerId=${cons[5]}&limit=1`));
      assert.deepEqual(
        [one.keys, one.counts.neverRotated, ids(one.neverRotated)],
        [bulk.filter((b) => b.consumerId === cons[5]).length + 2, one.keys, [oldA.id]],
      );
      for (const bad of ["0", "10001", "x"]) {
        const r = await node.call("GET", `/v1/reports/key-age?limit=${bad}`);
        assert.equal(r.status, 400, bad);
      }
    });
  });
}
