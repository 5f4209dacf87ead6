import type { Command } from "commander";
import type { CliDeps } from "./context.js";
import { CliError } from "./errors.js";
import { clean } from "./format.js";
import {
  type ApiClient,
  type ApiResponse,
  type ClientOptions,
  createApiClient,
  DEFAULT_URL,
} from "./http-client.js";

/** What every command registration gets: the outside world and a way to set the exit code. */
export interface CommandContext {
  readonly deps: CliDeps;
  setExitCode(code: number): void;
}

/** Adds `--url`, `--admin-key` and `--json` to a command that talks to a server. */
export function withClientOptions(command: Command): Command {
  return command
    .option("--url <url>", `Keyroll server URL (env KEYROLL_URL, default ${DEFAULT_URL})`)
    .option(
      "--admin-key <key>",
      "admin key (env KEYROLL_ADMIN_KEY, preferred: it stays out of shell history)",
    )
    .option("--json", "print the server's JSON answer as-is");
}

/** Resolves the server and admin key of one command invocation. */
export function connect(ctx: CommandContext, options: ClientOptions): ApiClient {
  const { env, fetch, version, timeoutMs } = ctx.deps;
  return createApiClient(options, env, fetch, { version, timeoutMs });
}

/** Writes text to stdout, ending it with a newline. */
export function print(ctx: CommandContext, text: string): void {
  ctx.deps.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

/** Prints `--json` output verbatim, or the human view made by `human`. */
export function printResult<T>(
  ctx: CommandContext,
  options: ClientOptions,
  response: ApiResponse,
  human: (data: T) => string,
): void {
  print(ctx, options.json === true ? response.text : human(response.data as T));
}

/** Prints the hint for the next page of a list, if there is one. */
export function nextPageHint(cursor: string | null | undefined): string {
  return cursor ? `\nMore results: add --cursor ${clean(cursor)}\n` : "";
}

/** Reads a secret piped on stdin (so it stays out of shell history and `ps`). */
export async function readSecretFromStdin(ctx: CommandContext): Promise<string> {
  if (ctx.deps.readStdin === undefined) throw new CliError("usage", "standard input is not available");
  const secret = (await ctx.deps.readStdin()).trim();
  if (secret === "") throw new CliError("usage", "expected a secret on standard input, got nothing");
  return secret;
}

/** Drops `undefined` fields so the request body holds only what the user set. */
export function compact(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));
}
