// Shared setup for integration tests: a real Keyroll node on a real SQLite file in a temp dir.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CliDeps, runCli } from "../src/cli/run-cli.js";
import type { Clock } from "../src/core/clock.js";
import {
  createKeyroll,
  createKeyrollGateway,
  type Keyroll,
  type KeyrollGateway,
  resolveConfig,
} from "../src/main.js";

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

/**
 * A new admin key with `scopes` on `node`'s admin consumer (e.g. `["verify"]`: what a gateway sends
 * in `X-Keyroll-Gateway-Key`); its secret.
 */
export async function adminKeyOf(node: TestNode, scopes: string[]): Promise<string> {
  const admins = await node.call("GET", "/v1/consumers?limit=200");
  const adminConsumer = admins.body.data.find((x: { name: string }) => x.name === "keyroll-admin").id;
  const k = await node.call("POST", "/v1/keys", { consumerId: adminConsumer, scopes });
  assert.equal(k.status, 201, JSON.stringify(k.body));
  return k.body.secret as string;
}

/** `keyroll gateway` in this process over `node`'s SQLite file, listening on a free port. */
export async function startGatewayOver(
  node: TestNode,
  opts: { upstream: string; configFile?: string },
): Promise<{ gw: KeyrollGateway; url: string }> {
  const config = resolveConfig({
    env: {
      KEYROLL_DATABASE: join(node.dir, "keyroll.db"),
      KEYROLL_LOG_LEVEL: "silent",
      KEYROLL_POLL_INTERVAL: "50ms",
    },
  });
  const gw = await createKeyrollGateway(config, opts);
  return { gw, url: await gw.listen("127.0.0.1", 0) };
}

/** Version 1's usage totals of `keyId` as `node` reports them, after `flush` (usage counts are flushed). */
export async function versionOneTotals(
  node: TestNode,
  keyId: string,
  flush: () => Promise<void>,
): Promise<Record<string, number>> {
  await flush();
  const u = await node.call("GET", `/v1/keys/${keyId}/usage`);
  assert.equal(u.status, 200, JSON.stringify(u.body));
  const v1 = (u.body.versions as Array<{ version: number; totals: Record<string, number> }>).find(
    (v) => v.version === 1,
  );
  return v1?.totals ?? {};
}
