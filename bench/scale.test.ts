// Smoke test of the scale benchmark at its smallest: it runs end to end and measures something.
// Speed and memory are not asserted here (a shared CI machine says nothing about them);
// `npm run bench:scale` reports them against the targets of bench/README.md.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runScale } from "./scale.js";

test("scale benchmark: imports, starts, measures heap per version and rates", {
  timeout: 120_000,
}, async () => {
  const lines: string[] = [];
  const f = (await runScale({
    keys: 1_000,
    durationMs: 200,
    postgres: false,
    http: true,
    log: (l) => lines.push(l),
  })) as {
    importSqliteMs: number;
    startupSqliteMs: number;
    heapPerVersion: number;
    bounded: { hitRatio: number; missP50Ms: number };
    scanThread: { thread: { loadMs: number }; here: { loadMs: number } };
  };
  assert.ok(f.importSqliteMs > 0);
  assert.ok(f.startupSqliteMs > 0);
  assert.ok(
    f.heapPerVersion > 0 && Number.isFinite(f.heapPerVersion),
    `heap per version ${f.heapPerVersion}`,
  );
  assert.ok(f.bounded.hitRatio > 0);
  assert.ok(f.scanThread.thread.loadMs > 0 && f.scanThread.here.loadMs > 0);
  assert.ok(f.bounded.missP50Ms > 0);
  assert.ok(
    lines.some((l) => l.startsWith("ratio to 1 000 keys")),
    lines.join("\n"),
  );
});
