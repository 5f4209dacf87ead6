// The dashboard's API types come from the served OpenAPI document: a Keyroll node is built (on a
// throwaway SQLite file, not listening) and openapi-typescript turns its /openapi.json into
// src/openapi.d.ts. `npm run gen:api -w packages/web` rewrites the file; test/api-types.test.ts fails
// when the committed file no longer matches the server's document.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createKeyroll, resolveConfig } from "keyroll";
import openapiTS, { astToString } from "openapi-typescript";

export const API_TYPES_FILE = new URL("../src/openapi.d.ts", import.meta.url);

const HEADER = `// Generated from Keyroll's /openapi.json by packages/web/scripts/api-types.ts (openapi-typescript).
// Do not edit: run \`npm run gen:api -w packages/web\`; test/api-types.test.ts checks it is current.
`;

/** The document a node with the default configuration serves at /openapi.json. */
export async function servedDocument(): Promise<unknown> {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-openapi-"));
  try {
    const kr = await createKeyroll(
      resolveConfig({
        env: {
          KEYROLL_DATABASE: join(dir, "keyroll.db"),
          KEYROLL_BOOTSTRAP_ADMIN_KEY: "openapi_types_admin_key_0123456789abcdef",
          KEYROLL_LOG_LEVEL: "silent",
        },
      }),
    );
    try {
      const res = await kr.app.inject({ method: "GET", url: "/openapi.json" });
      return JSON.parse(res.body);
    } finally {
      await kr.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** src/openapi.d.ts as it should be for this document. */
export async function apiTypes(doc: unknown): Promise<string> {
  const ast = await openapiTS(doc as never, { alphabetize: true });
  return HEADER + astToString(ast);
}
