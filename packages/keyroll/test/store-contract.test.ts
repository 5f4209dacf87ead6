// The Store contract: one suite, run against every entry of DIALECTS (SQLite on a temp file,
// PostgreSQL on a fresh database per test), as Kysely runs each of its tests per dialect.
// Never mocked: every assertion goes through a real store on a real database.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { AuditChainVerifier, GENESIS_HASH } from "../src/core/audit.js";
import { KeyrollError } from "../src/core/errors.js";
import { newId } from "../src/core/ids.js";
import type { ConsumerRecord, KeyRecord, KeyWithVersions, VersionRecord } from "../src/core/model.js";
import { generateSecret } from "../src/core/secret.js";
import { buildVersion } from "../src/core/version.js";
import { IX } from "../src/store/kysely/index-scan.js";
import type { WebhookRecord } from "../src/store/kysely/webhooks.js";
import { openPostgresStore } from "../src/store/postgres/index.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import type { AuditInput, IdempotencyRecord, Store } from "../src/store/types.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

interface Dialect {
  readonly name: Store["dialect"];
  /**
   * Several stores of this process may write one database at once. True for PostgreSQL (nodes
   * share it). SQLite's driver is synchronous: a second in-process writer would block the event
   * loop on the file lock the first one holds, so only reads and sequential writes are shared.
   */
  readonly concurrentStores: boolean;
  /** `leaderLock` excludes other stores (PostgreSQL); on SQLite every store is the leader. */
  readonly exclusiveLeader: boolean;
  /** Changes are pushed through `listen` (PostgreSQL); SQLite's feed is only polled. */
  readonly pushesChanges: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * A fresh database, empty or already migrated: where it is, and how to remove it once its stores
   * are closed.
   */
  create(opts: { empty: boolean }): Promise<{ location: string; remove(): Promise<void> }>;
  open(location: string, opts?: { waitMs?: number; poolSize?: number }): Store;
}

let pgs: TestPostgres | undefined;
/** A connection to a scratch database, for creating test databases from the migrated template. */
let pgAdmin: pg.Client | undefined;
/** URL of a database migrated once per file: cloning it is cheaper than migrating every test's. */
let pgTemplate = "";

const databaseName = (url: string) => new URL(url).pathname.slice(1);
const withDatabase = (url: string, name: string) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
};

