// The leader's background queries walk partial indexes (migration 0014), not key_versions: at a
// million keys a full scan took about a second each, on SQLite on the thread that answers requests.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import SQLite from "better-sqlite3";
import { openSqliteStore } from "../src/store/sqlite/index.js";

test("due, grace and traffic-policy queries use their partial indexes on SQLite", async () => {
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
    const asked: Array<[string, () => Promise<unknown>]> = [
      ["key_versions_due", () => store.dueKeyIds(now, 500)],
      ["key_versions_grace", () => store.usage.keyIdsInGrace(now)],
      ["key_versions_traffic", () => store.usage.trafficPolicyKeyIds(now, 500)],
    ];
    const reader = new SQLite(file, { readonly: true });
    try {
      for (const [index, run] of asked) {
        seen.length = 0;
        await run();
        const query = seen.find((s) => /from "key_versions"/.test(s));
        assert.ok(query, `the ${index} query was prepared`);
        const params = (query.match(/\?/g) ?? []).map(() => now);
        const plan = (
          reader.prepare(`explain query plan ${query}`).all(...params) as Array<{ detail: string }>
        )
          .map((r) => r.detail)
          .join("; ");
        assert.match(plan, new RegExp(`USING (COVERING )?INDEX ${index}\\b`), plan);
        assert.doesNotMatch(plan, /SCAN key_versions USING INDEX sqlite_autoindex/, plan);
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
