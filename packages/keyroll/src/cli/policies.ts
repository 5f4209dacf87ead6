import type { Static } from "@sinclair/typebox";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { EffectivePolicy, PolicyView } from "../http/routes/policies.js";
import type { KeyEnvelope } from "./api-types.js";
import { type CommandContext, compact, connect, printResult, withClientOptions } from "./command-kit.js";
import { CliError } from "./errors.js";
import { clean, display, formatFields, formatKey, formatTable } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parseDuration, parsePositiveInt } from "./parse.js";

// `keyroll policy show|set|clear` (rotation policies of a key, a consumer or the default),
// `keyroll keys cancel` (a scheduled version) and `keyroll report key-age`.

type Policy = Static<typeof PolicyView>;
type Effective = Static<typeof EffectivePolicy>;

interface TargetOptions extends ClientOptions {
  key?: string;
  consumer?: string;
  default?: boolean;
}

interface SetOptions extends TargetOptions {
  interval: string | number;
  grace: string | number;
  window?: { days: string[]; start: string; end: string; timeZone: string };
  activateAfter?: string | number;
  retireWhenUnusedFor?: string | number;
  extendWhileInUseMax?: string | number;
  extendStep?: string | number;
}

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

/**
 * Parses `--window "sat,sun 02:00-05:00 Europe/Berlin"` (days, a time range, an optional zone,
 * UTC by default; `mon-fri` for a range of days).
 *
 * @example
 * parseWindow("mon-fri 22:00-02:00"); // { days: ["mon", …, "fri"], start: "22:00", end: "02:00", timeZone: "UTC" }
 */
export function parseWindow(value: string): { days: string[]; start: string; end: string; timeZone: string } {
  const m = /^\s*([a-z,-]+)\s+(\d\d:\d\d)-(\d\d:\d\d)(?:\s+(\S+))?\s*$/i.exec(value);
  if (!m)
    throw new InvalidArgumentError('expected days and hours, e.g. "sat,sun 02:00-05:00 Europe/Berlin".');
  const days: string[] = [];
  for (const part of m[1]!.toLowerCase().split(",")) {
    const [from, to] = part.split("-");
    const a = DAYS.indexOf(from!);
    const b = to === undefined ? a : DAYS.indexOf(to);
    if (a < 0 || b < 0)
      throw new InvalidArgumentError(`"${part}" is not a day (sun, mon … sat) or a range (mon-fri).`);
    for (let i = a; ; i = (i + 1) % 7) {
      if (!days.includes(DAYS[i]!)) days.push(DAYS[i]!);
      if (i === b) break;
    }
  }
  return { days, start: m[2]!, end: m[3]!, timeZone: m[4] ?? "UTC" };
}

function targetPath(options: TargetOptions): string {
  const chosen = [options.key, options.consumer, options.default ? "default" : undefined].filter(
    (x) => x !== undefined,
  );
  if (chosen.length !== 1) throw new CliError("usage", "name exactly one of --key, --consumer or --default");
  if (options.key !== undefined) return `/v1/keys/${encodeURIComponent(options.key)}/policy`;
  if (options.consumer !== undefined) return `/v1/consumers/${encodeURIComponent(options.consumer)}/policy`;
  return "/v1/policies/default";
}

/** One policy as lines of text. */
export function formatPolicy(p: Policy | Effective | null): string {
  if (!p) return "none";
  const parts = [`every ${clean(p.interval)}, grace ${clean(p.gracePeriod)}`];
  if (p.window)
    parts.push(
      `window ${p.window.days.join(",")} ${p.window.start}-${p.window.end} ${clean(p.window.timeZone)}`,
    );
  if (p.activateAfter) parts.push(`activates ${clean(p.activateAfter)} after it is made`);
  if (p.retireWhenUnusedFor) parts.push(`retire when unused for ${clean(p.retireWhenUnusedFor)}`);
  if (p.extendWhileInUse)
    parts.push(`extend while in use by ${p.extendWhileInUse.step} up to ${p.extendWhileInUse.max}`);
  if (p && "source" in p) parts.push(`(from the ${p.source === "default" ? "global default" : p.source})`);
  return parts.join("; ");
}

// biome-ignore lint/suspicious/noExplicitAny: the three answers differ in shape; read field by field
function formatTarget(data: any): string {
  if (data.keyId !== undefined)
    return formatFields([
      ["key", display(data.keyId)],
      ["own policy", formatPolicy(data.policy)],
      ["in effect", formatPolicy(data.effective)],
      ["next rotation", display(data.nextRotationAt)],
      ...(data.blocked ? ([["blocked", display(data.blocked)]] as [string, string][]) : []),
    ]);
  if (data.consumerId !== undefined)
    return formatFields([
      ["consumer", display(data.consumerId)],
      ["own policy", formatPolicy(data.policy)],
      ["its keys get", formatPolicy(data.effective)],
    ]);
  return formatFields([
    ["default policy", formatPolicy(data.policy)],
    ["updated at", display(data.updatedAt)],
  ]);
}

