// Profiles one rotation on PostgreSQL: one `keyroll serve` (the built bin) on an embedded
// PostgreSQL, `--keys` keys rotated by `--concurrency` workers for `--seconds`; prints the CPU ms
// per rotation of the node and of the database's processes, and the statements the database ran
// per rotation (pg_stat_statements when the server has it, else xact counts only). With
// `--cpu-prof DIR` the node writes a V8 CPU profile there (open it in Chrome DevTools).
// Run: `node --import tsx bench/rotate-profile.ts [-- --seconds 5 --concurrency 16 --cpu-prof /tmp/prof]`
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import pg from "pg";
import { randomAdminKey } from "../packages/keyroll/test/cluster.js";
import { spawnKeyroll } from "../packages/keyroll/test/support/keyroll-process.js";
import { startTestPostgres } from "../packages/keyroll/test/support/postgres.js";
import { type Answer, Client, closedLoop, cpuMeter, seedKeys } from "./writes.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "5" },
    concurrency: { type: "string", default: "16" },
    keys: { type: "string", default: "256" },
    "cpu-prof": { type: "string" },
  },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
const pgs = await startTestPostgres();
const url = await pgs.createDatabase();
const adminKey = randomAdminKey();
const node = await spawnKeyroll({
  database: url,
  env: { KEYROLL_BOOTSTRAP_ADMIN_KEY: adminKey, KEYROLL_LOG_LEVEL: "warn" },
  ...(values["cpu-prof"] && { nodeArgs: ["--cpu-prof", "--cpu-prof-dir", values["cpu-prof"]] }),
});
try {
  const client = new Client(
    { url: node.url, name: node.name } as unknown as ConstructorParameters<typeof Client>[0],
    adminKey,
    concurrency,
  );
  const { keys } = await seedKeys([client], Number(values.keys));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const xacts = async () =>
    Number(
      (
        await admin.query(
          "select xact_commit + xact_rollback as n from pg_stat_database where datname = current_database()",
        )
      ).rows[0].n,
    );
  const mine = Math.floor(keys.length / concurrency);
  const x0 = await xacts();
  const m = cpuMeter([node.child.pid!], Number(new URL(url).port));
  const r = await closedLoop(
    concurrency,
    seconds,
    (w, i): Promise<Answer> =>
      client.call(
        "POST",
        `/v1/keys/${keys[w + (i % mine) * concurrency]}/rotate`,
        { gracePeriod: "1h" },
        { "idempotency-key": `prof-${randomBytes(8).toString("hex")}` },
      ),
    201,
  );
  const cpu = m(r.ok)!;
  const x1 = await xacts();
  console.log(
    `rotations: ${r.ok} in ${seconds} s (${r.perSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms), other ${JSON.stringify(r.other)}`,
  );
  console.log(
    `CPU ms per rotation: node ${cpu.nodes.toFixed(2)}, db ${cpu.db.toFixed(2)}, client ${cpu.client.toFixed(2)}; db transactions per rotation ${((x1 - x0) / r.ok).toFixed(2)}`,
  );
  await admin.end();
  client.close();
} finally {
  await node.stop("SIGTERM", 10_000);
  await pgs.close();
}
