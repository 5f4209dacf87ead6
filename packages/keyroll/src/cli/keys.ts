import { randomUUID } from "node:crypto";
import { type Command, Option } from "commander";
import type { CreatedKey, Key, KeyEnvelope, Page, RotatedKey } from "./api-types.js";
import {
  type CommandContext,
  compact,
  connect,
  nextPageHint,
  printResult,
  readSecretFromStdin,
  withClientOptions,
} from "./command-kit.js";
import { CliError } from "./errors.js";
import { clean, display, formatKey, formatKeys, formatSecret } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { type BulkRotateOptions, isBulk, runBulkRotate, withBulkRotateOptions } from "./jobs.js";
import { registerKeyImport } from "./key-import.js";
import { parseDuration, parseJsonObject, parsePositiveInt, parseScopes, parseTime } from "./parse.js";

interface CreateOptions extends ClientOptions {
  consumer: string;
  name?: string;
  scopes?: string[];
  prefix?: string;
  expiresAt?: string;
  metadata?: Record<string, unknown>;
  secret?: string;
  secretStdin?: boolean;
}

interface ListOptions extends ClientOptions {
  consumer?: string;
  state?: "active" | "revoked";
  limit?: number;
  cursor?: string;
}

interface RotateOptions extends ClientOptions {
  grace?: string | number;
  activateAt?: string;
  reason?: string;
  idempotencyKey?: string;
  retireWhenUnusedFor?: string | number;
  extendWhileInUseMax?: string | number;
  extendStep?: string | number;
}

interface RevokeOptions extends ClientOptions {
  version?: number;
  reason?: string;
}

function keyPath(keyId: string, suffix = ""): string {
  return `/v1/keys/${encodeURIComponent(keyId)}${suffix}`;
}

/** The traffic-driven options of a rotation, in words (echoing the flags the server accepted). */
function policyLines(previous: number, options: RotateOptions): string[] {
  const lines: string[] = [];
  if (options.retireWhenUnusedFor !== undefined) {
    lines.push(
      `It retires early once the new version is in use and version ${previous} has had no traffic for ${durationText(options.retireWhenUnusedFor)}.`,
    );
  }
  if (options.extendWhileInUseMax !== undefined) {
    const step = options.extendStep === undefined ? "" : `, ${durationText(options.extendStep)} at a time`;
    lines.push(
      `If it is still in use when the grace ends, the grace is extended${step}, up to ${durationText(options.extendWhileInUseMax)} after the switch.`,
    );
  }
  if (lines.length > 0) lines.push("Follow the switch with: keyroll rotations");
  return lines;
}

function durationText(value: string | number): string {
  return typeof value === "number" ? `${value}s` : clean(value);
}

function activeVersion(key: Key): number | undefined {
  return key.versions?.find((v) => v.state === "active")?.version;
}

