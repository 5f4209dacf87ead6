import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { rotatingFileKey } from "@keyroll/client/node";
import { type Command, InvalidArgumentError } from "commander";
import type { CliDeps } from "./context.js";
import { CliError } from "./errors.js";

interface AgentOptions {
  keyFile: string;
  onChange?: string;
  url?: string;
  interval: number;
  retryMin: number;
  once?: boolean;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function parseMs(value: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError("expected a duration such as 500ms, 30s, 5m or 1h.");
  const ms = Number(m[1]) * UNITS[m[2]!]!;
  if (ms < 1 || ms > 24 * 3_600_000)
    throw new InvalidArgumentError("expected a duration between 1ms and 24h.");
  return ms;
}

/** Runs `command` through the shell with the key file's path and version in its environment. */
function runHook(command: string, env: NodeJS.ProcessEnv, deps: CliDeps): Promise<number | string> {
  return new Promise((done) => {
    // the secret is never put in the command's environment or arguments: it reads the file
    const child = spawn("/bin/sh", ["-c", command], { stdio: ["ignore", "inherit", "inherit"], env });
    child.on("error", (err) => {
      deps.stderr.write(`keyroll agent: --on-change could not start: ${err.message}\n`);
      done("error");
    });
    child.on("exit", (code, signal) => done(code ?? signal ?? "unknown"));
  });
}

/**
 * `keyroll agent`: a sidecar that keeps a key file current by successor pickup, for clients that
 * cannot take @keyroll/client (any language, a cron job, a shell script). It checks `GET /v1/self`
 * with the file's secret on a jittered interval, picks up the successor during grace, writes it
 * atomically (mode 0600), runs `--on-change` after each change, and backs off while Keyroll is
 * unreachable. It never prints a secret.
 */
export function registerAgent(program: Command, deps: CliDeps): void {
  program
    .command("agent")
    .description("keep a key file current by successor pickup; run a command after each change")
    .requiredOption(
      "--key-file <path>",
      "the file holding the client's secret (rewritten atomically, mode 0600)",
    )
    .option(
      "--on-change <command>",
      "shell command run after each change (gets KEYROLL_KEY_FILE, KEYROLL_KEY_VERSION)",
    )
    .option("--url <url>", "Keyroll's URL (default KEYROLL_URL)")
    .option("--interval <duration>", "how often to check, ±20% (default 1m)", parseMs, 60_000)
    .option(
      "--retry-min <duration>",
      "first retry after a failure, doubling up to --interval (default 1s)",
      parseMs,
      1000,
    )
    .option("--once", "check (and pick up) once, then exit: 0 current or changed, 1 failed")
    .action(async (options: AgentOptions) => {
      const url = options.url ?? deps.env.KEYROLL_URL;
      if (!url) throw new CliError("usage", "missing Keyroll URL: pass --url or set KEYROLL_URL");
      const path = resolve(options.keyFile);
      let key: ReturnType<typeof rotatingFileKey>;
      try {
        key = rotatingFileKey({
          url,
          path,
          intervalMs: options.interval,
          retryMs: options.retryMin,
          checkOnStart: false,
          fetch: deps.fetch,
          pollMs: Math.min(options.interval, 1000),
        });
      } catch (err) {
        throw new CliError("usage", `cannot read the key file: ${(err as Error).message}`);
      }
      const log = (line: string) => deps.stderr.write(`keyroll agent: ${line}\n`);
      let hooks = Promise.resolve();
      key.on("rotated", (e) => {
        if (e.source !== "pickup") {
          log("the key file was changed by someone else; following it");
          return;
        }
        log(`picked up version ${e.version} (was ${e.previousVersion ?? "?"}); ${path} updated`);
        if (options.onChange === undefined) return;
        const command = options.onChange;
        // one hook at a time, in order, so two quick rotations cannot reload out of order
        hooks = hooks.then(async () => {
          const code = await runHook(
            command,
            {
              ...(deps.env as NodeJS.ProcessEnv),
              KEYROLL_KEY_FILE: path,
              KEYROLL_KEY_VERSION: String(e.version),
            },
            deps,
          );
          log(`--on-change exited with ${code}`);
        });
      });
      key.on("expiring", (e) =>
        log(`the key is in grace until ${e.expiresAt?.toISOString() ?? "?"} and no successor is waiting`),
      );
      key.on("failed", (e) => log(`${e.during} failed (${e.error.message}); retrying with backoff`));
      if (options.once) {
        const outcome = await key.check();
        await hooks;
        key.close();
        if (outcome === "failed") throw new CliError("response", "the check failed");
        return;
      }
      log(`watching ${path} against ${url} every ${options.interval}ms`);
      void key.check();
      // the provider's timers do not hold the process open (a library must not); the agent does
      const alive = setInterval(() => undefined, 1 << 30);
      const signal = await (deps.untilStopped?.() ?? new Promise<string>(() => undefined));
      clearInterval(alive);
      key.close();
      await hooks;
      log(`stopped (${signal})`);
    });
}
