// The audit log under load and crashes, with real `keyroll serve` processes (the built bin):
// 1000 random mutations through the API with a SIGKILL in the middle, on SQLite (one process,
// restarted) and on three PostgreSQL nodes writing at once (one of them killed). Afterwards every
// committed change has exactly one entry, every acknowledged one is there, and the chain verifies
// as one linear chain.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import Database from "better-sqlite3";
import type { AuditEntry } from "../src/core/audit.js";
import { type Cluster, http, randomAdminKey, sql, startCluster } from "./cluster.js";
import { type KeyrollProcess, spawnKeyroll } from "./support/keyroll-process.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

const SIGNING_KEY = generateKeyPairSync("ed25519")
  .privateKey.export({ type: "pkcs8", format: "pem" })
  .toString();
const AUDIT_ENV = { KEYROLL_AUDIT_SIGNING_KEY: SIGNING_KEY, KEYROLL_AUDIT_CHECKPOINT_INTERVAL: "1s" };
const WORKERS = 8;
/**
 * On PostgreSQL, fewer than the 1000 of the SQLite run: three nodes and a database start first, and
 * the suite must stay bounded on a shared machine. Concurrency across nodes is what is tested here.
 */
const PG_MUTATIONS = 300;

/** One mutation the server acknowledged (2xx), and what its entry must say. */
interface Acked {
  action: string;
  targetId: string;
  version?: number;
}

interface Target {
  url: string;
  alive(): boolean;
}

/** A tiny seeded PRNG, so a failure can be replayed with the same seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Sends `total` random mutations from `WORKERS` workers to random live targets; `onAck` after each
 * acknowledged one, with their count so far (it may kill a target). Requests cut by a kill have an unknown outcome.
 */
async function drive(
  targets: readonly Target[],
  adminKey: string,
  total: number,
  seed: number,
  onAck: (n: number) => Promise<void> | void,
): Promise<{ acked: Acked[]; unknown: number; updates: Map<string, number> }> {
  const rand = rng(seed);
  const pick = <T>(xs: readonly T[]): T | undefined => xs[Math.floor(rand() * xs.length)];
  const consumers: string[] = [];
  const keys: string[] = [];
  const acked: Acked[] = [];
  const updates = new Map<string, number>();
  let issued = 0;
  let unknown = 0;
  let ok = 0;
  const worker = async () => {
    while (issued < total) {
      issued++;
      const live = targets.filter((t) => t.alive());
      const t = pick(live);
      if (!t) return; // every target killed: this run is over
      const r = rand();
      // biome-ignore lint/suspicious/noExplicitAny: a response body, read field by field
      let op: { method: string; path: string; body?: unknown; ack: (b: any) => Acked | undefined };
      const con = pick(consumers);
      const key = pick(keys);
      if (r < 0.15 || !con) {
        op = {
          method: "POST",
          path: "/v1/consumers",
          body: { name: `c${issued}`, metadata: { n: issued, f: rand() } },
          ack: (b) => {
            consumers.push(b.id);
            return { action: "consumer.created", targetId: b.id };
          },
        };
      } else if (r < 0.3 || !key) {
        op = {
          method: "POST",
          path: "/v1/keys",
          body: { consumerId: con, scopes: ["read"] },
          ack: (b) => {
            keys.push(b.key.id);
            return { action: "key.created", targetId: b.key.id };
          },
        };
      } else if (r < 0.45) {
        op = {
          method: "PATCH",
          path: `/v1/consumers/${con}`,
          body: { name: `n${issued}` },
          ack: () => {
            updates.set(con, (updates.get(con) ?? 0) + 1);
            return undefined;
          },
        };
      } else if (r < 0.6) {
        op = {
          method: "PATCH",
          path: `/v1/keys/${key}`,
          body: { scopes: ["read", `s${issued % 5}`] },
          ack: () => {
            updates.set(key, (updates.get(key) ?? 0) + 1);
            return undefined;
          },
        };
      } else if (r < 0.9) {
        op = {
          method: "POST",
          path: `/v1/keys/${key}/rotate`,
          body: { gracePeriod: "1h" },
          ack: (b) => ({ action: "key.rotated", targetId: key, version: b.version }),
        };
      } else if (r < 0.97) {
        op = { method: "POST", path: `/v1/keys/${key}/revoke`, body: {}, ack: () => undefined };
      } else {
        op = { method: "DELETE", path: `/v1/consumers/${con}`, ack: () => undefined };
      }
      let res: Awaited<ReturnType<typeof http>>;
      try {
        res = await http(t.url, op.method, op.path, { body: op.body, auth: adminKey, timeoutMs: 10_000 });
      } catch {
        unknown++; // cut by a kill: committed or not, the checks below hold either way
        continue;
      }
      if (res.status >= 500) {
        unknown++;
        continue;
      }
      if (res.status >= 300) continue; // refused (a revoked key, a deleted consumer): no change
      const a = op.ack(res.body);
      if (a) acked.push(a);
      await onAck(++ok);
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, worker));
  return { acked, unknown, updates };
}

