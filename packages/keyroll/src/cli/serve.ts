import type { Command } from "commander";
import type { CliDeps, Env } from "./context.js";

/** Flags of `keyroll serve`, passed on as typed by the user; `main` validates them with the env. */
export interface ServeFlags {
  host?: string;
  port?: string;
  database?: string;
  strict?: boolean;
  logFormat?: string;
  gatewayConfig?: string;
  authorizeOpen?: boolean;
  drain?: string;
  index?: string;
  indexMaxEntries?: string;
}

/** What `keyroll serve` hands to the composition root. */
export interface ServeOptions {
  flags: ServeFlags;
  env: Env;
}

/** Starts the server; resolves once it is listening (or, for some implementations, once it stops). */
export type ServeFn = (options: ServeOptions) => Promise<unknown>;

/**
 * Starts the server through the composition root. The import is dynamic so that client commands
 * never load the server, its store drivers or Fastify; this is the one place the CLI imports `main`.
 *
 * @example
 * await serveWithMain({ flags: { port: "8080" }, env: process.env });
 */
export const serveWithMain: ServeFn = async (options) => {
  const { runServe } = await import("../main.js");
  await runServe(options);
};

/** Adds `keyroll serve` to the program. */
export function registerServe(program: Command, deps: CliDeps): void {
  program
    .command("serve")
    .description("run the Keyroll server (settings also from KEYROLL_HOST, KEYROLL_PORT, KEYROLL_DATABASE)")
    .option("--host <host>", "interface to listen on (default 127.0.0.1)")
    .option("--port <port>", "port to listen on (default 8080)")
    .option("--database <path-or-url>", "SQLite file (default ./keyroll.db) or postgres:// URL")
    .option("--strict", "refuse to answer from a stale cache")
    .option(
      "--log-format <format>",
      "json, pretty, or auto: pretty when logs go to a terminal (default auto; KEYROLL_LOG_FORMAT)",
    )
    .option(
      "--gateway-config <file>",
      "route rules and key header of GET /v1/authorize (YAML, as keyroll gateway)",
    )
    .option("--authorize-open", "GET /v1/authorize without X-Keyroll-Gateway-Key (trusted networks only)")
    .option(
      "--drain <duration>",
      "after SIGTERM, keep serving this long while /readyz says 503 (default 5s; 0 skips)",
    )
    .option("--index <mode>", "full (every key version in memory, default) or bounded (the most used)")
    .option("--index-max-entries <n>", "versions kept in memory in bounded mode (default 1000000)")
    .action(async (options: ServeFlags) => {
      const flags: ServeFlags = {
        host: options.host,
        port: options.port,
        database: options.database,
        logFormat: options.logFormat,
      };
      if (options.drain !== undefined) flags.drain = options.drain;
      if (options.strict === true) flags.strict = true;
      if (options.gatewayConfig !== undefined) flags.gatewayConfig = options.gatewayConfig;
      if (options.authorizeOpen === true) flags.authorizeOpen = true;
      if (options.index !== undefined) flags.index = options.index;
      if (options.indexMaxEntries !== undefined) flags.indexMaxEntries = options.indexMaxEntries;
      await (deps.serve ?? serveWithMain)({ flags, env: deps.env });
    });
}
