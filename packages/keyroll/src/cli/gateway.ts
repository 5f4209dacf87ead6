import type { Command } from "commander";
import type { CliDeps, Env } from "./context.js";

/** Flags of `keyroll gateway`, passed on as typed; `main` validates them with the env and the file. */
export interface GatewayFlags {
  upstream?: string;
  config?: string;
  host?: string;
  port?: string;
  database?: string;
}

/** Starts the gateway through the composition root (a dynamic import, as `serve` does). */
export type GatewayFn = (options: { flags: GatewayFlags; env: Env }) => Promise<unknown>;

export const gatewayWithMain: GatewayFn = async (options) => {
  const { runGateway } = await import("../main.js");
  await runGateway(options);
};

/** Adds `keyroll gateway` to the program. */
export function registerGateway(program: Command, deps: CliDeps & { gateway?: GatewayFn }): void {
  program
    .command("gateway")
    .description(
      "run Keyroll's reverse proxy in front of an API: verify keys, enforce route rules and rate limits, forward (docs/gateways.md)",
    )
    .option("--upstream <url>", "the API to forward to, e.g. http://127.0.0.1:3000")
    .option("--config <file>", "gateway.yaml: route rules, key header, rotation docs, timeouts")
    .option("--host <host>", "interface to listen on (default 127.0.0.1; KEYROLL_HOST)")
    .option("--port <port>", "port to listen on (default 8080; KEYROLL_PORT)")
    .option(
      "--database <path-or-url>",
      "the server's database: SQLite file or postgres:// URL (KEYROLL_DATABASE)",
    )
    .action(async (options: GatewayFlags) => {
      const flags: GatewayFlags = {};
      for (const k of ["upstream", "config", "host", "port", "database"] as const)
        if (options[k] !== undefined) flags[k] = options[k];
      await (deps.gateway ?? gatewayWithMain)({ flags, env: deps.env });
    });
}