const DIALECTS: readonly Dialect[] = [
  {
    name: "sqlite",
    concurrentStores: false,
    exclusiveLeader: false,
    pushesChanges: false,
    start: async () => undefined,
    stop: async () => undefined,
    async create() {
      const dir = mkdtempSync(join(tmpdir(), "keyroll-contract-"));
      return {
        location: join(dir, "keyroll.db"),
        remove: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
    open: (file, opts) => openSqliteStore(file, opts),
  },
  {
    name: "postgres",
    concurrentStores: true,
    exclusiveLeader: true,
    pushesChanges: true,
    async start() {
      pgs = await startTestPostgres();
      const template = await pgs.createDatabase();
      const s = openPostgresStore(template);
      await s.migrate();
      await s.close();
      pgTemplate = template;
      pgAdmin = new pg.Client({ connectionString: await pgs.createDatabase() });
      await pgAdmin.connect();
    },
    async stop() {
      await pgAdmin?.end();
      await pgs?.close();
    },
    async create({ empty }) {
      // databases made by createDatabase are dropped when the server closes
      if (empty) return { location: await pgs!.createDatabase(), remove: async () => undefined };
      const name = `keyroll_contract_${randomBytes(6).toString("hex")}`;
      await pgAdmin!.query(`create database ${name} template ${databaseName(pgTemplate)}`);
      return {
        location: withDatabase(pgTemplate, name),
        remove: async () => {
          await pgAdmin!.query(`drop database if exists ${name} with (force)`);
        },
      };
    },
    open: (url, opts) => openPostgresStore(url, opts),
  },
];

/** The instant test data is stamped with (the stores never compare it to their own clock). */
const T0 = Date.parse("2030-01-01T00:00:00.000Z");
const HOUR = 3_600_000;

interface Fixture {
  /** A store on this test's fresh database, migrated unless the fixture was asked for an empty one. */
  store: Store;
  location: string;
  /** Another store on the same database (migrated unless told otherwise), closed when the test ends. */
  open(opts?: { migrate?: boolean; waitMs?: number; poolSize?: number }): Promise<Store>;
  /** Runs `fn` when the test ends, before the stores close. */
  defer(fn: () => Promise<unknown>): void;
}

/** A fresh database for this test; with `empty`, its first store is not migrated yet either. */
async function fixture(t: TestContext, d: Dialect, { empty = false } = {}): Promise<Fixture> {
  const db = await d.create({ empty });
  const deferred: Array<() => Promise<unknown>> = [];
  const stores: Store[] = [];
  t.after(async () => {
    for (const fn of deferred.reverse()) await fn();
    for (const s of stores) await s.close();
    await db.remove();
  });
  const open = async ({
    migrate = true,
    ...opts
  }: {
    migrate?: boolean;
    waitMs?: number;
    poolSize?: number;
  } = {}) => {
    const s = d.open(db.location, opts);
    stores.push(s);
    if (migrate) await s.migrate();
    return s;
  };
  return {
    store: await open({ migrate: !empty }),
    location: db.location,
    open,
    defer: (fn) => deferred.push(fn),
  };
}

function consumerRecord(over: Partial<ConsumerRecord> = {}): ConsumerRecord {
  return {
    id: newId("con"),
    name: "acme",
    externalId: null,
    metadata: {},
    system: false,
    createdAt: T0,
    deletedAt: null,
    ...over,
  };
}

function keyRecord(consumerId: string, over: Partial<KeyRecord> = {}): KeyRecord {
  return {
    id: newId("key"),
    consumerId,
    name: null,
    scopes: [],
    prefix: "kr_test",
    metadata: {},
    admin: false,
    allowSuccessorPickup: true,
    createdAt: T0,
    expiresAt: null,
    revokedAt: null,
    ...over,
  };
}

// the real builder (a fresh random secret each time), so that no field of VersionRecord is missing
function versionRecord(keyId: string, version: number, over: Partial<VersionRecord> = {}): VersionRecord {
  const v = buildVersion({
    keyId,
    version,
    secret: generateSecret("kr_test"),
    imported: false,
    now: T0,
    activatesAt: T0,
    storedState: "active",
  });
  return { ...v, ...over };
}

/** Commits a key (with a new consumer unless one is given) and its versions; no feed or audit rows. */
async function seedKey(
  store: Store,
  opts: { consumerId?: string; key?: Partial<KeyRecord>; versions?: Array<Partial<VersionRecord>> } = {},
): Promise<KeyWithVersions & { consumerId: string }> {
  return store.transaction(async (tx) => {
    let consumerId = opts.consumerId;
    if (!consumerId) {
      const c = consumerRecord();
      await tx.insertConsumer(c, T0);
      consumerId = c.id;
    }
    const key = keyRecord(consumerId, opts.key);
    await tx.insertKey(key, T0);
    const versions = (opts.versions ?? [{}]).map((v, i) => versionRecord(key.id, i + 1, v));
    for (const v of versions) await tx.insertVersion(v);
    return { key, versions, consumerId };
  });
}

function auditEntry(over: Partial<AuditInput> = {}): AuditInput {
  return {
    id: newId("aud"),
    at: T0,
    actor: { type: "admin", keyId: "key_admin", version: 1 },
    action: "key.rotated",
    targetId: null,
    requestId: "req_1",
    address: "127.0.0.1",
    data: {},
    diff: null,
    ...over,
  };
}

/** Reads the whole audit log and checks every link of its hash chain; returns the rows. */
async function assertAuditChain(store: Store) {
  const rows = await store.listAudit({ afterSeq: 0, limit: 10_000 });
  const v = new AuditChainVerifier();
  for (const r of rows) v.add(r);
  const result = v.finish([]);
  assert.equal(result.firstBad, null, "the audit chain verifies");
  assert.equal(result.entries, rows.length);
  assert.equal(result.pending, 0, "every entry is linked when its transaction commits");
  return rows;
}

/** Ends the server sessions of this PostgreSQL database that `where` selects from pg_stat_activity. */
async function terminateSessions(url: string, where: string): Promise<number> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const r = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and (${where})`,
    );
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

const isCode = (code: string) => (err: unknown) => err instanceof KeyrollError && err.code === code;

async function waitFor(what: string, cond: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) assert.fail(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

/**
 * Follows the change feed the way a node does (`changesSince` the last seq it saw) until `stop()`.
 * After each step it also rereads the whole feed: a seq at or below the one it already passed
 * that it never saw is `late`, i.e. a reader could have skipped it for good.
 */
function followFeed(store: Store) {
  const seen = new Set<number>();
  const late = new Set<number>();
  let passed = 0;
  let running = true;
  const step = async () => {
    for (const c of await store.changesSince(passed, 10_000)) {
      assert.ok(c.seq > passed, `feed went from ${passed} back to ${c.seq}`);
      seen.add(c.seq);
      passed = c.seq;
    }
    for (const c of await store.changesSince(0, 10_000)) {
      if (c.seq <= passed && !seen.has(c.seq)) late.add(c.seq);
    }
  };
  let failure: { err: unknown } | undefined;
  const loop = (async () => {
    while (running) {
      await step();
      await sleep(1);
    }
    await step();
  })().catch((err: unknown) => {
    // kept for stop(): the writers still run when a read fails
    failure = { err };
  });
  return {
    async stop() {
      running = false;
      await loop;
      if (failure) throw failure.err;
      return { seen: [...seen], late: [...late] };
    },
  };
}

for (const d of DIALECTS) {
  describe(d.name, () => {
    before(() => d.start());
    after(() => d.stop());

    describe("migrate", () => {
      it("is idempotent", async (t) => {
        const { store, open } = await fixture(t, d, { empty: true });
        assert.equal(store.dialect, d.name);
        await store.migrate();
        await store.migrate();
        const other = await open();
        await other.migrate();
        const seeded = await seedKey(other);
        assert.deepEqual(await store.getKey(seeded.key.id), { key: seeded.key, versions: seeded.versions });
      });

      it("lets two stores migrate one fresh database at once", {
        skip: !d.concurrentStores && "in-process stores cannot write one SQLite file at once",
      }, async (t) => {
        const { store, open } = await fixture(t, d, { empty: true });
        const fresh = [store, await open({ migrate: false }), await open({ migrate: false })];
        await Promise.all(fresh.map((s) => s.migrate()));
        for (const s of fresh) {
          const seeded = await seedKey(s);
          assert.ok(await fresh[0]!.getKey(seeded.key.id));
        }
      });
    });

    describe("consumers", () => {
      it("round-trip through insert, get and update", async (t) => {
        const { store } = await fixture(t, d);
        const c = consumerRecord({
          name: "Ümlaut & Co ✓",
          externalId: "ext-1",
          metadata: { plan: "pro", tags: ["a", "b"], nested: { n: 1.5, ok: true, none: null } },
          system: true,
        });
        await store.transaction((tx) => tx.insertConsumer(c, T0));
        assert.deepEqual(await store.getConsumer(c.id), c);
        assert.equal(await store.getConsumer(newId("con")), undefined);

        await store.transaction((tx) => tx.updateConsumer(c.id, { name: "renamed" }, T0 + 1));
        assert.deepEqual(await store.getConsumer(c.id), { ...c, name: "renamed" });
        await store.transaction((tx) =>
          tx.updateConsumer(c.id, { externalId: null, metadata: { plan: "free" } }, T0 + 2),
        );
        assert.deepEqual(await store.getConsumer(c.id), {
          ...c,
          name: "renamed",
          externalId: null,
          metadata: { plan: "free" },
        });
      });

      it("store text and JSON exactly, or refuse it with a client error and keep nothing", async (t) => {
        // what one dialect stores, every dialect must store alike: a string that a database
        // cannot hold must be refused the same way, never fail as a driver error (a 500) or be
        // silently altered
        const { store } = await fixture(t, d);
        const problems: string[] = [];
        const probe = async (
          what: string,
          write: Parameters<Store["transaction"]>[0],
          read: () => Promise<unknown>,
          expected: unknown,
        ) => {
          try {
            await store.transaction(write);
          } catch (err) {
            if (!(err instanceof KeyrollError && err.status < 500)) {
              const e = err as { code?: unknown; message?: unknown };
              problems.push(`${what}: failed with ${String(e.code)} ${String(e.message)}`);
            }
            if ((await read()) !== undefined) problems.push(`${what}: refused but kept`);
            return;
          }
          const back = await read();
          if (JSON.stringify(back) !== JSON.stringify(expected)) {
            problems.push(`${what}: stored ${JSON.stringify(expected)}, read back ${JSON.stringify(back)}`);
          }
        };
        for (const [label, text] of [
          ["NUL", "a\u0000b"],
          ["lone surrogate", "a\ud800b"],
        ] as const) {
          const c1 = consumerRecord({ name: text });
          await probe(
            `${label} in a consumer name`,
            (tx) => tx.insertConsumer(c1, T0),
            async () => (await store.getConsumer(c1.id))?.name,
            text,
          );
          const c2 = consumerRecord({ metadata: { note: text } });
          await probe(
            `${label} in consumer metadata`,
            (tx) => tx.insertConsumer(c2, T0),
            async () => (await store.getConsumer(c2.id))?.metadata,
            { note: text },
          );
          const a = auditEntry({ data: { reason: text } });
          await probe(
            `${label} in audit data`,
            (tx) => tx.appendAudit(a),
            async () =>
              (await store.listAudit({ afterSeq: 0, limit: 1000 })).find((r) => r.id === a.id)?.data,
            { reason: text },
          );
        }
        await assertAuditChain(store);
        assert.deepEqual(problems, []);
      });

      it("find live consumers by external id, unique among the live ones", async (t) => {
        const { store } = await fixture(t, d);
        const a = consumerRecord({ externalId: "crm-42" });
        await store.transaction((tx) => tx.insertConsumer(a, T0));
        assert.deepEqual(await store.transaction((tx) => tx.findConsumerByExternalId("crm-42")), a);
        await assert.rejects(
          store.transaction((tx) => tx.insertConsumer(consumerRecord({ externalId: "crm-42" }), T0)),
          isCode("CONCURRENT_MODIFICATION"),
        );
        await store.transaction((tx) => tx.updateConsumer(a.id, { deletedAt: T0 + 1 }, T0 + 1));
        assert.equal(await store.transaction((tx) => tx.findConsumerByExternalId("crm-42")), undefined);
        const b = consumerRecord({ externalId: "crm-42" });
        await store.transaction((tx) => tx.insertConsumer(b, T0 + 2));
        assert.deepEqual(await store.transaction((tx) => tx.findConsumerByExternalId("crm-42")), b);
      });

      it("list in id order by `after` cursor pages, without skips, repeats or deleted ones", async (t) => {
        const { store } = await fixture(t, d);
        const all = Array.from({ length: 8 }, (_, i) => consumerRecord({ name: `c${i}` }));
        // inserted out of id order: listing order must come from the ids, not the insertion
        const shuffled = [all[5]!, all[0]!, all[7]!, all[2]!, all[6]!, all[1]!, all[4]!, all[3]!];
        await store.transaction(async (tx) => {
          for (const c of shuffled) await tx.insertConsumer(c, T0);
        });
        const deleted = [all[2]!.id, all[7]!.id];
        await store.transaction(async (tx) => {
          for (const id of deleted) await tx.updateConsumer(id, { deletedAt: T0 + 1 }, T0 + 1);
        });

        const pages: string[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listConsumers({ limit: 3, after });
          if (page.length === 0) break;
          pages.push(page.map((c) => c.id));
          after = page.at(-1)!.id;
          assert.ok(pages.length < 10, "paging terminates");
        }
        const live = all.map((c) => c.id).filter((id) => !deleted.includes(id));
        assert.deepEqual(pages.flat(), [...live].sort());
        assert.deepEqual(
          pages.map((p) => p.length),
          [3, 3],
        );
        // a deleted consumer is still readable by id, with its deletion time
        assert.equal((await store.getConsumer(deleted[0]!))?.deletedAt, T0 + 1);
      });
    });

    describe("keys and versions", () => {
      it("round-trip with versions in version order; lockKey reads the same", async (t) => {
        const { store } = await fixture(t, d);
        const c = consumerRecord();
        const key = keyRecord(c.id, {
          name: "ci",
          scopes: ["read", "write:all"],
          prefix: "kr_live",
          metadata: { team: "core", limits: { rps: 10 } },
          expiresAt: T0 + 100 * HOUR,
        });
        const v1 = versionRecord(key.id, 1, {
          storedState: "grace",
          imported: true,
          start: "imp_",
          graceStartsAt: T0 + HOUR,
          expiresAt: T0 + 2 * HOUR,
          lastUsedAt: T0 + 5,
          checksumExemptPrefix: "kr_live",
          retireWhenUnusedMs: 30 * 60_000,
          extendMaxAt: T0 + 48 * HOUR,
          extendStepMs: HOUR,
          retiredReason: "unused for 30m",
        });
        const v2 = versionRecord(key.id, 2, { activatesAt: T0 + HOUR, createdAt: T0 + HOUR });
        await store.transaction(async (tx) => {
          await tx.insertConsumer(c, T0);
          await tx.insertKey(key, T0);
          await tx.insertVersion(v2);
          await tx.insertVersion(v1);
        });
        const expected = { key, versions: [v1, v2] };
        assert.deepEqual(await store.getKey(key.id), expected);
        assert.deepEqual(await store.transaction((tx) => tx.getKey(key.id)), expected);
        assert.deepEqual(await store.transaction((tx) => tx.lockKey(key.id)), expected);
        assert.equal(await store.getKey(newId("key")), undefined);
        assert.equal(await store.transaction((tx) => tx.lockKey(newId("key"))), undefined);
      });

      it("update only the patched fields", async (t) => {
        const { store } = await fixture(t, d);
        const { key, versions } = await seedKey(store, {
          key: { name: "a", scopes: ["x"], metadata: { m: 1 } },
        });
        await store.transaction((tx) => tx.updateKey(key.id, { scopes: ["y", "z"] }, T0 + 1));
        assert.deepEqual(await store.getKey(key.id), { key: { ...key, scopes: ["y", "z"] }, versions });
        await store.transaction((tx) =>
          tx.updateKey(key.id, { name: null, metadata: {}, revokedAt: T0 + 2 }, T0 + 2),
        );
        assert.deepEqual(await store.getKey(key.id), {
          key: { ...key, name: null, scopes: ["y", "z"], metadata: {}, revokedAt: T0 + 2 },
          versions,
        });
      });

      it("store a key's rate limit, change it and remove it", async (t) => {
        const { store } = await fixture(t, d);
        const limited = await seedKey(store, { key: { rateLimit: { limit: 100, periodMs: 60_000 } } });
        assert.deepEqual((await store.getKey(limited.key.id))?.key.rateLimit, {
          limit: 100,
          periodMs: 60_000,
        });
        await store.transaction((tx) =>
          tx.updateKey(limited.key.id, { rateLimit: { limit: 5, periodMs: 1_000 } }, T0 + 1),
        );
        assert.deepEqual((await store.getKey(limited.key.id))?.key.rateLimit, { limit: 5, periodMs: 1_000 });
        await store.transaction((tx) => tx.updateKey(limited.key.id, { name: "n" }, T0 + 2));
        assert.deepEqual((await store.getKey(limited.key.id))?.key.rateLimit, { limit: 5, periodMs: 1_000 });
        await store.transaction((tx) => tx.updateKey(limited.key.id, { rateLimit: null }, T0 + 3));
        assert.equal((await store.getKey(limited.key.id))?.key.rateLimit, undefined, "no limit: no field");
        const all = await store.loadAll();
        assert.equal(all.keys.find((k) => k.key.id === limited.key.id)?.key.rateLimit, undefined);
      });

      it("list by consumer and state in id pages; count live admin keys", async (t) => {
        const { store } = await fixture(t, d);
        const a = await seedKey(store);
        const a2 = await seedKey(store, { consumerId: a.consumerId, key: { revokedAt: T0 } });
        const a3 = await seedKey(store, {
          consumerId: a.consumerId,
          versions: [{}, { storedState: "grace" }],
        });
        const b = await seedKey(store, { key: { admin: true } });
        const b2 = await seedKey(store, { consumerId: b.consumerId, key: { admin: true, revokedAt: T0 } });
        const ids = (ks: KeyWithVersions[]) => ks.map((k) => k.key.id);
        const sorted = (...ks: Array<{ key: KeyRecord }>) => ks.map((k) => k.key.id).sort();

        assert.deepEqual(ids(await store.listKeys({ limit: 100 })), sorted(a, a2, a3, b, b2));
        assert.deepEqual(
          ids(await store.listKeys({ limit: 100, consumerId: a.consumerId })),
          sorted(a, a2, a3),
        );
        assert.deepEqual(
          ids(await store.listKeys({ limit: 100, consumerId: a.consumerId, state: "active" })),
          sorted(a, a3),
        );
        assert.deepEqual(ids(await store.listKeys({ limit: 100, state: "revoked" })), sorted(a2, b2));
        assert.deepEqual(await store.listKeys({ limit: 100, consumerId: newId("con") }), []);
        // each listed key carries all its versions
        const listedA3 = (await store.listKeys({ limit: 100 })).find((k) => k.key.id === a3.key.id);
        assert.deepEqual(listedA3, { key: a3.key, versions: a3.versions });

        const paged: string[] = [];
        let after: string | undefined;
        for (let page = await store.listKeys({ limit: 2 }); page.length > 0; ) {
          paged.push(...ids(page));
          after = page.at(-1)!.key.id;
          page = await store.listKeys({ limit: 2, after });
        }
        assert.deepEqual(paged, sorted(a, a2, a3, b, b2));

        assert.deepEqual(
          (await store.transaction((tx) => tx.listKeyIdsOfConsumer(a.consumerId))).sort(),
          sorted(a, a2, a3),
        );
        assert.equal(await store.transaction((tx) => tx.countAdminKeys()), 1);
      });

      it("find a key by the digest of any of its versions", async (t) => {
        const { store } = await fixture(t, d);
        const k = await seedKey(store, { versions: [{ storedState: "grace" }, {}] });
        const other = await seedKey(store);
        const expected = { key: k.key, versions: k.versions };
        assert.deepEqual(await store.findByDigest(k.versions[0]!.digest), expected);
        assert.deepEqual(await store.findByDigest(k.versions[1]!.digest), expected);
        assert.equal(await store.findByDigest("0".repeat(64)), undefined);
        assert.deepEqual(await store.transaction((tx) => tx.findByDigest(other.versions[0]!.digest)), {
          key: other.key,
          versions: other.versions,
        });
        assert.equal(await store.transaction((tx) => tx.digestExists(k.versions[1]!.digest)), true);
        assert.equal(await store.transaction((tx) => tx.digestExists("f".repeat(64))), false);
      });

      it("refuse a digest already used by another version", async (t) => {
        const { store } = await fixture(t, d);
        const k = await seedKey(store);
        const other = await seedKey(store);
        await assert.rejects(
          store.transaction((tx) =>
            tx.insertVersion(
              versionRecord(other.key.id, 2, { storedState: "grace", digest: k.versions[0]!.digest }),
            ),
          ),
          isCode("CONCURRENT_MODIFICATION"),
        );
        assert.deepEqual(await store.getKey(other.key.id), { key: other.key, versions: other.versions });
      });

      it("refuse a key of an unknown consumer and a version of an unknown key", async (t) => {
        const { store } = await fixture(t, d);
        const key = keyRecord(newId("con"));
        await assert.rejects(store.transaction((tx) => tx.insertKey(key, T0)));
        await assert.rejects(store.transaction((tx) => tx.insertVersion(versionRecord(key.id, 1))));
        assert.equal(await store.getKey(key.id), undefined);
      });

      it("patch versions in the given order, leaving unpatched stamps alone", async (t) => {
        const { store } = await fixture(t, d);
        const { key, versions } = await seedKey(store, {
          versions: [{}, { storedState: "scheduled", activatesAt: T0 + HOUR }],
        });
        const [v1, v2] = versions as [VersionRecord, VersionRecord];
        // demote first, then promote: the one-active index never sees two
        await store.transaction((tx) =>
          tx.patchVersions(key.id, [
            { version: 1, storedState: "grace", graceStartsAt: T0 + HOUR, expiresAt: T0 + 2 * HOUR },
            { version: 2, storedState: "active" },
          ]),
        );
        const g1 = {
          ...v1,
          storedState: "grace" as const,
          graceStartsAt: T0 + HOUR,
          expiresAt: T0 + 2 * HOUR,
        };
        const a2 = { ...v2, storedState: "active" as const };
        assert.deepEqual((await store.getKey(key.id))?.versions, [g1, a2]);

        // null clears a stamp; an absent field keeps it
        await store.transaction((tx) =>
          tx.patchVersions(key.id, [
            { version: 1, storedState: "revoked", revokedAt: T0 + 3, expiresAt: null },
          ]),
        );
        const r1 = { ...g1, storedState: "revoked" as const, revokedAt: T0 + 3, expiresAt: null };
        assert.deepEqual((await store.getKey(key.id))?.versions, [r1, a2]);
        await store.transaction((tx) => tx.patchVersions(key.id, []));
        assert.deepEqual((await store.getKey(key.id))?.versions, [r1, a2]);
      });
    });

    describe("batched writes (many keys in one transaction)", () => {
      it("patch many keys' versions per round, in each key's order; insert versions, sealed successors and audit entries multi-row", async (t) => {
        const { store } = await fixture(t, d);
        const a = await seedKey(store, {
          versions: [{}, { storedState: "scheduled", activatesAt: T0 + HOUR }],
        });
        const b = await seedKey(store, { versions: [{ retireWhenUnusedMs: 5_000, expiresAt: T0 + 9 }] });
        const c = await seedKey(store);
        const b3 = versionRecord(b.key.id, 2);
        const c2 = versionRecord(c.key.id, 2, { storedState: "scheduled", activatesAt: T0 + HOUR });
        await store.transaction(async (tx) => {
          await tx.patchManyVersions([
            // a's demotion comes before its promotion (two rounds); the one-active index never sees two
            {
              keyId: a.key.id,
              patches: [
                { version: 1, storedState: "grace", graceStartsAt: T0 + 1, expiresAt: T0 + HOUR },
                { version: 2, storedState: "active" },
              ],
            },
            // null clears a stamp, an absent field keeps it, every optional column can be set
            {
              keyId: b.key.id,
              patches: [
                {
                  version: 1,
                  storedState: "grace",
                  graceStartsAt: T0 + 2,
                  expiresAt: null,
                  extendMaxAt: T0 + 7,
                  extendStepMs: 1_000,
                  retiredReason: "unused",
                },
              ],
            },
            { keyId: c.key.id, patches: [] },
          ]);
          await tx.insertVersions([b3, c2]);
          await tx.putSealedSuccessors([
            { keyId: b.key.id, version: 1, successorVersion: 2, enc: "e1", ciphertext: "c1", createdAt: T0 },
            { keyId: c.key.id, version: 1, successorVersion: 2, enc: "e2", ciphertext: "c2", createdAt: T0 },
          ]);
          await tx.appendAudits([
            auditEntry({ targetId: a.key.id, data: { n: 1 } }),
            auditEntry({ targetId: b.key.id, data: { n: 2 } }),
            auditEntry({ targetId: c.key.id, data: { n: 3 } }),
          ]);
        });
        const [v1, v2] = a.versions as [VersionRecord, VersionRecord];
        assert.deepEqual((await store.getKey(a.key.id))?.versions, [
          { ...v1, storedState: "grace", graceStartsAt: T0 + 1, expiresAt: T0 + HOUR },
          { ...v2, storedState: "active" },
        ]);
        assert.deepEqual((await store.getKey(b.key.id))?.versions, [
          {
            ...b.versions[0]!,
            storedState: "grace",
            graceStartsAt: T0 + 2,
            expiresAt: null,
            extendMaxAt: T0 + 7,
            extendStepMs: 1_000,
            retiredReason: "unused",
          },
          b3,
        ]);
        assert.deepEqual((await store.getKey(c.key.id))?.versions, [c.versions[0], c2]);
        assert.deepEqual(
          (await store.sealedSuccessors(c.key.id, 1)).map((r) => [r.successorVersion, r.enc, r.ciphertext]),
          [[2, "e2", "c2"]],
        );
        const rows = await assertAuditChain(store);
        assert.deepEqual(
          rows.map((r) => [r.targetId, r.data.n]),
          [
            [a.key.id, 1],
            [b.key.id, 2],
            [c.key.id, 3],
          ],
        );
      });

      it("atEnd writes commit with the transaction's feed and audit rows, or roll back with it", async (t) => {
        const { store } = await fixture(t, d);
        const k = await seedKey(store);
        const v2 = versionRecord(k.key.id, 2, { storedState: "scheduled", activatesAt: T0 + HOUR });
        await store.transaction(async (tx) => {
          await tx.atEnd(async (end) => {
            await end.insertVersions([v2]);
            await end.putSealedSuccessor({
              keyId: k.key.id,
              version: 1,
              successorVersion: 2,
              enc: "e",
              ciphertext: "c",
              createdAt: T0,
            });
          });
          await tx.appendChange({ op: "key.rotated", keyId: k.key.id, consumerId: k.consumerId, at: T0 });
          await tx.appendAudits([auditEntry({ targetId: k.key.id })]);
        });
        assert.deepEqual((await store.getKey(k.key.id))?.versions, [k.versions[0], v2]);
        assert.equal((await store.sealedSuccessors(k.key.id, 1)).length, 1);
        const { changes, rows } = await store.changesWithIndexRows(0, 10);
        assert.deepEqual(
          changes.map((c) => [c.op, c.keyId, c.consumerId]),
          [["key.rotated", k.key.id, k.consumerId]],
        );
        assert.deepEqual(changes, await store.changesSince(0, 10), "the changes as changesSince reads them");
        assert.deepEqual(rows, await store.indexRowsOf([k.key.id]), "the rows as indexRowsOf reads them");
        assert.deepEqual(
          rows.map((r) => [r[IX.keyId], Number(r[IX.version]), r[IX.digest]]),
          [
            [k.key.id, 1, k.versions[0]!.digest],
            [k.key.id, 2, v2.digest],
          ],
        );
        assert.deepEqual(await store.changesWithIndexRows(changes[0]!.seq, 10), { changes: [], rows: [] });
        // a deferred insert that fails (a digest already used) fails the transaction, whole
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.atEnd((end) => end.insertVersion({ ...versionRecord(k.key.id, 3), digest: v2.digest }));
            await tx.appendChange({ op: "key.rotated", keyId: k.key.id, consumerId: k.consumerId, at: T0 });
          }),
          isCode("CONCURRENT_MODIFICATION"),
        );
        assert.equal((await store.getKey(k.key.id))?.versions.length, 2);
        assert.equal((await store.changesSince(0, 10)).length, 1);
        await assertAuditChain(store);
      });

      it("roll a batch back whole when one key's promotion comes before its demotion", async (t) => {
        const { store } = await fixture(t, d);
        const a = await seedKey(store);
        const b = await seedKey(store, {
          versions: [{}, { storedState: "scheduled", activatesAt: T0 + HOUR }],
        });
        await assert.rejects(
          store.transaction((tx) =>
            tx.patchManyVersions([
              { keyId: a.key.id, patches: [{ version: 1, storedState: "grace", graceStartsAt: T0 }] },
              {
                keyId: b.key.id,
                patches: [
                  { version: 2, storedState: "active" },
                  { version: 1, storedState: "grace" },
                ],
              },
            ]),
          ),
          isCode("CONCURRENT_MODIFICATION"),
        );
        assert.deepEqual(await store.getKey(a.key.id), { key: a.key, versions: a.versions });
        assert.deepEqual(await store.getKey(b.key.id), { key: b.key, versions: b.versions });
      });
    });

    describe("one active version per key", () => {
      it("refuses a second active version inserted in the same transaction, keeping nothing of it", async (t) => {
        const { store } = await fixture(t, d);
        const c = consumerRecord();
        const key = keyRecord(c.id);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertConsumer(c, T0);
            await tx.insertKey(key, T0);
            await tx.insertVersion(versionRecord(key.id, 1));
            await tx.appendChange({ op: "key.created", keyId: key.id, consumerId: c.id, at: T0 });
            await tx.appendAudit(auditEntry({ targetId: key.id }));
            await tx.insertVersion(versionRecord(key.id, 2));
          }),
          isCode("CONCURRENT_MODIFICATION"),
        );
        assert.equal(await store.getConsumer(c.id), undefined);
        assert.equal(await store.getKey(key.id), undefined);
        assert.equal(await store.latestSeq(), 0);
        assert.deepEqual(await store.changesSince(0, 10), []);
        assert.deepEqual(await store.listAudit({ afterSeq: 0, limit: 10 }), []);
      });

      it("refuses a second active version next to a committed one", async (t) => {
        const { store } = await fixture(t, d);
        const k = await seedKey(store);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.appendChange({ op: "key.rotated", keyId: k.key.id, consumerId: null, at: T0 });
            await tx.insertVersion(versionRecord(k.key.id, 2));
          }),
          isCode("CONCURRENT_MODIFICATION"),
        );
        assert.deepEqual(await store.getKey(k.key.id), { key: k.key, versions: k.versions });
        assert.equal(await store.latestSeq(), 0);
      });

      it("refuses a promotion patched before the demotion, and keeps the earlier patches of it out", async (t) => {
        const { store } = await fixture(t, d);
        const k = await seedKey(store, {
          versions: [
            {},
            { storedState: "scheduled", activatesAt: T0 + HOUR },
            { storedState: "revoked", revokedAt: T0 },
          ],
        });
        await assert.rejects(
          store.transaction((tx) =>
            tx.patchVersions(k.key.id, [
              { version: 3, storedState: "expired" },
              { version: 2, storedState: "active" },
              { version: 1, storedState: "grace" },
            ]),
          ),
          isCode("CONCURRENT_MODIFICATION"),
        );
        assert.deepEqual(await store.getKey(k.key.id), { key: k.key, versions: k.versions });
      });
    });

    describe("transactions", () => {
      it("return the callback's value", async (t) => {
        const { store } = await fixture(t, d);
        assert.deepEqual(await store.transaction(async () => ({ answer: 42 })), { answer: 42 });
      });

      it("leave no trace of any write when the callback throws", async (t) => {
        const { store } = await fixture(t, d);
        const before = await seedKey(store, { key: { name: "before" } });
        await store.transaction(async (tx) => {
          await tx.appendChange({ op: "key.created", keyId: before.key.id, consumerId: null, at: T0 });
          await tx.appendAudit(auditEntry({ action: "key.created" }));
        });
        const seqBefore = await store.latestSeq();

        const c = consumerRecord({ externalId: "gone" });
        const key = keyRecord(c.id);
        const v = versionRecord(key.id, 1);
        const boom = new Error("boom");
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertConsumer(c, T0);
            await tx.insertKey(key, T0);
            await tx.insertVersion(v);
            await tx.updateKey(before.key.id, { name: "changed" }, T0 + 1);
            await tx.patchVersions(before.key.id, [
              { version: 1, storedState: "revoked", revokedAt: T0 + 1 },
            ]);
            await tx.putIdempotency(key.id, "h".repeat(64), {
              requestHash: "r",
              response: { version: 1, previous: null },
              sealedSecret: "sealed",
              createdAt: T0,
            });
            await tx.appendChange({ op: "key.created", keyId: key.id, consumerId: c.id, at: T0 });
            await tx.appendAudit(auditEntry({ targetId: key.id }));
            assert.ok(await tx.getKey(key.id), "the transaction sees its own writes");
            throw boom;
          }),
          (err) => err === boom,
        );

        assert.equal(await store.getConsumer(c.id), undefined);
        assert.equal(await store.getKey(key.id), undefined);
        assert.deepEqual(await store.getKey(before.key.id), { key: before.key, versions: before.versions });
        assert.equal(await store.latestSeq(), seqBefore);
        assert.equal((await store.changesSince(0, 10)).length, 1);
        assert.equal((await store.listAudit({ afterSeq: 0, limit: 10 })).length, 1);
        await store.transaction(async (tx) => {
          assert.equal(await tx.digestExists(v.digest), false);
          assert.equal(await tx.findConsumerByExternalId("gone"), undefined);
          assert.equal(await tx.getIdempotency(key.id, "h".repeat(64)), undefined);
        });
        // the store is usable after the rollback, and the chain continues from the kept row
        await store.transaction((tx) => tx.appendAudit(auditEntry()));
        assert.equal((await assertAuditChain(store)).length, 2);
      });
    });

    describe("change feed", () => {
      it("appends with strictly increasing seq and pages in order", async (t) => {
        const { store } = await fixture(t, d);
        assert.equal(await store.latestSeq(), 0);
        assert.deepEqual(await store.changesSince(0, 10), []);

        const written = [
          { op: "consumer.created", keyId: null, consumerId: "con_1", at: T0 },
          { op: "key.created", keyId: "key_1", consumerId: "con_1", at: T0 + 1 },
          { op: "key.rotated", keyId: "key_1", consumerId: null, at: T0 + 2 },
          { op: "key.revoked", keyId: "key_1", consumerId: "con_1", at: T0 + 3 },
          { op: "consumer.deleted", keyId: null, consumerId: "con_1", at: T0 + 4 },
        ];
        await store.transaction((tx) => tx.appendChange(written[0]!));
        await store.transaction(async (tx) => {
          await tx.appendChange(written[1]!);
          await tx.appendChange(written[2]!);
        });
        for (const c of written.slice(3)) await store.transaction((tx) => tx.appendChange(c));

        const all = await store.changesSince(0, 100);
        assert.deepEqual(
          all.map(({ seq: _, ...c }) => c),
          written,
        );
        for (let i = 1; i < all.length; i++) assert.ok(all[i]!.seq > all[i - 1]!.seq, "seq increases");
        assert.equal(await store.latestSeq(), all.at(-1)!.seq);

        const paged = [];
        for (let page = await store.changesSince(0, 2); page.length > 0; ) {
          assert.ok(page.length <= 2);
          paged.push(...page);
          page = await store.changesSince(page.at(-1)!.seq, 2);
        }
        assert.deepEqual(paged, all);
        assert.deepEqual(await store.changesSince(all[2]!.seq, 100), all.slice(3));
        assert.deepEqual(await store.changesSince(all.at(-1)!.seq, 100), []);
      });

      it("is shared by every store on the database", async (t) => {
        const { store, open } = await fixture(t, d);
        const other = await open();
        const k = await seedKey(store);
        await store.transaction((tx) =>
          tx.appendChange({ op: "key.created", keyId: k.key.id, consumerId: k.consumerId, at: T0 }),
        );
        assert.deepEqual(await other.getKey(k.key.id), { key: k.key, versions: k.versions });
        assert.deepEqual(await other.changesSince(0, 10), await store.changesSince(0, 10));
        assert.equal(await other.latestSeq(), await store.latestSeq());
        await other.transaction((tx) => tx.appendChange({ op: "x", keyId: null, consumerId: null, at: T0 }));
        assert.equal((await store.changesSince(0, 10)).length, 2);
      });

      it("loadAll returns every key with its versions and the feed position", async (t) => {
        const { store } = await fixture(t, d);
        assert.deepEqual(await store.loadAll(), { keys: [], seq: 0 });
        const seeded = [
          await seedKey(store),
          await seedKey(store, { versions: [{ storedState: "grace" }, {}] }),
          await seedKey(store, {
            key: { revokedAt: T0 },
            versions: [{ storedState: "revoked", revokedAt: T0 }],
          }),
        ];
        for (const s of seeded) {
          await store.transaction((tx) =>
            tx.appendChange({ op: "key.created", keyId: s.key.id, consumerId: null, at: T0 }),
          );
        }
        const { keys, seq } = await store.loadAll();
        assert.equal(seq, await store.latestSeq());
        const byId = (a: KeyWithVersions, b: KeyWithVersions) => (a.key.id < b.key.id ? -1 : 1);
        assert.deepEqual(
          [...keys].sort(byId),
          seeded.map((s) => ({ key: s.key, versions: s.versions })).sort(byId),
        );
      });
    });

    describe("audit log", () => {
      it("chains every entry to its predecessor, within and across transactions", async (t) => {
        const { store } = await fixture(t, d);
        const entries = [
          auditEntry({
            action: "consumer.created",
            actor: { type: "system", rule: "bootstrap" },
            targetId: "con_1",
            requestId: null,
            address: null,
            data: {},
          }),
          auditEntry({
            action: "key.created",
            targetId: "key_1",
            data: { scopes: ["a"], z: 1, a: { y: 2, b: 3 } },
          }),
          auditEntry({ action: "key.rotated", targetId: "key_1", data: { reason: "leak ✓", graceMs: HOUR } }),
          auditEntry({ action: "key.revoked", at: T0 + 5, data: { none: null, list: [1, "two", false] } }),
        ];
        await store.transaction((tx) => tx.appendAudit(entries[0]!));
        await store.transaction(async (tx) => {
          await tx.appendAudit(entries[1]!);
          await tx.appendAudit(entries[2]!);
        });
        await store.transaction((tx) => tx.appendAudit(entries[3]!));

        const rows = await assertAuditChain(store);
        assert.equal(rows[0]!.prevHash, GENESIS_HASH);
        assert.deepEqual(
          rows.map((r) => ({
            id: r.id,
            at: Date.parse(r.at),
            actor: r.actor,
            action: r.action,
            targetId: r.targetId,
            requestId: r.requestId,
            address: r.address,
            data: r.data,
            diff: r.diff,
          })),
          entries,
        );
        assert.deepEqual(await store.listAudit({ afterSeq: rows[1]!.seq, limit: 2 }), rows.slice(2, 4));
        assert.deepEqual(await store.listAudit({ afterSeq: rows.at(-1)!.seq, limit: 10 }), []);
      });
    });

    describe("idempotency records", () => {
      it("round-trip per key and idempotency-key hash; a later put replaces", async (t) => {
        const { store } = await fixture(t, d);
        const { key } = await seedKey(store);
        const rotated: IdempotencyRecord = {
          requestHash: "req-hash-1",
          response: { version: 2, previous: { version: 1, expiresAt: T0 + HOUR } },
          sealedSecret: "v1.sealed.payload==",
          createdAt: T0,
        };
        const first: IdempotencyRecord = {
          requestHash: "req-hash-2",
          response: { version: 1, previous: null },
          sealedSecret: "v1.other",
          createdAt: T0 + 1,
        };
        await store.transaction(async (tx) => {
          await tx.putIdempotency(key.id, "idem-a", rotated);
          await tx.putIdempotency(key.id, "idem-b", first);
        });
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.getIdempotency(key.id, "idem-a"), rotated);
          assert.deepEqual(await tx.getIdempotency(key.id, "idem-b"), first);
          assert.equal(await tx.getIdempotency(key.id, "idem-c"), undefined);
          assert.equal(await tx.getIdempotency(newId("key"), "idem-a"), undefined);
        });
        // a record past its TTL is replaced when the same Idempotency-Key comes back
        const reused: IdempotencyRecord = { ...first, createdAt: T0 + 48 * HOUR };
        await store.transaction((tx) => tx.putIdempotency(key.id, "idem-a", reused));
        await store.transaction(async (tx) => {
          assert.deepEqual(await tx.getIdempotency(key.id, "idem-a"), reused);
          assert.deepEqual(await tx.getIdempotency(key.id, "idem-b"), first);
        });
      });
    });

    describe("usage and due work", () => {
      it("a usage flush only moves lastUsedAt forward", async (t) => {
        const { store } = await fixture(t, d);
        const { key } = await seedKey(store, { versions: [{ storedState: "grace" }, {}] });
        const lastUsed = async () => (await store.getKey(key.id))!.versions.map((v) => v.lastUsedAt);
        await store.usage.flushUsage([], [], []);
        assert.deepEqual(await lastUsed(), [null, null]);
        await store.usage.flushUsage(
          [],
          [],
          [
            { keyId: key.id, version: 1, at: T0 + 100 },
            { keyId: key.id, version: 2, at: T0 + 50 },
          ],
        );
        assert.deepEqual(await lastUsed(), [T0 + 100, T0 + 50]);
        await store.usage.flushUsage(
          [],
          [],
          [
            { keyId: key.id, version: 1, at: T0 + 10 },
            { keyId: key.id, version: 2, at: T0 + 500 },
            { keyId: key.id, version: 3, at: T0 + 900 },
            { keyId: newId("key"), version: 1, at: T0 + 900 },
          ],
        );
        assert.deepEqual(await lastUsed(), [T0 + 100, T0 + 500]);
        await store.usage.flushUsage([], [], [{ keyId: key.id, version: 1, at: T0 + 100 }]);
        assert.deepEqual(await lastUsed(), [T0 + 100, T0 + 500]);
      });

      it("dueKeyIds finds keys whose stored state lags the time, and no others", async (t) => {
        const { store } = await fixture(t, d);
        const now = T0 + 10 * HOUR;
        const graceOver = await seedKey(store, {
          versions: [{ storedState: "grace", graceStartsAt: T0, expiresAt: T0 + HOUR }, {}],
        });
        const scheduledDue = await seedKey(store, {
          versions: [{}, { storedState: "scheduled", activatesAt: now }],
        });
        const graceStarts = await seedKey(store, {
          versions: [
            { graceStartsAt: T0 + 5 * HOUR, expiresAt: T0 + 20 * HOUR },
            { storedState: "scheduled", activatesAt: T0 + 5 * HOUR },
          ],
        });
        const twoDue = await seedKey(store, {
          versions: [
            { storedState: "grace", graceStartsAt: T0, expiresAt: T0 + HOUR },
            { storedState: "grace", graceStartsAt: T0 + HOUR, expiresAt: T0 + 2 * HOUR },
            {},
          ],
        });
        // not due: grace still running, scheduled later, plain active, already revoked or expired
        await seedKey(store, {
          versions: [{ storedState: "grace", graceStartsAt: T0, expiresAt: now + 1 }, {}],
        });
        await seedKey(store, { versions: [{}, { storedState: "scheduled", activatesAt: now + 1 }] });
        await seedKey(store);
        await seedKey(store, { versions: [{ storedState: "revoked", revokedAt: T0, expiresAt: T0 + HOUR }] });
        await seedKey(store, {
          versions: [{ storedState: "expired", graceStartsAt: T0, expiresAt: T0 + HOUR }],
        });

        const due = [graceOver, scheduledDue, graceStarts, twoDue].map((k) => k.key.id).sort();
        assert.deepEqual((await store.dueKeyIds(now, 100)).sort(), due);
        const one = await store.dueKeyIds(now, 1);
        assert.equal(one.length, 1);
        assert.ok(due.includes(one[0]!));
        assert.deepEqual(await store.dueKeyIds(T0 - 1, 100), []);
      });
    });

    describe("clock", () => {
      it("dbNow is the database's epoch-ms time, near this machine's and not going back", async (t) => {
        const { store } = await fixture(t, d);
        const a = await store.dbNow();
        const b = await store.dbNow();
        assert.ok(Number.isInteger(a), `integer ms, got ${a}`);
        assert.ok(Math.abs(a - Date.now()) < 5_000, "within 5 s of the local clock");
        assert.ok(b >= a);
      });
    });

    describe("leader lock", () => {
      it(
        d.exclusiveLeader ? "is held by one store at a time" : "is always held (one file, one server)",
        async (t) => {
          const { store, open, defer } = await fixture(t, d);
          const locks = [store.leaderLock(), (await open()).leaderLock()] as const;
          for (const l of locks) defer(() => l.release());
          const got = await Promise.all(locks.map((l) => l.tryAcquire()));
          if (!d.exclusiveLeader) {
            assert.deepEqual(got, [true, true]);
            await locks[0].release();
            assert.equal(await locks[0].tryAcquire(), true);
            return;
          }
          assert.equal(got.filter(Boolean).length, 1, `exactly one holder, got ${got}`);
          const [holder, waiter] = got[0] ? locks : [locks[1], locks[0]];
          assert.equal(await holder.tryAcquire(), true, "repeated tries keep it");
          assert.equal(await waiter.tryAcquire(), false);
          await holder.release();
          assert.equal(await waiter.tryAcquire(), true, "free after the holder's release");
          assert.equal(await holder.tryAcquire(), false);
        },
      );

      it("is freed when its holder's connection dies", {
        skip: !d.exclusiveLeader && "every SQLite store is the leader",
      }, async (t) => {
        const { store, location, open, defer } = await fixture(t, d);
        const holder = store.leaderLock();
        const waiter = (await open()).leaderLock();
        defer(() => holder.release());
        defer(() => waiter.release());
        assert.equal(await holder.tryAcquire(), true);
        assert.equal(await waiter.tryAcquire(), false);
        const killed = await terminateSessions(
          location,
          `pid in (select pid from pg_locks where locktype = 'advisory' and granted)`,
        );
        assert.equal(killed, 1, "one advisory lock holder");
        let took = false;
        for (let i = 0; i < 100 && !took; i++) {
          took = await waiter.tryAcquire();
          if (!took) await sleep(20);
        }
        assert.equal(took, true, "another store takes over");
        assert.equal(await holder.tryAcquire(), false);
      });
    });

    describe("listen", () => {
      it(
        d.pushesChanges
          ? "notifies another store of committed changes only"
          : "is absent: the feed is polled",
        async (t) => {
          const { store, open, defer } = await fixture(t, d);
          const other = await open();
          if (!d.pushesChanges) {
            assert.equal(store.listen, undefined);
            return;
          }
          assert.ok(other.listen, "listen is available");
          let notified = 0;
          let connected = false;
          const listener = other.listen({
            onNotify: () => notified++,
            onConnected: () => {
              connected = true;
            },
            onDisconnected: () => undefined,
          });
          defer(() => listener.close());
          await waitFor("the listener to connect", () => connected);

          await assert.rejects(
            store.transaction(async (tx) => {
              await tx.appendChange({ op: "rolled.back", keyId: null, consumerId: null, at: T0 });
              throw new Error("roll back");
            }),
          );
          await store.transaction((tx) =>
            tx.appendChange({ op: "committed", keyId: null, consumerId: null, at: T0 }),
          );
          await waitFor("a notification", () => notified >= 1);
          // notifications arrive in commit order: a rolled-back one would have come first
          await sleep(200);
          assert.equal(notified, 1);

          // one per link, not per row (migration 0013): a transaction that appends several
          // changes is read in one go, and the listener is told once, when they are readable
          await store.transaction(async (tx) => {
            await tx.appendChange({ op: "a", keyId: null, consumerId: null, at: T0 });
            await tx.appendChange({ op: "b", keyId: null, consumerId: null, at: T0 });
          });
          await waitFor("one more notification", () => notified >= 2);
          await sleep(100);
          assert.equal(notified, 2);
          assert.deepEqual(
            (await other.changesSince(0, 10)).map((c) => c.op),
            ["committed", "a", "b"],
          );
        },
      );

      it("reports a lost connection, reconnects and says so, and notifies again", {
        skip: !d.pushesChanges && "SQLite has no listen",
      }, async (t) => {
        const { store, location, open, defer } = await fixture(t, d);
        const other = await open();
        let notified = 0;
        let connects = 0;
        let disconnects = 0;
        const listener = other.listen!({
          onNotify: () => notified++,
          onConnected: () => connects++,
          onDisconnected: () => disconnects++,
        });
        defer(() => listener.close());
        await waitFor("the listener to connect", () => connects === 1);

        assert.equal(await terminateSessions(location, "application_name = 'keyroll-listen'"), 1);
        await waitFor("the disconnect to be reported", () => disconnects === 1);
        await waitFor("the listener to reconnect", () => connects === 2);
        await store.transaction((tx) =>
          tx.appendChange({ op: "after", keyId: null, consumerId: null, at: T0 }),
        );
        await waitFor("a notification after the reconnect", () => notified === 1);
      });
    });

    describe("concurrent writers", () => {
      it("on one key commit in lock order, with the feed's seq in commit order", async (t) => {
        const { store, open } = await fixture(t, d);
        const reader = await open();
        const k = await seedKey(store);
        const follow = followFeed(reader);
        let ticket = 0;
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            store.transaction(async (tx) => {
              assert.ok(await tx.lockKey(k.key.id));
              // taken while holding the key's lock: the order in which the transactions commit
              const n = ++ticket;
              await sleep(i % 3);
              await tx.appendChange({ op: `tick:${n}`, keyId: k.key.id, consumerId: null, at: T0 + n });
              await sleep(i % 2);
            }),
          ),
        );
        const { seen, late } = await follow.stop();
        assert.deepEqual(
          results.filter((r) => r.status === "rejected"),
          [],
        );
        const feedRows = await store.changesSince(0, 100);
        assert.deepEqual(
          feedRows.map((c) => c.op),
          Array.from({ length: 20 }, (_, i) => `tick:${i + 1}`),
        );
        assert.deepEqual(late, [], "no seq became visible after a higher one was read");
        assert.deepEqual(
          seen,
          feedRows.map((c) => c.seq),
        );
      });

      it("on different keys never let a reader pass a seq that commits later, and keep one audit chain", async (t) => {
        const { store, open } = await fixture(t, d);
        const reader = await open();
        // where the dialect allows it, two nodes write at once
        const writers = d.concurrentStores ? [store, await open()] : [store];
        const keys = [];
        for (let i = 0; i < 20; i++) keys.push(await seedKey(store));
        const follow = followFeed(reader);
        const results = await Promise.allSettled(
          keys.map((k, i) =>
            writers[i % writers.length]!.transaction(async (tx) => {
              assert.ok(await tx.lockKey(k.key.id));
              await tx.appendChange({ op: "key.rotated", keyId: k.key.id, consumerId: null, at: T0 });
              await tx.appendAudit(auditEntry({ targetId: k.key.id, data: { i } }));
              // hold the commit back a little: a later seq must not become visible first
              await sleep((i * 7) % 11);
            }),
          ),
        );
        const { seen, late } = await follow.stop();
        assert.deepEqual(
          results.filter((r) => r.status === "rejected"),
          [],
        );
        const feedRows = await store.changesSince(0, 100);
        assert.equal(feedRows.length, 20);
        assert.deepEqual(late, [], "no seq became visible after a higher one was read");
        assert.deepEqual(
          seen,
          feedRows.map((c) => c.seq),
        );
        const audit = await assertAuditChain(store);
        assert.equal(audit.length, 20);
        // feed and audit are appended under one lock: both tables agree on the commit order
        assert.deepEqual(
          audit.map((a) => a.targetId),
          feedRows.map((c) => c.keyId),
        );
      });
    });

    describe("webhooks and the outbox", () => {
      const hook = (over: Partial<WebhookRecord> = {}): WebhookRecord => ({
        id: newId("whk"),
        url: "https://example.com/hook",
        events: ["key.created", "key.rotated"],
        consumerId: null,
        enabled: true,
        description: null,
        secret: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI=",
        previousSecret: null,
        previousSecretExpiresAt: null,
        disabledReason: null,
        failingSince: null,
        createdAt: T0,
        updatedAt: T0,
        ...over,
      });
      const event = (type: string, keyId: string, consumerId: string, at = T0) => ({
        id: newId("evt", at),
        type,
        keyId,
        consumerId,
        body: JSON.stringify({ type, timestamp: new Date(at).toISOString(), data: { keyId } }),
        at,
      });

      it("fan an event out to the subscribed endpoints only, in the event's transaction", async (t) => {
        const { store } = await fixture(t, d);
        const k = await seedKey(store);
        const all = hook();
        const mine = hook({ consumerId: k.consumerId });
        const other = hook({ consumerId: newId("con") });
        const off = hook({ enabled: false });
        const rotatedOnly = hook({ events: ["key.rotated"] });
        await store.transaction(async (tx) => {
          for (const h of [all, mine, other, off, rotatedOnly]) await tx.webhooks.insertWebhook(h);
        });
        assert.deepEqual(await store.webhooks.getWebhook(mine.id), mine);
        const n = await store.transaction((tx) =>
          tx.webhooks.appendEvent(event("key.created", k.key.id, k.consumerId)),
        );
        assert.equal(n, 2);
        // a transaction that fails leaves no event and no delivery behind
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.webhooks.appendEvent(event("key.created", k.key.id, k.consumerId));
            throw new Error("boom");
          }),
        );
        const due = await store.webhooks.dueDeliveries(T0, 100);
        assert.deepEqual(due.map((x) => x.webhook.id).sort(), [all.id, mine.id].sort());
        assert.equal((await store.webhooks.deliveryCounts()).pending, 2);
      });

      it("queueEvents writes what appendEvents writes, and counts what it made", async (t) => {
        // PostgreSQL sends it with the COMMIT as one statement joined with the endpoints in the
        // database; SQLite runs appendEvents: the rows must be the same either way
        const { store } = await fixture(t, d);
        const k = await seedKey(store);
        const k2 = await seedKey(store);
        const hooks = [
          hook(),
          hook({ consumerId: k.consumerId }),
          hook({ consumerId: k2.consumerId, events: ["key.rotated"] }),
          hook({ consumerId: newId("con") }),
          hook({ enabled: false }),
          hook({ events: ["key.rotated"] }),
        ];
        const gone = hook();
        await store.transaction(async (tx) => {
          for (const h of [...hooks, gone]) await tx.webhooks.insertWebhook(h);
          await tx.webhooks.deleteWebhook(gone.id, T0);
        });
        const batch = () => [
          event("key.created", k.key.id, k.consumerId),
          event("key.rotated", k.key.id, k.consumerId),
          event("key.rotated", k2.key.id, k2.consumerId),
          event("key.revoked", k2.key.id, k2.consumerId),
        ];
        const a = batch();
        const made = await store.transaction((tx) => tx.webhooks.appendEvents(a));
        const b = batch();
        let counted: number | undefined;
        await store.transaction((tx) =>
          tx.webhooks.queueEvents(b, {}, (n) => {
            counted = n;
          }),
        );
        assert.equal(made, 8);
        assert.equal(counted, made, "counted as appendEvents counts");
        // a failing write leaves nothing (checked by the counts below)
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.webhooks.queueEvents(batch(), {}, () => undefined);
            throw new Error("boom");
          }),
        );
        const shape = (events: typeof a, list: Awaited<ReturnType<typeof store.webhooks.listDeliveries>>) =>
          list
            .filter((x) => events.some((e) => e.id === x.eventId))
            .sort((x, y) => x.seq - y.seq)
            .map((x) => {
              const i = events.findIndex((e) => e.id === x.eventId);
              return {
                event: i,
                suffix: x.id.slice(`dlv_${x.eventId.slice(4)}`.length),
                type: x.eventType,
                orderKey: x.orderKey,
                status: x.status,
                attempts: x.attempts,
                nextAttemptAt: x.nextAttemptAt,
                createdAt: x.createdAt,
              };
            });
        let total = 0;
        for (const h of [...hooks, gone]) {
          const list = await store.webhooks.listDeliveries(h.id, { limit: 100 });
          assert.deepEqual(shape(b, list), shape(a, list), `deliveries to ${h.id}`);
          total += shape(b, list).length;
        }
        assert.equal(total, made);
        // the ids are those appendEvents gives: the event's id and the endpoint's place among them
        const first = await store.webhooks.listDeliveries(hooks[0]!.id, { limit: 100 });
        assert.ok(first.some((x) => x.id === `dlv_${b[0]!.id.slice(4)}00`));
        assert.ok(first.some((x) => x.id === `dlv_${b[1]!.id.slice(4)}00`));
        assert.equal((await store.webhooks.deliveryCounts()).pending, 2 * made);
      });

      it("hand out only the oldest pending delivery per endpoint and key, and record attempts", async (t) => {
        const { store } = await fixture(t, d);
        const k1 = await seedKey(store);
        const k2 = await seedKey(store);
        const h = hook();
        await store.transaction((tx) => tx.webhooks.insertWebhook(h));
        for (const type of ["key.created", "key.rotated"]) {
          for (const k of [k1, k2])
            await store.transaction((tx) => tx.webhooks.appendEvent(event(type, k.key.id, k.consumerId)));
        }
        let due = await store.webhooks.dueDeliveries(T0, 100);
        assert.deepEqual(
          due.map((x) => [x.orderKey, x.eventType]),
          [
            [k1.key.id, "key.created"],
            [k2.key.id, "key.created"],
          ],
        );
        await store.webhooks.recordAttempt(due[0]!.id, {
          at: T0,
          status: "pending",
          attempts: 1,
          nextAttemptAt: T0 + 5_000,
          lastStatus: 500,
          lastError: "answered 500",
        });
        await store.webhooks.recordAttempt(due[1]!.id, {
          at: T0,
          status: "delivered",
          attempts: 1,
          nextAttemptAt: null,
          lastStatus: 204,
          lastError: null,
        });
        due = await store.webhooks.dueDeliveries(T0 + 1, 100);
        // k1's first event waits for its retry, and holds its second back; k2 moves on
        assert.deepEqual(
          due.map((x) => [x.orderKey, x.eventType]),
          [[k2.key.id, "key.rotated"]],
        );
        due = await store.webhooks.dueDeliveries(T0 + 5_000, 100);
        assert.equal(due[0]!.orderKey, k1.key.id);
        assert.equal(due[0]!.attempts, 1);
        const listed = await store.webhooks.listDeliveries(h.id, { limit: 10 });
        assert.equal(listed.length, 4);
        assert.deepEqual(await store.webhooks.deliveryCounts(), { pending: 3, failed: 0 });
        await store.webhooks.disableWebhook(h.id, "gone", T0);
        assert.deepEqual(await store.webhooks.dueDeliveries(T0 + 10_000, 100), []);
        // only what was delivered before the cut is purged
        assert.equal(await store.webhooks.purgeDelivered(T0), 0);
        assert.equal(await store.webhooks.purgeDelivered(T0 + 1), 1);
        assert.equal((await store.webhooks.listDeliveries(h.id, { limit: 10 })).length, 3);
      });

      it("record marks once, or at most every so often", async (t) => {
        const { store } = await fixture(t, d);
        const once = (s: string, at: number) => store.transaction((tx) => tx.webhooks.markOnce(s, at));
        const every = (s: string, at: number) =>
          store.transaction((tx) => tx.webhooks.markAtMostEvery(s, at, HOUR));
        assert.equal(await once("a", T0), true);
        assert.equal(await once("a", T0 + 1), false);
        assert.equal(await every("b", T0), true);
        assert.equal(await every("b", T0 + HOUR - 1), false);
        assert.equal(await every("b", T0 + HOUR), true);
        assert.deepEqual(
          await store.webhooks.marks(["a", "b", "c"]),
          new Map([
            ["a", T0],
            ["b", T0 + HOUR],
          ]),
        );
      });
    });

    describe("waits, batches and many keys", () => {
      it("what is read under a key's lock includes what the lock's previous holder committed", async (t) => {
        // PostgreSQL sends the lock, the versions and the idempotency record in one round trip
        // (statements of one pipeline, each with its own snapshot once the lock is granted)
        const { store, open } = await fixture(t, d);
        // SQLite: one store per file (its writers queue in it); PostgreSQL: another node's store
        const other = d.name === "sqlite" ? store : await open();
        const k = await seedKey(store);
        let locked!: () => void;
        const holding = new Promise<void>((r) => {
          locked = r;
        });
        const first = store.transaction(async (tx) => {
          await tx.lockKey(k.key.id);
          locked();
          await sleep(300);
          await tx.patchVersions(k.key.id, [
            { version: 1, storedState: "grace", graceStartsAt: T0, expiresAt: T0 + 1 },
          ]);
          await tx.insertVersion(versionRecord(k.key.id, 2));
          await tx.putIdempotency(k.key.id, "h1", {
            requestHash: "r",
            response: { version: 2, previous: null },
            sealedSecret: "s",
            createdAt: T0,
          });
        });
        await holding;
        const seen = await other.transaction((tx) => tx.lockKeyAndIdempotency(k.key.id, "h1"));
        await first;
        assert.deepEqual(
          seen.key?.versions.map((v) => [v.version, v.storedState]),
          [
            [1, "grace"],
            [2, "active"],
          ],
        );
        assert.equal(seen.idempotency?.response.version, 2);
        const none = await other.transaction((tx) => tx.lockKeyAndIdempotency("key_missing", "h1"));
        assert.equal(none.key, undefined);
      });

      it("a write that breaks the one-active index fails its whole transaction; the store goes on", async (t) => {
        // PostgreSQL holds the patch and sends it with the next statement: its error is that one's
        const { store } = await fixture(t, d);
        const k = await seedKey(store);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.insertVersion(versionRecord(k.key.id, 2, { storedState: "grace" }));
            await tx.patchVersions(k.key.id, [{ version: 2, storedState: "active" }]);
            await tx.appendChange({ op: "never", keyId: k.key.id, consumerId: null, at: T0 });
          }),
          (err: unknown) => (err as { code?: string }).code === "CONCURRENT_MODIFICATION",
        );
        assert.deepEqual(
          (await store.getKey(k.key.id))?.versions.map((v) => v.version),
          [1],
        );
        // a transaction that fails before any statement, then one that works
        await assert.rejects(
          store.transaction(async () => {
            throw new Error("before anything");
          }),
          /before anything/,
        );
        await store.transaction((tx) => tx.patchVersions(k.key.id, [{ version: 1, storedState: "grace" }]));
        assert.equal((await store.getKey(k.key.id))?.versions[0]?.storedState, "grace");
      });

      it("a transaction that gets no turn within the wait fails STORE_BUSY; the store goes on", async (t) => {
        const { open } = await fixture(t, d);
        const store = await open({ waitMs: 150, poolSize: 1 });
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        let entered!: () => void;
        const inside = new Promise<void>((r) => {
          entered = r;
        });
        const first = store.transaction(async (tx) => {
          entered();
          await held;
          await tx.appendChange({ op: "first", keyId: null, consumerId: null, at: T0 });
        });
        await inside;
        const t0 = performance.now();
        const second = store.transaction((tx) =>
          tx.appendChange({ op: "second", keyId: null, consumerId: null, at: T0 }),
        );
        await sleep(20);
        assert.equal(store.stats().waiting, 1, "the second one waits for its turn");
        assert.equal(store.stats().inUse, 1);
        await assert.rejects(second, (err: unknown) => (err as { code?: string }).code === "STORE_BUSY");
        assert.ok(performance.now() - t0 >= 140, "it waited for the configured time first");
        assert.equal(store.stats().busy, 1);
        assert.equal(store.stats().waiting, 0);
        release();
        await first;
        await store.transaction((tx) =>
          tx.appendChange({ op: "third", keyId: null, consumerId: null, at: T0 }),
        );
        assert.deepEqual(
          (await store.changesSince(0, 10)).map((c) => c.op),
          ["first", "third"],
        );
        const w = store.stats().wait;
        assert.equal(w.count, 3, "three waits: two got a turn, one ran out");
        assert.equal(
          w.buckets.reduce((a, b) => a + b, 0),
          3,
        );
        assert.ok(w.sum >= 0.14, "the one that ran out waited the whole time");
      });

      it("a row lock not granted within the wait fails STORE_BUSY", {
        skip: !d.concurrentStores && "one writer at a time",
      }, async (t) => {
        const { store, open } = await fixture(t, d);
        const other = await open({ waitMs: 150 });
        const k = await seedKey(store);
        let release!: () => void;
        const held = new Promise<void>((r) => {
          release = r;
        });
        let locked!: () => void;
        const isLocked = new Promise<void>((r) => {
          locked = r;
        });
        const holder = store.transaction(async (tx) => {
          await tx.lockKey(k.key.id);
          locked();
          await held;
        });
        await isLocked;
        await assert.rejects(
          other.transaction((tx) => tx.lockKey(k.key.id)),
          (err: unknown) => (err as { code?: string }).code === "STORE_BUSY",
        );
        release();
        await holder;
        assert.ok(await other.transaction((tx) => tx.lockKey(k.key.id)));
      });

      it("concurrent transactions all commit, and one that fails rolls back alone", async (t) => {
        const { store } = await fixture(t, d);
        const consumers = Array.from({ length: 12 }, () => consumerRecord());
        const commitsBefore = store.stats().commits ?? 0;
        const results = await Promise.allSettled(
          consumers.map((c, i) =>
            store.transaction(async (tx) => {
              await tx.insertConsumer(c, T0);
              await tx.appendChange({ op: `c${i}`, keyId: null, consumerId: c.id, at: T0 });
              await tx.appendAudit(auditEntry({ targetId: c.id }));
              if (i === 5) throw new Error("this one fails");
              return i;
            }),
          ),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          consumers.map((_, i) => (i === 5 ? "rejected" : "fulfilled")),
        );
        assert.equal(await store.getConsumer(consumers[5]!.id), undefined, "the failed one left nothing");
        for (const [i, c] of consumers.entries())
          if (i !== 5) assert.ok(await store.getConsumer(c.id), `consumer ${i} committed`);
        const feed = await store.changesSince(0, 100);
        assert.equal(feed.length, 11);
        assert.ok(!feed.some((c) => c.op === "c5"));
        assert.equal((await assertAuditChain(store)).length, 11);
        if (d.name === "sqlite") {
          // the first ran alone; the eleven that queued meanwhile shared one COMMIT
          const commits = (store.stats().commits ?? 0) - commitsBefore;
          assert.ok(commits <= 3, `${commits} commits for 12 transactions`);
        }
      });

      it("lockKeys returns the keys in id order, leaves missing ids out, and bulk writers do not deadlock", async (t) => {
        const { store, open } = await fixture(t, d);
        const keys = [];
        for (let i = 0; i < 8; i++) keys.push(await seedKey(store));
        const ids = keys.map((k) => k.key.id);
        const sorted = [...ids].sort();
        const got = await store.transaction((tx) => tx.lockKeys([...ids].reverse().concat("key_missing")));
        assert.deepEqual(
          got.map((k) => k.key.id),
          sorted,
        );
        assert.equal(got[0]!.versions.length, 1);
        // two bulk writers over the same keys, asking in opposite orders, on two stores where possible
        const other = d.concurrentStores ? await open() : store;
        const bulk = (s: Store, order: string[], tag: string) =>
          s.transaction(async (tx) => {
            for (const k of await tx.lockKeys(order)) {
              await sleep(1);
              await tx.updateKey(k.key.id, { name: tag }, T0);
              await tx.appendChange({ op: tag, keyId: k.key.id, consumerId: null, at: T0 });
            }
          });
        await Promise.all([bulk(store, ids, "a"), bulk(other, [...ids].reverse(), "b")]);
        const feed = await store.changesSince(0, 100);
        assert.equal(feed.length, 16);
        // one bulk write reaches the feed as one run: its keys together, in id order
        const first = feed.slice(0, 8);
        assert.ok(first.every((c) => c.op === first[0]!.op));
        assert.deepEqual(
          first.map((c) => c.keyId),
          sorted,
        );
      });
    });
  });
}
