// Redocly CLI's `recommended` rules over the document the server serves: no error, no warning.
// A copy with an operationId and the 4xx answers removed must be flagged, so the linter is known to
// run with those rules (and the test can fail).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startTestNode } from "./helpers.js";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const CLI = join(ROOT, "node_modules/@redocly/cli/bin/cli.js");

function lint(doc: unknown, dir: string, name: string) {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(doc));
  const r = spawnSync(
    process.execPath,
    [CLI, "lint", file, "--config", join(ROOT, "redocly.yaml"), "--format", "json"],
    {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
    },
  );
  assert.equal(r.error, undefined, String(r.error));
  const out = JSON.parse(r.stdout.slice(r.stdout.indexOf("{")));
  return {
    status: r.status,
    totals: out.totals,
    problems: out.problems as { ruleId: string; message: string }[],
  };
}

test("redocly lint (recommended) of the served /openapi.json: no error, no warning", async () => {
  const node = await startTestNode();
  const dir = mkdtempSync(join(tmpdir(), "keyroll-lint-"));
  after(async () => {
    await node.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const res = await node.kr.app.inject({ method: "GET", url: "/openapi.json" });
  assert.equal(res.statusCode, 200);
  const doc = res.json();

  const ok = lint(doc, dir, "openapi.json");
  const found = ok.problems.map((p) => `${p.ruleId}: ${p.message}`);
  assert.deepEqual(found, [], "redocly problems");
  assert.deepEqual({ errors: ok.totals.errors, warnings: ok.totals.warnings }, { errors: 0, warnings: 0 });
  assert.equal(ok.status, 0);

  const broken = structuredClone(doc);
  const op = broken.paths["/v1/keys"].post;
  delete op.operationId;
  for (const s of Object.keys(op.responses)) if (s.startsWith("4")) delete op.responses[s];
  const bad = lint(broken, dir, "broken.json");
  const rules = new Set(bad.problems.map((p) => p.ruleId));
  assert.ok(rules.has("operation-operationId"), [...rules].join(", "));
  assert.ok(rules.has("operation-4xx-response"), [...rules].join(", "));
});
