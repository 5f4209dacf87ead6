// `keyroll incident` against three real `keyroll serve` processes on one PostgreSQL (issue 14,
// item 5): the secret is identified by its digest (never printed), revoked and replaced, and every
// live node (from its heartbeat) proves from its own in-memory verifier that it rejects the revoked
// version; the report lists each node's confirmation time and the total time is printed. With one
// node frozen (SIGSTOP, SIGCONT in cleanup) the command names it and exits non-zero.
// Needs `npm run build` (the tests run the built bin).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import {
  CLI,
  type Cluster,
  type ClusterNode,
  createKey,
  startCluster,
  waitFor,
  waitForCode,
} from "./cluster.js";
import { startTestPostgres, type TestPostgres } from "./support/postgres.js";

let pgs: TestPostgres;
let cluster: Cluster;
let dir: string;

before(
  async () => {
    pgs = await startTestPostgres();
    cluster = await startCluster(await pgs.createDatabase(), 3, {
      // heartbeats every 2 s (the default): a node is live for 6 s after its last one, so the node
      // frozen below is still listed live when the command starts, however loaded the machine
      env: { KEYROLL_USAGE_FLUSH_INTERVAL: "200ms" },
    });
    dir = mkdtempSync(join(tmpdir(), "keyroll-incident-cli-"));
  },
  { timeout: 90_000 },
);
after(
  async () => {
    // a frozen node cannot stop: thaw every one first
    for (const n of cluster?.nodes ?? []) n.child.kill("SIGCONT");
    await cluster?.stop();
    await pgs?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  },
  { timeout: 60_000 },
);

