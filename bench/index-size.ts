// Verify in process against the index's size alone (issue 16): the same number of distinct
// secrets (1 000) verified by `verifyCached` against verifiers holding 1 000, 100 000 and N keys,
// each loaded from a SQLite file that `bench/scale`'s bulk path built, in rounds of `--duration`.
// Only 1 000 entries are touched at every size, so a slowdown is the index's size, not the
// traffic's spread. The databases are kept in `--dir` (and reused by a later run).
// `--sample 10000` spreads the traffic over more secrets (the 1 000-key base still uses its 1 000).
// Run: `npm run bench:index-size [-- --keys 1000000 --rounds 3 --duration 2000 --dir /tmp/kr-index-size --sample 1000]`
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { openSqliteStore } from "../packages/keyroll/src/store/sqlite/index.js";
import { build, inProcessRate, memory, sampleSecrets } from "./scale.js";

const { values } = parseArgs({
  options: {
    keys: { type: "string", default: "1000000" },
    rounds: { type: "string", default: "3" },
    duration: { type: "string", default: "2000" },
    dir: { type: "string", default: "/tmp/kr-index-size" },
    // distinct secrets verified at every size (at most the smallest size's 1 000 keys)
    sample: { type: "string", default: "1000" },
  },
});
const n = Number(values.keys);
if (!Number.isInteger(n) || n < 1_000) throw new Error("--keys must be an integer ≥ 1000");
mkdirSync(values.dir, { recursive: true });
const rates = new Map<number, number>();
for (const size of [...new Set([1_000, 100_000, n].filter((s) => s <= n))]) {
  const db = join(values.dir, `k${size}.db`);
  // the secrets file is written once a build has finished: without it, a build was cut short
  if (!existsSync(`${db}.secrets`)) {
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const b = await build(db, size);
    writeFileSync(`${db}.secrets`, b.secrets.join("\n"), { mode: 0o600 });
    process.stdout.write(`built ${size} keys in ${(b.importMs / 1000).toFixed(1)} s\n`);
  }
  const secrets = sampleSecrets(
    readFileSync(`${db}.secrets`, "utf8").split("\n"),
    Math.min(Number(values.sample), size),
  );
  const store = openSqliteStore(db);
  const m = await memory(store);
  const round: number[] = [];
  for (let r = 0; r < Number(values.rounds); r++)
    round.push(inProcessRate(m.v, secrets, Number(values.duration)));
  await m.v.stop();
  await store.close();
  const best = Math.max(...round);
  rates.set(size, best);
  process.stdout.write(
    `${size} keys (load ${(m.loadMs / 1000).toFixed(2)} s): ${round.map((x) => Math.round(x)).join(", ")}/s over ${secrets.length} secrets; best ${(best / rates.get(1_000)!).toFixed(2)}× the 1 000-key figure\n`,
  );
}
