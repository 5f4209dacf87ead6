import { Command, CommanderError } from "commander";
import { registerAgent } from "./agent.js";
import { registerAlerts } from "./alerts.js";
import { registerAudit } from "./audit.js";
import type { CommandContext } from "./command-kit.js";
import { registerConsumers } from "./consumers.js";
import type { CliDeps } from "./context.js";
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors.js";
import { clean } from "./format.js";
import { registerGateway } from "./gateway.js";
import { registerIncident } from "./incident.js";
import { registerJobs } from "./jobs.js";
import { registerKeys } from "./keys.js";
import { registerPolicies } from "./policies.js";
import { registerServe } from "./serve.js";
import { registerUsage } from "./usage.js";
import { registerVerify } from "./verify.js";
import { registerWebhooks } from "./webhooks.js";

export type { CliDeps, Env, FetchFn, Output } from "./context.js";
export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./errors.js";

/**
 * Builds the `keyroll` command tree. A fresh tree per run, because commander keeps parsed
 * option values on the command objects.
 */
export function buildProgram(ctx: CommandContext): Command {
  const { stdout, stderr } = ctx.deps;
  const program = new Command("keyroll")
    .description("Keyroll: API keys with zero-downtime rotation")
    .version(ctx.deps.version ?? "0.0.0", "-V, --version", "print the version")
    // Root options only before the subcommand, so `keys revoke --version 2` is not taken for `--version`.
    .enablePositionalOptions()
    .exitOverride()
    .showHelpAfterError("(add --help for usage)")
    .configureOutput({
      writeOut: (text) => stdout.write(text),
      writeErr: (text) => stderr.write(text),
    });
  registerServe(program, ctx.deps);
  registerGateway(program, ctx.deps);
  registerConsumers(program, ctx);
  registerKeys(program, ctx);
  registerVerify(program, ctx);
  registerUsage(program, ctx);
  registerAlerts(program, ctx);
  registerAgent(program, ctx.deps);
  registerWebhooks(program, ctx);
  registerAudit(program, ctx);
  registerPolicies(program, ctx);
  registerJobs(program, ctx);
  registerIncident(program, ctx);
  return program;
}

/**
 * Runs one `keyroll` invocation and resolves to its exit code: 0 success (for `verify`: valid),
 * 1 refused by the server or not valid, 2 usage error, missing admin key or server unreachable.
 * Never throws and never exits the process; output goes to `deps.stdout`/`deps.stderr`.
 *
 * @example
 * const code = await runCli(["keys", "show", "key_123", "--json"], {
 *   env: { KEYROLL_ADMIN_KEY: "kr_admin_…" },
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 *   fetch,
 * });
 */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode = EXIT_OK;
  const ctx: CommandContext = {
    deps,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    await buildProgram(ctx).parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // commander has already printed the message (or the help / version).
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CliError) {
      deps.stderr.write(`error: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    deps.stderr.write(`error: ${clean(message)}\n`);
    return EXIT_FAILURE;
  }
}
