import { type Command, InvalidArgumentError, Option } from "commander";
import type { Page } from "./api-types.js";
import {
  type CommandContext,
  compact,
  connect,
  nextPageHint,
  printResult,
  withClientOptions,
} from "./command-kit.js";
import { clean, display, formatFields, formatTable } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parseDuration, parsePositiveInt } from "./parse.js";

/** A webhook endpoint as the API answers it. */
export interface WebhookEndpoint {
  id: string;
  url: string;
  events: string[];
  consumerId: string | null;
  enabled: boolean;
  description: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** One delivery of an event to an endpoint. */
export interface WebhookDelivery {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  lastResponseStatus: number | null;
  lastError: string | null;
  createdAt: string;
  deliveredAt: string | null;
}

const parseEvents = (value: string): string[] => {
  const events = value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (events.length === 0) throw new InvalidArgumentError("expected at least one event type");
  return events;
};

/** Human view of endpoints. */
export function formatWebhooks(hooks: readonly WebhookEndpoint[]): string {
  if (hooks.length === 0) return "No webhooks.\n";
  return formatTable(
    ["id", "url", "events", "consumer", "enabled"],
    hooks.map((w) => [
      display(w.id),
      display(w.url),
      display(w.events.join(",")),
      display(w.consumerId),
      w.enabled ? "yes" : `no (${clean(w.disabledReason ?? "disabled")})`,
    ]),
  );
}

/** Human view of one endpoint. */
export function formatWebhook(w: WebhookEndpoint): string {
  return formatFields([
    ["id", display(w.id)],
    ["url", display(w.url)],
    ["events", display(w.events.join(", "))],
    ["consumer", display(w.consumerId)],
    ["enabled", w.enabled ? "yes" : "no"],
    ["disabled because", display(w.disabledReason)],
    ["failing since", display(w.failingSince)],
    ["old secret signs until", display(w.previousSecretExpiresAt)],
    ["description", display(w.description)],
    ["created at", display(w.createdAt)],
    ["updated at", display(w.updatedAt)],
  ]);
}

/** Human view of deliveries. */
export function formatDeliveries(rows: readonly WebhookDelivery[]): string {
  if (rows.length === 0) return "No deliveries.\n";
  return formatTable(
    ["id", "event", "status", "attempts", "last status", "next attempt", "last error"],
    rows.map((d) => [
      display(d.id),
      display(d.eventType),
      display(d.status),
      display(d.attempts),
      display(d.lastResponseStatus),
      display(d.nextAttemptAt),
      display(d.lastError),
    ]),
    { rightAligned: [3, 4] },
  );
}

const secretNotice = (id: string, secret: string) =>
  [
    "",
    `Signing secret of ${clean(id)}:`,
    "",
    `    ${clean(secret)}`,
    "",
    "Store it now: it will not be shown again.",
    "",
  ].join("\n");

/** Adds `keyroll webhooks create|list|show|rotate-secret|deliveries|retry` to the program. */
export function registerWebhooks(program: Command, ctx: CommandContext): void {
  const webhooks = program
    .command("webhooks")
    .description(
      "Standard Webhooks endpoints: create, list (the default), show, rotate the secret, deliveries",
    );

  withClientOptions(
    webhooks
      .command("create")
      .description("create an endpoint; prints its signing secret once")
      .argument("<endpoint-url>", "http(s) URL the events are POSTed to")
      .requiredOption(
        "--events <types>",
        "comma-separated event types, e.g. key.rotated,key.version.expiring",
        parseEvents,
      )
      .option("--consumer <consumer-id>", "only this consumer's events")
      .option("--description <text>", "a note for people")
      .option("--disabled", "create it disabled"),
  ).action(
    async (
      endpointUrl: string,
      options: ClientOptions & {
        events: string[];
        consumer?: string;
        description?: string;
        disabled?: boolean;
      },
    ) => {
      const api = connect(ctx, options);
      const response = await api.request("POST", "/v1/webhooks", {
        body: compact({
          url: endpointUrl,
          events: options.events,
          consumerId: options.consumer,
          description: options.description,
          enabled: options.disabled ? false : undefined,
        }),
      });
      printResult<{ webhook: WebhookEndpoint; secret: string }>(
        ctx,
        options,
        response,
        (r) => `${formatWebhook(r.webhook)}\n${secretNotice(r.webhook.id, r.secret)}`,
      );
    },
  );

  withClientOptions(
    webhooks
      .command("list", { isDefault: true })
      .description("list endpoints, oldest first")
      .option("--consumer <consumer-id>", "only this consumer's endpoints")
      .option("--limit <n>", "page size", parsePositiveInt)
      .option("--cursor <cursor>", "page to read, from the previous page"),
  ).action(async (options: ClientOptions & { consumer?: string; limit?: number; cursor?: string }) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", "/v1/webhooks", {
      query: { consumerId: options.consumer, limit: options.limit, cursor: options.cursor },
    });
    printResult<Page<WebhookEndpoint>>(
      ctx,
      options,
      response,
      (page) => formatWebhooks(page.data ?? []) + nextPageHint(page.nextCursor),
    );
  });

  withClientOptions(
    webhooks.command("show").description("show one endpoint").argument("<webhook-id>", "webhook id (whk_…)"),
  ).action(async (id: string, options: ClientOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", `/v1/webhooks/${encodeURIComponent(id)}`);
    printResult<WebhookEndpoint>(ctx, options, response, formatWebhook);
  });

  withClientOptions(
    webhooks
      .command("rotate-secret")
      .description("make a new signing secret; the old one also signs during the overlap")
      .argument("<webhook-id>", "webhook id (whk_…)")
      .option("--overlap <duration>", 'how long the old secret also signs (default "24h")', parseDuration),
  ).action(async (id: string, options: ClientOptions & { overlap?: string | number }) => {
    const api = connect(ctx, options);
    const response = await api.request("POST", `/v1/webhooks/${encodeURIComponent(id)}/rotate-secret`, {
      body: compact({ overlap: options.overlap }),
    });
    printResult<{ webhook: WebhookEndpoint; secret: string }>(
      ctx,
      options,
      response,
      (r) =>
        `${formatWebhook(r.webhook)}\n${secretNotice(r.webhook.id, r.secret)}` +
        (r.webhook.previousSecretExpiresAt
          ? `The old secret also signs until ${clean(r.webhook.previousSecretExpiresAt)}.\n`
          : ""),
    );
  });

  withClientOptions(
    webhooks
      .command("deliveries")
      .description("an endpoint's deliveries, newest first")
      .argument("<webhook-id>", "webhook id (whk_…)")
      .addOption(new Option("--status <status>", "only these").choices(["pending", "delivered", "failed"]))
      .option("--limit <n>", "page size", parsePositiveInt)
      .option("--cursor <cursor>", "page to read, from the previous page"),
  ).action(
    async (id: string, options: ClientOptions & { status?: string; limit?: number; cursor?: string }) => {
      const api = connect(ctx, options);
      const response = await api.request("GET", `/v1/webhooks/${encodeURIComponent(id)}/deliveries`, {
        query: { status: options.status, limit: options.limit, cursor: options.cursor },
      });
      printResult<Page<WebhookDelivery>>(
        ctx,
        options,
        response,
        (page) => formatDeliveries(page.data ?? []) + nextPageHint(page.nextCursor),
      );
    },
  );

  withClientOptions(
    webhooks
      .command("retry")
      .description("send a delivery again now")
      .argument("<webhook-id>", "webhook id (whk_…)")
      .argument("<delivery-id>", "delivery id (dlv_…)"),
  ).action(async (id: string, deliveryId: string, options: ClientOptions) => {
    const api = connect(ctx, options);
    const response = await api.request(
      "POST",
      `/v1/webhooks/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/retry`,
      { body: {} },
    );
    printResult<WebhookDelivery>(
      ctx,
      options,
      response,
      (d) => `Delivery ${clean(d.id)} (${clean(d.eventType)}) will be sent again now.\n`,
    );
  });
}
