// Overload is not an outage: a write that gets no turn at the store within KEYROLL_STORE_WAIT is
// answered 503 STORE_BUSY with Retry-After (not STORE_UNAVAILABLE), the node stays ready, /metrics
// shows the wait, the queue and the slots in use, and a retry with the same Idempotency-Key
// succeeds once the store has room. On SQLite (one node) and on PostgreSQL (one write slot).
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";
import { openPostgresStore } from "../src/store/postgres/index.js";
import { ADMIN_KEY } from "./helpers.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres | undefined;
before(
  async () => {
    pgs = await startTestPostgres();
  },
  { timeout: 60_000 },
);
after(async () => {
  await pgs?.close();
});

async function node(dialect: "sqlite" | "postgres"): Promise<{ kr: Keyroll; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-busy-"));
  const database = dialect === "sqlite" ? join(dir, "keyroll.db") : await pgs!.createDatabase();
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: database,
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "silent",
      KEYROLL_STORE_WAIT: "150ms",
      // no usage flush (a write of its own) while the test holds the store's turn: on a loaded
      // machine one fell into that window and stood in the queue the test reads
      KEYROLL_USAGE_FLUSH_INTERVAL: "5m",
    },
  });
  const store =
    dialect === "postgres"
      ? openPostgresStore(database, { poolSize: 1, waitMs: config.storeWaitMs })
      : undefined;
  const kr = await createKeyroll(config, { store });
  return {
    kr,
    async close() {
      await kr.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function call(
  kr: Keyroll,
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await kr.app.inject({
    method: method as "GET",
    url,
    headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
    ...(body !== undefined && { payload: body as object }),
  });
  let parsed: unknown = res.body;
  try {
    parsed = JSON.parse(res.body);
  } catch {
    // text (metrics)
  }
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  return { status: res.statusCode, body: parsed as any, headers: res.headers, text: res.body };
}

const metric = (text: string, name: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} is exposed`);
  return Number(line.split(" ")[1]);
};

for (const dialect of ["sqlite", "postgres"] as const) {
  describe(dialect, () => {
    it("a rotation with no turn at the store within the wait is 503 STORE_BUSY with Retry-After; the node stays ready; the retry succeeds", async (t) => {
      const n = await node(dialect);
      let holder: Promise<void> | undefined;
      let release = () => {};
      t.after(async () => {
        // a failed assertion must not leave the store's turn held (close would wait for it)
        release();
        await holder;
        await n.close();
      });
      const c = await call(n.kr, "POST", "/v1/consumers", { name: "acme" });
      const k = await call(n.kr, "POST", "/v1/keys", { consumerId: c.body.id });
      assert.equal(k.status, 201, JSON.stringify(k.body));
      const keyId = k.body.key.id as string;

      // something else holds the store's only write turn for longer than the wait
      const held = new Promise<void>((r) => {
        release = r;
      });
      let entered!: () => void;
      const inside = new Promise<void>((r) => {
        entered = r;
      });
      holder = n.kr.store.transaction(async () => {
        entered();
        await held;
      });
      await inside;
      const headers = { "idempotency-key": "fleet-rotation-0001" };
      const body = { gracePeriod: "1h" };
      const busy = await call(n.kr, "POST", `/v1/keys/${keyId}/rotate`, body, headers);
      assert.equal(busy.status, 503, JSON.stringify(busy.body));
      assert.equal(busy.body.code, "STORE_BUSY");
      assert.equal(busy.headers["retry-after"], "1");
      assert.match(String(busy.headers["content-type"]), /application\/problem\+json/);

      const ready = await n.kr.app.inject({ method: "GET", url: "/readyz" });
      assert.equal(ready.statusCode, 200, "a busy node stays ready");
      const m = await call(n.kr, "GET", "/metrics");
      assert.equal(metric(m.text, "keyroll_store_busy_total"), 1);
      assert.equal(metric(m.text, "keyroll_store_pool_in_use"), 1, "the holder's turn");
      assert.equal(metric(m.text, "keyroll_store_queue_length"), 0, "the busy one left the queue");
      assert.equal(metric(m.text, "keyroll_store_pool_size"), 1);
      assert.ok(metric(m.text, "keyroll_store_wait_seconds_sum") >= 0.14, "the busy one's wait is counted");
      assert.ok(metric(m.text, "keyroll_store_wait_seconds_count") >= 3);

      release();
      await holder;
      const retried = await call(n.kr, "POST", `/v1/keys/${keyId}/rotate`, body, headers);
      assert.equal(retried.status, 201, JSON.stringify(retried.body));
      assert.equal(retried.body.version, 2);
      // and a second retry of the same request gets the same successor, not a third version
      const again = await call(n.kr, "POST", `/v1/keys/${keyId}/rotate`, body, headers);
      assert.equal(again.status, 201);
      assert.equal(again.body.version, 2);
      assert.equal(again.body.secret, retried.body.secret);
    });
  });
}

it("KEYROLL_STORE_WAIT is a duration (default 5 s), from 10 ms to 2 min", () => {
  assert.equal(resolveConfig({ env: {} }).storeWaitMs, 5_000);
  assert.equal(resolveConfig({ env: { KEYROLL_STORE_WAIT: "750ms" } }).storeWaitMs, 750);
  assert.equal(resolveConfig({ env: {}, file: { storeWait: "2s" } }).storeWaitMs, 2_000);
  assert.throws(() => resolveConfig({ env: { KEYROLL_STORE_WAIT: "5ms" } }), /KEYROLL_STORE_WAIT/);
  assert.throws(() => resolveConfig({ env: { KEYROLL_STORE_WAIT: "soon" } }), /KEYROLL_STORE_WAIT/);
});
