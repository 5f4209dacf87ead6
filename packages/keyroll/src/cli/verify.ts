import type { Command } from "commander";
import type { VerifyResult } from "./api-types.js";
import {
  type CommandContext,
  compact,
  connect,
  print,
  readSecretFromStdin,
  withClientOptions,
} from "./command-kit.js";
import { CliError, EXIT_FAILURE, EXIT_OK } from "./errors.js";
import { display, formatFields } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parseIp, parseScopes } from "./parse.js";

interface VerifyOptions extends ClientOptions {
  scopes?: string[];
  stdin?: boolean;
  clientIp?: string;
}

/** Human view of a verify answer. */
export function formatVerifyResult(result: VerifyResult): string {
  return formatFields([
    ["valid", display(result.valid)],
    ["code", display(result.code)],
    ["key", display(result.keyId)],
    ["consumer", display(result.consumerId)],
    ["version", display(result.version)],
    ["scopes", display(result.scopes)],
    ["deprecated", display(result.deprecated)],
    ["expires at", display(result.expiresAt)],
  ]);
}

/** Adds `keyroll verify` to the program. */
export function registerVerify(program: Command, ctx: CommandContext): void {
  withClientOptions(
    program
      .command("verify")
      .description("check a secret as your API would; exit 0 valid, 1 not valid, 2 could not check")
      .argument("[secret]", "the secret to check (prefer --stdin: arguments end up in shell history)")
      .option("--scopes <list>", "comma-separated scopes the secret must have", parseScopes)
      .option("--stdin", "read the secret from standard input")
      .option(
        "--client-ip <address>",
        "address of the client that sent the secret, counted per version (keyroll rotations)",
        parseIp,
      ),
  ).action(async (secretArg: string | undefined, options: VerifyOptions) => {
    if (secretArg !== undefined && options.stdin === true) {
      throw new CliError("usage", "pass the secret either as an argument or with --stdin, not both");
    }
    if (secretArg === undefined && options.stdin !== true) {
      throw new CliError("usage", "missing secret: pass it as an argument or pipe it with --stdin");
    }
    const secret = secretArg ?? (await readSecretFromStdin(ctx));
    const api = connect(ctx, options);
    let response: Awaited<ReturnType<typeof api.request>>;
    try {
      response = await api.request("POST", "/v1/verify", {
        body: compact({ key: secret, scopes: options.scopes, clientIp: options.clientIp }),
      });
    } catch (error) {
      // Exit 1 means "not valid"; a refused admin call says nothing about the secret, so it must not look like one.
      if (error instanceof CliError && error.kind !== "usage" && error.kind !== "network") {
        throw new CliError("usage", `could not verify: ${error.message}`, error.status);
      }
      throw error;
    }
    const result = response.data as VerifyResult;
    print(ctx, options.json === true ? response.text : formatVerifyResult(result));
    if (options.json !== true && result.valid === true && result.deprecated === true) {
      ctx.deps.stderr.write(
        `warning: this secret is in its grace period and stops working at ${display(result.expiresAt)}; ` +
          "switch to the key's new version.\n",
      );
    }
    ctx.setExitCode(result.valid === true ? EXIT_OK : EXIT_FAILURE);
  });
}