function withTarget(command: Command): Command {
  return withClientOptions(
    command
      .option("--key <key-id>", "a key's own policy")
      .option("--consumer <consumer-id>", "a consumer's policy (for its keys without their own)")
      .option("--default", "the global default policy"),
  );
}

/** One row of the key-age report. */
interface AgeItem {
  keyId: string;
  consumerId: string;
  name: string | null;
  version: number;
  activeSince: string;
  ageSeconds: number;
  policy: { interval: string; source: string } | null;
  nextRotationAt: string | null;
}
interface GraceItem {
  keyId: string;
  consumerId: string;
  name: string | null;
  version: number;
  graceStartedAt: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
}
/** The key-age report as the server answers it. */
export interface KeyAgeReport {
  generatedAt: string;
  keys: number;
  counts: Record<(typeof SECTIONS)[number][0] | "inGrace", number>;
  pastPolicyAge: AgeItem[];
  inGrace: GraceItem[];
  withoutPolicy: AgeItem[];
  neverRotated: AgeItem[];
  oldestPerConsumer: AgeItem[];
}

const days = (s: number) => (s / 86_400).toFixed(1);
const SECTIONS = [
  ["pastPolicyAge", "past_policy_age", "Past their policy's age"],
  ["withoutPolicy", "without_policy", "Without a rotation policy"],
  ["neverRotated", "never_rotated", "Never rotated (still on their first secret)"],
  ["oldestPerConsumer", "oldest_for_consumer", "Oldest secret per consumer"],
] as const;

/** A list's full length, with how many of it the answer holds when the report's limit cut it. */
function countOf(r: KeyAgeReport, field: keyof KeyAgeReport["counts"]): string {
  const n = r.counts[field];
  const shown = r[field].length;
  return n > shown ? `${n} (the first ${shown} shown; --limit up to 10000)` : String(n);
}

/** The lists the report's limit cut, for a note beside the CSV (which has no place for one). */
export function cutLists(r: KeyAgeReport): string[] {
  return (Object.keys(r.counts) as Array<keyof KeyAgeReport["counts"]>).filter(
    (f) => r.counts[f] > r[f].length,
  );
}

/** The report as tables, one per finding. */
export function formatKeyAgeReport(r: KeyAgeReport): string {
  const out = [`Key-age report at ${clean(r.generatedAt)}: ${r.keys} live keys.`, ""];
  for (const [field, , title] of SECTIONS) {
    const rows = r[field];
    out.push(`${title}: ${countOf(r, field)}`);
    if (rows.length > 0)
      out.push(
        formatTable(
          ["key", "consumer", "name", "version", "active since", "age (days)", "policy", "next rotation"],
          rows.map((x) => [
            display(x.keyId),
            display(x.consumerId),
            display(x.name),
            display(x.version),
            display(x.activeSince),
            days(x.ageSeconds),
            x.policy ? `${clean(x.policy.interval)} (${clean(x.policy.source)})` : "-",
            display(x.nextRotationAt),
          ]),
          { rightAligned: [3, 5] },
        ),
      );
    else out.push("");
  }
  out.push(`Versions in grace: ${countOf(r, "inGrace")}`);
  if (r.inGrace.length > 0)
    out.push(
      formatTable(
        ["key", "consumer", "version", "grace since", "expires at", "last used at"],
        r.inGrace.map((g) =>
          [g.keyId, g.consumerId, g.version, g.graceStartedAt, g.expiresAt, g.lastUsedAt].map(display),
        ),
        { rightAligned: [2] },
      ),
    );
  return `${out.join("\n").trimEnd()}\n`;
}

