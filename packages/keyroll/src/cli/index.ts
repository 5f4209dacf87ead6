#!/usr/bin/env node
// The `keyroll` binary: the one place of the CLI that touches `process`; everything else gets it injected.
import { readFileSync } from "node:fs";
import { runCli } from "./run-cli.js";

function packageVersion(): string | undefined {
  try {
    // dist/cli/index.js and src/cli/index.ts both sit two levels below the package root.
    const raw = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
    const version = (JSON.parse(raw) as { version?: unknown }).version;
    return typeof version === "string" ? version : undefined;
  } catch {
    return undefined;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString("utf8");
}

process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  fetch: globalThis.fetch,
  readStdin,
  version: packageVersion(),
  untilStopped: () =>
    new Promise<string>((done) => {
      process.once("SIGINT", () => done("SIGINT"));
      process.once("SIGTERM", () => done("SIGTERM"));
    }),
});
