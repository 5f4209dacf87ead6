import cliProgress from "cli-progress";
import { type Command, InvalidArgumentError, Option } from "commander";
import type { Page } from "./api-types.js";
import {
  type CommandContext,
  compact,
  connect,
  nextPageHint,
  print,
  printResult,
  withClientOptions,
} from "./command-kit.js";
import { CliError } from "./errors.js";
import { clean, display, formatFields, formatTable } from "./format.js";
import type { ApiClient, ClientOptions } from "./http-client.js";
import { parseDuration, parsePositiveInt } from "./parse.js";

/** A bulk rotation job as the API answers it. */
export interface RotationJob {
  id: string;
  state: "queued" | "running" | "paused" | "completed" | "cancelled";
  selector: Record<string, unknown>;
  gracePeriod: string;
  rate: number;
  requirePickup: boolean;
  reason: string | null;
  matched: number;
  rotated: number;
  skipped: number;
  failed: number;
  pending: number;
  currentRate: number | null;
  createdBy: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  eta: string | null;
}

interface Preview {
  dryRun: true;
  matched: number;
  wouldSkip: Record<string, number>;
  keys: Array<{
    id: string;
    consumerId: string;
    name: string | null;
    version: number | null;
    skip: string | null;
  }>;
  truncated: boolean;
}

/** The selector and job flags of `keyroll keys rotate` without a key id. */
export interface BulkRotateOptions extends ClientOptions {
  grace?: string | number;
  reason?: string;
  consumer?: string;
  prefix?: string;
  scope?: string;
  metadataField?: Record<string, string>;
  olderThan?: string | number;
  all?: boolean;
  rate?: number;
  dryRun?: boolean;
  pickup?: boolean;
  job?: string;
  pollMs?: number;
}

const parseRate = (value: string): number => {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("expected keys per second, e.g. 100");
  return n;
};

const parseField = (value: string, previous: Record<string, string> = {}): Record<string, string> => {
  const i = value.indexOf("=");
  if (i <= 0) throw new InvalidArgumentError("expected field=value, e.g. env=prod");
  return { ...previous, [value.slice(0, i)]: value.slice(i + 1) };
};

/** Adds the flags of a bulk rotation to `keys rotate`. */
export function withBulkRotateOptions(command: Command): Command {
  return command
    .option("--consumer <id>", "bulk: every key of this consumer (con_…)")
    .option("--prefix <prefix>", "bulk: every key with this secret prefix, e.g. kr_live")
    .option("--scope <scope>", "bulk: every key carrying this scope")
    .option(
      "--metadata-field <field=value>",
      "bulk: keys whose metadata has this value (repeatable)",
      parseField,
    )
    .option(
      "--older-than <duration>",
      "bulk: keys whose active secret is at least this old, e.g. 90d",
      parseDuration,
    )
    .option("--all", "bulk: every key (admin keys excepted)")
    .option("--rate <keys/s>", "bulk: at most this many keys per second (server default 100)", parseRate)
    .option("--dry-run", "bulk: only list the keys that would be rotated; change nothing")
    .option("--no-pickup", "bulk: also rotate keys whose clients cannot pick the new secret up")
    .option("--job <id>", "re-attach to a running bulk rotation job (job_…) and show its progress")
    .addOption(
      new Option("--poll-ms <ms>", "progress refresh").argParser(parsePositiveInt).default(500).hideHelp(),
    );
}

/** True when `keys rotate` was given any bulk flag. */
export function isBulk(options: BulkRotateOptions): boolean {
  return (
    options.consumer !== undefined ||
    options.prefix !== undefined ||
    options.scope !== undefined ||
    options.metadataField !== undefined ||
    options.olderThan !== undefined ||
    options.all === true ||
    options.job !== undefined
  );
}

const jobPath = (id: string, suffix = "") => `/v1/rotation-jobs/${encodeURIComponent(id)}${suffix}`;

function secondsText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

/** One line of progress, for logs (and the end of a run). */
export function progressLine(j: RotationJob, now = Date.now()): string {
  const done = j.rotated + j.skipped + j.failed;
  const rate = j.currentRate === null ? "-" : `${j.currentRate} keys/s`;
  const left = j.eta === null ? "-" : secondsText(Date.parse(j.eta) - now);
  return `${clean(j.id)} ${j.state}: ${done}/${j.matched} (rotated ${j.rotated}, skipped ${j.skipped}, failed ${j.failed}), ${rate}, left ${left}`;
}

