// Bulk rotation jobs over HTTP on a real node (SQLite): selectors, the dry run that changes
// nothing, the rate bound, pause / resume / cancel, the audit and the successor pickup of
// rotated keys. The crash test (SIGKILL of a real server mid-job) is rotation-jobs-crash.test.ts.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { jobBatchSize } from "../src/core/rotation-jobs.js";
import { startTestNode, type TestNode } from "./helpers.js";

async function consumer(node: TestNode, name: string): Promise<string> {
  const c = await node.call("POST", "/v1/consumers", { name });
  assert.equal(c.status, 201);
  return c.body.id;
}

async function key(node: TestNode, body: Record<string, unknown>) {
  const k = await node.call("POST", "/v1/keys", body);
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return { id: k.body.key.id as string, secret: k.body.secret as string };
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const finished = (node: TestNode, id: string) =>
  waitFor(`job ${id} to finish`, async () => {
    const j = await node.call("GET", `/v1/rotation-jobs/${id}`);
    return j.body.state === "completed" || j.body.state === "cancelled" ? j.body : undefined;
  });

describe("rotation jobs", () => {
  test("selectors pick the right keys; a dry run lists them and changes nothing", async (t) => {
    const node = await startTestNode();
    t.after(() => node.close());
    const a = await consumer(node, "a");
    const b = await consumer(node, "b");
    const a1 = await key(node, { consumerId: a, scopes: ["read"], metadata: { env: "prod" } });
    const a2 = await key(node, { consumerId: a, scopes: ["read", "write"], metadata: { env: "dev" } });
    const a3 = await key(node, { consumerId: a, prefix: "kr_test", allowSuccessorPickup: false });
    const b1 = await key(node, { consumerId: b, scopes: ["write"], metadata: { env: "prod", tier: 2 } });
    const revoked = await key(node, { consumerId: b, metadata: { env: "prod" } });
    assert.equal((await node.call("POST", `/v1/keys/${revoked.id}/revoke`, {})).status, 200);

    const seq = await node.kr.store.latestSeq();
    const head = await node.kr.store.auditHead();
    const preview = async (selector: Record<string, unknown>) => {
      const r = await node.call("POST", "/v1/rotation-jobs", { selector, gracePeriod: "1h", dryRun: true });
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.dryRun, true);
      return r.body;
    };
    const ids = (p: { keys: Array<{ id: string }> }) => p.keys.map((k) => k.id).sort();
    assert.deepEqual(ids(await preview({ consumerId: a })), [a1.id, a2.id, a3.id].sort());
    assert.deepEqual(ids(await preview({ scope: "write" })), [a2.id, b1.id].sort());
    assert.deepEqual(ids(await preview({ metadata: { env: "prod" } })), [a1.id, b1.id].sort());
    assert.deepEqual(ids(await preview({ metadata: { env: "prod", tier: 2 } })), [b1.id]);
    assert.deepEqual(ids(await preview({ prefix: "kr_test" })), [a3.id]);
    assert.deepEqual(ids(await preview({ olderThan: "1d" })), []);
    assert.deepEqual(ids(await preview({ olderThan: 0, consumerId: b })), [b1.id]);
    // every key but the admin key and the revoked one; the one without pickup would be skipped
    const all = await preview({ all: true });
    assert.equal(all.matched, 4);
    assert.deepEqual(all.wouldSkip, { no_successor_pickup: 1 });
    assert.equal(all.keys.find((k: { id: string }) => k.id === a3.id).skip, "no_successor_pickup");
    assert.equal((await preview({ all: true })).truncated, false);

    // nothing changed: no feed row, no audit entry, no new version, no job
    assert.equal(await node.kr.store.latestSeq(), seq);
    assert.deepEqual(await node.kr.store.auditHead(), head);
    for (const k of [a1, a2, a3, b1]) assert.equal((await node.kr.store.getKey(k.id))!.versions.length, 1);
    assert.deepEqual((await node.call("GET", "/v1/rotation-jobs")).body.data, []);

    // bad selectors and rates are 400s, never a job
    for (const body of [
      { selector: {}, gracePeriod: "1h" },
      { selector: { all: true, scope: "read" }, gracePeriod: "1h" },
      { selector: { metadata: {} }, gracePeriod: "1h" },
      { selector: { prefix: "BAD-" }, gracePeriod: "1h" },
      { selector: { all: true }, gracePeriod: "400d" },
      { selector: { all: true }, gracePeriod: "soon" },
      { selector: { all: true }, gracePeriod: "1h", rate: 0 },
      { selector: { all: true }, gracePeriod: "1h", rate: 1e9 },
      { selector: { olderThan: "old" }, gracePeriod: "1h" },
      { selector: { all: true }, gracePeriod: "1h", extra: 1 },
    ]) {
      const r = await node.call("POST", "/v1/rotation-jobs", body);
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.status} ${JSON.stringify(r.body)}`);
    }
    assert.deepEqual((await node.call("GET", "/v1/rotation-jobs")).body.data, []);
    assert.equal((await node.call("GET", "/v1/rotation-jobs/job_00000000000000000000000000")).status, 404);
  });

  test("a job rotates each selected key once, within its rate, audited, and clients pick up", async (t) => {
    const node = await startTestNode();
    t.after(() => node.close());
    const c = await consumer(node, "fleet");
    const keys = [];
    for (let i = 0; i < 40; i++) keys.push(await key(node, { consumerId: c, metadata: { fleet: "x" } }));
    const noPickup = await key(node, {
      consumerId: c,
      metadata: { fleet: "x" },
      allowSuccessorPickup: false,
    });
    const other = await key(node, { consumerId: c, metadata: { fleet: "y" } });
    const rate = 20;
    const r = await node.call("POST", "/v1/rotation-jobs", {
      selector: { metadata: { fleet: "x" } },
      gracePeriod: "2h",
      rate,
      reason: "fleet rotation",
    });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    assert.match(r.body.id, /^job_/);
    assert.equal(r.body.matched, 41);
    assert.equal(r.body.rate, rate);
    assert.equal(r.body.gracePeriod, "2h");
    const running = await waitFor("progress", async () => {
      const j = await node.call("GET", `/v1/rotation-jobs/${r.body.id}`);
      return j.body.state === "running" && j.body.rotated > 0 ? j.body : undefined;
    });
    assert.ok(running.eta !== null && running.startedAt !== null, JSON.stringify(running));
    const job = await finished(node, r.body.id);
    assert.equal(job.state, "completed");
    assert.deepEqual([job.rotated, job.skipped, job.failed, job.pending], [40, 1, 0, 0]);
    assert.equal(job.eta, null);

    // the rate bound: by any time t, at most one batch plus rate × (t − start) keys were done
    const items = [];
    for (let cursor: string | null | undefined; cursor !== null; ) {
      const p = await node.call(
        "GET",
        `/v1/rotation-jobs/${job.id}/keys?limit=200${cursor ? `&cursor=${cursor}` : ""}`,
      );
      assert.equal(p.status, 200);
      items.push(...p.body.data);
      cursor = p.body.nextCursor;
    }
    assert.equal(items.length, 41);
    assert.deepEqual(
      items.filter((i) => i.state === "skipped").map((i) => [i.keyId, i.reason]),
      [[noPickup.id, "no_successor_pickup"]],
    );
    const start = Date.parse(job.startedAt);
    const times = items.map((i) => Date.parse(i.at)).sort((x, y) => x - y);
    const batch = jobBatchSize(rate);
    times.forEach((at, i) => {
      const allowed = batch + (rate * (at - start)) / 1000;
      assert.ok(
        i + 1 <= allowed + 1e-9,
        `key ${i + 1} done ${at - start} ms after the start: over ${rate}/s`,
      );
    });
    const took = times[times.length - 1]! - start;
    assert.ok(took >= ((41 - batch) / rate) * 1000 - 5, `41 keys at ${rate}/s took only ${took} ms`);
    assert.ok(took < 30_000, `41 keys at ${rate}/s took ${took} ms`);

    // each key once: version 2 active, version 1 in grace for 2h; the others untouched
    for (const k of keys) {
      const got = (await node.call("GET", `/v1/keys/${k.id}`)).body;
      assert.deepEqual(
        got.versions.map((v: { version: number; state: string }) => [v.version, v.state]),
        [
          [1, "grace"],
          [2, "active"],
        ],
      );
    }
    assert.equal((await node.kr.store.getKey(other.id))!.versions.length, 1);
    assert.equal((await node.kr.store.getKey(noPickup.id))!.versions.length, 1);
    // a client holding the old secret picks its successor up, and it verifies
    const pick = await node.kr.app.inject({
      method: "POST",
      url: "/v1/self/successor",
      headers: { authorization: `Bearer ${keys[0]!.secret}` },
    });
    assert.equal(pick.statusCode, 200, pick.body);
    // audit: one key.rotated per key, by the job; the job's own actions
    const rotatedAudit = await node.kr.store.listAudit({ afterSeq: 0, limit: 10_000, action: "key.rotated" });
    assert.equal(rotatedAudit.length, 40);
    assert.equal(new Set(rotatedAudit.map((e) => e.targetId)).size, 40);
    for (const e of rotatedAudit) {
      assert.equal(e.data.jobId, job.id);
      assert.equal(e.data.reason, "fleet rotation");
      assert.deepEqual(e.actor, { type: "system", rule: "rotation-job" });
    }
    const jobAudit = await node.kr.store.listAudit({ afterSeq: 0, limit: 100, targetId: job.id });
    assert.deepEqual(
      jobAudit.map((e) => e.action),
      ["rotation_job.created", "rotation_job.started", "rotation_job.completed"],
    );
    assert.equal(jobAudit[0]!.actor.type, "admin");
    // the feed carries one key.rotated per key
    const changes = await node.kr.store.changesSince(0, 100_000);
    assert.equal(changes.filter((ch) => ch.op === "key.rotated").length, 40);
    // a finished job cannot be resumed or paused
    assert.equal((await node.call("POST", `/v1/rotation-jobs/${job.id}/pause`)).status, 409);
    assert.equal(
      (await node.call("POST", `/v1/rotation-jobs/${job.id}/cancel`, {})).body.code,
      "ROTATION_JOB_FINISHED",
    );
  });

  test("pause stops a job, resume goes on where it stopped, cancel ends it", async (t) => {
    const node = await startTestNode();
    t.after(() => node.close());
    const c = await consumer(node, "slow");
    for (let i = 0; i < 30; i++) await key(node, { consumerId: c });
    const r = await node.call("POST", "/v1/rotation-jobs", {
      selector: { consumerId: c },
      gracePeriod: 0,
      rate: 10,
    });
    assert.equal(r.status, 202);
    const id = r.body.id;
    await waitFor("a first rotation", async () => {
      const j = await node.call("GET", `/v1/rotation-jobs/${id}`);
      return j.body.rotated > 0 ? j.body : undefined;
    });
    const paused = await node.call("POST", `/v1/rotation-jobs/${id}/pause`);
    assert.equal(paused.status, 200);
    assert.equal(paused.body.state, "paused");
    assert.equal((await node.call("POST", `/v1/rotation-jobs/${id}/pause`)).body.state, "paused");
    // the batch in flight may still land; after that, nothing moves
    await new Promise((res) => setTimeout(res, 400));
    const still = (await node.call("GET", `/v1/rotation-jobs/${id}`)).body;
    await new Promise((res) => setTimeout(res, 1_200));
    const later = (await node.call("GET", `/v1/rotation-jobs/${id}`)).body;
    assert.equal(later.rotated, still.rotated, "a paused job rotates nothing");
    assert.ok(later.rotated < 30);
    assert.equal(later.eta, null);
    const resumed = await node.call("POST", `/v1/rotation-jobs/${id}/resume`, {});
    assert.equal(resumed.body.state, "running");
    await waitFor("more rotations", async () => {
      const j = await node.call("GET", `/v1/rotation-jobs/${id}`);
      return j.body.rotated > later.rotated ? j.body : undefined;
    });
    const cancelled = await node.call("POST", `/v1/rotation-jobs/${id}/cancel`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.body.state, "cancelled");
    assert.equal((await node.call("POST", `/v1/rotation-jobs/${id}/resume`)).status, 409);
    await new Promise((res) => setTimeout(res, 500));
    const end = (await node.call("GET", `/v1/rotation-jobs/${id}`)).body;
    await new Promise((res) => setTimeout(res, 800));
    assert.equal((await node.call("GET", `/v1/rotation-jobs/${id}`)).body.rotated, end.rotated);
    assert.ok(end.rotated < 30 && end.pending > 0);
    const actions = (await node.kr.store.listAudit({ afterSeq: 0, limit: 100, targetId: id })).map(
      (e) => e.action,
    );
    assert.deepEqual(actions, [
      "rotation_job.created",
      "rotation_job.started",
      "rotation_job.paused",
      "rotation_job.resumed",
      "rotation_job.started",
      "rotation_job.cancelled",
    ]);
    const list = await node.call("GET", "/v1/rotation-jobs?state=cancelled");
    assert.deepEqual(
      list.body.data.map((j: { id: string }) => j.id),
      [id],
    );
  });
});