interface Row {
  table: "consumers" | "keys" | "key_versions";
  id: string;
  version?: number;
  revoked?: boolean;
  deleted?: boolean;
  consumerDeleted?: boolean;
}

/** Every committed change has exactly one entry; every acknowledged one has its entry. */
function checkEntries(
  entries: readonly AuditEntry[],
  state: { consumers: Row[]; keys: Row[]; versions: Row[] },
  run: { acked: Acked[]; unknown: number; updates: Map<string, number> },
): void {
  const count = (pred: (e: AuditEntry) => boolean) => entries.filter(pred).length;
  const index = new Map<string, number>();
  for (const e of entries) {
    const k = `${e.action} ${e.targetId} ${e.action === "key.rotated" ? e.data.version : ""}`;
    index.set(k, (index.get(k) ?? 0) + 1);
  }
  for (const c of state.consumers) {
    assert.equal(index.get(`consumer.created ${c.id} `), 1, `consumer ${c.id}: one consumer.created`);
    assert.equal(
      index.get(`consumer.deleted ${c.id} `) ?? 0,
      c.deleted ? 1 : 0,
      `consumer ${c.id}: consumer.deleted`,
    );
  }
  for (const k of state.keys) {
    assert.equal(index.get(`key.created ${k.id} `), 1, `key ${k.id}: one key.created`);
    // a key is revoked by its own call or by its consumer's deletion: exactly one of the two
    const own = index.get(`key.revoked ${k.id} `) ?? 0;
    const byConsumer = entries.filter(
      (e) => e.action === "consumer.deleted" && (e.data.revokedKeyIds as string[]).includes(k.id),
    ).length;
    assert.equal(own + byConsumer, k.revoked ? 1 : 0, `key ${k.id}: revoked once (${own} + ${byConsumer})`);
  }
  for (const v of state.versions) {
    assert.equal(
      index.get(`key.rotated ${v.id} ${v.version}`),
      1,
      `key ${v.id} v${v.version}: one key.rotated`,
    );
  }
  assert.equal(
    count((e) => e.action === "consumer.created"),
    state.consumers.length,
    "no entry without its consumer",
  );
  assert.equal(
    count((e) => e.action === "key.created"),
    state.keys.length,
    "no entry without its key",
  );
  assert.equal(
    count((e) => e.action === "key.rotated"),
    state.versions.length,
    "no entry without its version",
  );
  for (const a of run.acked) {
    const k = `${a.action} ${a.targetId} ${a.version ?? ""}`;
    assert.equal(index.get(k), 1, `acknowledged ${k} has its entry`);
  }
  for (const [target, n] of run.updates) {
    const got = count((e) => e.targetId === target && e.action.endsWith(".updated"));
    assert.ok(got >= n && got <= n + run.unknown, `${target}: ${n} acknowledged updates, ${got} entries`);
  }
}

async function verifyChain(url: string, adminKey: string, minCheckpoints: number) {
  const v = await http(url, "GET", "/v1/audit/verify", { auth: adminKey, timeoutMs: 30_000 });
  assert.equal(v.status, 200, JSON.stringify(v.body));
  assert.equal(v.body.valid, true, JSON.stringify(v.body.firstBad));
  assert.equal(v.body.pending, 0);
  assert.ok(v.body.checkpoints.verified >= minCheckpoints, JSON.stringify(v.body.checkpoints));
  return v.body;
}

