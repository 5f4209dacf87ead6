import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, beforeEach, test } from "node:test";
import { clean, formatFields, formatTable } from "../src/cli/format.js";
import { type CliDeps, runCli } from "../src/cli/run-cli.js";
import type { ServeOptions } from "../src/cli/serve.js";
import { formatShare } from "../src/cli/usage.js";

const ADMIN_KEY = "kr_admin_ThisIsTheAdminKeyThatMustNeverBePrinted42";
const SECRET = "kr_live_4fTq8ZrL0pWmN3vXy7cB2dKe9sHj6UaRoQx9abcd12";

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
}

const NOW = "2030-01-01T00:00:00.000Z";
const version = (n: number, state: string, extra: Record<string, unknown> = {}) => ({
  version: n,
  state,
  start: `kr_live_${n}`,
  imported: false,
  createdAt: NOW,
  activatesAt: null,
  expiresAt: null,
  revokedAt: null,
  lastUsedAt: null,
  ...extra,
});
const KEY = {
  id: "key_01",
  consumerId: "con_01",
  name: "billing",
  scopes: ["read", "write"],
  prefix: "kr_live",
  metadata: { team: "payments" },
  state: "active",
  expiresAt: null,
  createdAt: NOW,
  versions: [
    version(1, "grace", { expiresAt: "2030-01-02T00:00:00.000Z", lastUsedAt: NOW }),
    version(2, "active"),
  ],
};
const CONSUMER = { id: "con_01", name: "Acme", externalId: "acme-42", metadata: null, createdAt: NOW };

