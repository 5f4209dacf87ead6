// Bulk rotation at full speed: `--keys` keys (default 100 000) rotated by one rotation job on
// three PostgreSQL nodes (real `keyroll serve` processes, the built bin) while every node answers a
// steady verify load. Prints keys rotated per second (issue 14's target: ≥ 1 000/s) and every
// failed verify request (target: none), then checks every key is exactly one version further.
// Baselines from the same run:
// - the store's bare write rate: on the same PostgreSQL, transactions of 250 keys that write what a
//   rotation writes at the least (one version row inserted, one updated, one item marked), from
//   four connections (the runner's transactions in flight), as keys/s; printed as keyroll/bare;
// - verify latency before the job starts, against verify latency while it runs.
// Run: `npm run bench:rotation-jobs [-- --keys 5000 --verify-rate 300]` from the repo root (build first).
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pg from "pg";
import { openPostgresStore } from "../packages/keyroll/src/store/postgres/index.js";
import { type ClusterNode, startCluster } from "../packages/keyroll/test/cluster.js";
import { seedKeys } from "../packages/keyroll/test/rotation-job-fixtures.js";
import { startTestPostgres } from "../packages/keyroll/test/support/postgres.js";
import { percentile } from "../packages/keyroll/test/support/stats.js";
import { cpuMeter, procCpuMs } from "./writes.js";

/** The issue's target, keys per second. */
export const TARGET = 1_000;

const { values: args } = parseArgs({
  options: {
    keys: { type: "string", default: "100000" },
    "verify-rate": { type: "string", default: "300" },
    "verify-keys": { type: "string", default: "30" },
    rate: { type: "string", default: "100000" },
  },
});
const KEYS = Number(args.keys);
const VERIFY_RATE = Number(args["verify-rate"]);

/** CPU ms of a process's main thread (its event loop): /proc/<pid>/task/<pid>/stat. */
function mainThreadCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12])) * 10; // utime + stime, USER_HZ 100
  } catch {
    return 0;
  }
}

interface VerifyStats {
  ok: number;
  failed: number;
  failures: string[];
  ms: number[];
}

/** Verify requests at `perSecond` in all, spread over the nodes and secrets, until `stop()`. */
function verifyLoad(nodes: readonly ClusterNode[], secrets: readonly string[], perSecond: number) {
  const stats: VerifyStats = { ok: 0, failed: 0, failures: [], ms: [] };
  let stopped = false;
  let i = 0;
  const inflight = new Set<Promise<void>>();
  const one = async () => {
    const node = nodes[i % nodes.length]!;
    const secret = secrets[i % secrets.length]!;
    i++;
    try {
      const r = await node.verify(secret, { timeoutMs: 10_000 });
      stats.ms.push(r.ms);
      if (r.status === 200 && r.body.valid === true) stats.ok++;
      else {
        stats.failed++;
        if (stats.failures.length < 10)
          stats.failures.push(`${node.name}: ${r.status} ${JSON.stringify(r.body)}`);
      }
    } catch (err) {
      stats.failed++;
      if (stats.failures.length < 10) stats.failures.push(`${node.name}: ${(err as Error).message}`);
    }
  };
  const t0 = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) / 1000) * perSecond);
    while (!stopped && sent < due) {
      sent++;
      const p = one().finally(() => inflight.delete(p));
      inflight.add(p);
    }
  }, 10);
  return {
    stats,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inflight);
      return stats;
    },
  };
}

/** The bare write rate of the database: what a batch of rotations writes at the least, as keys/s. */
async function bareWriteRate(url: string, seconds: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  await pool.query(
    "create table bare_versions (key_id text, version integer, digest text, state text, created_at bigint, primary key (key_id, version))",
  );
  await pool.query(
    "create table bare_items (job_id text, key_id text, state text, primary key (job_id, key_id))",
  );
  const BATCH = 250;
  let keys = 0;
  let n = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const ids = Array.from({ length: BATCH }, () => `k${n++}`);
      const c = await pool.connect();
      try {
        await c.query("begin");
        await c.query(
          "insert into bare_versions select x, 1, md5(x), 'active', 0 from unnest($1::text[]) as x",
          [ids],
        );
        await c.query("insert into bare_items select 'j', x, 'pending' from unnest($1::text[]) as x", [ids]);
        // the writes of the rotation itself: the new version in, the old one updated, the item marked
        await c.query(
          "insert into bare_versions select x, 2, md5(x || '2'), 'active', 1 from unnest($1::text[]) as x",
          [ids],
        );
        await c.query("update bare_versions set state = 'grace' where key_id = any($1) and version = 1", [
          ids,
        ]);
        await c.query("update bare_items set state = 'rotated' where job_id = 'j' and key_id = any($1)", [
          ids,
        ]);
        await c.query("commit");
        keys += BATCH;
      } finally {
        c.release();
      }
    }
  };
  const t0 = performance.now();
  await Promise.all([worker(), worker(), worker(), worker()]);
  const rate = keys / ((performance.now() - t0) / 1000);
  await pool.query("drop table bare_versions, bare_items");
  await pool.end();
  return rate;
}

