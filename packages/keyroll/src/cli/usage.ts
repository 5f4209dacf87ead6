import { type Command, Option } from "commander";
import type { KeyUsage, OutcomeCounts, Rotation } from "./api-types.js";
import { type CommandContext, connect, printResult, withClientOptions } from "./command-kit.js";
import { clean, display, formatTable } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parseTime } from "./parse.js";

interface UsageOptions extends ClientOptions {
  from?: string;
  to?: string;
  granularity?: "minute" | "hour";
}

/** Outcome columns in this order first (`VALID`, then the rejections a client that missed a rotation gets). */
const OUTCOME_ORDER = [
  "VALID",
  "EXPIRED",
  "REVOKED",
  "NOT_YET_ACTIVE",
  "INSUFFICIENT_SCOPE",
  "RATE_LIMITED",
  "ROUTE_NOT_ALLOWED",
  "DISABLED",
  "NOT_FOUND",
  "MALFORMED",
];

/** How many addresses a row of the rotations table names before "+N more". */
const ADDRESSES_IN_ROW = 2;

/** The outcome columns of a usage answer: `VALID` always, then every outcome that occurs. */
function outcomeColumns(usage: KeyUsage): string[] {
  const seen = new Set<string>(["VALID"]);
  for (const v of usage.versions ?? []) {
    for (const name of Object.keys(v.totals ?? {})) seen.add(name);
    for (const point of v.series ?? []) for (const name of Object.keys(point.counts ?? {})) seen.add(name);
  }
  const known = OUTCOME_ORDER.filter((name) => seen.has(name));
  const other = [...seen].filter((name) => !OUTCOME_ORDER.includes(name)).sort();
  return [...known, ...other];
}

function sum(counts: OutcomeCounts | undefined): number {
  return Object.values(counts ?? {}).reduce((a, b) => a + (typeof b === "number" ? b : 0), 0);
}

function countCells(columns: readonly string[], counts: OutcomeCounts | undefined): string[] {
  return columns.map((name) => display(counts?.[name] ?? 0));
}

/**
 * Human view of a key's usage: per version, newest first, one row per minute (or hour) with the
 * requests by outcome, and a total row.
 */
export function formatUsage(usage: KeyUsage): string {
  const head = `Usage of ${clean(usage.keyId)} per ${display(usage.granularity)}, ${display(usage.from)} to ${display(usage.to)}.\n`;
  const versions = [...(usage.versions ?? [])].sort((a, b) => b.version - a.version);
  if (versions.length === 0) return `${head}\nNo requests in this period.\n`;
  const columns = outcomeColumns(usage);
  const headers = ["time", ...columns.map(clean), "total"];
  const numeric = headers.map((_, i) => i).filter((i) => i > 0);
  const blocks = versions.map((v) => {
    const total = sum(v.totals);
    const title = `Version ${display(v.version)}: ${total} request${total === 1 ? "" : "s"}\n`;
    const series = v.series ?? [];
    if (series.length === 0) return `${title}No requests in this period.\n`;
    const rows = series.map((p) => [display(p.at), ...countCells(columns, p.counts), display(p.total)]);
    rows.push(["total", ...countCells(columns, v.totals), String(total)]);
    return title + formatTable(headers, rows, { rightAligned: numeric });
  });
  return `${head}\n${blocks.join("\n")}`;
}

/**
 * A share of traffic as a percentage, rounded down so that "100%" means every request.
 *
 * @example
 * formatShare(0.975); // "97.5%"
 * formatShare(null); // "-"
 */
export function formatShare(share: number | null | undefined): string {
  if (typeof share !== "number" || !Number.isFinite(share)) return "-";
  const tenths = Math.floor(share * 1000 + 1e-6);
  return tenths % 10 === 0 ? `${tenths / 10}%` : `${(tenths / 10).toFixed(1)}%`;
}

