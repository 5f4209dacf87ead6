// The servers `verify.ts` measures, one per child process: `node bench/servers.mjs <role>`.
// Plain JavaScript on purpose: a server must run the way `keyroll serve` runs, on plain node.
// Under tsx's loader (as the TypeScript benchmark itself runs) the same dist code measured ≈ 12 %
// slower per request (bench/README.md), which is the loader's cost, not Keyroll's.
// Roles: keyroll, keyroll-norec (usage recording off), bare, bare-batched, fastify. Protocol (IPC): the child
// sends {type: "ready", port, adminKey?, secret?}, answers {type: "cpu"} with its CPU usage and
// exits on {type: "stop"} or when the parent goes away.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const HOST = "127.0.0.1";
/** The bootstrap admin key of the benchmark node (a throwaway database in a temp dir). */
const BOOTSTRAP_ADMIN_KEY = "bench_admin_key_0123456789abcdefghijklmnopqrstuvwxyz";

/** Answers the parent's cpu and stop messages; exits when the parent goes away. */
function serveParent(close) {
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    close().then(
      () => process.exit(0),
      (err) => {
        process.stderr.write(`bench child: close failed: ${err.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("message", (m) => {
    if (m.type === "cpu") process.send({ type: "cpu", usage: process.cpuUsage(), at: performance.now() });
    else if (m.type === "stop") stop();
  });
  process.on("disconnect", stop);
}

function portOf(server) {
  const addr = server.address();
  if (addr === null || typeof addr === "string") throw new Error("no TCP address");
  return addr.port;
}

/** A real Keyroll node on a temp SQLite file, with a consumer key and a verify-scoped admin key. */
async function keyrollChild() {
  // BENCH_KEYROLL_DIR: another build (A/B of a change); else packages/keyroll/dist, or src under tsx
  const base = process.env.BENCH_KEYROLL_DIR
    ? pathToFileURL(`${process.env.BENCH_KEYROLL_DIR.replace(/\/$/, "")}/`)
    : new URL(
        `../packages/keyroll/${process.env.BENCH_KEYROLL_SOURCE === "src" ? "src" : "dist"}/`,
        import.meta.url,
      );
  const ext = process.env.BENCH_KEYROLL_SOURCE === "src" && !process.env.BENCH_KEYROLL_DIR ? "ts" : "js";
  const { createKeyroll, resolveConfig } = await import(new URL(`main.${ext}`, base).href);
  const { SYSTEM_ACTOR } = await import(new URL(`services/deps.${ext}`, base).href);
  const dir = mkdtempSync(join(tmpdir(), "keyroll-bench-"));
  const kr = await createKeyroll(
    resolveConfig({
      env: {
        KEYROLL_DATABASE: join(dir, "keyroll.db"),
        KEYROLL_BOOTSTRAP_ADMIN_KEY: BOOTSTRAP_ADMIN_KEY,
        KEYROLL_LOG_LEVEL: process.env.BENCH_KEYROLL_LOG_LEVEL ?? "warn",
        // the recording-off twin: same node, no per-version usage counting
        ...(process.env.BENCH_USAGE_RECORDING === "false" && { KEYROLL_USAGE_RECORDING: "false" }),
      },
    }),
  );
  const boot = kr.verifier.verifyCached(BOOTSTRAP_ADMIN_KEY);
  if (!boot?.valid || !boot.consumerId) throw new Error("bootstrap admin key does not verify");
  // the admin key the benchmark authenticates with: scope `verify` only, as a gateway would hold
  const admin = await kr.services.keys.create(
    { consumerId: boot.consumerId, name: "bench verify", scopes: ["verify"] },
    SYSTEM_ACTOR,
  );
  const consumer = await kr.services.consumers.create({ name: "bench consumer" }, SYSTEM_ACTOR);
  const key = await kr.services.keys.create(
    { consumerId: consumer.id, name: "bench key", scopes: ["orders:read", "orders:write"] },
    SYSTEM_ACTOR,
  );
  await kr.app.listen({ host: HOST, port: 0 });
  serveParent(async () => {
    await kr.close();
    rmSync(dir, { recursive: true, force: true });
  });
  process.send({ type: "ready", port: portOf(kr.app.server), adminKey: admin.secret, secret: key.secret });
}

/** node:http reading the request body and answering constant JSON bytes. */
async function bareChild() {
  const body = bareBody();
  await listenBare(
    createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        res.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
          "content-length": body.length,
        });
        res.end(body);
      });
    }),
  );
}

/**
 * The bare server with Keyroll's I/O (docs/decisions/0009): the body read in one call on the next
 * tick, the answers written together once per turn of the event loop. A control: Keyroll against
 * this one is the cost of Keyroll's work alone, with the I/O technique the same on both sides.
 */
async function bareBatchedChild() {
  const body = bareBody();
  let outbox = [];
  const sendAll = () => {
    const batch = outbox;
    outbox = [];
    for (const res of batch) res.end(body);
  };
  const answer = (res) => {
    res.writeHead(200, {
      "content-type": "application/json; charset=utf-8",
      "content-length": body.length,
    });
    if (outbox.push(res) === 1) setImmediate(sendAll);
  };
  const readBody = (req, res) => {
    if (req.readableLength === Number(req.headers["content-length"])) {
      req.read();
      answer(res);
      return;
    }
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => answer(res));
  };
  await listenBare(createServer((req, res) => process.nextTick(readBody, req, res)));
}

function bareBody() {
  const body = Buffer.from(process.env.BENCH_BARE_BODY ?? "", "utf8");
  if (body.length === 0) throw new Error("BENCH_BARE_BODY is empty");
  return body;
}

async function listenBare(server) {
  await new Promise((resolve) => server.listen(0, HOST, resolve));
  serveParent(
    () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  process.send({ type: "ready", port: portOf(server) });
}

/**
 * The smallest Fastify app serving the same route: JSON body parsed and validated against the same
 * body schema, the constant answer serialized through a response schema. No logger, no hooks, no
 * auth, no verifier.
 */
async function fastifyChild() {
  const { default: Fastify } = await import("fastify");
  const answer = JSON.parse(process.env.BENCH_BARE_BODY ?? "");
  const str = { type: "string" };
  const nullable = (t) => ({ anyOf: [{ type: t }, { type: "null" }] });
  const app = Fastify({ logger: false });
  app.post(
    "/v1/verify",
    {
      schema: {
        body: {
          type: "object",
          properties: { key: { type: "string", maxLength: 4096 }, scopes: { type: "array", items: str } },
          required: ["key"],
          additionalProperties: false,
        },
        response: {
          200: {
            type: "object",
            properties: {
              valid: { type: "boolean" },
              code: str,
              keyId: nullable("string"),
              consumerId: nullable("string"),
              version: nullable("integer"),
              scopes: { type: "array", items: str },
              deprecated: { type: "boolean" },
              expiresAt: nullable("string"),
            },
          },
        },
      },
    },
    (_req, reply) => reply.send(answer),
  );
  await app.listen({ host: HOST, port: 0 });
  serveParent(() => app.close());
  process.send({ type: "ready", port: portOf(app.server) });
}

const roles = {
  keyroll: keyrollChild,
  "keyroll-norec": keyrollChild,
  bare: bareChild,
  "bare-batched": bareBatchedChild,
  fastify: fastifyChild,
};
const role = process.argv[2];
const run = roles[role];
(run ? run() : Promise.reject(new Error(`unknown server role ${role}`))).catch((err) => {
  if (process.connected) process.send({ type: "error", message: err.message });
  console.error(`bench server ${role} failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
