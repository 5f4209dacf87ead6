// Bulk import (issue 16, decision 0019) on both dialects: `keyroll keys import FILE` against a real
// listening node. A file with bad rows reports each row's error and commits nothing of the failed
// batch; the fixed file imports; running it again creates nothing and prints no secret.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";
import { ADMIN_KEY, cliAgainst } from "./helpers.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres | undefined;
const dir = mkdtempSync(join(tmpdir(), "keyroll-import-"));
after(async () => {
  await pgs?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (url: string, argv: string[]) => cliAgainst(url)(argv);

const DIALECTS = [
  { name: "sqlite", database: async () => join(mkdtempSync(join(dir, "db-")), "keyroll.db") },
  {
    name: "postgres",
    database: async () => {
      pgs ??= await startTestPostgres();
      return pgs.createDatabase();
    },
  },
];

for (const d of DIALECTS) {
  describe(`keys import (${d.name})`, () => {
    let kr: Keyroll;
    let url: string;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      // biome-ignore lint/suspicious/noExplicitAny: read field by field
      return { status: res.status, body: (await res.json()) as any };
    };
    before(async () => {
      const config = resolveConfig({
        env: {
          KEYROLL_DATABASE: await d.database(),
          KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
          KEYROLL_LOG_LEVEL: "silent",
        },
      });
      kr = await createKeyroll(config);
      url = (await kr.app.listen({ host: "127.0.0.1", port: 0 })).replace("[::1]", "127.0.0.1");
    });
    after(async () => {
      await kr?.close();
    });

    test("bad rows: each row's error, nothing of the batch committed; the fixed file imports; a re-run creates nothing", async () => {
      const con = (await call("POST", "/v1/consumers", { name: "acme" })).body.id as string;
      const imported = `acme_live_${"q".repeat(30)}`;
      const good = [
        { externalId: `${d.name}-1`, consumerId: con, scopes: ["orders:read"] },
        { externalId: `${d.name}-2`, consumerId: con, secret: imported, name: "migrated" },
        { externalId: `${d.name}-3`, consumerId: con },
      ];
      const bad = [
        JSON.stringify({ externalId: `${d.name}-1`, consumerId: con }),
        JSON.stringify({ externalId: `${d.name}-4`, consumerId: con, secret: "too-short" }),
        JSON.stringify({ externalId: `${d.name}-5`, consumerId: "con_00000000000000000000000000" }),
        "{not json",
      ];
      const file = join(dir, `${d.name}-bad.ndjson`);
      writeFileSync(file, `${[...good.map((g) => JSON.stringify(g)), ...bad].join("\n")}\n`);
      const secrets = join(dir, `${d.name}-secrets.ndjson`);

      const failed = await cli(url, ["keys", "import", file, "--secrets-out", secrets]);
      assert.equal(failed.code, 1, failed.stderr + failed.stdout);
      // lines 4-7 of the file, each with its own code
      assert.match(failed.stderr, new RegExp(`line 4 \\(externalId ${d.name}-1\\): DUPLICATE_EXTERNAL_ID`));
      assert.match(failed.stderr, new RegExp(`line 5 \\(externalId ${d.name}-4\\): INVALID_SECRET`));
      assert.match(failed.stderr, new RegExp(`line 6 \\(externalId ${d.name}-5\\): CONSUMER_NOT_FOUND`));
      assert.match(failed.stderr, /line 7: MALFORMED_JSON/);
      assert.match(failed.stdout, /0 created, 0 existed already, 4 failed; 3 rows were not committed/);
      // nothing of the batch is in the store
      for (const g of good) {
        const l = await call("GET", `/v1/keys?externalId=${g.externalId}`);
        assert.equal(l.status, 200);
        assert.equal(l.body.data.length, 0, `${g.externalId} was committed`);
      }
      const noSecrets = (() => {
        try {
          return readFileSync(secrets, "utf8");
        } catch {
          return "";
        }
      })();
      assert.equal(noSecrets, "", "no secret written for a batch that was not committed");

      // a dry run of the fixed file writes nothing either
      const fixed = join(dir, `${d.name}-fixed.ndjson`);
      writeFileSync(fixed, `${good.map((g) => JSON.stringify(g)).join("\n")}\n`);
      const dry = await cli(url, ["keys", "import", fixed, "--dry-run"]);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /3 would be created, 0 exist already, 0 have errors/);
      assert.equal((await call("GET", `/v1/keys?externalId=${d.name}-1`)).body.data.length, 0);

      const ok = await cli(url, ["keys", "import", fixed, "--secrets-out", secrets]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /3 created, 0 existed already, 0 failed/);
      assert.equal(statSync(secrets).mode & 0o777, 0o600);
      const lines = readFileSync(secrets, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      // generated ones only: the imported secret is the caller's own
      assert.deepEqual(lines.map((l) => l.externalId).sort(), [`${d.name}-1`, `${d.name}-3`]);
      for (const l of lines) {
        assert.ok(
          !ok.stdout.includes(l.secret) && !ok.stderr.includes(l.secret),
          "a secret reached the terminal",
        );
        const v = await call("POST", "/v1/verify", { key: l.secret });
        assert.equal(v.body.code, "VALID");
        assert.equal(v.body.keyId, l.keyId);
      }
      const v2 = await call("POST", "/v1/verify", { key: imported });
      assert.equal(v2.body.code, "VALID");
      const k1 = (await call("GET", `/v1/keys?externalId=${d.name}-1`)).body.data;
      assert.equal(k1.length, 1);
      assert.deepEqual(k1[0].scopes, ["orders:read"]);
      assert.equal(k1[0].externalId, `${d.name}-1`);

      // the same file again: every row exists, no new key, no new secret
      const again = await cli(url, ["keys", "import", fixed, "--secrets-out", secrets, "--json"]);
      assert.equal(again.code, 0, again.stderr);
      const summary = JSON.parse(again.stdout);
      assert.equal(summary.created, 0);
      assert.equal(summary.existing, 3);
      assert.equal(readFileSync(secrets, "utf8").trim().split("\n").length, 2);
      const all = await call("GET", `/v1/keys?consumerId=${con}&limit=100`);
      assert.equal(all.body.data.length, 3);
    });

    test("generated secrets are never printed: without --secrets-out the import stops before sending", async () => {
      const con = (await call("POST", "/v1/consumers", { name: "beta" })).body.id as string;
      const file = join(dir, `${d.name}-nosecret.ndjson`);
      writeFileSync(file, `${JSON.stringify({ externalId: `${d.name}-x`, consumerId: con })}\n`);
      const r = await cli(url, ["keys", "import", file]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--secrets-out/);
      assert.equal((await call("GET", `/v1/keys?externalId=${d.name}-x`)).body.data.length, 0);
    });

    test("a row whose externalId is another consumer's key is refused", async () => {
      const a = (await call("POST", "/v1/consumers", { name: "a" })).body.id as string;
      const b = (await call("POST", "/v1/consumers", { name: "b" })).body.id as string;
      const first = await call("POST", "/v1/keys/import", {
        keys: [{ externalId: `${d.name}-shared`, consumerId: a }],
      });
      assert.equal(first.body.committed, true);
      const second = await call("POST", "/v1/keys/import", {
        keys: [{ externalId: `${d.name}-shared`, consumerId: b }],
      });
      assert.equal(second.status, 200);
      assert.equal(second.body.committed, false);
      assert.equal(second.body.results[0].error.code, "EXTERNAL_ID_TAKEN");
    });

    test("an import row takes the fields of POST /v1/keys as that route does (expiresAt as an RFC 3339 time)", async () => {
      const con = (await call("POST", "/v1/consumers", { name: "times" })).body.id as string;
      const ndjson = async (rows: unknown[]) => {
        const res = await fetch(`${url}/v1/keys/import`, {
          method: "POST",
          headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/x-ndjson" },
          body: rows.map((r) => JSON.stringify(r)).join("\n"),
        });
        // biome-ignore lint/suspicious/noExplicitAny: read field by field
        return { status: res.status, body: (await res.json()) as any };
      };
      for (const expiresAt of ["2027-01-01", "next tuesday", "2027-01-01T00:00:00"]) {
        const created = await call("POST", "/v1/keys", { consumerId: con, expiresAt });
        assert.equal(created.status, 400, `POST /v1/keys took expiresAt ${expiresAt}`);
        const rows = await ndjson([{ externalId: `${d.name}-t`, consumerId: con, expiresAt }]);
        assert.equal(rows.status, 200);
        assert.equal(
          rows.body.results[0].error?.code,
          "VALIDATION_FAILED",
          `import took expiresAt ${expiresAt}`,
        );
        assert.match(rows.body.results[0].error.detail, /expiresAt/);
      }
      const good = "2027-01-01T00:00:00.000Z";
      assert.equal((await call("POST", "/v1/keys", { consumerId: con, expiresAt: good })).status, 201);
      const rows = await ndjson([{ externalId: `${d.name}-t`, consumerId: con, expiresAt: good }]);
      assert.deepEqual([rows.body.created, rows.body.failed], [1, 0], JSON.stringify(rows.body.results[0]));
    });
  });
}