const dir = mkdtempSync(join(tmpdir(), "keyroll-audit-crash-"));
const servers: KeyrollProcess[] = [];
let pgs: TestPostgres | undefined;
let cluster: Cluster | undefined;
after(async () => {
  for (const s of servers) await s.stop("SIGKILL", 2000);
  await cluster?.stop(2_000);
  await pgs?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("SQLite: 1000 random mutations with a SIGKILL in the middle; one entry per committed change", {
  timeout: 90_000,
}, async () => {
  const database = join(dir, "keyroll.db");
  const adminKey = randomAdminKey();
  const env = { KEYROLL_BOOTSTRAP_ADMIN_KEY: adminKey, KEYROLL_LOG_LEVEL: "warn", ...AUDIT_ENV };
  let srv = await spawnKeyroll({ database, env });
  servers.push(srv);
  let alive = true;
  const target: Target = { url: srv.url, alive: () => alive };
  const first = await drive([target], adminKey, 500, 15, async (n) => {
    if (n === 300 && alive) {
      alive = false;
      srv.child.kill("SIGKILL");
    }
  });
  await srv.exited;
  assert.ok(!alive, "the server was killed mid-run");
  srv = await spawnKeyroll({ database, env });
  servers.push(srv);
  const second = await drive([{ url: srv.url, alive: () => true }], adminKey, 500, 16, () => undefined);
  // the first run's consumers and keys are unknown to the second driver: merged for the checks
  const run = {
    acked: [...first.acked, ...second.acked],
    unknown: first.unknown + second.unknown,
    updates: new Map(
      [...first.updates, ...second.updates].map(([k]) => [
        k,
        (first.updates.get(k) ?? 0) + (second.updates.get(k) ?? 0),
      ]),
    ),
  };
  assert.ok(run.acked.length > 300, `only ${run.acked.length} acknowledged`);
  await verifyChain(srv.url, adminKey, 0);

  const db = new Database(database, { readonly: true, fileMustExist: true });
  try {
    const consumers = db
      .prepare("select id, deleted_at is not null as deleted from consumers where system = 0")
      .all() as Array<{ id: string; deleted: number }>;
    const keys = db
      .prepare("select id, revoked_at is not null as revoked from keys where admin = 0")
      .all() as Array<{ id: string; revoked: number }>;
    const versions = db
      .prepare(
        "select key_id as id, version from key_versions v join keys k on k.id = v.key_id where k.admin = 0 and version > 1",
      )
      .all() as Array<{ id: string; version: number }>;
    const rows = db.prepare("select seq from audit_log order by seq").all() as Array<{ seq: number }>;
    const entries: AuditEntry[] = [];
    let cursor: string | null = null;
    do {
      const r = await http(srv.url, "GET", `/v1/audit?limit=1000${cursor ? `&cursor=${cursor}` : ""}`, {
        auth: adminKey,
      });
      entries.push(...r.body.data);
      cursor = r.body.nextCursor;
    } while (cursor !== null);
    assert.equal(entries.length, rows.length);
    checkEntries(
      entries,
      {
        consumers: consumers.map((c) => ({ table: "consumers", id: c.id, deleted: c.deleted === 1 })),
        keys: keys.map((k) => ({ table: "keys", id: k.id, revoked: k.revoked === 1 })),
        versions: versions.map((v) => ({ table: "key_versions", id: v.id, version: v.version })),
      },
      run,
    );
  } finally {
    db.close();
  }
  assert.equal(await srv.stop("SIGTERM"), 0, srv.stderr());
});

test("PostgreSQL: three nodes write at once (300 random mutations), one is killed; the chain stays linear", {
  timeout: 90_000,
}, async () => {
  pgs = await startTestPostgres();
  const database = await pgs.createDatabase();
  cluster = await startCluster(database, 3, { env: { KEYROLL_LOG_LEVEL: "warn", ...AUDIT_ENV } });
  const c = cluster;
  const dead = new Set<string>();
  const targets: Target[] = c.nodes.map((n) => ({ url: n.url, alive: () => !dead.has(n.name) }));
  const run = await drive(targets, c.adminKey, PG_MUTATIONS, 42, async (n) => {
    if (n === PG_MUTATIONS / 3 && !dead.has("B")) {
      dead.add("B");
      c.nodes[1]!.child.kill("SIGKILL");
    }
  });
  assert.ok(dead.has("B"));
  assert.ok(run.acked.length > 60, `only ${run.acked.length} acknowledged`);
  // the leader signs checkpoints each second; wait for one past the last write
  await new Promise((r) => setTimeout(r, 2_500));
  const v = await verifyChain(c.nodes[0]!.url, c.adminKey, 1);
  const rows = await sql<{ seq: string; linked: boolean }>(
    database,
    "select seq, hash is not null as linked from audit_log order by seq",
  );
  assert.ok(
    rows.every((r) => r.linked),
    "every entry linked",
  );
  assert.equal(v.entries, rows.length, "one chain over every row: no fork, no orphan");
  assert.equal(v.checkpoints.entriesAfterLast, 0, "the last checkpoint covers the head");
  const entries: AuditEntry[] = [];
  let cursor: string | null = null;
  do {
    const r = await http(c.nodes[2]!.url, "GET", `/v1/audit?limit=1000${cursor ? `&cursor=${cursor}` : ""}`, {
      auth: c.adminKey,
    });
    entries.push(...r.body.data);
    cursor = r.body.nextCursor;
  } while (cursor !== null);
  const consumers = await sql<{ id: string; deleted: boolean }>(
    database,
    "select id, deleted_at is not null as deleted from consumers where system = 0",
  );
  const keys = await sql<{ id: string; revoked: boolean }>(
    database,
    "select id, revoked_at is not null as revoked from keys where admin = 0",
  );
  const versions = await sql<{ id: string; version: number }>(
    database,
    "select key_id as id, version from key_versions v join keys k on k.id = v.key_id where k.admin = 0 and version > 1",
  );
  checkEntries(
    entries,
    {
      consumers: consumers.map((x) => ({ table: "consumers", id: x.id, deleted: x.deleted })),
      keys: keys.map((x) => ({ table: "keys", id: x.id, revoked: x.revoked })),
      versions: versions.map((x) => ({ table: "key_versions", id: x.id, version: x.version })),
    },
    run,
  );
});