function addressSummary(rotation: Rotation): string {
  const addresses = rotation.previous?.addresses ?? [];
  if (addresses.length === 0) return "-";
  const named = addresses.slice(0, ADDRESSES_IN_ROW).map((a) => clean(a.address));
  const more = addresses.length - named.length;
  return more > 0 ? `${named.join(", ")} +${more} more` : named.join(", ");
}

function rotationDetails(rotation: Rotation): string {
  const id = clean(rotation.keyId);
  const previous = rotation.previous;
  const notes: string[] = [];
  if (previous.retireWhenUnusedFor) {
    notes.push(
      `Version ${display(previous.version)} of ${id} retires early once it has had no traffic for ${display(previous.retireWhenUnusedFor)}.`,
    );
  }
  if (previous.extendUntil) {
    notes.push(
      `The grace of ${id} is extended while version ${display(previous.version)} is in use, until ${display(previous.extendUntil)} at the latest.`,
    );
  }
  const addresses = previous.addresses ?? [];
  if (addresses.length > 0) {
    notes.push(
      `Addresses still sending version ${display(previous.version)} of ${id}:\n` +
        formatTable(
          ["address", "last seen", "requests"],
          addresses.map((a) => [display(a.address), display(a.lastSeenAt), display(a.count)]),
          { rightAligned: [2] },
        ).trimEnd(),
    );
  }
  return notes.join("\n");
}

/** Human view of the keys in a rotation: one row each, then who still sends each previous secret. */
export function formatRotations(rotations: readonly Rotation[]): string {
  if (rotations.length === 0) return "No keys in rotation.\n";
  const table = formatTable(
    [
      "key",
      "consumer",
      "version",
      "started",
      "grace ends",
      "current share",
      "previous last used",
      "addresses on previous",
      "safe to retire",
    ],
    rotations.map((r) => [
      display(r.keyId),
      display(r.consumerId),
      `${display(r.previous?.version)} → ${r.current?.version ? display(r.current.version) : "-"}`,
      display(r.startedAt),
      display(r.graceEndsAt),
      formatShare(r.currentShare),
      r.previous?.lastUsedAt ? display(r.previous.lastUsedAt) : "never",
      addressSummary(r),
      display(r.safeToRetire === true),
    ]),
    { rightAligned: [5] },
  );
  const details = rotations
    .filter((r) => r.previous !== undefined && r.previous !== null)
    .map(rotationDetails)
    .filter((text) => text !== "");
  const note =
    "\nCURRENT SHARE: share of the last 15 minutes' valid requests made with the current version.\n";
  return details.length === 0 ? table + note : `${table + note}\n${details.join("\n\n")}\n`;
}

/** Adds `keyroll usage` and `keyroll rotations` to the program. */
export function registerUsage(program: Command, ctx: CommandContext): void {
  withClientOptions(
    program
      .command("usage")
      .description("requests per version of a key, by outcome, per minute or hour")
      .argument("<key-id>", "key id (key_…)")
      .option(
        "--from <time>",
        "ISO 8601 start (default: 1h before --to, 24h with --granularity hour)",
        parseTime,
      )
      .option("--to <time>", "ISO 8601 end (default: now)", parseTime)
      .addOption(
        new Option("--granularity <unit>", "bucket size (default minute)").choices(["minute", "hour"]),
      ),
  ).action(async (keyId: string, options: UsageOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", `/v1/keys/${encodeURIComponent(keyId)}/usage`, {
      query: { from: options.from, to: options.to, granularity: options.granularity },
    });
    printResult<KeyUsage>(ctx, options, response, formatUsage);
  });

  withClientOptions(
    program
      .command("rotations")
      .description(
        "keys in a rotation: how much traffic moved to the new version, who still sends the old one",
      ),
  ).action(async (options: ClientOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", "/v1/rotations", { query: { state: "active" } });
    printResult<{ data?: Rotation[] }>(ctx, options, response, (page) => formatRotations(page.data ?? []));
  });
}