/** A CSV field (RFC 4180), with a leading formula character defused for spreadsheets. */
function csv(value: unknown): string {
  let s = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The report as one CSV table, one row per finding. */
export function keyAgeCsv(r: KeyAgeReport): string {
  const head = [
    "finding",
    "key_id",
    "consumer_id",
    "key_name",
    "version",
    "since",
    "age_days",
    "policy_interval",
    "policy_source",
    "next_rotation_at",
    "expires_at",
  ];
  const lines = [head.join(",")];
  for (const [field, finding] of SECTIONS)
    for (const x of r[field])
      lines.push(
        [
          finding,
          x.keyId,
          x.consumerId,
          x.name,
          x.version,
          x.activeSince,
          days(x.ageSeconds),
          x.policy?.interval,
          x.policy?.source,
          x.nextRotationAt,
          "",
        ]
          .map(csv)
          .join(","),
      );
  for (const g of r.inGrace)
    lines.push(
      ["in_grace", g.keyId, g.consumerId, g.name, g.version, g.graceStartedAt, "", "", "", "", g.expiresAt]
        .map(csv)
        .join(","),
    );
  return `${lines.join("\r\n")}\r\n`;
}

/** Adds `keyroll policy …`, `keyroll keys cancel` and `keyroll report key-age`. */
export function registerPolicies(program: Command, ctx: CommandContext): void {
  const policy = program
    .command("policy")
    .description(
      "rotation policies of a key, a consumer or the global default: the leader rotates on schedule",
    );

  withTarget(
    policy.command("show").description("show a policy, the one in effect and the next rotation"),
  ).action(async (options: TargetOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", targetPath(options));
    printResult(ctx, options, response, formatTarget);
  });

  withTarget(
    policy
      .command("set")
      .description("set a policy (the key's own wins over its consumer's, which wins over the default)")
      .requiredOption("--interval <duration>", 'rotate every this long, e.g. "90d"', parseDuration)
      .requiredOption("--grace <duration>", "how long the previous version keeps working", parseDuration)
      .option(
        "--window <window>",
        'only switch in this window, e.g. "sat,sun 02:00-05:00 Europe/Berlin"',
        parseWindow,
      )
      .option(
        "--activate-after <duration>",
        "phased: make the new version this long before it activates",
        parseDuration,
      )
      .option(
        "--retire-when-unused-for <duration>",
        "retire the previous version early once unused this long",
        parseDuration,
      )
      .option(
        "--extend-while-in-use-max <duration>",
        "extend grace while in use, up to this long",
        parseDuration,
      )
      .option("--extend-step <duration>", "by this much at a time (default 1h)", parseDuration),
  ).action(async (options: SetOptions) => {
    const path = targetPath(options);
    if (options.extendStep !== undefined && options.extendWhileInUseMax === undefined)
      throw new CliError("usage", "--extend-step needs --extend-while-in-use-max");
    const body = compact({
      interval: options.interval,
      gracePeriod: options.grace,
      window: options.window,
      activateAfter: options.activateAfter,
      retireWhenUnusedFor: options.retireWhenUnusedFor,
      extendWhileInUse:
        options.extendWhileInUseMax === undefined
          ? undefined
          : compact({ max: options.extendWhileInUseMax, step: options.extendStep }),
    });
    const api = connect(ctx, options);
    const response = await api.request("PUT", path, { body });
    printResult(ctx, options, response, formatTarget);
  });

  withTarget(policy.command("clear").description("remove a policy (the next one down applies again)")).action(
    async (options: TargetOptions) => {
      const api = connect(ctx, options);
      const response = await api.request("DELETE", targetPath(options));
      printResult(ctx, options, response, formatTarget);
    },
  );

  const keys = program.commands.find((c) => c.name() === "keys");
  if (keys)
    withClientOptions(
      keys
        .command("cancel")
        .description("cancel a scheduled version before it activates; the current one keeps working")
        .argument("<key-id>", "key id (key_…)")
        .argument("<version>", "the scheduled version")
        .option("--reason <text>", "why, for the audit log"),
    ).action(async (keyId: string, version: string, options: ClientOptions & { reason?: string }) => {
      if (!/^[1-9]\d{0,8}$/.test(version))
        throw new CliError("usage", "version must be a whole number of at least 1");
      const api = connect(ctx, options);
      const response = await api.request(
        "POST",
        `/v1/keys/${encodeURIComponent(keyId)}/versions/${version}/cancel`,
        { body: compact({ reason: options.reason }) },
      );
      printResult<KeyEnvelope>(
        ctx,
        options,
        response,
        (d) => `Cancelled version ${version}.\n\n${formatKey(d.key)}`,
      );
    });

  const report = program.command("report").description("compliance reports");
  withClientOptions(
    report
      .command("key-age")
      .description(
        "keys past their policy's age, versions in grace, keys without a policy, never rotated, oldest secret per consumer",
      )
      .option("--consumer <consumer-id>", "only this consumer's keys")
      .option("--limit <n>", "entries per list at most, 1 to 10000 (server default 1000)", parsePositiveInt)
      .addOption(
        new Option("--format <format>", "table (default), csv or json").choices(["table", "csv", "json"]),
      ),
  ).action(
    async (
      options: ClientOptions & { consumer?: string; limit?: number; format?: "table" | "csv" | "json" },
    ) => {
      const api = connect(ctx, options);
      const response = await api.request("GET", "/v1/reports/key-age", {
        query: { consumerId: options.consumer, limit: options.limit },
      });
      const format = options.json ? "json" : (options.format ?? "table");
      const data = response.data as KeyAgeReport;
      const cut = cutLists(data);
      if (format === "csv" && cut.length > 0)
        ctx.deps.stderr.write(
          `note: the report's limit cut ${cut.join(", ")}; the counts are in --format json, --limit goes up to 10000\n`,
        );
      ctx.deps.stdout.write(
        format === "json"
          ? response.text.endsWith("\n")
            ? response.text
            : `${response.text}\n`
          : format === "csv"
            ? keyAgeCsv(data)
            : formatKeyAgeReport(data),
      );
    },
  );
}
