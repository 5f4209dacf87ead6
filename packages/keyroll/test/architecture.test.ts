// Keeps the dependency rule of DESIGN.md true: an arrow means "may import".
//   http, gateway, cli → services, verifier → store → core;  main → anything but cli;
//   only cli's serve and gateway commands import main; cli may use core's pure code (the offline
//   audit verifier); core imports no I/O, no framework, no driver;
//   cli may `import type` from http (its wire types are the route schemas' Static<> types, so they
//   cannot drift from the contract) but loads no server code.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), "../src");

const MAY_IMPORT: Record<string, readonly string[]> = {
  core: ["core"],
  store: ["store", "core"],
  services: ["services", "store", "core"],
  verifier: ["verifier", "store", "core"],
  config: ["config", "core"],
  http: ["http", "services", "verifier", "core"],
  gateway: ["gateway", "services", "verifier", "core"],
  // and core: the pure audit verifier, so that `keyroll audit verify --file` runs the server's own code
  cli: ["cli", "core"],
  main: ["http", "gateway", "services", "verifier", "store", "core", "config"],
};
// pure computations only: hashing, CRC32 and X25519 (libsodium, decision 0030) are not I/O
const CORE_EXTERNALS = new Set(["node:crypto", "node:zlib", "sodium-native"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [p] : [];
  });
}

function imports(text: string): { spec: string; typeOnly: boolean }[] {
  const out: { spec: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*((?:import|export)\b[^'"]*?)from\s*["']([^"']+)["']/g))
    out.push({ spec: m[2]!, typeOnly: /^(?:import|export)\s+type\s/.test(m[1]!) });
  for (const m of text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g))
    out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g))
    out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

const layerOf = (file: string): string => {
  const rel = relative(SRC, file);
  return rel === "main.ts" || rel === "main.js" ? "main" : rel.split("/")[0]!;
};

function violations(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const out: string[] = [];
  for (const { path: file, text } of files) {
    const from = layerOf(file);
    const allowed = MAY_IMPORT[from];
    if (!allowed) {
      out.push(`${relative(SRC, file)} is in no known layer`);
      continue;
    }
    for (const { spec, typeOnly } of imports(text)) {
      if (spec.startsWith(".")) {
        const to = layerOf(resolve(dirname(file), spec));
        const ok =
          allowed.includes(to) ||
          (from === "cli" &&
            to === "main" &&
            ["cli/serve.ts", "cli/gateway.ts"].includes(relative(SRC, file))) ||
          (from === "cli" && to === "http" && typeOnly);
        if (!ok) out.push(`${relative(SRC, file)} imports ${spec} (${from} → ${to})`);
      } else if (from === "core" && !CORE_EXTERNALS.has(spec)) {
        out.push(`${relative(SRC, file)} imports ${spec}: core does no I/O and uses no framework or driver`);
      }
    }
  }
  return out;
}

test("every import follows the dependency rule", () => {
  const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, "utf8") }));
  assert.ok(files.length > 20, "source files found");
  assert.deepEqual(violations(files), []);
});

test("the rule check catches violations", () => {
  const fake = (rel: string, text: string) => ({ path: join(SRC, rel), text });
  assert.equal(violations([fake("core/x.ts", 'import { readFileSync } from "node:fs";')]).length, 1);
  assert.equal(violations([fake("core/x.ts", 'import Fastify from "fastify";')]).length, 1);
  assert.equal(violations([fake("store/x.ts", 'import type { A } from "../http/app.js";')]).length, 1);
  assert.equal(violations([fake("cli/keys.ts", 'const m = await import("../main.js");')]).length, 1);
  assert.equal(violations([fake("main.ts", 'import { runCli } from "./cli/run-cli.js";')]).length, 1);
  assert.equal(violations([fake("cli/serve.ts", 'const m = await import("../main.js");')]).length, 0);
  assert.equal(violations([fake("http/x.ts", 'import type { V } from "../verifier/index.js";')]).length, 0);
  assert.equal(violations([fake("cli/x.ts", 'import type { Key } from "../http/schemas.js";')]).length, 0);
  assert.equal(violations([fake("cli/x.ts", 'import { Key } from "../http/schemas.js";')]).length, 1);
  assert.equal(violations([fake("cli/x.ts", 'import { type Key } from "../http/schemas.js";')]).length, 1);
  assert.equal(violations([fake("cli/x.ts", 'import type { S } from "../services/keys.js";')]).length, 1);
});

// @keyroll/client ships to the provider's clients: nothing of the server, no runtime dependency,
// and its main entry runs wherever `fetch` does (node: modules only behind "@keyroll/client/node")
const CLIENT_SRC = resolve(SRC, "../../client/src");
const NODE_ONLY = new Set(["node.ts", "verifier.ts"]);

function clientViolations(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const out: string[] = [];
  for (const { path: file, text } of files) {
    const rel = relative(CLIENT_SRC, file);
    for (const { spec } of imports(text)) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(file), spec);
        if (relative(CLIENT_SRC, target).startsWith(".."))
          out.push(`client/${rel} imports ${spec} (outside the client)`);
        else if (NODE_ONLY.has(relative(CLIENT_SRC, target).replace(/\.js$/, ".ts")) && !NODE_ONLY.has(rel))
          out.push(`client/${rel} imports the node-only ${spec}`);
      } else if (spec.startsWith("node:")) {
        if (!NODE_ONLY.has(rel)) out.push(`client/${rel} imports ${spec}: only node.ts and verifier.ts may`);
      } else {
        out.push(`client/${rel} imports the package ${spec}: the client has no dependencies`);
      }
    }
  }
  return out;
}

test("@keyroll/client imports nothing from the server and has no runtime dependencies", () => {
  const files = sourceFiles(CLIENT_SRC).map((path) => ({ path, text: readFileSync(path, "utf8") }));
  assert.ok(files.length >= 4, "client source files found");
  assert.deepEqual(clientViolations(files), []);
  const pkg = JSON.parse(readFileSync(resolve(CLIENT_SRC, "../package.json"), "utf8"));
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), []);
  const fake = (rel: string, text: string) => ({ path: join(CLIENT_SRC, rel), text });
  assert.equal(
    clientViolations([fake("x.ts", 'import { A } from "../../keyroll/src/core/secret.js";')]).length,
    1,
  );
  assert.equal(clientViolations([fake("x.ts", 'import { A } from "keyroll";')]).length, 1);
  assert.equal(clientViolations([fake("x.ts", 'import { readFileSync } from "node:fs";')]).length, 1);
  assert.equal(clientViolations([fake("x.ts", 'import { fileKey } from "./node.js";')]).length, 1);
  assert.equal(clientViolations([fake("node.ts", 'import { readFileSync } from "node:fs";')]).length, 0);
});
