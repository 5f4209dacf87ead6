// Shared setup for integration tests: a real Keyroll node on a real SQLite file in a temp dir.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliDeps, runCli } from "../src/cli/run-cli.js";
import type { Clock } from "../src/core/clock.js";
import { createKeyroll, type Keyroll, resolveConfig } from "../src/main.js";

/** The admin key every test node is bootstrapped with. */
export const ADMIN_KEY = "test_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";

export interface TestNode {
  kr: Keyroll;
  dir: string;
  /** `app.inject` with the admin key and JSON handled. */
  call(
    method: string,
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field in assertions
  ): Promise<{ status: number; body: any; headers: Record<string, unknown> }>;
  close(): Promise<void>;
}

/**
 * Starts a node (not listening; use `kr.app.inject` or `call`) on a fresh SQLite file.
 * @example const node = await startTestNode({ clock }); after(() => node.close());
 */
export async function startTestNode(
  opts: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestNode> {
  const dir = mkdtempSync(join(tmpdir(), "keyroll-test-"));
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: join(dir, "keyroll.db"),
      KEYROLL_BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      KEYROLL_LOG_LEVEL: "silent",
      ...opts.env,
    },
  });
  const kr = await createKeyroll(config, { clock: opts.clock });
  return {
    kr,
    dir,
    async call(method, url, body, headers = {}) {
      const res = await kr.app.inject({
        method: method as "GET",
        url,
        headers: { authorization: `Bearer ${ADMIN_KEY}`, ...headers },
        ...(body !== undefined && { payload: body as object }),
      });
      let parsed: unknown = res.body;
      try {
        parsed = JSON.parse(res.body);
      } catch {
        // not JSON: leave the raw text
      }
      return { status: res.statusCode, body: parsed, headers: res.headers };
    },
    async close() {
      await kr.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `keyroll …` run in this process against the node at `url` with the test admin key, its output
 * kept; every run asserts that the admin key was never printed.
 * @example const run = cliAgainst(url); const { code, stdout } = await run(["keys", "list"]);
 */
export function cliAgainst(url: string, overrides: Partial<CliDeps> = {}) {
  return async (argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = "";
    let stderr = "";
    const code = await runCli(argv, {
      env: { KEYROLL_URL: url, KEYROLL_ADMIN_KEY: ADMIN_KEY },
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      fetch,
      ...overrides,
    });
    assert.ok(!stdout.includes(ADMIN_KEY) && !stderr.includes(ADMIN_KEY), "admin key printed");
    return { code, stdout, stderr };
  };
}
