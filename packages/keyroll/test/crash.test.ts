// Crash safety: SIGKILL a real `keyroll serve` in the middle of many concurrent rotations, restart
// it on the same SQLite file, and check that nothing acknowledged was lost and nothing is half-made.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import { type KeyrollProcess, spawnKeyroll } from "./support/keyroll-process.js";

const KEYS = 20;
const WORKERS = 32;
/** Rotations acknowledged before the kill; the other workers are then mid-request. */
const KILL_AFTER_ACKS = 250;
/** Or the kill comes after this many requests sent or this long, still with requests in flight. */
const MAX_REQUESTS = 800;
const MAX_MS = 15_000;

const dir = mkdtempSync(join(tmpdir(), "keyroll-crash-"));
const database = join(dir, "keyroll.db");
const ADMIN_KEY = `crash_admin_${randomBytes(24).toString("hex")}`;
const servers: KeyrollProcess[] = [];

after(async () => {
  for (const s of servers) await s.stop("SIGKILL", 2000);
  rmSync(dir, { recursive: true, force: true });
});

interface Rotation {
  keyId: string;
  idem: string | undefined;
}

async function api(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  // biome-ignore lint/suspicious/noExplicitAny: a response body, read field by field
): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json", ...headers },
    ...(body !== undefined && { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: json, headers: res.headers };
}

