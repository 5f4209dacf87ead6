import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { ERRORS } from "../src/core/errors.js";

const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
const main = doc.split("## Verify codes")[0]!;
const documented = new Map(
  [...main.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1]!, Number(m[2])] as const),
);

test("every error code is documented in docs/errors.md with its status", () => {
  for (const [code, e] of Object.entries(ERRORS)) {
    assert.equal(documented.get(code), e.status, `docs/errors.md: ${code} should be listed with ${e.status}`);
  }
});

test("docs/errors.md documents no stale code", () => {
  for (const code of documented.keys())
    assert.ok(code in ERRORS, `docs/errors.md lists ${code}, which no longer exists`);
});