/** Human view of one job. */
export function formatJob(j: RotationJob): string {
  return formatFields([
    ["id", display(j.id)],
    ["state", display(j.state)],
    ["selector", display(JSON.stringify(j.selector))],
    ["grace", display(j.gracePeriod)],
    ["rate", `${j.rate} keys/s`],
    ["matched", String(j.matched)],
    ["rotated", String(j.rotated)],
    ["skipped", String(j.skipped)],
    ["failed", String(j.failed)],
    ["pending", String(j.pending)],
    ["current rate", j.currentRate === null ? "-" : `${j.currentRate} keys/s`],
    ["created", display(j.createdAt)],
    ["started", display(j.startedAt)],
    ["finished", display(j.finishedAt)],
    ["eta", display(j.eta)],
  ]);
}

function formatJobs(jobs: readonly RotationJob[]): string {
  if (jobs.length === 0) return "No rotation jobs.\n";
  return formatTable(
    ["id", "state", "matched", "rotated", "skipped", "failed", "rate", "created"],
    jobs.map((j) => [
      display(j.id),
      display(j.state),
      String(j.matched),
      String(j.rotated),
      String(j.skipped),
      String(j.failed),
      String(j.rate),
      display(j.createdAt),
    ]),
  );
}

function formatPreview(p: Preview): string {
  const skips = Object.entries(p.wouldSkip);
  const lines = [
    `Dry run: ${p.matched} key(s) match; nothing was changed.`,
    ...(skips.length === 0
      ? []
      : [`Would skip: ${skips.map(([reason, n]) => `${n} ${clean(reason)}`).join(", ")}.`]),
    "",
  ];
  const table =
    p.keys.length === 0
      ? ""
      : formatTable(
          ["key", "consumer", "name", "version", "skip"],
          p.keys.map((k) => [
            display(k.id),
            display(k.consumerId),
            display(k.name),
            display(k.version),
            display(k.skip),
          ]),
        );
  const more = p.truncated ? `\n(${p.matched - p.keys.length} more not listed)\n` : "";
  return `${lines.join("\n")}${table}${more}`;
}

const FINAL = new Set(["completed", "cancelled"]);

/**
 * Follows a job until it ends: a progress bar with rate and time left on a terminal, a plain line
 * every few seconds otherwise. Ctrl-C detaches (the job goes on on the server).
 */
export async function followJob(
  ctx: CommandContext,
  api: ApiClient,
  id: string,
  options: { json?: boolean | undefined; pollMs?: number | undefined },
): Promise<RotationJob> {
  const err = ctx.deps.stderr as NodeJS.WritableStream & { isTTY?: boolean };
  const tty = err.isTTY === true && options.json !== true;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          stream: err as NodeJS.WriteStream,
          format: "{bar} {percentage}% | {value}/{total} keys | {speed} | left {left} | {state}",
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 20,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let detached = false;
  const stop = ctx.deps.untilStopped?.().then(() => {
    detached = true;
  });
  void stop;
  const pollMs = options.pollMs ?? 500;
  let lastLine = 0;
  let job = (await api.request("GET", jobPath(id))).data as RotationJob;
  bar?.start(Math.max(job.matched, 1), 0, { speed: "-", left: "-", state: job.state });
  for (;;) {
    const done = job.rotated + job.skipped + job.failed;
    const now = Date.now();
    if (bar) {
      bar.setTotal(Math.max(job.matched, 1));
      bar.update(done, {
        speed: job.currentRate === null ? "-" : `${job.currentRate} keys/s`,
        left: job.eta === null ? "-" : secondsText(Date.parse(job.eta) - now),
        state: job.state,
      });
    } else if (options.json !== true && (now - lastLine >= 2_000 || FINAL.has(job.state))) {
      lastLine = now;
      err.write(`${progressLine(job, now)}\n`);
    }
    if (FINAL.has(job.state) || detached) break;
    await new Promise((r) => setTimeout(r, pollMs));
    job = (await api.request("GET", jobPath(id))).data as RotationJob;
  }
  bar?.stop();
  if (detached && !FINAL.has(job.state))
    err.write(`Detached; the job goes on. Follow it again with: keyroll jobs attach ${clean(job.id)}\n`);
  return job;
}

