// Shared setup for integration tests: a real Keyroll node on a real SQLite file in a temp dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
