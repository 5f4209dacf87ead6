// The dashboard's API client is typed from the server's contract: src/openapi.d.ts must be exactly what
// openapi-typescript makes of the /openapi.json a node serves now, so a route change that the
// dashboard would not see fails here (regenerate with `npm run gen:api -w packages/web`).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { API_TYPES_FILE, apiTypes, servedDocument } from "../scripts/api-types.js";

test("the committed API types match the served OpenAPI document", async () => {
  const doc = (await servedDocument()) as { paths: Record<string, unknown> };
  assert.ok(doc.paths["/v1/keys/{id}/rotate"], "the document has the key routes");
  const want = await apiTypes(doc);
  const have = readFileSync(API_TYPES_FILE, "utf8");
  assert.ok(
    have === want,
    "packages/web/src/openapi.d.ts is stale: run `npm run gen:api -w packages/web` and commit it",
  );
});

test("the check can fail: a changed document gives other types", async () => {
  const doc = (await servedDocument()) as { paths: Record<string, Record<string, { summary?: string }>> };
  doc.paths["/v1/keys"]!.get!.summary = "changed";
  assert.notEqual(await apiTypes(doc), readFileSync(API_TYPES_FILE, "utf8"));
});
