// GET /metrics: the Prometheus text exposition counts exactly the verifications sent, by outcome,
// and a real Prometheus parser (`promtool check metrics`, Debian package `prometheus`) accepts it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { generateSecret } from "../src/core/secret.js";
import { clockedNode, createKey, rotate, verify } from "./contract-fixtures.js";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The sample lines of a text exposition (comments and blank lines skipped). */
function samples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    assert.ok(m, `not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!;
    }
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the one sample with this name and exactly these labels. */
function value(all: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = all.filter(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  assert.equal(found.length, 1, `one sample ${name}${JSON.stringify(labels)}, found ${found.length}`);
  return found[0]!.value;
}

/** True when CI is set: there a missing promtool is a failure, not a skip (.ci/run installs it). */
const inCI = (process.env.CI ?? "") !== "" && process.env.CI !== "false" && process.env.CI !== "0";

test("GET /metrics counts the verifications sent, by outcome, and promtool accepts it", async (t) => {
  const { node } = await clockedNode();
  t.after(() => node.close());
  // Every node.call is authenticated with the admin key, which the same verifier checks: each one
  // is a VALID verification of the admin key in keyroll_verifications_total (not in the histogram,
  // which times POST /v1/verify answers only). Counted here so the expected numbers are exact.
  let adminChecks = 0;
  const call: typeof node.call = (...args) => {
    adminChecks++;
    return node.call(...args);
  };
  const counted = { ...node, call };

  // key A: v1 expired at once by a rotation with no grace, v2 current; key B revoked; key C plain
  const a = await createKey(counted);
  const a2 = (await rotate(counted, a.keyId, { gracePeriod: "0s" })).body.secret as string;
  const b = await createKey(counted);
  const rv = await call("POST", `/v1/keys/${b.keyId}/revoke`, { reason: "leaked" });
  assert.equal(rv.status, 200, JSON.stringify(rv.body));
  const c = await createKey(counted);
  const unknown = generateSecret(); // well-formed, right checksum, never issued

  const sent: Array<[string, string, number]> = [
    [a2, "VALID", 3],
    [c.secret, "VALID", 2],
    [a.secret, "EXPIRED", 4],
    [b.secret, "REVOKED", 2],
    ["not a key", "MALFORMED", 2],
    [`${unknown.slice(0, -1)}${unknown.endsWith("a") ? "b" : "a"}`, "MALFORMED", 1], // bad checksum
    [unknown, "NOT_FOUND", 3], // the first reads through to the store, the next two hit the negative cache
  ];
  const expected: Record<string, number> = {};
  let verifications = 0;
  for (const [secret, code, n] of sent) {
    for (let i = 0; i < n; i++) {
      const r = await verify(counted, secret);
      assert.equal(r.body.code, code, `${code} #${i + 1}: ${JSON.stringify(r.body)}`);
      expected[code] = (expected[code] ?? 0) + 1;
      verifications++;
    }
  }

  // the index holds every version of every key, revoked and expired ones included (tombstones),
  // and the bootstrap admin key's: the same list GET /v1/keys gives, read before the scrape
  const listed = await call("GET", "/v1/keys?limit=100");
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  assert.equal(listed.body.nextCursor, null);
  let indexedVersions = 0;
  for (const k of listed.body.data) indexedVersions += k.versions.length;
  assert.ok(indexedVersions >= 4, `A has 2 versions, B and C 1 each: ${indexedVersions}`);

  // /metrics takes no admin key, so scraping counts nothing itself
  const res = await node.kr.app.inject({ method: "GET", url: "/metrics" });
  assert.equal(res.statusCode, 200, res.body);
  assert.match(String(res.headers["content-type"]), /^text\/plain; version=0\.0\.4; charset=utf-8$/);
  const body = res.body;
  const all = samples(body);

  for (const [name, type] of [
    ["keyroll_verifications_total", "counter"],
    ["keyroll_verify_duration_seconds", "histogram"],
    ["keyroll_verify_path_total", "counter"],
    ["keyroll_cache_versions", "gauge"],
    ["keyroll_feed_lag_seconds", "gauge"],
    ["keyroll_feed_seq", "gauge"],
    ["keyroll_usage_flush_lag_seconds", "gauge"],
    ["keyroll_usage_pending_versions", "gauge"],
    ["keyroll_leader", "gauge"],
    ["keyroll_process_cpu_seconds_total", "counter"],
  ] as const) {
    assert.ok(body.includes(`\n# TYPE ${name} ${type}\n`), `# TYPE ${name} ${type}`);
    assert.ok(body.includes(`\n# HELP ${name} `), `# HELP ${name}`);
  }

  t.diagnostic(
    `${verifications} verifications sent, ${adminChecks} admin-key checks, ${indexedVersions} versions`,
  );
  // admin-key checks on the admin calls above are not verifications: the counter has only /v1/verify answers
  for (const outcome of [
    "VALID",
    "MALFORMED",
    "NOT_FOUND",
    "REVOKED",
    "EXPIRED",
    "NOT_YET_ACTIVE",
    "INSUFFICIENT_SCOPE",
    "RATE_LIMITED",
    "DISABLED",
  ]) {
    assert.equal(
      value(all, "keyroll_verifications_total", { outcome }),
      expected[outcome] ?? 0,
      `keyroll_verifications_total{outcome="${outcome}"}`,
    );
  }
  // the histogram times POST /v1/verify answers only: one observation per verification sent
  assert.equal(value(all, "keyroll_verify_duration_seconds_count"), verifications);
  assert.equal(value(all, "keyroll_verify_duration_seconds_bucket", { le: "+Inf" }), verifications);
  const sum = value(all, "keyroll_verify_duration_seconds_sum");
  assert.ok(sum > 0 && sum < verifications, `sum of decision times in seconds: ${sum}`);
  let previous = 0;
  for (const s of all.filter((x) => x.name === "keyroll_verify_duration_seconds_bucket")) {
    assert.ok(s.value >= previous, `buckets are cumulative at le=${s.labels.le}`);
    previous = s.value;
  }

  // inject never takes the fast path: every answer came from the Fastify route
  assert.equal(value(all, "keyroll_verify_path_total", { path: "framework" }), verifications);
  assert.equal(value(all, "keyroll_verify_path_total", { path: "fast" }), 0);

  assert.equal(value(all, "keyroll_cache_versions"), indexedVersions);
  assert.ok(value(all, "keyroll_feed_seq") > 0, "the node applied the feed's changes");
  assert.ok(value(all, "keyroll_feed_lag_seconds") >= 0);
  assert.ok(value(all, "keyroll_usage_flush_lag_seconds") >= 0);
  assert.ok(value(all, "keyroll_usage_pending_versions") >= 1, "A, B and C were used and not yet flushed");
  assert.ok([0, 1].includes(value(all, "keyroll_leader")));

  await t.test("promtool check metrics accepts the exposition, without lint problems", (st) => {
    const probe = spawnSync("promtool", ["--version"], { encoding: "utf8" });
    if ((probe.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT") {
      assert.ok(
        !inCI,
        "promtool is not installed, and CI is set: .ci/run installs it (apt-get install prometheus)",
      );
      st.skip("promtool not installed (Debian: apt-get install --no-install-recommends prometheus)");
      return;
    }
    const r = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8", timeout: 30_000 });
    assert.equal(r.error, undefined, String(r.error));
    // exit 1: the parser rejected it; exit 3: lint problems, one per line on stderr
    assert.equal(r.status, 0, `promtool check metrics exited ${r.status}:\n${r.stderr}${r.stdout}`);
    assert.equal(r.stderr.trim(), "", `promtool reported:\n${r.stderr}`);
  });
});
