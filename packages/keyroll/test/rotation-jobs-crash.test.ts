// A bulk rotation of 10 000 keys survives a SIGKILL of the server mid-job (real `keyroll serve`
// child process, SQLite file): restarted on the same file, the job finishes, and no key was
// rotated twice: every key is at version 2, with one key.rotated audit entry and one feed row.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { AuditChainVerifier } from "../src/core/audit.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import { seedKeys } from "./rotation-job-fixtures.js";
import { type KeyrollProcess, spawnKeyroll } from "./support/keyroll-process.js";

const ADMIN = "crash_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";
const KEYS = Number(process.env.ROTATION_JOB_CRASH_KEYS ?? 10_000);

// biome-ignore lint/suspicious/noExplicitAny: JSON answers, read field by field
async function call(srv: KeyrollProcess, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(`${srv.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${ADMIN}`,
      ...(body !== undefined && { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  }).catch((err: Error) => {
    throw new Error(`${method} ${path}: ${err.message} (${String(err.cause)})\n${srv.stderr().slice(-3000)}`);
  });
  return { status: r.status, body: await r.json() };
}

test(`a bulk rotation of ${KEYS} keys resumes after a SIGKILL and rotates each key exactly once`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-jobs-crash-"));
  const database = join(dir, "keyroll.db");
  const servers: KeyrollProcess[] = [];
  t.after(async () => {
    for (const s of servers) await s.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });
  const seedStore = openSqliteStore(database);
  await seedStore.migrate();
  const { consumerId, keyIds } = await seedKeys(seedStore, KEYS);
  await seedStore.close();

  const env = { KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN, KEYROLL_LOG_LEVEL: "warn" };
  // a node loading 10 000 keys into its index starts slowly on a loaded machine
  const first = await spawnKeyroll({ database, env, readyMs: 90_000 });
  servers.push(first);
  const created = await call(first, "POST", "/v1/rotation-jobs", {
    selector: { consumerId },
    gracePeriod: "1h",
    rate: 20_000,
    reason: "crash test",
  });
  assert.equal(created.status, 202, JSON.stringify(created.body));
  assert.equal(created.body.matched, KEYS);
  const id: string = created.body.id;

  // killed while it works: some keys rotated, most not yet
  const killAt = Math.floor(KEYS / 5);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const j = await call(first, "GET", `/v1/rotation-jobs/${id}`);
    if (j.body.rotated >= killAt) break;
    assert.ok(Date.now() < deadline, `the job did not get to ${killAt} keys: ${JSON.stringify(j.body)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  first.child.kill("SIGKILL");
  assert.equal(await first.exited, "SIGKILL");

  const mid = openSqliteStore(database);
  const atKill = (await mid.rotationJobs.getJob(id))!;
  await mid.close();
  assert.equal(atKill.state, "running");
  assert.ok(
    atKill.rotated >= killAt && atKill.rotated < KEYS,
    `killed mid-job: ${atKill.rotated} of ${KEYS} rotated`,
  );

  const second = await spawnKeyroll({ database, env, readyMs: 90_000 });
  servers.push(second);
  let done: { state: string; rotated: number; skipped: number; failed: number; pending: number };
  const finishBy = Date.now() + 150_000;
  for (;;) {
    const j = await call(second, "GET", `/v1/rotation-jobs/${id}`);
    if (j.body.state === "completed") {
      done = j.body;
      break;
    }
    assert.ok(Date.now() < finishBy, `the job did not finish: ${JSON.stringify(j.body)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual([done.rotated, done.skipped, done.failed, done.pending], [KEYS, 0, 0, 0]);
  await second.stop("SIGTERM");

  const store = openSqliteStore(database);
  t.after(() => store.close());
  // every key exactly one version further: 1 in grace, 2 active, nothing more
  const { keys } = await store.loadAll();
  const fleet = keys.filter((k) => k.key.consumerId === consumerId);
  assert.equal(fleet.length, KEYS);
  for (const k of fleet) {
    assert.deepEqual(
      k.versions.map((v) => [v.version, v.storedState]),
      [
        [1, "grace"],
        [2, "active"],
      ],
      `key ${k.key.id}`,
    );
  }
  // one key.rotated audit entry per key, all by this job; and the chain verifies
  const chain = new AuditChainVerifier(undefined);
  const perKey = new Map<string, number>();
  const jobActions: Array<{ action: string; data: Record<string, unknown> }> = [];
  for (let after = 0; ; ) {
    const page = await store.listAudit({ afterSeq: after, limit: 5_000 });
    for (const e of page) {
      chain.add(e);
      if (e.action === "key.rotated") {
        assert.equal(e.data.jobId, id);
        perKey.set(e.targetId!, (perKey.get(e.targetId!) ?? 0) + 1);
      }
      if (e.targetId === id) jobActions.push({ action: e.action, data: e.data });
    }
    if (page.length < 5_000) break;
    after = page.at(-1)!.seq;
  }
  assert.equal(perKey.size, KEYS);
  assert.deepEqual(
    keyIds.filter((k) => perKey.get(k) !== 1),
    [],
    "a key with other than one key.rotated entry",
  );
  assert.equal(chain.finish([]).valid, true, "the audit chain verifies");
  assert.deepEqual(
    jobActions.map((a) => a.action),
    ["rotation_job.created", "rotation_job.started", "rotation_job.started", "rotation_job.completed"],
  );
  assert.equal(jobActions[2]!.data.continued, true);
  // one feed row per rotation
  const rotatedRows = new Map<string, number>();
  for (let seq = 0; ; ) {
    const page = await store.changesSince(seq, 10_000);
    for (const c of page)
      if (c.op === "key.rotated") rotatedRows.set(c.keyId!, (rotatedRows.get(c.keyId!) ?? 0) + 1);
    if (page.length < 10_000) break;
    seq = page.at(-1)!.seq;
  }
  assert.equal(rotatedRows.size, KEYS);
  assert.ok(
    [...rotatedRows.values()].every((n) => n === 1),
    "a key with two key.rotated feed rows",
  );
  // the successor of every key is sealed for its clients once
  const sealed = await store.sealedSuccessors(keyIds[0]!, 1);
  assert.equal(sealed.length, 1);
});
