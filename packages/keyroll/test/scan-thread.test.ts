// The SQLite start-up scan on a thread of its own (decision 0025): the verifier it loads answers
// every secret exactly as one loaded by the scan on the calling thread (rows as arrays), across
// packed batches and for every kind of row (rotations in grace, revocations, expiries, rate limits,
// scopes, checksum-exempt imported secrets, the admin key).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { createKeyroll, resolveConfig } from "../src/main.js";
import { PACKED_BATCH } from "../src/store/kysely/index-scan.js";
import { openSqliteStore } from "../src/store/sqlite/index.js";
import type { Store } from "../src/store/types.js";
import { createVerifier } from "../src/verifier/index.js";
import { ADMIN_KEY } from "./helpers.js";

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const silent = { debug() {}, info() {}, warn() {}, error() {} };

test("the scan thread's packed batches load the same index as rows read on this thread", async () => {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-scan-thread-"));
  dirs.push(dir);
  const file = join(dir, "keyroll.db");
  const kr = await createKeyroll(
    resolveConfig({
      env: { KEYROLL_DATABASE: file, KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, KEYROLL_LOG_LEVEL: "silent" },
    }),
  );
  const secrets: string[] = [ADMIN_KEY];
  try {
    const call = async (url: string, body: unknown) => {
      const r = await kr.app.inject({
        method: "POST",
        url,
        headers: { authorization: `Bearer ${ADMIN_KEY}` },
        payload: body as object,
      });
      assert.ok(r.statusCode < 300, r.body);
      // biome-ignore lint/suspicious/noExplicitAny: read field by field
      return r.json() as any;
    };
    const con = (await call("/v1/consumers", { name: "scan" })).id as string;
    // more than two packed batches of plain keys, so that batch boundaries are crossed
    const n = 2 * PACKED_BATCH + 500;
    for (let i = 0; i < n; i += 10_000) {
      const rows = Array.from({ length: Math.min(10_000, n - i) }, (_, j) => ({
        externalId: `scan-${i + j}`,
        consumerId: con,
      }));
      const r = await call("/v1/keys/import", { keys: rows });
      for (const x of r.results) secrets.push(x.secret);
    }
    // every kind of row the scan carries
    const special = await call("/v1/keys", {
      consumerId: con,
      scopes: ["data:read", "keys:*"],
      prefix: "sp",
      rateLimit: { limit: 7, period: "1m" },
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    secrets.push(special.secret);
    const generated = secrets[1]!;
    // a secret of Keyroll's shape with a bad checksum, imported: its version is checksum-exempt
    const exempt = `${generated.slice(0, -1)}${generated.endsWith("A") ? "B" : "A"}`;
    assert.equal((await call("/v1/keys", { consumerId: con, secret: exempt })).secret, exempt);
    secrets.push(exempt);
    const legacy = "legacy-secret-0123456789abcdef";
    assert.equal((await call("/v1/keys", { consumerId: con, secret: legacy })).secret, legacy);
    secrets.push(legacy);
    const rotated = await call(`/v1/keys/${special.key.id}/rotate`, { gracePeriod: "1h" });
    secrets.push(rotated.secret);
    const revokedId = (await call("/v1/keys", { consumerId: con })).key.id as string;
    const revokedSecret = (await call(`/v1/keys/${revokedId}/rotate`, { gracePeriod: "1h" })).secret;
    secrets.push(revokedSecret);
    await call(`/v1/keys/${revokedId}/revoke`, {});
  } finally {
    await kr.close();
  }

  const load = async (opts: { scanThread?: boolean; scanThreadMinRows?: number }) => {
    const store = openSqliteStore(file, opts);
    const kinds = new Set<string>();
    const seen: Store = {
      ...store,
      scanIndex: (sink) =>
        store.scanIndex((batch) => {
          kinds.add(Array.isArray(batch) ? "rows" : "packed");
          sink(batch);
        }),
    };
    const v = createVerifier({
      store: seen,
      clock: { now: () => Date.now() },
      logger: silent,
      flushMs: 3_600_000,
    });
    await v.start();
    const answers = secrets.map((s) => JSON.stringify(v.verifyCached(s) ?? null));
    const size = v.status().size;
    await v.stop();
    await store.close();
    return { answers, size, kinds: [...kinds] };
  };
  const threaded = await load({ scanThreadMinRows: 0 });
  const here = await load({ scanThread: false });
  assert.deepEqual(threaded.kinds, ["packed"]);
  assert.deepEqual(here.kinds, ["rows"]);
  // by default a table this small is scanned on the calling thread: a thread would cost more
  assert.deepEqual((await load({})).kinds, ["rows"]);
  assert.equal(threaded.size, here.size);
  assert.ok(threaded.size >= secrets.length, `${threaded.size} versions`);
  for (let i = 0; i < secrets.length; i++) assert.equal(threaded.answers[i], here.answers[i], `secret #${i}`);
  // every secret answered from memory, with the expected kinds among them
  const codes = new Set(threaded.answers.map((a) => (JSON.parse(a) as { code?: string } | null)?.code));
  assert.ok(!codes.has(undefined), "every secret answered from memory");
  for (const c of ["VALID", "REVOKED"]) assert.ok(codes.has(c), `a ${c} answer among ${[...codes]}`);
});