test("SIGKILL during concurrent rotations loses no acknowledged rotation and leaves no half-made one", async (t) => {
  const env = { KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, KEYROLL_LOG_LEVEL: "warn" };
  const first = await spawnKeyroll({ database, env });
  servers.push(first);

  const con = await api(first.url, "POST", "/v1/consumers", { name: "crash" });
  assert.equal(con.status, 201, JSON.stringify(con.body));
  const keyIds: string[] = [];
  const v1 = new Map<string, string>();
  for (let i = 0; i < KEYS; i++) {
    const k = await api(first.url, "POST", "/v1/keys", { consumerId: con.body.id, name: `k${i}` });
    assert.equal(k.status, 201, JSON.stringify(k.body));
    keyIds.push(k.body.key.id);
    v1.set(k.body.key.id, k.body.secret);
  }

  // ---- rotate concurrently, then kill -9 ------------------------------------------------------------
  const acks: Array<Rotation & { version: number; secret: string }> = [];
  const unanswered: Rotation[] = [];
  const unexpected: string[] = [];
  let sent = 0;
  let inFlight = 0;
  let inFlightAtKill = -1;
  const t0 = Date.now();
  const kill = () => {
    if (inFlightAtKill >= 0) return;
    inFlightAtKill = inFlight;
    first.child.kill("SIGKILL");
  };
  const worker = async (w: number) => {
    while (inFlightAtKill < 0) {
      const n = sent++;
      const keyId = keyIds[(n * 7 + w) % KEYS]!;
      // every other rotation is idempotent, so retries after the restart can be checked too
      const idem = n % 2 === 0 ? `crash-${n}-${randomBytes(8).toString("hex")}` : undefined;
      inFlight++;
      try {
        const r = await api(
          first.url,
          "POST",
          `/v1/keys/${keyId}/rotate`,
          { gracePeriod: "1h" },
          idem ? { "idempotency-key": idem } : {},
        );
        if (r.status === 201) {
          acks.push({ keyId, idem, version: r.body.version, secret: r.body.secret });
        } else {
          unexpected.push(`${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        }
      } catch {
        // the connection died with the process: this rotation may or may not have committed
        unanswered.push({ keyId, idem });
      } finally {
        inFlight--;
      }
      // the other workers are mid-request now; a slow (loaded) machine is killed at its deadline
      // instead of after every worker stopped, which killed a node with nothing in flight
      if (acks.length >= KILL_AFTER_ACKS || sent >= MAX_REQUESTS || Date.now() - t0 >= MAX_MS) kill();
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  kill();
  assert.equal(await first.stop("SIGKILL", 5000), "SIGKILL");
  assert.deepEqual(unexpected, [], "rotations failed for another reason than the crash");
  assert.ok(acks.length >= KILL_AFTER_ACKS / 2, `only ${acks.length} rotations were acknowledged`);
  assert.ok(inFlightAtKill > 0, "the kill came when no rotation was in flight");
  t.diagnostic(
    `sent ${sent}, acknowledged ${acks.length}, in flight at the kill ${inFlightAtKill}, unanswered ${unanswered.length}, ${Date.now() - t0} ms`,
  );

  // ---- restart on the same file ---------------------------------------------------------------------
  const second = await spawnKeyroll({ database, env });
  servers.push(second);
  const base = second.url;

  // the retries a client would make after the outage: an idempotent one lands exactly once
  const retried: Array<Rotation & { version: number; secret: string }> = [];
  for (const u of unanswered.filter((x) => x.idem !== undefined).slice(0, 20)) {
    const r = await api(
      base,
      "POST",
      `/v1/keys/${u.keyId}/rotate`,
      { gracePeriod: "1h" },
      {
        "idempotency-key": u.idem!,
      },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const again = await api(
      base,
      "POST",
      `/v1/keys/${u.keyId}/rotate`,
      { gracePeriod: "1h" },
      {
        "idempotency-key": u.idem!,
      },
    );
    assert.equal(again.status, 201, JSON.stringify(again.body));
    assert.equal(again.body.version, r.body.version, "a retried rotation made a second version");
    assert.equal(again.body.secret, r.body.secret);
    retried.push({ ...u, version: r.body.version, secret: r.body.secret });
  }
  // acknowledged idempotent rotations replay the same successor after the crash
  for (const a of acks.filter((x) => x.idem !== undefined).slice(0, 20)) {
    const r = await api(
      base,
      "POST",
      `/v1/keys/${a.keyId}/rotate`,
      { gracePeriod: "1h" },
      {
        "idempotency-key": a.idem!,
      },
    );
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal(r.headers.get("idempotent-replayed"), "true");
    assert.equal(r.body.version, a.version);
    assert.equal(r.body.secret, a.secret);
  }

  // ---- over the API: one active version, contiguous numbers, every acknowledged secret works -----
  const list = await api(base, "GET", `/v1/keys?consumerId=${con.body.id}&limit=200`);
  assert.equal(list.status, 200, JSON.stringify(list.body));
  assert.equal(list.body.data.length, KEYS);
  const maxVersion = new Map<string, number>();
  for (const k of list.body.data as Array<{
    id: string;
    versions: Array<{ version: number; state: string }>;
  }>) {
    const nums = k.versions.map((v) => v.version).sort((a, b) => a - b);
    assert.deepEqual(
      nums,
      Array.from({ length: nums.length }, (_, i) => i + 1),
      `${k.id}: versions not contiguous`,
    );
    const active = k.versions.filter((v) => v.state === "active");
    assert.equal(active.length, 1, `${k.id}: ${active.length} active versions`);
    assert.equal(active[0]!.version, nums.length, `${k.id}: the active version is not the newest`);
    for (const v of k.versions) {
      if (v.version !== nums.length) assert.equal(v.state, "grace", `${k.id} v${v.version} is ${v.state}`);
    }
    maxVersion.set(k.id, nums.length);
  }

  const seen = new Set<string>();
  for (const a of [...acks, ...retried]) {
    const tag = `${a.keyId} v${a.version}`;
    if (!a.idem) assert.ok(!seen.has(tag), `two acknowledged rotations got ${tag}`);
    seen.add(tag);
    assert.ok(a.version <= maxVersion.get(a.keyId)!, `${tag} is missing after the restart`);
    const r = await api(base, "POST", "/v1/verify", { key: a.secret });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(
      { code: r.body.code, keyId: r.body.keyId, version: r.body.version },
      { code: "VALID", keyId: a.keyId, version: a.version },
      `acknowledged rotation ${tag} does not verify after the restart`,
    );
    assert.equal(r.body.deprecated, a.version !== maxVersion.get(a.keyId), tag);
  }
  for (const [keyId, s] of v1) {
    const r = await api(base, "POST", "/v1/verify", { key: s });
    assert.equal(r.body.code, "VALID", `${keyId} v1: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.version, 1);
  }

  // ---- in the file: every version has its change-feed row and audit entry; the chain holds ------
  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
    const perKey = db
      .prepare(
        `select v.key_id as keyId, count(*) as versions, max(v.version) as maxVersion,
                sum(v.state = 'active') as active,
                (select count(*) from changes c where c.key_id = v.key_id and c.op = 'key.rotated') as rotated,
                (select count(*) from changes c where c.key_id = v.key_id and c.op = 'key.created') as created,
                (select count(*) from audit_log a where a.target_id = v.key_id and a.action = 'key.rotated') as audited
           from key_versions v join keys k on k.id = v.key_id
          where k.consumer_id = ?
          group by v.key_id`,
      )
      .all(con.body.id) as Array<{
      keyId: string;
      versions: number;
      maxVersion: number;
      active: number;
      rotated: number;
      created: number;
      audited: number;
    }>;
    assert.equal(perKey.length, KEYS);
    for (const k of perKey) {
      assert.deepEqual(
        {
          versions: k.versions,
          active: k.active,
          rotated: k.rotated,
          created: k.created,
          audited: k.audited,
        },
        {
          versions: k.maxVersion,
          active: 1,
          rotated: k.maxVersion - 1,
          created: 1,
          audited: k.maxVersion - 1,
        },
        `${k.keyId}: versions, change feed and audit log disagree`,
      );
      assert.equal(k.maxVersion, maxVersion.get(k.keyId), `${k.keyId}: API and file disagree`);
    }
    const idem = db
      .prepare(
        `select i.key_id as keyId, json_extract(i.response, '$.version') as version,
                exists(select 1 from key_versions v where v.key_id = i.key_id
                        and v.version = json_extract(i.response, '$.version')) as present
           from idempotency_keys i`,
      )
      .all() as Array<{ keyId: string; version: number; present: number }>;
    assert.ok(idem.length > 0);
    for (const i of idem)
      assert.equal(i.present, 1, `idempotency record for a missing ${i.keyId} v${i.version}`);

    const seqs = db.prepare("select seq from changes order by seq").all() as Array<{ seq: number }>;
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]!.seq > seqs[i - 1]!.seq);

    const rows = db.prepare("select count(*) as n from audit_log").get() as { n: number };
    assert.ok(rows.n >= 1 + 1 + KEYS + acks.length);
    // the chain holds: checked by the server's own verifier, the one the CLI runs on an export
    const verified = await api(base, "GET", "/v1/audit/verify");
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.valid, true, JSON.stringify(verified.body.firstBad));
    assert.equal(verified.body.entries, rows.n);
  } finally {
    db.close();
  }

  assert.equal(await second.stop("SIGTERM"), 0, second.stderr());
});