let server: Server;
let baseUrl: string;
let requests: Recorded[] = [];
let reply: (req: Recorded) => Reply = () => ({ status: 500, body: {} });

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      const recorded: Recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      requests.push(recorded);
      const answer = reply(recorded);
      const isProblem = answer.status >= 400;
      res.writeHead(answer.status, {
        "content-type": answer.contentType ?? (isProblem ? "application/problem+json" : "application/json"),
      });
      res.end(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  requests = [];
  reply = () => ({ status: 500, body: { code: "UNEXPECTED", detail: "no canned reply" } });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function run(argv: string[], overrides: Partial<CliDeps> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const deps: CliDeps = {
    env: { KEYROLL_URL: baseUrl, KEYROLL_ADMIN_KEY: ADMIN_KEY },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    fetch,
    version: "9.9.9",
    ...overrides,
  };
  const code = await runCli(argv, deps);
  // Whatever happened, the admin key never shows up in the output.
  assert.ok(!stdout.includes(ADMIN_KEY), "admin key printed on stdout");
  assert.ok(!stderr.includes(ADMIN_KEY), "admin key printed on stderr");
  return { code, stdout, stderr };
}

function only(): Recorded {
  assert.equal(requests.length, 1, "expected exactly one request");
  return requests[0]!;
}

function jsonBody(req: Recorded): unknown {
  return JSON.parse(req.body);
}

test("consumers create posts the consumer and prints it", async () => {
  reply = () => ({ status: 201, body: CONSUMER });
  const r = await run([
    "consumers",
    "create",
    "--name",
    "Acme",
    "--external-id",
    "acme-42",
    "--metadata",
    '{"tier":"gold"}',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/consumers");
  assert.equal(req.headers.authorization, `Bearer ${ADMIN_KEY}`);
  assert.match(req.headers["content-type"] ?? "", /^application\/json/);
  assert.equal(req.headers["user-agent"], "keyroll-cli/9.9.9");
  assert.deepEqual(jsonBody(req), { name: "Acme", externalId: "acme-42", metadata: { tier: "gold" } });
  assert.match(r.stdout, /Created consumer con_01\./);
  assert.match(r.stdout, /^external id {2}acme-42$/m);
  assert.match(r.stdout, /^metadata {5}-$/m);
});

test("consumers list sends limit and cursor and prints an aligned table", async () => {
  reply = () => ({
    status: 200,
    body: {
      data: [CONSUMER, { ...CONSUMER, id: "con_02", name: "Globex Corporation", externalId: null }],
      nextCursor: "c2",
    },
  });
  const r = await run(["consumers", "list", "--limit", "2", "--cursor", "c1"]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "GET");
  assert.equal(req.url, "/v1/consumers?limit=2&cursor=c1");
  assert.equal(req.body, "");
  const lines = r.stdout.split("\n");
  assert.equal(lines[0], "ID      NAME                EXTERNAL ID  CREATED AT                METADATA");
  assert.equal(lines[1], `con_01  Acme                acme-42      ${NOW}  -`);
  assert.equal(lines[2], `con_02  Globex Corporation  -            ${NOW}  -`);
  assert.match(r.stdout, /More results: add --cursor c2/);
});

test("--json prints the server's answer verbatim", async () => {
  const raw = '{"id":"key_01",  "weird": [1,2,3], "versions":[]}';
  reply = () => ({ status: 200, body: raw });
  const r = await run(["keys", "show", "key_01", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `${raw}\n`);
  assert.equal(only().url, "/v1/keys/key_01");
});

test("keys show prints the key fields and a versions table, newest first", async () => {
  reply = () => ({ status: 200, body: KEY });
  const r = await run(["keys", "show", "key_01"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^id {10}key_01$/m);
  assert.match(r.stdout, /^scopes {6}read, write$/m);
  assert.match(r.stdout, /^expires at {2}never$/m);
  assert.match(r.stdout, /^metadata {4}\{"team":"payments"\}$/m);
  const table = r.stdout.slice(r.stdout.indexOf("VERSION"));
  const [header, first, second] = table.split("\n");
  assert.equal(
    header,
    "VERSION  STATE   START       IMPORTED  ACTIVATES AT  EXPIRES AT                LAST USED AT",
  );
  assert.equal(first, "2        active  kr_live_2…  no        -             -                         -");
  assert.equal(
    second,
    `1        grace   kr_live_1…  no        -             2030-01-02T00:00:00.000Z  ${NOW}`,
  );
});

test("keys show encodes the key id into the path", async () => {
  reply = () => ({ status: 200, body: KEY });
  await run(["keys", "show", "../consumers"]);
  assert.equal(only().url, "/v1/keys/..%2Fconsumers");
});

test("keys list filters by consumer and state and prints every key with its versions", async () => {
  reply = () => ({ status: 200, body: { data: [KEY, { ...KEY, id: "key_02" }], nextCursor: null } });
  const r = await run(["keys", "list", "--consumer", "con_01", "--state", "active"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(only().url, "/v1/keys?consumerId=con_01&state=active");
  assert.equal(r.stdout.match(/^VERSION/gm)?.length, 2);
  assert.match(r.stdout, /^id {10}key_02$/m);
  assert.doesNotMatch(r.stdout, /More results/);
});

test("keys list rejects an unknown --state before sending anything", async () => {
  const r = await run(["keys", "list", "--state", "deleted"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Allowed choices are active, revoked/);
  assert.equal(requests.length, 0);
});

test("keys create sends the fields and prints the new secret once with a warning", async () => {
  reply = () => ({ status: 201, body: { key: KEY, secret: SECRET, version: 1 } });
  const r = await run([
    "keys",
    "create",
    "--consumer",
    "con_01",
    "--name",
    "billing",
    "--scopes",
    "read, write,",
    "--prefix",
    "kr_live",
    "--expires-at",
    "2031-05-01T10:00:00+02:00",
    "--metadata",
    '{"team":"payments"}',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/keys");
  assert.deepEqual(jsonBody(req), {
    consumerId: "con_01",
    name: "billing",
    scopes: ["read", "write"],
    prefix: "kr_live",
    expiresAt: "2031-05-01T08:00:00.000Z",
    metadata: { team: "payments" },
  });
  assert.equal(r.stdout.split(SECRET).length - 1, 1, "secret printed exactly once");
  assert.match(r.stdout, /will not be shown again/);
  assert.match(r.stdout, /Secret of key_01 version 1:/);
});

test("keys create --secret-stdin imports a secret read from stdin and does not echo it", async () => {
  reply = () => ({
    status: 201,
    body: {
      key: { ...KEY, versions: [version(1, "active", { imported: true })] },
      secret: SECRET,
      version: 1,
    },
  });
  const r = await run(["keys", "create", "--consumer", "con_01", "--secret-stdin"], {
    readStdin: async () => `${SECRET}\n`,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(jsonBody(only()), { consumerId: "con_01", secret: SECRET });
  assert.ok(!r.stdout.includes(SECRET));
  assert.match(r.stdout, /Imported the given secret as version 1/);
});

test("keys create --secret sends the secret as given", async () => {
  reply = () => ({ status: 201, body: { key: KEY, secret: SECRET, version: 1 } });
  const r = await run(["keys", "create", "--consumer", "con_01", "--secret", SECRET]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(jsonBody(only()), { consumerId: "con_01", secret: SECRET });
});

test("keys create refuses --secret with --secret-stdin, and bad --metadata, before sending", async () => {
  const both = await run(["keys", "create", "--consumer", "c", "--secret", SECRET, "--secret-stdin"], {
    readStdin: async () => SECRET,
  });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either --secret or --secret-stdin/);
  const badJson = await run(["keys", "create", "--consumer", "c", "--metadata", "{nope"]);
  assert.equal(badJson.code, 2);
  assert.match(badJson.stderr, /--metadata <json>.*JSON object/);
  const array = await run(["keys", "create", "--consumer", "c", "--metadata", "[1]"]);
  assert.equal(array.code, 2);
  const missing = await run(["keys", "create"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /required option '--consumer <id>' not specified/);
  assert.equal(requests.length, 0);
});

test("keys rotate sends the grace period and the given Idempotency-Key, prints the new secret", async () => {
  const rotatedKey = {
    ...KEY,
    versions: [version(2, "grace", { expiresAt: "2030-01-02T00:00:00.000Z" }), version(3, "active")],
  };
  reply = () => ({
    status: 201,
    body: {
      key: rotatedKey,
      secret: SECRET,
      version: 3,
      previous: { version: 2, expiresAt: "2030-01-02T00:00:00.000Z" },
    },
  });
  const r = await run([
    "keys",
    "rotate",
    "key_01",
    "--grace",
    "24h",
    "--reason",
    "yearly",
    "--idempotency-key",
    "rot-1",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/keys/key_01/rotate");
  assert.equal(req.headers["idempotency-key"], "rot-1");
  assert.deepEqual(jsonBody(req), { gracePeriod: "24h", reason: "yearly" });
  assert.match(r.stdout, /Rotated key_01: version 3 is active\./);
  assert.match(r.stdout, /Version 2 keeps working until 2030-01-02T00:00:00\.000Z/);
  assert.equal(r.stdout.split(SECRET).length - 1, 1);
  assert.match(r.stdout, /will not be shown again/);
});

test("keys rotate makes up a UUID Idempotency-Key, sends seconds as a number and activateAt", async () => {
  reply = () => ({
    status: 201,
    body: {
      key: {
        ...KEY,
        versions: [
          version(2, "active"),
          version(3, "scheduled", { activatesAt: "2030-02-01T00:00:00.000Z" }),
        ],
      },
      secret: SECRET,
      version: 3,
      previous: null,
    },
  });
  const r = await run([
    "keys",
    "rotate",
    "key_01",
    "--grace",
    "3600",
    "--activate-at",
    "2030-02-01T00:00:00Z",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.match(
    String(req.headers["idempotency-key"]),
    /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
  );
  assert.deepEqual(jsonBody(req), { gracePeriod: 3600, activateAt: "2030-02-01T00:00:00.000Z" });
  assert.match(r.stdout, /version 3 becomes active at 2030-02-01T00:00:00\.000Z/);
});

test("keys rotate requires --grace", async () => {
  const r = await run(["keys", "rotate", "key_01"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--grace/);
  assert.equal(requests.length, 0);
});

test("keys rotate on a server error prints the idempotency key to retry with", async () => {
  reply = () => ({
    status: 503,
    body: {
      type: "about:blank",
      title: "Unavailable",
      status: 503,
      code: "NOT_READY",
      detail: "store is stale",
    },
  });
  const r = await run(["keys", "rotate", "key_01", "--grace", "1h"], { randomUUID: () => "fixed-uuid" });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /--idempotency-key fixed-uuid/);
  assert.match(r.stderr, /error: NOT_READY: store is stale/);
});

test("keys rollback posts an empty JSON object", async () => {
  reply = () => ({ status: 200, body: { key: KEY } });
  const r = await run(["keys", "rollback", "key_01"]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/keys/key_01/rollback");
  assert.match(req.headers["content-type"] ?? "", /^application\/json/);
  assert.equal(req.body, "{}");
  assert.match(r.stdout, /Rolled back key_01: version 2 is active again\./);
});

test("keys revoke targets one version with --version, else the whole key", async () => {
  reply = () => ({ status: 200, body: { key: { ...KEY, state: "revoked" } } });
  const one = await run(["keys", "revoke", "key_01", "--version", "2", "--reason", "leaked"]);
  assert.equal(one.code, 0, one.stderr);
  assert.equal(requests[0]?.url, "/v1/keys/key_01/versions/2/revoke");
  assert.deepEqual(jsonBody(requests[0]!), { reason: "leaked" });
  assert.match(one.stdout, /Revoked version 2 of key_01\./);

  const all = await run(["keys", "revoke", "key_01"]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(requests[1]?.url, "/v1/keys/key_01/revoke");
  assert.deepEqual(jsonBody(requests[1]!), {});
  assert.match(all.stdout, /every version is rejected/);

  const bad = await run(["keys", "revoke", "key_01", "--version", "two"]);
  assert.equal(bad.code, 2);
  assert.equal(requests.length, 2);
});

const VALID = {
  valid: true,
  code: "VALID",
  keyId: "key_01",
  consumerId: "con_01",
  version: 2,
  scopes: ["read"],
  deprecated: false,
  expiresAt: null,
};

test("verify exits 0 for a valid secret and sends key and scopes", async () => {
  reply = () => ({ status: 200, body: VALID });
  const r = await run(["verify", SECRET, "--scopes", "read"]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/verify");
  assert.deepEqual(jsonBody(req), { key: SECRET, scopes: ["read"] });
  assert.match(r.stdout, /^valid {7}yes$/m);
  assert.match(r.stdout, /^code {8}VALID$/m);
  assert.ok(!r.stdout.includes(SECRET), "verify does not echo the secret");
});

test("verify exits 1 for a secret that is not valid, also with --json", async () => {
  const body = { ...VALID, valid: false, code: "REVOKED" };
  reply = () => ({ status: 200, body });
  const human = await run(["verify", SECRET]);
  assert.equal(human.code, 1);
  assert.match(human.stdout, /^code {8}REVOKED$/m);
  assert.equal(human.stderr, "");
  const json = await run(["verify", "--json", SECRET]);
  assert.equal(json.code, 1);
  assert.deepEqual(JSON.parse(json.stdout), body);
});

test("verify --stdin reads the secret and warns about a version in grace", async () => {
  reply = () => ({
    status: 200,
    body: { ...VALID, deprecated: true, expiresAt: "2030-01-02T00:00:00.000Z" },
  });
  const r = await run(["verify", "--stdin"], { readStdin: async () => `  ${SECRET}\n` });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(jsonBody(only()), { key: SECRET });
  assert.match(r.stderr, /warning: .*grace period.*2030-01-02T00:00:00\.000Z/);
});

test("verify usage errors and a refused admin call exit 2, not 1", async () => {
  assert.equal((await run(["verify"])).code, 2);
  assert.equal((await run(["verify", SECRET, "--stdin"], { readStdin: async () => SECRET })).code, 2);
  assert.equal((await run(["verify", "--stdin"], { readStdin: async () => "\n" })).code, 2);
  assert.equal(requests.length, 0);
  reply = () => ({ status: 401, body: { code: "UNAUTHORIZED", detail: "admin key is not valid" } });
  const refused = await run(["verify", SECRET]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /error: could not verify: UNAUTHORIZED: admin key is not valid/);
});

test("a problem+json answer prints `error: CODE: detail` and exits 1", async () => {
  reply = () => ({
    status: 404,
    body: {
      type: "https://keyroll.dev/errors/key-not-found",
      title: "Key not found",
      status: 404,
      code: "KEY_NOT_FOUND",
      detail: "no key key_99",
    },
  });
  const r = await run(["keys", "show", "key_99"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "error: KEY_NOT_FOUND: no key key_99\n");
  assert.equal(r.stdout, "");
});

test("a problem without detail falls back to its title; a non-JSON error to the status", async () => {
  reply = () => ({
    status: 409,
    body: { title: "Rollback not possible", status: 409, code: "ROLLBACK_NOT_POSSIBLE" },
  });
  const r = await run(["keys", "rollback", "key_01"]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "error: ROLLBACK_NOT_POSSIBLE: Rollback not possible\n");
  reply = () => ({ status: 502, body: "<html>bad gateway</html>", contentType: "text/html" });
  const html = await run(["keys", "show", "key_01"]);
  assert.equal(html.code, 1);
  assert.equal(html.stderr, "error: HTTP 502: Bad Gateway\n");
});

test("a server message cannot inject terminal control sequences", async () => {
  reply = () => ({ status: 400, body: { code: "VALIDATION_FAILED", detail: "bad\u001b[2J\nerror: fake" } });
  const r = await run(["keys", "show", "key_01"]);
  assert.equal(r.stderr, "error: VALIDATION_FAILED: bad\\x1b[2J\\x0aerror: fake\n");
});

test("connection refused exits 2 and names the URL", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const r = await run(["keys", "list", "--url", `http://127.0.0.1:${port}`]);
  assert.equal(r.code, 2);
  assert.match(
    r.stderr,
    new RegExp(`cannot connect to Keyroll at http://127\\.0\\.0\\.1:${port}: connection refused`),
  );
});

test("a missing admin key exits 2 before any request", async () => {
  const r = await run(["consumers", "list"], { env: { KEYROLL_URL: baseUrl } });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no admin key: set KEYROLL_ADMIN_KEY or pass --admin-key/);
  assert.equal(requests.length, 0);
});

test("--url and --admin-key flags win over the environment", async () => {
  reply = () => ({ status: 200, body: { data: [], nextCursor: null } });
  const flagKey = "kr_admin_FromTheFlagNotTheEnvironment0000000";
  const r = await run(["consumers", "list", "--url", `${baseUrl}/`, "--admin-key", flagKey], {
    env: { KEYROLL_URL: "http://127.0.0.1:1", KEYROLL_ADMIN_KEY: ADMIN_KEY },
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(only().headers.authorization, `Bearer ${flagKey}`);
  assert.equal(only().url, "/v1/consumers");
  assert.equal(r.stdout, "No consumers.\n");
  assert.ok(!r.stdout.includes(flagKey) && !r.stderr.includes(flagKey));
});

test("a base URL with a path prefix is kept; a bad URL is a usage error", async () => {
  reply = () => ({ status: 200, body: KEY });
  await run(["keys", "show", "key_01", "--url", `${baseUrl}/keyroll/`]);
  assert.equal(only().url, "/keyroll/v1/keys/key_01");
  const bad = await run(["keys", "show", "key_01", "--url", "ftp://example"]);
  assert.equal(bad.code, 2);
});

test("unknown commands and options are usage errors; --help and --version exit 0", async () => {
  assert.equal((await run(["keys", "frobnicate"])).code, 2);
  assert.equal((await run(["keys", "list", "--bogus"])).code, 2);
  assert.equal((await run([])).code, 2);
  const help = await run(["keys", "rotate", "--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--idempotency-key/);
  const ver = await run(["--version"]);
  assert.equal(ver.code, 0);
  assert.equal(ver.stdout, "9.9.9\n");
  assert.equal(requests.length, 0);
});

test("serve passes the raw flags and the environment to the server", async () => {
  const calls: ServeOptions[] = [];
  const env = { KEYROLL_PORT: "9000" };
  const serve = async (options: ServeOptions) => {
    calls.push(options);
  };
  const r = await run(["serve", "--port", "8081", "--database", "./x.db", "--strict", "--drain", "2s"], {
    env,
    serve,
  });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(calls, [
    { flags: { host: undefined, port: "8081", database: "./x.db", strict: true, drain: "2s" }, env },
  ]);
  const plain = await run(["serve"], { env, serve });
  assert.equal(plain.code, 0);
  assert.deepEqual(calls[1]?.flags, { host: undefined, port: undefined, database: undefined });
  const failing = await run(["serve"], {
    env,
    serve: async () => {
      throw new Error("port 8080 is in use");
    },
  });
  assert.equal(failing.code, 1);
  assert.equal(failing.stderr, "error: port 8080 is in use\n");
});

const USAGE = {
  keyId: "key_01",
  granularity: "minute",
  from: "2030-01-01T00:00:00.000Z",
  to: "2030-01-01T01:00:00.000Z",
  versions: [
    {
      version: 1,
      totals: { VALID: 7, EXPIRED: 3 },
      series: [
        { at: "2030-01-01T00:00:00.000Z", counts: { VALID: 7 }, total: 7 },
        { at: "2030-01-01T00:01:00.000Z", counts: { EXPIRED: 3 }, total: 3 },
      ],
    },
    {
      version: 2,
      totals: { VALID: 120, REVOKED: 1 },
      series: [{ at: "2030-01-01T00:01:00.000Z", counts: { VALID: 120, REVOKED: 1 }, total: 121 }],
    },
  ],
};

test("usage sends from, to and granularity and prints a table per version, newest first", async () => {
  reply = () => ({ status: 200, body: USAGE });
  const r = await run([
    "usage",
    "key_01",
    "--from",
    "2030-01-01T01:00:00+01:00",
    "--to",
    "2030-01-01T01:00:00Z",
    "--granularity",
    "minute",
  ]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "GET");
  assert.equal(
    req.url,
    "/v1/keys/key_01/usage?from=2030-01-01T00%3A00%3A00.000Z&to=2030-01-01T01%3A00%3A00.000Z&granularity=minute",
  );
  assert.equal(req.body, "");
  assert.equal(
    r.stdout,
    [
      "Usage of key_01 per minute, 2030-01-01T00:00:00.000Z to 2030-01-01T01:00:00.000Z.",
      "",
      "Version 2: 121 requests",
      "TIME                      VALID  EXPIRED  REVOKED  TOTAL",
      "2030-01-01T00:01:00.000Z    120        0        1    121",
      "total                       120        0        1    121",
      "",
      "Version 1: 10 requests",
      "TIME                      VALID  EXPIRED  REVOKED  TOTAL",
      "2030-01-01T00:00:00.000Z      7        0        0      7",
      "2030-01-01T00:01:00.000Z      0        3        0      3",
      "total                         7        3        0     10",
      "",
    ].join("\n"),
  );
});

test("usage without options sends no query; an empty period says so; --json is verbatim", async () => {
  const empty = { ...USAGE, granularity: "hour", versions: [] };
  reply = () => ({ status: 200, body: empty });
  const r = await run(["usage", "key_01"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(only().url, "/v1/keys/key_01/usage");
  assert.match(r.stdout, /^Usage of key_01 per hour, /);
  assert.match(r.stdout, /No requests in this period\.\n$/);

  const raw = JSON.stringify(USAGE, null, 1);
  reply = () => ({ status: 200, body: raw });
  const json = await run(["usage", "key_01", "--json", "--granularity", "hour"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout, `${raw}\n`);
  assert.equal(requests[1]?.url, "/v1/keys/key_01/usage?granularity=hour");
});

test("usage rejects a bad --granularity or --from before sending; maps a 404 to exit 1", async () => {
  const badUnit = await run(["usage", "key_01", "--granularity", "day"]);
  assert.equal(badUnit.code, 2);
  assert.match(badUnit.stderr, /Allowed choices are minute, hour/);
  const badTime = await run(["usage", "key_01", "--from", "yesterday"]);
  assert.equal(badTime.code, 2);
  assert.match(badTime.stderr, /ISO 8601/);
  assert.equal((await run(["usage"])).code, 2);
  assert.equal(requests.length, 0);

  reply = () => ({ status: 404, body: { code: "KEY_NOT_FOUND", detail: "no key key_99" } });
  const missing = await run(["usage", "key_99"]);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, "error: KEY_NOT_FOUND: no key key_99\n");
  assert.equal(missing.stdout, "");
});

test("usage encodes the key id and escapes outcome names from the server", async () => {
  reply = () => ({
    status: 200,
    body: {
      ...USAGE,
      versions: [{ version: 1, totals: { "X\u001b[2J": 1 }, series: [] }],
    },
  });
  const r = await run(["usage", "key/../x"]);
  assert.equal(only().url, "/v1/keys/key%2F..%2Fx/usage");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Version 1: 1 request\nNo requests in this period\./);
  assert.ok(!r.stdout.includes("\u001b"));
});

const ROTATION = {
  keyId: "key_01",
  consumerId: "con_01",
  startedAt: "2030-01-01T00:00:00.000Z",
  graceEndsAt: "2030-01-02T00:00:00.000Z",
  current: { version: 2, lastUsedAt: "2030-01-01T00:10:00.000Z", requests: 39 },
  previous: {
    version: 1,
    lastUsedAt: "2030-01-01T00:09:00.000Z",
    requests: 1,
    addresses: [
      { address: "203.0.113.7", lastSeenAt: "2030-01-01T00:09:00.000Z", count: 42 },
      { address: "2001:db8::1", lastSeenAt: "2030-01-01T00:05:00.000Z", count: 3 },
      { address: "198.51.100.2", lastSeenAt: "2030-01-01T00:01:00.000Z", count: 1 },
    ],
    retireWhenUnusedFor: "30m",
    extendUntil: "2030-01-03T00:00:00.000Z",
  },
  currentShare: 0.975,
  safeToRetire: false,
};
const QUIET_ROTATION = {
  ...ROTATION,
  keyId: "key_02",
  current: { version: 5, lastUsedAt: "2030-01-01T00:10:00.000Z", requests: 10 },
  previous: {
    version: 4,
    lastUsedAt: null,
    requests: 0,
    addresses: [],
    retireWhenUnusedFor: null,
    extendUntil: null,
  },
  currentShare: 1,
  safeToRetire: true,
};

test("rotations asks for the active ones and prints a table with share, addresses and safe to retire", async () => {
  reply = () => ({ status: 200, body: { data: [ROTATION, QUIET_ROTATION] } });
  const r = await run(["rotations"]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "GET");
  assert.equal(req.url, "/v1/rotations?state=active");
  const lines = r.stdout.split("\n");
  assert.equal(
    lines[0],
    "KEY     CONSUMER  VERSION  STARTED                   GRACE ENDS                CURRENT SHARE  " +
      "PREVIOUS LAST USED        ADDRESSES ON PREVIOUS             SAFE TO RETIRE",
  );
  assert.equal(
    lines[1],
    "key_01  con_01    1 → 2    2030-01-01T00:00:00.000Z  2030-01-02T00:00:00.000Z          97.5%  " +
      "2030-01-01T00:09:00.000Z  203.0.113.7, 2001:db8::1 +1 more  no",
  );
  assert.equal(
    lines[2],
    "key_02  con_01    4 → 5    2030-01-01T00:00:00.000Z  2030-01-02T00:00:00.000Z           100%  " +
      "never                     -                                 yes",
  );
  assert.match(r.stdout, /^CURRENT SHARE: share of the last 15 minutes' valid requests/m);
  assert.match(r.stdout, /^Version 1 of key_01 retires early once it has had no traffic for 30m\.$/m);
  assert.match(r.stdout, /until 2030-01-03T00:00:00\.000Z at the latest\.$/m);
  const details = r.stdout.slice(r.stdout.indexOf("Addresses still sending version 1 of key_01:"));
  assert.deepEqual(details.split("\n").slice(1, 5), [
    "ADDRESS       LAST SEEN                 REQUESTS",
    "203.0.113.7   2030-01-01T00:09:00.000Z        42",
    "2001:db8::1   2030-01-01T00:05:00.000Z         3",
    "198.51.100.2  2030-01-01T00:01:00.000Z         1",
  ]);
  assert.doesNotMatch(r.stdout, /key_02 retires|version 4 of key_02/);
});

test("rotations: none in progress, --json verbatim, errors mapped", async () => {
  reply = () => ({ status: 200, body: { data: [] } });
  const none = await run(["rotations"]);
  assert.equal(none.code, 0, none.stderr);
  assert.equal(none.stdout, "No keys in rotation.\n");

  const raw = `{"data":[${JSON.stringify({ ...ROTATION, currentShare: null })}]}`;
  reply = () => ({ status: 200, body: raw });
  const json = await run(["rotations", "--json"]);
  assert.equal(json.stdout, `${raw}\n`);

  reply = () => ({ status: 403, body: { code: "FORBIDDEN", detail: "needs keys:read" } });
  const refused = await run(["rotations"]);
  assert.equal(refused.code, 1);
  assert.equal(refused.stderr, "error: FORBIDDEN: needs keys:read\n");
  assert.equal(refused.stdout, "");
});

test("formatShare shows a percentage rounded down, - without traffic", () => {
  assert.equal(formatShare(0.975), "97.5%");
  assert.equal(formatShare(1), "100%");
  assert.equal(formatShare(0.9999), "99.9%");
  assert.equal(formatShare(0), "0%");
  assert.equal(formatShare(1 / 3), "33.3%");
  assert.equal(formatShare(0.29), "29%");
  assert.equal(formatShare(null), "-");
});

const ALERT = {
  id: "alr_01",
  kind: "failed_rollover",
  keyId: "key_01",
  consumerId: "con_01",
  version: 1,
  address: "203.0.113.7",
  message: "version 1 of key_01 is expired but still sent",
  count: 12,
  data: { code: "EXPIRED" },
  createdAt: "2030-01-01T00:00:00.000Z",
  lastSeenAt: "2030-01-01T00:05:00.000Z",
  acknowledgedAt: null,
  acknowledgedBy: null,
};

test("alerts lists open alerts by default; --state, --key, --limit and --cursor go in the query", async () => {
  reply = () => ({ status: 200, body: { data: [ALERT], nextCursor: "alr_01" } });
  const r = await run(["alerts"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(only().method, "GET");
  assert.equal(only().url, "/v1/alerts");
  const lines = r.stdout.split("\n");
  assert.equal(
    lines[0],
    "ID      KIND             KEY     VERSION  ADDRESS      COUNT  LAST SEEN                 MESSAGE",
  );
  assert.equal(
    lines[1],
    "alr_01  failed_rollover  key_01        1  203.0.113.7     12  2030-01-01T00:05:00.000Z  " +
      "version 1 of key_01 is expired but still sent",
  );
  assert.match(r.stdout, /More results: add --cursor alr_01/);

  const acked = { ...ALERT, acknowledgedAt: "2030-01-01T01:00:00.000Z", acknowledgedBy: "adm_01" };
  reply = () => ({ status: 200, body: { data: [acked], nextCursor: null } });
  const all = await run([
    "alerts",
    "list",
    "--state",
    "all",
    "--key",
    "key_01",
    "--limit",
    "5",
    "--cursor",
    "alr_00",
  ]);
  assert.equal(all.code, 0, all.stderr);
  assert.equal(requests[1]?.url, "/v1/alerts?state=all&keyId=key_01&limit=5&cursor=alr_00");
  assert.match(all.stdout, /^ID .* LAST SEEN +ACKNOWLEDGED AT +BY +MESSAGE$/m);
  assert.match(all.stdout, / 2030-01-01T01:00:00\.000Z +adm_01 +version 1/);
  assert.doesNotMatch(all.stdout, /More results/);

  // Options given straight after `alerts` reach the default `list`.
  reply = () => ({ status: 200, body: { data: [], nextCursor: null } });
  const shorthand = await run(["alerts", "--state", "acknowledged"]);
  assert.equal(shorthand.code, 0, shorthand.stderr);
  assert.equal(requests[2]?.url, "/v1/alerts?state=acknowledged");
  assert.equal(shorthand.stdout, "No alerts.\n");
});

test("alerts --json is verbatim; a bad --state is a usage error; server errors are mapped", async () => {
  const raw = `{"data":[${JSON.stringify(ALERT)}],"nextCursor":null}`;
  reply = () => ({ status: 200, body: raw });
  const json = await run(["alerts", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  assert.equal(json.stdout, `${raw}\n`);

  const bad = await run(["alerts", "--state", "closed"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Allowed choices are open, acknowledged, all/);
  assert.equal((await run(["alerts", "list", "--limit", "0"])).code, 2);
  assert.equal(requests.length, 1);

  reply = () => ({
    status: 400,
    body: { code: "INVALID_CURSOR", detail: "cursor is not one this API gave" },
  });
  const cursor = await run(["alerts", "--cursor", "nope"]);
  assert.equal(cursor.code, 1);
  assert.equal(cursor.stderr, "error: INVALID_CURSOR: cursor is not one this API gave\n");
});

test("alerts ack posts to the alert and prints it; an unknown alert exits 1", async () => {
  const acked = { ...ALERT, acknowledgedAt: "2030-01-01T01:00:00.000Z", acknowledgedBy: "adm_01" };
  reply = () => ({ status: 200, body: acked });
  const r = await run(["alerts", "ack", "alr_01"]);
  assert.equal(r.code, 0, r.stderr);
  const req = only();
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v1/alerts/alr_01/ack");
  assert.equal(req.body, "{}");
  assert.match(r.stdout, /^Acknowledged alert alr_01\.$/m);
  assert.match(r.stdout, /^acknowledged by {2}adm_01$/m);
  assert.match(r.stdout, /^data {13}\{"code":"EXPIRED"\}$/m);

  reply = () => ({ status: 200, body: JSON.stringify(acked) });
  const json = await run(["alerts", "ack", "alr_01", "--json"]);
  assert.equal(json.stdout, `${JSON.stringify(acked)}\n`);

  reply = () => ({ status: 404, body: { code: "ALERT_NOT_FOUND", detail: "no alert alr_99" } });
  const missing = await run(["alerts", "ack", "alr/99"]);
  assert.equal(missing.code, 1);
  assert.equal(requests[2]?.url, "/v1/alerts/alr%2F99/ack");
  assert.equal(missing.stderr, "error: ALERT_NOT_FOUND: no alert alr_99\n");
  assert.equal((await run(["alerts", "ack"])).code, 2);
  assert.equal(requests.length, 3);
});

test("keys rotate sends retireWhenUnusedFor and extendWhileInUse and explains them", async () => {
  reply = () => ({
    status: 201,
    body: {
      key: KEY,
      secret: SECRET,
      version: 2,
      previous: { version: 1, expiresAt: "2030-01-02T00:00:00.000Z" },
    },
  });
  const r = await run([
    "keys",
    "rotate",
    "key_01",
    "--grace",
    "24h",
    "--retire-when-unused-for",
    "30m",
    "--extend-while-in-use-max",
    "48h",
    "--extend-step",
    "1h",
    "--idempotency-key",
    "rot-policy",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(jsonBody(only()), {
    gracePeriod: "24h",
    retireWhenUnusedFor: "30m",
    extendWhileInUse: { max: "48h", step: "1h" },
  });
  assert.match(
    r.stdout,
    /retires early once the new version is in use and version 1 has had no traffic for 30m/,
  );
  assert.match(r.stdout, /the grace is extended, 1h at a time, up to 48h after the switch/);
  assert.match(r.stdout, /keyroll rotations/);

  const maxOnly = await run([
    "keys",
    "rotate",
    "key_01",
    "--grace",
    "1h",
    "--extend-while-in-use-max",
    "86400",
  ]);
  assert.equal(maxOnly.code, 0, maxOnly.stderr);
  assert.deepEqual(jsonBody(requests[1]!), { gracePeriod: "1h", extendWhileInUse: { max: 86400 } });
  assert.match(maxOnly.stdout, /the grace is extended, up to 86400s after the switch/);
});

test("keys rotate refuses --extend-step without --extend-while-in-use-max; maps a 400", async () => {
  const r = await run(["keys", "rotate", "key_01", "--grace", "1h", "--extend-step", "1h"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--extend-step needs --extend-while-in-use-max/);
  assert.equal(requests.length, 0);

  reply = () => ({
    status: 400,
    body: { code: "VALIDATION_FAILED", detail: "retireWhenUnusedFor must be a duration" },
  });
  const bad = await run(["keys", "rotate", "key_01", "--grace", "1h", "--retire-when-unused-for", "soon"]);
  assert.equal(bad.code, 1);
  assert.deepEqual(jsonBody(only()), { gracePeriod: "1h", retireWhenUnusedFor: "soon" });
  assert.equal(bad.stderr, "error: VALIDATION_FAILED: retireWhenUnusedFor must be a duration\n");
});

test("verify --client-ip sends the address; a non-address is a usage error", async () => {
  reply = () => ({ status: 200, body: VALID });
  const r = await run(["verify", SECRET, "--client-ip", "2001:db8::7"]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(jsonBody(only()), { key: SECRET, clientIp: "2001:db8::7" });
  const v4 = await run(["verify", SECRET, "--client-ip", "203.0.113.7"]);
  assert.equal(v4.code, 0, v4.stderr);
  assert.deepEqual(jsonBody(requests[1]!), { key: SECRET, clientIp: "203.0.113.7" });

  const bad = await run(["verify", SECRET, "--client-ip", "example.com"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--client-ip <address>.*IPv4 or IPv6/);
  assert.equal(requests.length, 2);
});

test("help lists the new commands and options", async () => {
  const root = await run(["--help"]);
  assert.match(root.stdout, /^ {2}usage /m);
  assert.match(root.stdout, /^ {2}rotations /m);
  assert.match(root.stdout, /^ {2}alerts /m);
  const alerts = await run(["alerts", "--help"]);
  assert.equal(alerts.code, 0);
  assert.match(alerts.stdout, /ack /);
  const rotate = await run(["keys", "rotate", "--help"]);
  assert.match(rotate.stdout, /--retire-when-unused-for/);
  assert.match(rotate.stdout, /--extend-while-in-use-max/);
  assert.match(rotate.stdout, /--extend-step/);
  assert.match((await run(["verify", "--help"])).stdout, /--client-ip/);
  assert.equal(requests.length, 0);
});

test("formatTable aligns columns without trailing blanks; clean escapes control characters", () => {
  assert.equal(
    formatTable(
      ["a", "long header"],
      [
        ["wide cell", ""],
        ["x", "y"],
      ],
    ),
    "A          LONG HEADER\nwide cell\nx          y\n",
  );
  assert.equal(
    formatFields([
      ["id", "1"],
      ["name", "n"],
    ]),
    "id    1\nname  n\n",
  );
  assert.equal(clean("ok\u0007\u009b"), "ok\\x07\\x9b");
});