async function main(): Promise<void> {
  console.log(
    `bench/rotation-jobs: ${KEYS} keys, verify load ${VERIFY_RATE}/s over 3 PostgreSQL nodes; load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(" ")}`,
  );
  const pgServer = await startTestPostgres();
  const url = await pgServer.createDatabase();
  const bareUrl = await pgServer.createDatabase();
  let cluster: Awaited<ReturnType<typeof startCluster>> | undefined;
  try {
    const bare = await bareWriteRate(bareUrl, 3);
    console.log(
      `baseline: the database's bare write rate, 250 keys per transaction, 4 connections: ${bare.toFixed(0)} keys/s`,
    );

    const seedStore = openPostgresStore(url);
    await seedStore.migrate();
    const t0 = performance.now();
    const { consumerId } = await seedKeys(seedStore, KEYS, {
      name: `bench-${randomBytes(3).toString("hex")}`,
    });
    console.log(`seeded ${KEYS} keys in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await seedStore.close();

    // BENCH_NODE_OPTIONS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) goes to the nodes only
    const nodeOptions = process.env.BENCH_NODE_OPTIONS;
    cluster = await startCluster(url, 3, {
      env: { KEYROLL_LOG_LEVEL: "warn", ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) },
    });
    const nodes = cluster.nodes;
    // the verify load's keys belong to the fleet too: they are rotated while verified (old
    // secrets stay valid in grace), so a failed verify would show a rotation that hurt a client
    const secrets: string[] = [];
    for (let i = 0; i < Number(args["verify-keys"]); i++) {
      const k = await nodes[0]!.call("POST", "/v1/keys", { consumerId });
      if (k.status !== 201) throw new Error(`create key: ${k.status} ${JSON.stringify(k.body)}`);
      secrets.push(k.body.secret);
    }
    // every node knows them before the load starts
    for (const n of nodes)
      for (const s of secrets)
        for (let t = 0; (await n.verify(s)).body.valid !== true; t++) {
          if (t > 200) throw new Error(`${n.name} does not know a new key`);
          await new Promise((r) => setTimeout(r, 25));
        }
    const pids = nodes.map((n) => n.child.pid!);
    const pgPort = Number(new URL(url).port);
    // CPU of the verify load alone (per second), to tell the job's own CPU per key from it
    const quietCpu = cpuMeter(pids, pgPort);
    const q0 = performance.now();
    const before = verifyLoad(nodes, secrets, VERIFY_RATE);
    await new Promise((r) => setTimeout(r, 3_000));
    const quiet = await before.stop();
    const verifyCpuPerS = quietCpu((performance.now() - q0) / 1000)!;
    const jobCpu = cpuMeter(pids, pgPort);
    // each node's process and its main thread (the event loop; the leader runs the job on it)
    const perNode0 = pids.map((p) => ({ all: procCpuMs(p), main: mainThreadCpuMs(p) }));
    const j0 = performance.now();

    const during = verifyLoad(nodes, secrets, VERIFY_RATE);
    const created = await nodes[1]!.call(
      "POST",
      "/v1/rotation-jobs",
      { selector: { consumerId }, gracePeriod: "1h", rate: Number(args.rate), requirePickup: true },
      { timeoutMs: 120_000 },
    );
    if (created.status !== 202)
      throw new Error(`create job: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id as string;
    const matched = created.body.matched as number;
    let job = created.body;
    const samples: string[] = [];
    let progressAt = performance.now();
    for (let last = 0; job.state !== "completed" && job.state !== "cancelled"; ) {
      await new Promise((r) => setTimeout(r, 250));
      const rotated = job.rotated;
      job = (await nodes[2]!.call("GET", `/v1/rotation-jobs/${id}`)).body;
      if (job.rotated !== rotated) progressAt = performance.now();
      else if (performance.now() - progressAt > 60_000) {
        // no key rotated for a minute: show what the nodes said, and fail
        for (const n of nodes) console.log(`--- ${n.name}\n${n.output().slice(-4_000)}`);
        throw new Error(`the job stalled at ${job.rotated}/${matched}`);
      }
      if (performance.now() - last > 5_000) {
        last = performance.now();
        samples.push(`${job.rotated}/${matched} at ${job.currentRate ?? "-"} keys/s`);
        console.log(`  ${samples.at(-1)}`);
      }
    }
    const loaded = await during.stop();
    const wall = (performance.now() - j0) / 1000;
    const cpu = jobCpu(1)!;
    const perNode = pids.map((p, i) => ({
      all: procCpuMs(p) - perNode0[i]!.all,
      main: mainThreadCpuMs(p) - perNode0[i]!.main,
    }));
    const seconds = (Date.parse(job.finishedAt) - Date.parse(job.startedAt)) / 1000;
    const rate = job.rotated / seconds;

    // every key exactly one version further, nothing left pending
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const bad = await check.query(
      `select count(*)::int as n from keys k where k.consumer_id = $1 and
         (select max(version) from key_versions v where v.key_id = k.id) <> 2`,
      [consumerId],
    );
    const twice = await check.query(
      `select count(*)::int as n from (select target_id from audit_log where action = 'key.rotated'
         and data->>'jobId' = $1 group by target_id having count(*) <> 1) x`,
      [id],
    );
    await check.end();

    console.log("");
    console.log(
      `job ${id}: ${job.state}; rotated ${job.rotated}, skipped ${job.skipped}, failed ${job.failed} of ${matched}`,
    );
    console.log(
      `**keys rotated per second: ${rate.toFixed(0)}** (target ≥ ${TARGET}; ${seconds.toFixed(1)} s); keyroll/bare = ${(rate / bare).toFixed(3)}`,
    );
    console.log(
      `verify during the job: ${loaded.ok} ok, **${loaded.failed} failed**, p50 ${percentile(loaded.ms, 0.5).toFixed(1)} ms, p99 ${percentile(loaded.ms, 0.99).toFixed(1)} ms` +
        ` (before: ${quiet.ok} ok, ${quiet.failed} failed, p50 ${percentile(quiet.ms, 0.5).toFixed(1)} ms, p99 ${percentile(quiet.ms, 0.99).toFixed(1)} ms)`,
    );
    for (const f of loaded.failures) console.log(`  failed verify: ${f}`);
    const perKey = (total: number, verify: number) => ((total - verify * wall) / job.rotated).toFixed(2);
    console.log(
      `CPU ms per key rotated (the verify load's own CPU, measured before the job, taken out): nodes ${perKey(cpu.nodes, verifyCpuPerS.nodes)}, db ${perKey(cpu.db, verifyCpuPerS.db)}` +
        ` (with it: nodes ${(cpu.nodes / job.rotated).toFixed(2)}, db ${(cpu.db / job.rotated).toFixed(2)})`,
    );
    const lead = perNode.reduce((a, b) => (b.all > a.all ? b : a));
    const verifyPerNode = verifyCpuPerS.nodes / pids.length;
    console.log(
      `CPU ms per key on the leader (the busiest node, its share of the verify load taken out): process ${perKey(lead.all, verifyPerNode)}, main thread ${perKey(lead.main, verifyPerNode)}` +
        `; per node (process/main, with verify): ${perNode.map((n) => `${(n.all / job.rotated).toFixed(2)}/${(n.main / job.rotated).toFixed(2)}`).join(" ")}`,
    );
    console.log(
      `keys not at version 2: ${bad.rows[0].n}; keys with other than one key.rotated entry: ${twice.rows[0].n}`,
    );
    console.log(
      `load average after: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")}`,
    );
    if (bad.rows[0].n !== 0 || twice.rows[0].n !== 0 || job.state !== "completed") process.exitCode = 1;
  } finally {
    await cluster?.stop();
    await pgServer.close();
  }
}

await main();
