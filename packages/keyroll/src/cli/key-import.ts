import { closeSync, createReadStream, fchmodSync, fstatSync, openSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { type CommandContext, connect, print, withClientOptions } from "./command-kit.js";
import { CliError } from "./errors.js";
import { clean } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parsePositiveInt } from "./parse.js";

interface ImportOptions extends ClientOptions {
  dryRun?: boolean;
  secretsOut?: string;
  batch?: number;
}

interface RowResult {
  index: number;
  status: "created" | "existing" | "failed" | "not_committed";
  keyId: string | null;
  externalId: string | null;
  secret?: string;
  error?: { code: string; detail: string };
}

interface BatchAnswer {
  committed: boolean;
  created: number;
  existing: number;
  failed: number;
  results: RowResult[];
}

/** The most rows one request carries (the server's limit). */
const MAX_BATCH = 10_000;
/** Batches sent before the first answer is awaited. */
const IN_FLIGHT = 2;
/** Row errors printed before the rest are only counted. */
const MAX_ERRORS_SHOWN = 50;

/** The non-empty lines of an NDJSON file, with their line numbers, read as a stream. */
async function* lines(file: string): AsyncGenerator<{ line: number; text: string }> {
  const rl = createInterface({
    input: createReadStream(file, { encoding: "utf8" }),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  let n = 0;
  for await (const text of rl) {
    n++;
    if (text.trim() !== "") yield { line: n, text };
  }
}

async function countRows(file: string): Promise<number> {
  let n = 0;
  for await (const _ of lines(file)) n++;
  return n;
}

/**
 * Opens the file generated secrets go to: created with mode 0600 (appended to when it exists and
 * only its owner may read it), never the terminal.
 */
function openSecretsFile(path: string): number {
  const fd = openSync(path, "a", 0o600);
  const mode = fstatSync(fd).mode & 0o777;
  if (mode & 0o077) {
    closeSync(fd);
    throw new CliError(
      "usage",
      `${path} may be read by other users (mode 0${mode.toString(8)}): chmod 600 it or choose a new file`,
    );
  }
  fchmodSync(fd, 0o600);
  return fd;
}

/** `keyroll keys import FILE`: NDJSON rows of `POST /v1/keys` plus `externalId`, in batches. */
export function registerKeyImport(keys: Command, ctx: CommandContext): void {
  withClientOptions(
    keys
      .command("import")
      .description(
        "create or import keys from an NDJSON file (one POST /v1/keys body plus externalId a line); safe to re-run",
      )
      .argument("<file>", "NDJSON file")
      .option("--dry-run", "check every row on the server, write nothing")
      .option(
        "--secrets-out <file>",
        "where generated secrets go (NDJSON, created with mode 0600); never the terminal",
      )
      .option(
        "--batch <n>",
        `rows per request (default and most ${MAX_BATCH}; each request commits as a whole)`,
        parsePositiveInt,
      ),
  ).action(async (file: string, options: ImportOptions) => {
    const api = connect(ctx, options);
    const batchSize = Math.min(options.batch ?? MAX_BATCH, MAX_BATCH);
    let total: number;
    try {
      total = await countRows(file);
    } catch (err) {
      throw new CliError("usage", `cannot read ${file}: ${(err as Error).message}`);
    }
    const tty = (ctx.deps.stderr as { isTTY?: boolean }).isTTY === true;
    let secretsFd: number | undefined;
    const sums = { created: 0, existing: 0, failed: 0, notCommitted: 0, batches: 0, failedBatches: 0 };
    const errors: Array<{ line: number; externalId: string | null; code: string; detail: string }> = [];
    let done = 0;
    const progress = () => {
      if (!tty || total === 0) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      ctx.deps.stderr.write(
        `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.floor((done / total) * 100)}% ${done}/${total} rows`,
      );
    };

    const send = async (batch: Array<{ line: number; row: unknown; text: string }>) => {
      if (
        !options.dryRun &&
        secretsFd === undefined &&
        batch.some((b) => typeof b.row === "object" && b.row !== null && !("secret" in b.row))
      ) {
        if (options.secretsOut === undefined)
          throw new CliError(
            "usage",
            `line ${batch.find((b) => typeof b.row === "object" && b.row !== null && !("secret" in b.row))!.line} has no secret, so one is generated: pass --secrets-out FILE (generated secrets are never printed)`,
          );
        secretsFd = openSecretsFile(options.secretsOut);
      }
      // as NDJSON, each line as the file has it: the server answers a line that is not JSON itself
      const res = await api.request("POST", "/v1/keys/import", {
        ndjson: `${batch.map((b) => b.text).join("\n")}\n`,
        query: { dryRun: options.dryRun ? "true" : undefined },
      });
      const answer = res.data as BatchAnswer;
      sums.batches++;
      if (!answer.committed && !options.dryRun) sums.failedBatches++;
      for (const r of answer.results) {
        const line = batch[r.index]!.line;
        if (r.status === "created") sums.created++;
        else if (r.status === "existing") sums.existing++;
        else if (r.status === "not_committed") sums.notCommitted++;
        else {
          sums.failed++;
          errors.push({
            line,
            externalId: r.externalId,
            code: r.error?.code ?? "?",
            detail: r.error?.detail ?? "",
          });
        }
        if (r.secret !== undefined && secretsFd !== undefined) {
          writeSync(
            secretsFd,
            `${JSON.stringify({ externalId: r.externalId, keyId: r.keyId, secret: r.secret })}\n`,
          );
        }
      }
      done += batch.length;
      progress();
    };

    // two batches in flight: the server derives one batch's key pairs on its threads while it
    // writes the other (decision 0023); each batch is still its own transaction
    const inFlight: Array<Promise<void>> = [];
    const submit = async (b: Array<{ line: number; row: unknown; text: string }>) => {
      const p = send(b);
      p.catch(() => undefined); // awaited below, in order; this only keeps a rejection from going unseen meanwhile
      inFlight.push(p);
      if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
    };
    let batch: Array<{ line: number; row: unknown; text: string }> = [];
    try {
      for await (const { line, text } of lines(file)) {
        let row: unknown;
        try {
          row = JSON.parse(text);
        } catch {
          // sent as it is: the server answers this row MALFORMED_JSON in its batch
          row = undefined;
        }
        batch.push({ line, row, text });
        if (batch.length === batchSize) {
          await submit(batch);
          batch = [];
        }
      }
      if (batch.length > 0) await submit(batch);
      while (inFlight.length > 0) await inFlight.shift();
    } finally {
      await Promise.allSettled(inFlight);
      if (secretsFd !== undefined) closeSync(secretsFd);
      if (tty && total > 0) ctx.deps.stderr.write("\n");
    }

    errors.sort((a, b) => a.line - b.line);
    for (const e of errors.slice(0, MAX_ERRORS_SHOWN)) {
      ctx.deps.stderr.write(
        `line ${e.line}${e.externalId === null ? "" : ` (externalId ${clean(e.externalId)})`}: ${e.code}: ${clean(e.detail)}\n`,
      );
    }
    if (errors.length > MAX_ERRORS_SHOWN)
      ctx.deps.stderr.write(`… and ${errors.length - MAX_ERRORS_SHOWN} more rows with errors\n`);
    const summary = {
      rows: total,
      dryRun: options.dryRun === true,
      created: sums.created,
      existing: sums.existing,
      failed: sums.failed,
      notCommitted: sums.notCommitted,
      batches: sums.batches,
      failedBatches: sums.failedBatches,
      secretsFile: secretsFd === undefined ? null : (options.secretsOut ?? null),
      errors,
    };
    if (options.json) print(ctx, JSON.stringify(summary));
    else if (options.dryRun) {
      print(
        ctx,
        `Dry run of ${total} rows: ${sums.notCommitted} would be created, ${sums.existing} exist already, ${sums.failed} have errors. Nothing was written.`,
      );
    } else {
      const head = `Imported ${total} rows in ${sums.batches} batches: ${sums.created} created, ${sums.existing} existed already, ${sums.failed} failed`;
      const notCommitted =
        sums.notCommitted > 0
          ? `; ${sums.notCommitted} rows were not committed because their batch had an error (fix the rows above and run the same command again: rows already imported are skipped)`
          : "";
      const secrets =
        summary.secretsFile && sums.created > 0
          ? `\nGenerated secrets are in ${clean(summary.secretsFile)} (mode 0600).`
          : "";
      print(ctx, `${head}${notCommitted}.${secrets}`);
    }
    if (sums.failed > 0) ctx.setExitCode(1);
  });
}
