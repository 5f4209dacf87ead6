import { type Command, Option } from "commander";
import type { Alert, Page } from "./api-types.js";
import { type CommandContext, connect, nextPageHint, printResult, withClientOptions } from "./command-kit.js";
import { clean, display, formatFields, formatTable } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parsePositiveInt } from "./parse.js";

interface ListOptions extends ClientOptions {
  state?: "open" | "acknowledged" | "all";
  key?: string;
  limit?: number;
  cursor?: string;
}

/** Human view of a page of alerts; the acknowledgement columns appear once an alert has one. */
export function formatAlerts(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return "No alerts.\n";
  const acknowledged = alerts.some((a) => a.acknowledgedAt);
  const headers = ["id", "kind", "key", "version", "address", "count", "last seen"];
  if (acknowledged) headers.push("acknowledged at", "by");
  headers.push("message");
  return formatTable(
    headers,
    alerts.map((a) => [
      display(a.id),
      display(a.kind),
      display(a.keyId),
      display(a.version),
      display(a.address),
      display(a.count),
      display(a.lastSeenAt),
      ...(acknowledged ? [display(a.acknowledgedAt), display(a.acknowledgedBy)] : []),
      display(a.message),
    ]),
    { rightAligned: [3, 5] },
  );
}

/** Human view of one alert. */
export function formatAlert(alert: Alert): string {
  return formatFields([
    ["id", display(alert.id)],
    ["kind", display(alert.kind)],
    ["message", display(alert.message)],
    ["key", display(alert.keyId)],
    ["consumer", display(alert.consumerId)],
    ["version", display(alert.version)],
    ["address", display(alert.address)],
    ["count", display(alert.count)],
    ["created at", display(alert.createdAt)],
    ["last seen at", display(alert.lastSeenAt)],
    ["acknowledged at", display(alert.acknowledgedAt)],
    ["acknowledged by", display(alert.acknowledgedBy)],
    ["data", display(alert.data)],
  ]);
}

/** Adds `keyroll alerts [list]` and `keyroll alerts ack` to the program. */
export function registerAlerts(program: Command, ctx: CommandContext): void {
  const alerts = program
    .command("alerts")
    .description("failed rollovers and anomalies: list them (the default) or acknowledge one");

  withClientOptions(
    alerts
      .command("list", { isDefault: true })
      .description("list alerts, oldest first, one page at a time")
      .addOption(
        new Option("--state <state>", "which alerts (default open)").choices(["open", "acknowledged", "all"]),
      )
      .option("--key <key-id>", "only alerts about this key")
      .option("--limit <n>", "page size", parsePositiveInt)
      .option("--cursor <cursor>", "page to read, from the previous page"),
  ).action(async (options: ListOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", "/v1/alerts", {
      query: { state: options.state, keyId: options.key, limit: options.limit, cursor: options.cursor },
    });
    printResult<Page<Alert>>(
      ctx,
      options,
      response,
      (page) => formatAlerts(page.data ?? []) + nextPageHint(page.nextCursor),
    );
  });

  withClientOptions(
    alerts
      .command("ack")
      .description("acknowledge an alert; if it happens again, a new alert opens")
      .argument("<alert-id>", "alert id (alr_…)"),
  ).action(async (alertId: string, options: ClientOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("POST", `/v1/alerts/${encodeURIComponent(alertId)}/ack`, {
      body: {},
    });
    printResult<Alert>(
      ctx,
      options,
      response,
      (alert) => `Acknowledged alert ${clean(alert.id)}.\n\n${formatAlert(alert)}`,
    );
  });
}
