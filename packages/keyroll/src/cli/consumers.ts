import type { Command } from "commander";
import type { Consumer, Page } from "./api-types.js";
import {
  type CommandContext,
  compact,
  connect,
  nextPageHint,
  printResult,
  withClientOptions,
} from "./command-kit.js";
import { clean, formatConsumer, formatConsumers } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parseJsonObject, parsePositiveInt } from "./parse.js";

interface CreateOptions extends ClientOptions {
  name: string;
  externalId?: string;
  metadata?: Record<string, unknown>;
}

interface ListOptions extends ClientOptions {
  limit?: number;
  cursor?: string;
}

/** Adds `keyroll consumers create|list` to the program. */
export function registerConsumers(program: Command, ctx: CommandContext): void {
  const consumers = program.command("consumers").description("manage consumers (the clients of your API)");

  withClientOptions(
    consumers
      .command("create")
      .description("create a consumer")
      .requiredOption("--name <name>", "display name")
      .option("--external-id <id>", "your own id for this consumer")
      .option("--metadata <json>", "JSON object stored with the consumer", parseJsonObject),
  ).action(async (options: CreateOptions) => {
    const api = connect(ctx, options);
    const body = compact({ name: options.name, externalId: options.externalId, metadata: options.metadata });
    const response = await api.request("POST", "/v1/consumers", { body });
    printResult<Consumer>(
      ctx,
      options,
      response,
      (consumer) => `Created consumer ${clean(consumer.id)}.\n\n${formatConsumer(consumer)}`,
    );
  });

  withClientOptions(
    consumers
      .command("list")
      .description("list consumers, one page at a time")
      .option("--limit <n>", "page size", parsePositiveInt)
      .option("--cursor <cursor>", "page to read, from the previous page"),
  ).action(async (options: ListOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", "/v1/consumers", {
      query: { limit: options.limit, cursor: options.cursor },
    });
    printResult<Page<Consumer>>(
      ctx,
      options,
      response,
      (page) => formatConsumers(page.data ?? []) + nextPageHint(page.nextCursor),
    );
  });
}