/** Runs the built `keyroll` with `args`; resolves with its exit code and output. */
function runCli(
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        KEYROLL_ADMIN_KEY: cluster.adminKey,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The node ids the cluster's heartbeats registered, by node URL, once all three are live. */
async function nodeIds(a: ClusterNode): Promise<Map<string, string>> {
  const r = await waitFor(
    "three live nodes in GET /v1/nodes",
    async () => {
      const r = await a.call("GET", "/v1/nodes");
      const live = (r.body.data as Array<{ id: string; address: string; live: boolean }>).filter(
        (n) => n.live,
      );
      if (live.length !== 3) return undefined;
      return new Map(live.map((n) => [n.address, n.id]));
    },
    { timeoutMs: 10_000 },
  );
  return r.value;
}

test("every node rejects the revoked secret; the report lists each node's confirmation; total time printed", {
  timeout: 90_000,
}, async (t) => {
  const [a, b, c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
  const ids = await nodeIds(a);
  const k = await createKey(a);
  for (const n of cluster.nodes) await waitForCode(n, k.secret, "VALID");
  // some traffic with it on B, from a client address, so that the report has someone who used it
  for (let i = 0; i < 3; i++)
    assert.equal(
      (await b.call("POST", "/v1/verify", { key: k.secret, clientIp: "203.0.113.7" })).body.code,
      "VALID",
    );
  await new Promise((r) => setTimeout(r, 600));

  const secretFile = join(dir, "leaked.txt");
  writeFileSync(secretFile, `${k.secret}\n`, { mode: 0o600 });
  const reportDir = join(dir, "report-1");
  const run = await runCli([
    "incident",
    "--secret-file",
    secretFile,
    "--reason",
    "pushed to a public repository",
    "--timeout",
    "10s",
    "--report-dir",
    reportDir,
    "--url",
    a.url,
  ]);
  t.diagnostic(run.stdout);
  assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
  assert.ok(
    !run.stdout.includes(k.secret) && !run.stderr.includes(k.secret),
    "the leaked secret is never printed",
  );
  const total = /total time: (\d+) ms/.exec(run.stdout);
  assert.ok(total, run.stdout);
  t.diagnostic(`incident total time: ${total[1]} ms (machine shared)`);

  // every node rejects the old secret (the real hot path, not the report's word)
  for (const n of cluster.nodes) assert.equal((await n.verify(k.secret)).body.code, "REVOKED", n.name);

  const files = readdirSync(reportDir);
  const jsonName = files.find((f) => f.endsWith(".json"))!;
  assert.ok(
    files.some((f) => f.endsWith(".md")),
    files.join(", "),
  );
  const report = JSON.parse(readFileSync(join(reportDir, jsonName), "utf8"));
  assert.equal(report.ok, true);
  assert.deepEqual(report.keys, [{ keyId: k.keyId, revokedVersions: [1], replacementVersion: 2 }]);
  assert.equal(report.nodes.length, 3);
  for (const n of cluster.nodes) {
    const row = report.nodes.find((x: { nodeId: string }) => x.nodeId === ids.get(n.url));
    assert.ok(row, `${n.name} (${ids.get(n.url)}) is in the report`);
    assert.equal(row.confirmed, true);
    assert.ok(Date.parse(row.confirmedAt) > 0);
    assert.ok(row.ms >= 0);
    assert.equal(row.versions[0].code, "REVOKED");
    assert.ok(Date.parse(row.versions[0].since) > 0, "since when the node itself holds it revoked");
  }
  const md = readFileSync(join(reportDir, jsonName.replace(/\.json$/, ".md")), "utf8");
  for (const n of cluster.nodes) assert.ok(md.includes(ids.get(n.url)!), `${n.name} in the Markdown report`);
  assert.ok(!md.includes(k.secret) && !readFileSync(join(reportDir, jsonName), "utf8").includes(k.secret));
  // who used it: B's traffic, from its client's address
  const usedBy = report.exposure[0].versions[0];
  assert.equal(usedBy.version, 1);
  assert.ok(
    usedBy.addresses.some((x: { address: string }) => x.address === "203.0.113.7"),
    JSON.stringify(usedBy),
  );

  // the new secret: in a 0600 file only, and it works everywhere
  assert.equal(report.secretFiles.length, 1);
  assert.equal(statSync(report.secretFiles[0]).mode & 0o777, 0o600);
  const fresh = readFileSync(report.secretFiles[0], "utf8").trim();
  assert.ok(!run.stdout.includes(fresh), "the new secret is not printed");
  for (const n of [a, b, c]) await waitForCode(n, fresh, "VALID");
});

test("a frozen node (SIGSTOP) is named and the command exits non-zero", { timeout: 90_000 }, async (t) => {
  const [a, , c] = cluster.nodes as [ClusterNode, ClusterNode, ClusterNode];
  const ids = await nodeIds(a);
  const k = await createKey(a);
  for (const n of cluster.nodes) await waitForCode(n, k.secret, "VALID");
  // frozen right after its last heartbeat: still listed live, but it answers nothing
  c.child.kill("SIGSTOP");
  t.after(() => c.child.kill("SIGCONT"));
  const run = await runCli([
    "incident",
    "--key",
    k.keyId,
    "--timeout",
    "4s",
    "--report-dir",
    join(dir, "report-2"),
    "--url",
    a.url,
  ]);
  t.diagnostic(run.stdout);
  assert.equal(run.code, 1, `${run.stdout}\n${run.stderr}`);
  const frozen = ids.get(c.url)!;
  assert.match(run.stdout, new RegExp(`NOT CONFIRMED by 1 node: ${frozen}`));
  assert.match(run.stdout, /total time: \d+ ms/);
  const jsonName = readdirSync(join(dir, "report-2")).find((f) => f.endsWith(".json"))!;
  const report = JSON.parse(readFileSync(join(dir, "report-2", jsonName), "utf8"));
  assert.equal(report.ok, false);
  assert.deepEqual(report.unconfirmed, [frozen]);
  assert.equal(report.nodes.filter((n: { confirmed: boolean }) => n.confirmed).length, 2);
  // the two others did reject it
  for (const n of cluster.nodes.filter((x) => x !== c))
    assert.equal((await n.verify(k.secret)).body.code, "REVOKED");
  // thawed, the frozen node catches up and rejects it too
  c.child.kill("SIGCONT");
  await waitForCode(c, k.secret, "REVOKED", { timeoutMs: 10_000 });
});