/** Adds `keyroll keys create|list|show|rotate|rollback|revoke` to the program. */
export function registerKeys(program: Command, ctx: CommandContext): void {
  const keys = program.command("keys").description("manage API keys and rotate them");
  registerKeyImport(keys, ctx);

  withClientOptions(
    keys
      .command("create")
      .description("create a key for a consumer; prints its secret once")
      .requiredOption("--consumer <id>", "consumer id (con_…)")
      .option("--name <name>", "display name")
      .option("--scopes <list>", "comma-separated scopes, e.g. read,write", parseScopes)
      .option("--prefix <prefix>", "secret prefix, e.g. kr_live")
      .option("--expires-at <time>", "ISO 8601 time after which every version stops working", parseTime)
      .option("--metadata <json>", "JSON object stored with the key", parseJsonObject)
      .option("--secret <secret>", "import an existing secret instead of generating one")
      .option("--secret-stdin", "read the secret to import from standard input"),
  ).action(async (options: CreateOptions) => {
    if (options.secret !== undefined && options.secretStdin === true) {
      throw new CliError("usage", "pass either --secret or --secret-stdin, not both");
    }
    const secret = options.secretStdin === true ? await readSecretFromStdin(ctx) : options.secret;
    const api = connect(ctx, options);
    const body = compact({
      consumerId: options.consumer,
      name: options.name,
      scopes: options.scopes,
      prefix: options.prefix,
      expiresAt: options.expiresAt,
      metadata: options.metadata,
      secret,
    });
    const response = await api.request("POST", "/v1/keys", { body });
    printResult<CreatedKey>(ctx, options, response, (created) => {
      const head = `Created key ${clean(created.key.id)} for consumer ${clean(created.key.consumerId)}.\n\n`;
      // An imported secret is the caller's own; repeating it would only put it in more scrollback.
      const tail =
        secret === undefined
          ? formatSecret(created.secret, created.key.id, created.version)
          : `\nImported the given secret as version ${display(created.version)}.\n`;
      return head + formatKey(created.key) + tail;
    });
  });

  withClientOptions(
    keys
      .command("list")
      .description("list keys with their versions")
      .option("--consumer <id>", "only keys of this consumer")
      .addOption(new Option("--state <state>", "only keys in this state").choices(["active", "revoked"]))
      .option("--limit <n>", "page size", parsePositiveInt)
      .option("--cursor <cursor>", "page to read, from the previous page"),
  ).action(async (options: ListOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", "/v1/keys", {
      query: {
        consumerId: options.consumer,
        state: options.state,
        limit: options.limit,
        cursor: options.cursor,
      },
    });
    printResult<Page<Key>>(
      ctx,
      options,
      response,
      (page) => formatKeys(page.data ?? []) + nextPageHint(page.nextCursor),
    );
  });

  withClientOptions(
    keys.command("show").description("show one key and its versions").argument("<key-id>", "key id (key_…)"),
  ).action(async (keyId: string, options: ClientOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", keyPath(keyId));
    printResult<Key>(ctx, options, response, formatKey);
  });

  withBulkRotateOptions(
    withClientOptions(
      keys
        .command("rotate")
        .description(
          "add a new version; the current one keeps working for the grace period. Without a key id, rotate every key a selector takes (--consumer, --prefix, --scope, --metadata-field, --older-than, --all) as a job",
        )
        .argument("[key-id]", "key id (key_…)")
        .option(
          "--grace <duration>",
          "how long the current version keeps working: 30s, 15m, 24h, 7d",
          parseDuration,
        )
        .option("--activate-at <time>", "ISO 8601 time at which the new version becomes active", parseTime)
        .option("--reason <text>", "why, kept in the audit log")
        .option(
          "--idempotency-key <key>",
          "makes a retried rotation return the same new version (default: random)",
        )
        .option(
          "--retire-when-unused-for <duration>",
          "retire the previous version early once the new one is used and the old one has had no traffic this long, e.g. 30m",
          parseDuration,
        )
        .option(
          "--extend-while-in-use-max <duration>",
          "extend a grace that would end while the previous version is still in use, up to this long after the switch, e.g. 24h",
          parseDuration,
        )
        .option(
          "--extend-step <duration>",
          "with --extend-while-in-use-max: extend by this much at a time (server default 1h)",
          parseDuration,
        ),
    ),
  ).action(async (keyId: string | undefined, options: RotateOptions & BulkRotateOptions) => {
    if (keyId === undefined || isBulk(options)) {
      if (keyId !== undefined) throw new CliError("usage", "give a key id or selector flags, not both");
      if (!isBulk(options))
        throw new CliError(
          "usage",
          "give a key id, or selector flags (--consumer, --prefix, --scope, --metadata-field, --older-than, --all) for a bulk rotation",
        );
      await runBulkRotate(ctx, options);
      return;
    }
    if (options.grace === undefined)
      throw new CliError("usage", "required option '--grace <duration>' not specified");
    if (options.extendStep !== undefined && options.extendWhileInUseMax === undefined) {
      throw new CliError("usage", "--extend-step needs --extend-while-in-use-max");
    }
    const api = connect(ctx, options);
    const idempotencyKey = options.idempotencyKey ?? (ctx.deps.randomUUID ?? randomUUID)();
    const body = compact({
      gracePeriod: options.grace,
      activateAt: options.activateAt,
      reason: options.reason,
      retireWhenUnusedFor: options.retireWhenUnusedFor,
      extendWhileInUse:
        options.extendWhileInUseMax === undefined
          ? undefined
          : compact({ max: options.extendWhileInUseMax, step: options.extendStep }),
    });
    let response: Awaited<ReturnType<typeof api.request>>;
    try {
      response = await api.request("POST", keyPath(keyId, "/rotate"), {
        body,
        headers: { "Idempotency-Key": idempotencyKey },
      });
    } catch (error) {
      if (error instanceof CliError && (error.kind === "network" || (error.status ?? 0) >= 500)) {
        ctx.deps.stderr.write(
          "hint: the rotation may have happened. Retry with the same idempotency key to get its result " +
            `instead of a second rotation: --idempotency-key ${clean(idempotencyKey)}\n`,
        );
      }
      throw error;
    }
    printResult<RotatedKey>(ctx, options, response, (rotated) => {
      const id = clean(rotated.key.id);
      const state = rotated.key.versions?.find((v) => v.version === rotated.version);
      const lines = [
        state?.state === "scheduled"
          ? `Rotated ${id}: version ${rotated.version} becomes active at ${display(state.activatesAt)}.`
          : `Rotated ${id}: version ${rotated.version} is active.`,
      ];
      if (rotated.previous) {
        lines.push(
          `Version ${rotated.previous.version} keeps working until ${display(rotated.previous.expiresAt)} (grace period).`,
          ...policyLines(rotated.previous.version, options),
        );
      }
      return `${lines.join("\n")}\n\n${formatKey(rotated.key)}${formatSecret(rotated.secret, rotated.key.id, rotated.version)}`;
    });
  });

  withClientOptions(
    keys
      .command("rollback")
      .description("make the previous version active again while it is still in grace; revokes the newer one")
      .argument("<key-id>", "key id (key_…)"),
  ).action(async (keyId: string, options: ClientOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("POST", keyPath(keyId, "/rollback"), { body: {} });
    printResult<KeyEnvelope>(ctx, options, response, ({ key }) => {
      const version = activeVersion(key);
      const what = version === undefined ? "rolled back" : `version ${version} is active again`;
      return `Rolled back ${clean(key.id)}: ${what}.\n\n${formatKey(key)}`;
    });
  });

  withClientOptions(
    keys
      .command("revoke")
      .description("reject a key (every version) or one version of it, from now on")
      .argument("<key-id>", "key id (key_…)")
      .option("--version <n>", "revoke only this version", parsePositiveInt)
      .option("--reason <text>", "why, kept in the audit log"),
  ).action(async (keyId: string, options: RevokeOptions) => {
    const api = connect(ctx, options);
    const path =
      options.version === undefined
        ? keyPath(keyId, "/revoke")
        : keyPath(keyId, `/versions/${options.version}/revoke`);
    const response = await api.request("POST", path, { body: compact({ reason: options.reason }) });
    printResult<KeyEnvelope>(ctx, options, response, ({ key }) => {
      const what =
        options.version === undefined
          ? `Revoked ${clean(key.id)}: every version is rejected from now on.`
          : `Revoked version ${options.version} of ${clean(key.id)}.`;
      return `${what}\n\n${formatKey(key)}`;
    });
  });
}
