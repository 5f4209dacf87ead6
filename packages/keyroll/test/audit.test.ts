// The audit log on both dialects, through the API: every mutation leaves one entry with its actor,
// request, address and diff (never a secret or a digest); a mutation whose entry cannot be written
// is rolled back; editing, deleting, reordering or cutting entries in the database is named by
// GET /v1/audit/verify; an export verifies offline with only the public key.
import assert from "node:assert/strict";
import { generateKeyPairSync, hash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { runCli } from "../src/cli/run-cli.js";
import { type AuditEntry, chainHash, GENESIS_HASH } from "../src/core/audit.js";
import { newId } from "../src/core/ids.js";
import { createKeyroll, type Keyroll, openStore, resolveConfig } from "../src/main.js";
import { migrations } from "../src/store/migrations/index.js";
import type { Store, StoreTx } from "../src/store/types.js";
import { ADMIN_KEY } from "./helpers.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

const { privateKey } = generateKeyPairSync("ed25519");
const SIGNING_KEY = privateKey.export({ type: "pkcs8", format: "pem" }).toString();

let pgs: TestPostgres | undefined;
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await pgs?.close();
});

interface Node {
  kr: Keyroll;
  dir: string;
  call(
    method: string,
    url: string,
    body?: unknown,
    auth?: boolean,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  /** Runs SQL on the node's database directly, as someone with database access would. */
  sql(text: string): Promise<void>;
  entries(): Promise<AuditEntry[]>;
}

const DIALECTS = ["sqlite", "postgres"] as const;

async function start(
  dialect: (typeof DIALECTS)[number],
  opts: { signing?: boolean; wrap?: (s: Store) => Store } = {},
): Promise<Node> {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-audit-"));
  let database = join(dir, "keyroll.db");
  if (dialect === "postgres") {
    pgs ??= await startTestPostgres();
    database = await pgs.createDatabase();
  }
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: database,
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "silent",
      ...(opts.signing !== false && { KEYROLL_AUDIT_SIGNING_KEY: SIGNING_KEY }),
    },
  });
  const store = openStore(database);
  const kr = await createKeyroll(config, { store: opts.wrap ? opts.wrap(store) : store });
  cleanups.push(async () => {
    await kr.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    kr,
    dir,
    async call(method, url, body, auth = true) {
      const res = await kr.app.inject({
        method: method as "GET",
        url,
        headers: auth ? { authorization: `Bearer ${ADMIN_KEY}` } : {},
        ...(body !== undefined && { payload: body as object }),
      });
      let parsed: unknown = res.body;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        // not JSON
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
    async sql(text) {
      if (dialect === "sqlite") {
        const db = new Database(database);
        try {
          db.exec(text);
        } finally {
          db.close();
        }
      } else {
        const c = new pg.Client({ connectionString: database });
        await c.connect();
        try {
          await c.query(text);
        } finally {
          await c.end();
        }
      }
    },
    async entries() {
      return kr.store.listAudit({ afterSeq: 0, limit: 100_000 });
    },
  };
}

const sha256 = (s: string) => hash("sha256", s, "hex");

for (const dialect of DIALECTS) {
  describe(`audit log (${dialect})`, { timeout: 60_000 }, () => {
    let node: Node;
    let adminKeyId: string;
    before(async () => {
      node = await start(dialect);
      adminKeyId = (await node.entries())[0]!.targetId!;
    });

    it("records every mutation: actor with key id and version, request id, address, diff; no secret or digest", async () => {
      const before = (await node.entries()).length;
      const secrets: string[] = [];
      const requestIds: string[] = [];
      const call = async (method: string, url: string, body?: unknown) => {
        const r = await node.call(method, url, body);
        assert.ok(r.status < 300, `${method} ${url}: ${JSON.stringify(r.body)}`);
        requestIds.push(String(r.headers["x-request-id"]));
        if (typeof r.body?.secret === "string") secrets.push(r.body.secret);
        return r.body;
      };
      const con = await call("POST", "/v1/consumers", { name: "Acme", metadata: { tier: "gold" } });
      await call("PATCH", `/v1/consumers/${con.id}`, { name: "Acme Corp", metadata: { tier: "gold" } });
      const key = await call("POST", "/v1/keys", { consumerId: con.id, name: "k", scopes: ["a"] });
      await call("PATCH", `/v1/keys/${key.key.id}`, { name: "k2", scopes: ["a", "b"] });
      await call("POST", `/v1/keys/${key.key.id}/rotate`, { gracePeriod: "1h" });
      await call("POST", `/v1/keys/${key.key.id}/rollback`, {});
      await call("POST", `/v1/keys/${key.key.id}/rotate`, { gracePeriod: "1h", reason: "scheduled" });
      await call("POST", `/v1/keys/${key.key.id}/versions/1/revoke`, { reason: "old" });
      const imported = await call("POST", "/v1/keys", {
        consumerId: con.id,
        secret: "imported_secret_0123456789abcdef",
      });
      secrets.push("imported_secret_0123456789abcdef");
      const admin2 = await call("POST", "/v1/keys", {
        consumerId: (await node.kr.store.getKey(adminKeyId))!.key.consumerId,
        scopes: ["keys:read"],
      });
      await call("POST", `/v1/keys/${admin2.key.id}/revoke`, {});
      await call("POST", `/v1/keys/${imported.key.id}/revoke`, { reason: "leaked" });
      await call("DELETE", `/v1/consumers/${con.id}`);

      const all = await node.entries();
      const mine = all.slice(before);
      assert.deepEqual(
        mine.map((e) => e.action),
        [
          "consumer.created",
          "consumer.updated",
          "key.created",
          "key.updated",
          "key.rotated",
          "key.rolled_back",
          "key.rotated",
          "version.revoked",
          "key.imported",
          "key.created",
          "key.revoked",
          "key.revoked",
          "consumer.deleted",
        ],
      );
      for (const [i, e] of mine.entries()) {
        assert.equal(e.v, 1);
        assert.deepEqual(e.actor, { type: "admin", keyId: adminKeyId, version: 1 }, e.action);
        assert.equal(e.requestId, requestIds[i], `${e.action}: the request id the caller saw`);
        assert.equal(e.address, "127.0.0.1");
        assert.match(e.hash!, /^[0-9a-f]{64}$/);
      }
      assert.deepEqual(
        mine[1]!.diff,
        { name: { from: "Acme", to: "Acme Corp" } },
        "unchanged metadata left out",
      );
      assert.deepEqual(mine[3]!.diff, {
        name: { from: "k", to: "k2" },
        scopes: { from: ["a"], to: ["a", "b"] },
      });
      assert.equal(mine[4]!.data.version, 2);
      assert.equal(mine[6]!.data.reason, "scheduled");
      assert.deepEqual(mine[12]!.data.revokedKeyIds, [key.key.id]);
      // nothing secret: not a secret, not its digest, not a part of either
      const text = JSON.stringify(all);
      for (const s of secrets) {
        assert.ok(!text.includes(s), "a secret is in the audit log");
        assert.ok(!text.includes(sha256(s)), "a digest is in the audit log");
        assert.ok(!text.includes(s.slice(-12)), "a part of a secret is in the audit log");
      }
      const v = await node.call("GET", "/v1/audit/verify");
      assert.equal(v.status, 200);
      assert.equal(v.body.valid, true, JSON.stringify(v.body.firstBad));
      assert.equal(v.body.entries, all.length);
      assert.equal(v.body.pending, 0);
    });

    it("the server's own work is recorded as system with its rule", async () => {
      const bootstrap = (await node.entries())[0]!;
      assert.equal(bootstrap.action, "admin.bootstrapped");
      assert.deepEqual(bootstrap.actor, { type: "system", rule: "bootstrap" });
      assert.equal(bootstrap.requestId, null);
      const r = await node.call("GET", "/v1/audit?actor=system");
      assert.equal(r.status, 200);
      assert.ok(r.body.data.length >= 1);
      for (const e of r.body.data) assert.equal(e.actor.type, "system");
    });

    it("GET /v1/audit filters by target, actor, action and time, in cursor pages", async () => {
      const all = await node.entries();
      const target = all.find((e) => e.action === "key.rotated")!.targetId!;
      const byTarget = await node.call("GET", `/v1/audit?targetId=${target}`);
      assert.equal(byTarget.status, 200);
      assert.deepEqual(
        byTarget.body.data.map((e: AuditEntry) => e.seq),
        all.filter((e) => e.targetId === target).map((e) => e.seq),
      );
      const byAction = await node.call("GET", "/v1/audit?action=key.rotated");
      assert.equal(byAction.body.data.length, 2);
      const byActor = await node.call("GET", `/v1/audit?actor=${adminKeyId}&limit=1000`);
      assert.equal(byActor.body.data.length, all.filter((e) => e.actor.type === "admin").length);
      const mid = all[5]!.at;
      const since = await node.call("GET", `/v1/audit?since=${mid}&limit=1000`);
      assert.ok(since.body.data.every((e: AuditEntry) => e.at >= mid));
      const until = await node.call("GET", `/v1/audit?until=${mid}&limit=1000`);
      assert.ok(until.body.data.every((e: AuditEntry) => e.at < mid));
      // pages: every entry once, in order
      const seen: number[] = [];
      let cursor: string | null = null;
      do {
        const r = await node.call("GET", `/v1/audit?limit=4${cursor ? `&cursor=${cursor}` : ""}`);
        assert.equal(r.status, 200);
        assert.ok(r.body.data.length <= 4);
        seen.push(...r.body.data.map((e: AuditEntry) => e.seq));
        cursor = r.body.nextCursor;
      } while (cursor !== null);
      assert.deepEqual(
        seen,
        all.map((e) => e.seq),
      );
      // the entry as the API shows it is the entry as the store holds it
      const first = await node.call("GET", "/v1/audit?limit=1");
      assert.deepEqual(first.body.data[0], all[0]);
    });

    it("bad filters and cursors are 400 problems; the log needs an admin key", async () => {
      for (const [url, code] of [
        ["/v1/audit?cursor=abc", "INVALID_CURSOR"],
        ["/v1/audit?limit=0", "VALIDATION_FAILED"],
        ["/v1/audit?limit=1001", "VALIDATION_FAILED"],
        ["/v1/audit?since=yesterday", "VALIDATION_FAILED"],
        ["/v1/audit?color=red", "VALIDATION_FAILED"],
        ["/v1/audit/checkpoints?cursor=-1", "INVALID_CURSOR"],
      ] as const) {
        const r = await node.call("GET", url);
        assert.equal(r.status, 400, url);
        assert.equal(r.body.code, code, url);
        assert.match(String(r.headers["content-type"]), /application\/problem\+json/);
      }
      for (const url of ["/v1/audit", "/v1/audit/verify", "/v1/audit/checkpoints"]) {
        assert.equal((await node.call("GET", url, undefined, false)).status, 401, url);
      }
    });

    it("checkpoints are signed with the key whose public half anyone can fetch", async () => {
      const cp = await node.kr.services.audit.checkpoint();
      assert.ok(cp);
      assert.equal(
        await node.kr.services.audit.checkpoint(),
        undefined,
        "no second checkpoint of the same head",
      );
      const pub = await node.call("GET", "/v1/audit/public-key", undefined, false);
      assert.equal(pub.status, 200);
      assert.equal(pub.body.algorithm, "Ed25519");
      assert.equal(pub.body.keyId, cp.keyId);
      assert.match(pub.body.publicKey, /^-----BEGIN PUBLIC KEY-----/);
      const cps = await node.call("GET", "/v1/audit/checkpoints");
      assert.deepEqual(cps.body.data.at(-1), cp);
      const v = await node.call("GET", "/v1/audit/verify");
      assert.equal(v.body.valid, true);
      assert.equal(v.body.checkpoints.verified, cps.body.data.length);
      assert.equal(v.body.checkpoints.entriesAfterLast, 0);
      assert.equal(v.body.checkpoints.signing, true);
    });

    describe("tampering in the database is named by seq", () => {
      let seqs: number[];
      before(async () => {
        await node.kr.services.audit.checkpoint();
        seqs = (await node.entries()).map((e) => e.seq);
        await node.sql("create table audit_backup as select * from audit_log");
      });
      const restore = () =>
        node.sql("delete from audit_log; insert into audit_log select * from audit_backup");
      const verify = async () => {
        const r = await node.call("GET", "/v1/audit/verify");
        assert.equal(r.status, 200);
        return r.body;
      };

      it("edit", async () => {
        const s = seqs[4]!;
        await node.sql(`update audit_log set data = '{"name":"Evil Corp"}' where seq = ${s}`);
        const v = await verify();
        assert.equal(v.valid, false);
        assert.deepEqual(v.firstBad?.seq, s);
        assert.match(v.firstBad.reason, /edited/);
        await restore();
        assert.equal((await verify()).valid, true, "restored");
      });

      it("edit of a column outside data (actor)", async () => {
        const s = seqs[2]!;
        await node.sql(`update audit_log set actor = 'key_someone_else' where seq = ${s}`);
        const v = await verify();
        assert.equal(v.firstBad?.seq, s);
        await restore();
      });

      it("delete", async () => {
        const s = seqs[6]!;
        await node.sql(`delete from audit_log where seq = ${s}`);
        const v = await verify();
        assert.equal(v.valid, false);
        assert.equal(v.firstBad?.seq, seqs[7]);
        assert.match(v.firstBad.reason, /removed/);
        await restore();
      });

      it("reorder", async () => {
        const [a, b] = [seqs[3]!, seqs[4]!];
        await node.sql(
          `update audit_log set seq = -1 where seq = ${a}; update audit_log set seq = ${a} where seq = ${b}; update audit_log set seq = ${b} where seq = -1`,
        );
        const v = await verify();
        assert.equal(v.valid, false);
        assert.equal(v.firstBad?.seq, a);
        await restore();
      });

      it("truncate: the chain left is consistent, the last checkpoint catches the cut", async () => {
        const cut = seqs.slice(-3);
        await node.sql(`delete from audit_log where seq >= ${cut[0]}`);
        const v = await verify();
        assert.equal(v.valid, false);
        assert.equal(v.firstBad?.seq, seqs.at(-1));
        assert.match(v.firstBad.reason, /tail was cut off/);
        assert.equal(v.entries, seqs.length - 3);
        await restore();
        assert.equal((await verify()).valid, true);
      });

      it("a forged checkpoint", async () => {
        await node.sql(`update audit_checkpoints set hash = '${"a".repeat(64)}'`);
        const v = await verify();
        assert.equal(v.valid, false);
        assert.match(v.firstBad.reason, /bad signature/);
      });
    });
  });

  describe(`audit log, failures (${dialect})`, { timeout: 60_000 }, () => {
    it("an entry committed but not linked yet is pending, outside checkpoints, and the next link chains it", {
      skip: dialect === "sqlite" && "SQLite links in the writer's transaction",
    }, async () => {
      const node = await start(dialect);
      // no leader tick: only this test links (decision 0012: a writer that died before its link)
      await node.kr.scheduler.stop();
      assert.equal((await node.call("POST", "/v1/consumers", { name: "linked" })).status, 201);
      const linked = await node.entries();
      await node.sql(`insert into pending_audit (ticket, ord, audit_id, at, v, actor, actor_type, actor_version,
                        actor_rule, action, target_id, request_id, address, data, diff)
                      values (nextval('pending_ticket'), 0, 'aud_queued_1', 1767225600000, 1, null, 'system', null,
                        'scheduler.settle', 'key.settled', 'key_x', null, null, '{"versions":[]}', null)`);
      const before = (await node.call("GET", "/v1/audit/verify")).body;
      assert.equal(before.valid, true, JSON.stringify(before.firstBad));
      assert.equal(before.pending, 1);
      assert.equal(before.entries, linked.length);
      const cp = await node.kr.services.audit.checkpoint();
      assert.equal(cp?.seq, linked.at(-1)!.seq, "the checkpoint signs the last linked entry");
      await node.kr.store.link();
      const after = (await node.call("GET", "/v1/audit/verify")).body;
      assert.equal(after.valid, true, JSON.stringify(after.firstBad));
      assert.equal(after.pending, 0);
      assert.equal(after.entries, linked.length + 1);
      const last = (await node.entries()).at(-1)!;
      assert.equal(last.id, "aud_queued_1");
      assert.equal(last.v, 1);
      assert.deepEqual(last.actor, { type: "system", rule: "scheduler.settle" });
      assert.equal(last.prevHash, linked.at(-1)!.hash);
    });

    it("a mutation whose audit entry cannot be written is rolled back with it", async () => {
      let failAudit = false;
      const wrap = (store: Store): Store => ({
        ...store,
        transaction: (fn) =>
          store.transaction((tx) =>
            fn({
              ...tx,
              appendAudit: async (e) => {
                if (failAudit) throw new Error("audit write failed");
                return tx.appendAudit(e);
              },
              // commit flushes a write's entries in one call
              appendAudits: async (es) => {
                if (failAudit) throw new Error("audit write failed");
                return tx.appendAudits(es);
              },
            } satisfies StoreTx),
          ),
      });
      const node = await start(dialect, { wrap });
      const con = await node.call("POST", "/v1/consumers", { name: "before" });
      assert.equal(con.status, 201);
      const feedBefore = await node.kr.store.latestSeq();
      const auditBefore = (await node.entries()).length;
      failAudit = true;
      const r = await node.call("POST", "/v1/consumers", { name: "lost" });
      assert.equal(r.status, 500);
      assert.equal(r.body.code, "INTERNAL");
      const k = await node.call("POST", "/v1/keys", { consumerId: con.body.id });
      assert.equal(k.status, 500);
      const u = await node.call("PATCH", `/v1/consumers/${con.body.id}`, { name: "changed" });
      assert.equal(u.status, 500);
      failAudit = false;
      const list = await node.call("GET", "/v1/consumers?limit=200");
      assert.ok(
        !list.body.data.some((c: { name: string }) => c.name === "lost"),
        "the consumer was rolled back",
      );
      assert.equal(
        (await node.call("GET", `/v1/consumers/${con.body.id}`)).body.name,
        "before",
        "the update too",
      );
      assert.equal(
        (await node.call("GET", `/v1/keys?consumerId=${con.body.id}`)).body.data.length,
        0,
        "and the key",
      );
      assert.equal(await node.kr.store.latestSeq(), feedBefore, "no change-feed row either");
      assert.equal((await node.entries()).length, auditBefore);
      // and the next write goes on from the same head
      assert.equal((await node.call("POST", "/v1/consumers", { name: "after" })).status, 201);
      assert.equal((await node.call("GET", "/v1/audit/verify")).body.valid, true);
    });

    it("without a signing key: no checkpoints, the public key is a 404 problem, verify says so", async () => {
      const node = await start(dialect, { signing: false });
      assert.equal(await node.kr.services.audit.checkpoint(), undefined);
      const pub = await node.call("GET", "/v1/audit/public-key", undefined, false);
      assert.equal(pub.status, 404);
      assert.equal(pub.body.code, "AUDIT_SIGNING_OFF");
      const v = await node.call("GET", "/v1/audit/verify");
      assert.equal(v.body.valid, true);
      assert.equal(v.body.checkpoints.signing, false);
    });

    it("an export verifies offline with only the public key, and an edited line is named", async () => {
      const node = await start(dialect);
      for (let i = 0; i < 5; i++) {
        const c = await node.call("POST", "/v1/consumers", {
          name: `c${i}`,
          metadata: { n: i / 3, s: "€\u0007" },
        });
        await node.call("PATCH", `/v1/consumers/${c.body.id}`, { metadata: { n: 1e21, big: 2 ** 53 } });
      }
      await node.kr.services.audit.checkpoint();
      await node.call("POST", "/v1/consumers", { name: "after the checkpoint" });
      await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
      const url = `http://127.0.0.1:${(node.kr.app.server.address() as AddressInfo).port}`;
      const out = {
        text: "",
        write(s: string) {
          this.text += s;
        },
      };
      const err = {
        text: "",
        write(s: string) {
          this.text += s;
        },
      };
      const file = join(node.dir, "audit.jsonl");
      const pem = join(node.dir, "audit.pub");
      const cli = (args: string[]) =>
        runCli(args, {
          env: { KEYROLL_URL: url, KEYROLL_ADMIN_KEY: ADMIN_KEY },
          stdout: out,
          stderr: err,
          fetch,
        });
      assert.equal(await cli(["audit", "export", "--format", "jsonl", "--output", file]), 0, err.text);
      assert.match(err.text, /exported \d+ entries and 1 checkpoints/);
      writeFileSync(pem, (await node.call("GET", "/v1/audit/public-key")).body.publicKey);
      // on the live server: verify, and tail the latest entries
      out.text = "";
      assert.equal(await cli(["audit", "verify"]), 0, err.text);
      assert.match(out.text, /The audit log verifies\.\n {2}entries: {6}\d+/);
      out.text = "";
      assert.equal(await cli(["audit", "tail", "--limit", "3"]), 0, err.text);
      const tail = out.text.trimEnd().split("\n");
      assert.equal(tail.length, 3);
      assert.match(tail[2]!, /^\d+ {2}\S+ {2}key_\w+ v1 {2}consumer\.created {2}con_\w+$/);
      assert.match(tail[1]!, / {2}consumer\.updated {2}con_\w+ metadata changed$/);
      await node.kr.close();

      // offline: no server, no admin key, only the file and the public key
      const offline = (args: string[]) => runCli(args, { env: {}, stdout: out, stderr: err, fetch });
      out.text = "";
      assert.equal(
        await offline(["audit", "verify", "--file", file, "--public-key", pem]),
        0,
        out.text + err.text,
      );
      assert.match(out.text, /The audit log verifies/);
      assert.match(out.text, /1 verified/);
      const lines = readFileSync(file, "utf8").trimEnd().split("\n");
      const victim = JSON.parse(lines[3]!);
      victim.data.name = "someone else";
      lines[3] = JSON.stringify(victim);
      writeFileSync(file, `${lines.join("\n")}\n`);
      out.text = "";
      assert.equal(await offline(["audit", "verify", "--file", file, "--public-key", pem, "--json"]), 1);
      const v = JSON.parse(out.text);
      assert.equal(v.valid, false);
      assert.equal(v.firstBad.seq, victim.seq);
      // a cut-off file: the checkpoint line survives (it is last) and names the cut
      const cut = readFileSync(file, "utf8").trimEnd().split("\n");
      cut.splice(3, 1);
      const noTail = [...cut.slice(0, 2), ...cut.filter((l) => l.startsWith('{"checkpoint"'))];
      writeFileSync(file, `${noTail.join("\n")}\n`);
      out.text = "";
      assert.equal(await offline(["audit", "verify", "--file", file, "--public-key", pem]), 1);
      assert.match(out.text, /tail was cut off/);
    });

    it("shows progress on stderr for a large export", async () => {
      if (dialect === "postgres") return; // dialect-independent: the CLI only pages the API
      const node = await start(dialect);
      await node.kr.store.transaction(async (tx) => {
        for (let i = 0; i < 2_100; i++) {
          await tx.appendAudit({
            id: newId("aud"),
            at: Date.now(),
            actor: { type: "system", rule: "test" },
            action: "test.filled",
            targetId: null,
            requestId: null,
            address: null,
            data: { i },
            diff: null,
          });
        }
      });
      await node.kr.app.listen({ host: "127.0.0.1", port: 0 });
      const url = `http://127.0.0.1:${(node.kr.app.server.address() as AddressInfo).port}`;
      let stdout = "";
      let stderr = "";
      const code = await runCli(["audit", "export"], {
        env: { KEYROLL_URL: url, KEYROLL_ADMIN_KEY: ADMIN_KEY },
        stdout: { write: (s: string) => (stdout += s) },
        stderr: { write: (s: string) => (stderr += s) },
        fetch,
      });
      assert.equal(code, 0, stderr);
      assert.equal(stdout.trimEnd().split("\n").length, 2_101);
      assert.match(
        stderr,
        /exported 1000 entries…\nexported 2000 entries…\nexported 2101 entries and 0 checkpoints/,
      );
    });
  });
}

for (const dialect of DIALECTS) {
  it(`a log written before migration 0008 keeps its hashes, verifies, and the chain goes on (${dialect})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyroll-audit-upgrade-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    let database = join(dir, "keyroll.db");
    if (dialect === "postgres") {
      pgs ??= await startTestPostgres();
      database = await pgs.createDatabase();
    }
    // the database as Keyroll left it before 0008 (migrations 0001-0003), with entries in the old format
    const before = Object.fromEntries(
      Object.entries(await migrations.getMigrations()).filter(([name]) => name < "0004"),
    );
    // biome-ignore lint/suspicious/noExplicitAny: frozen migrations and raw rows, as a migration sees them
    const k: Kysely<any> =
      dialect === "sqlite"
        ? new Kysely({ dialect: new SqliteDialect({ database: new Database(database) }) })
        : new Kysely({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: database }) }) });
    const r = await new Migrator({
      db: k,
      provider: { getMigrations: async () => before },
    }).migrateToLatest();
    assert.equal(r.error, undefined);
    let prev = GENESIS_HASH;
    for (const [i, e] of [
      { actor: null, action: "admin.bootstrapped", targetId: "key_a", data: { fromConfig: true } },
      {
        actor: "key_a",
        action: "key.rotated",
        targetId: "key_b",
        data: { version: 2, reason: "ü", graceMs: 3.6e6 },
      },
    ].entries()) {
      const entry = { id: `aud_old${i}`, at: Date.UTC(2026, 0, 1, 0, i), ...e };
      const h = chainHash(prev, entry);
      await k
        .insertInto("audit_log")
        .values({
          id: entry.id,
          at: entry.at,
          actor: entry.actor,
          action: entry.action,
          target_id: entry.targetId,
          data: JSON.stringify(entry.data),
          prev_hash: prev,
          hash: h,
        })
        .execute();
      prev = h;
    }
    await k.destroy();

    // Keyroll of today starts on it: migrates, bootstraps, writes format 1 after format 0
    const config = resolveConfig({
      env: {
        KEYROLL_DATABASE: database,
        KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
        KEYROLL_LOG_LEVEL: "silent",
      },
    });
    const kr = await createKeyroll(config);
    cleanups.push(() => kr.close());
    await kr.services.consumers.create(
      { name: "after the upgrade" },
      { keyId: "key_a", scopes: ["admin"], version: 3 },
    );
    const entries = await kr.store.listAudit({ afterSeq: 0, limit: 100 });
    assert.deepEqual(
      entries.map((e) => [e.v, e.action]),
      [
        [0, "admin.bootstrapped"],
        [0, "key.rotated"],
        [1, "admin.bootstrapped"],
        [1, "consumer.created"],
      ],
    );
    assert.deepEqual(entries[0]!.actor, { type: "system", rule: null });
    assert.deepEqual(entries[1]!.actor, { type: "admin", keyId: "key_a", version: null });
    assert.equal(entries[2]!.prevHash, prev, "format 1 goes on from the last format-0 hash");
    const v = await kr.services.audit.verify();
    assert.equal(v.firstBad, null);
    assert.equal(v.entries, 4);
  });
}
