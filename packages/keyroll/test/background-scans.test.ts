// The leader's background queries walk partial indexes (migration 0014), not key_versions: at a
// million keys a full scan took about a second each, on SQLite on the thread that answers requests.
// So does the count of live admin keys (migration 0015), run at every start in the bootstrap's
// write transaction and before an admin key is revoked.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { openSqliteStore } from "../src/store/sqlite/index.js";

test("due, grace, traffic-policy and live-admin queries use their partial indexes on SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-scans-"));
  const file = join(dir, "k.db");
  // every statement the store prepares, by its text
  const seen: string[] = [];
  const proto = SQLite.prototype as unknown as { prepare: (sql: string) => unknown };
  const prepare = proto.prepare;
  proto.prepare = function (this: unknown, text: string) {
    seen.push(text);
    return prepare.call(this, text);
  };
  const store = openSqliteStore(file);
  try {
    await store.migrate();
    const now = Date.now();
    const asked: Array<[string, string, () => Promise<unknown>]> = [
      ["key_versions", "key_versions_due", () => store.dueKeyIds(now, 500)],
      ["key_versions", "key_versions_grace", () => store.usage.keyIdsInGrace(now)],
      ["key_versions", "key_versions_traffic", () => store.usage.trafficPolicyKeyIds(now, 500)],
      ["keys", "keys_admin_live", () => store.transaction((tx) => tx.countAdminKeys())],
    ];
    const reader = new SQLite(file, { readonly: true });
    try {
      for (const [table, index, run] of asked) {
        seen.length = 0;
        await run();
        const query = seen.find((s) => new RegExp(`from "${table}"`).test(s));
        assert.ok(query, `the ${index} query was prepared`);
        const params = (query.match(/\?/g) ?? []).map(() => now);
        const plan = (
          reader.prepare(`explain query plan ${query}`).all(...params) as Array<{ detail: string }>
        )
          .map((r) => r.detail)
          .join("; ");
        assert.match(plan, new RegExp(`USING (COVERING )?INDEX ${index}\\b`), plan);
        assert.doesNotMatch(
          plan,
          new RegExp(`SCAN ${table}\\b(?! USING (COVERING )?INDEX ${index}\\b)`),
          plan,
        );
      }
    } finally {
      reader.close();
    }
  } finally {
    proto.prepare = prepare;
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
