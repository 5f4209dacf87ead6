// Benchmark of the leader's policy tick at fleet size (issue 14): what a minute of one-second ticks
// costs when a default rotation policy covers N keys and none is due.
//   baseline: the candidate scan (an aggregate over every key's versions) made at every tick in
//             one statement, as the leader did before it kept one scan for the minute and split
//             the scan into steps of 5 000 keys;
//   keyroll:  `runDue` at every tick, as the leader runs it now.
// On SQLite the scan runs on the event loop, so its time is also time the leader serves nothing:
// "loop held" is the longest the event loop went without a turn (perf_hooks' event-loop delay).
// Keys are written straight into the SQLite file (this measures the tick, not the write path).
// Run: `node --import tsx bench/policy-tick.ts [--keys 100000] [--ticks 60]` from the repo root.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { manualClock } from "../packages/keyroll/src/core/clock.js";
import { createKeyroll, resolveConfig } from "../packages/keyroll/src/main.js";
import { openSqliteStore } from "../packages/keyroll/src/store/sqlite/index.js";

const { values } = parseArgs({
  options: { keys: { type: "string", default: "100000" }, ticks: { type: "string", default: "60" } },
});
const N = Number(values.keys);
const TICKS = Number(values.ticks);
const ADMIN_KEY = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";
const dir = mkdtempSync(join(tmpdir(), "keyroll-policy-tick-"));
const file = join(dir, "keyroll.db");
try {
  const blank = openSqliteStore(file);
  await blank.migrate();
  await blank.close();
  const now = Date.now();
  const db = new Database(file);
  db.prepare(
    "insert into consumers (id, name, external_id, metadata, system, created_at, updated_at, deleted_at) values ('con_bench', 'bench', null, '{}', 0, ?, ?, null)",
  ).run(now, now);
  const key = db.prepare(
    "insert into keys (id, consumer_id, name, scopes, prefix, metadata, admin, created_at, updated_at, expires_at, revoked_at, rate_limit, rate_limit_period_ms, allow_successor_pickup) values (?, 'con_bench', null, '[]', 'kr', '{}', 0, ?, ?, null, null, null, null, 1)",
  );
  const version = db.prepare(
    "insert into key_versions (key_id, version, digest, start, imported, state, created_at, activates_at) values (?, 1, ?, 'kr_bench', 0, 'active', ?, ?)",
  );
  db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const id = `key_${String(i).padStart(26, "0")}`;
      // created over the last day: none is due under a 90-day policy
      const t = now - (i % 86_400) * 1000;
      key.run(id, t, t);
      version.run(id, `bench${i}`, t, t);
    }
  })();
  db.close();

  const clock = manualClock(now);
  const kr = await createKeyroll(
    resolveConfig({
      env: { KEYROLL_DATABASE: file, KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY, KEYROLL_LOG_LEVEL: "silent" },
    }),
    { clock },
  );
  await kr.scheduler.stop();
  const put = await kr.app.inject({
    method: "PUT",
    url: "/v1/policies/default",
    headers: { authorization: `Bearer ${ADMIN_KEY}` },
    payload: { interval: "90d", gracePeriod: "7d" },
  });
  if (put.statusCode !== 200) throw new Error(`PUT /v1/policies/default: ${put.statusCode} ${put.body}`);

  const scanOnce = async () => {
    let after: string | undefined;
    for (;;) {
      const step = await kr.store.policies.policyCandidates({
        before: clock.now() - 90 * 86_400_000,
        now: clock.now(),
        after,
        span: N + 1,
      });
      if (step.next === null) return;
      after = step.next;
    }
  };
  const minute = async (tick: () => Promise<unknown>) => {
    const held = monitorEventLoopDelay({ resolution: 1 });
    held.enable();
    const t0 = performance.now();
    let worst = 0;
    for (let i = 0; i < TICKS; i++) {
      clock.set(now + i * 1000);
      const s = performance.now();
      await tick();
      worst = Math.max(worst, performance.now() - s);
      // the leader's ticks are a timer apart: the loop turns between them
      await new Promise<void>((r) => setImmediate(r));
    }
    held.disable();
    return { perTick: (performance.now() - t0) / TICKS, worst, held: held.max / 1e6 };
  };
  const base = await minute(scanOnce);
  const ours = await minute(() => kr.services.policies.runDue());
  await kr.close();
  console.log(`policy tick, ${N} keys under a default policy, ${TICKS} one-second ticks, SQLite:`);
  console.log(
    `  baseline (a scan at every tick): ${base.perTick.toFixed(2)} ms per tick, worst ${base.worst.toFixed(1)} ms, loop held ${base.held.toFixed(1)} ms`,
  );
  console.log(
    `  keyroll  (runDue):               ${ours.perTick.toFixed(2)} ms per tick, worst ${ours.worst.toFixed(1)} ms, loop held ${ours.held.toFixed(1)} ms`,
  );
  console.log(`  keyroll/baseline: ${(ours.perTick / base.perTick).toFixed(3)} of the time`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