function finish(ctx: CommandContext, options: ClientOptions, job: RotationJob): void {
  if (options.json === true) print(ctx, JSON.stringify(job));
  else print(ctx, formatJob(job));
  if (job.failed > 0 || job.state === "cancelled") ctx.setExitCode(1);
}

/** `keyroll keys rotate` with a selector (or `--job`): creates a job, or re-attaches, and follows it. */
export async function runBulkRotate(ctx: CommandContext, options: BulkRotateOptions): Promise<void> {
  const api = connect(ctx, options);
  if (options.job !== undefined) {
    finish(ctx, options, await followJob(ctx, api, options.job, options));
    return;
  }
  if (options.grace === undefined)
    throw new CliError("usage", "required option '--grace <duration>' not specified");
  const selector = compact({
    consumerId: options.consumer,
    prefix: options.prefix,
    scope: options.scope,
    metadata: options.metadataField,
    olderThan: options.olderThan,
    all: options.all,
  });
  const body = compact({
    selector,
    gracePeriod: options.grace,
    rate: options.rate,
    reason: options.reason,
    requirePickup: options.pickup === false ? false : undefined,
    dryRun: options.dryRun === true ? true : undefined,
  });
  const response = await api.request("POST", "/v1/rotation-jobs", { body });
  if (options.dryRun === true) {
    printResult<Preview>(ctx, options, response, formatPreview);
    return;
  }
  const job = response.data as RotationJob;
  if (options.json !== true)
    ctx.deps.stderr.write(
      `Created rotation job ${clean(job.id)}: ${job.matched} key(s) at most ${job.rate} keys/s. Ctrl-C detaches; the job goes on.\n`,
    );
  finish(ctx, options, await followJob(ctx, api, job.id, options));
}

interface ListOptions extends ClientOptions {
  state?: string;
  limit?: number;
  cursor?: string;
}

/** Adds `keyroll jobs list|show|attach|pause|resume|cancel`. */
export function registerJobs(program: Command, ctx: CommandContext): void {
  const jobs = program
    .command("jobs")
    .description("bulk rotation jobs (created by keyroll keys rotate --consumer …)");

  withClientOptions(
    jobs
      .command("list")
      .description("list rotation jobs, oldest first")
      .addOption(
        new Option("--state <state>", "only jobs in this state").choices([
          "queued",
          "running",
          "paused",
          "completed",
          "cancelled",
        ]),
      )
      .option("--limit <n>", "page size (1-200)", parsePositiveInt)
      .option("--cursor <cursor>", "the cursor printed by the previous page"),
  ).action(async (options: ListOptions) => {
    const api = connect(ctx, options);
    const response = await api.request("GET", "/v1/rotation-jobs", {
      query: { state: options.state, limit: options.limit, cursor: options.cursor },
    });
    printResult<Page<RotationJob>>(
      ctx,
      options,
      response,
      (page) => formatJobs(page.data) + nextPageHint(page.nextCursor),
    );
  });

  withClientOptions(
    jobs
      .command("show")
      .description("a rotation job and its progress")
      .argument("<job-id>", "job id (job_…)"),
  ).action(async (id: string, options: ClientOptions) => {
    const api = connect(ctx, options);
    printResult<RotationJob>(ctx, options, await api.request("GET", jobPath(id)), formatJob);
  });

  withClientOptions(
    jobs
      .command("attach")
      .description("follow a rotation job until it ends (progress bar with rate and time left)")
      .argument("<job-id>", "job id (job_…)")
      .addOption(
        new Option("--poll-ms <ms>", "progress refresh").argParser(parsePositiveInt).default(500).hideHelp(),
      ),
  ).action(async (id: string, options: ClientOptions & { pollMs?: number }) => {
    const api = connect(ctx, options);
    finish(ctx, options, await followJob(ctx, api, id, options));
  });

  for (const [action, text] of [
    ["pause", "pause a rotation job after the batch in progress"],
    ["resume", "resume a paused rotation job"],
    ["cancel", "cancel a rotation job; keys not rotated yet stay as they are"],
  ] as const) {
    withClientOptions(jobs.command(action).description(text).argument("<job-id>", "job id (job_…)")).action(
      async (id: string, options: ClientOptions) => {
        const api = connect(ctx, options);
        printResult<RotationJob>(
          ctx,
          options,
          await api.request("POST", jobPath(id, `/${action}`)),
          formatJob,
        );
      },
    );
  }
}
