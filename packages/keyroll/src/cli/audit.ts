import { once } from "node:events";
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Command } from "commander";
// the offline verifier is core's own (pure, no I/O), so a file is judged by the same code as the server
import {
  AuditChainVerifier,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditVerification,
  loadAuditPublicKey,
} from "../core/audit.js";
import { type CommandContext, connect, print, withClientOptions } from "./command-kit.js";
import { CliError, EXIT_FAILURE } from "./errors.js";
import { clean } from "./format.js";
import type { ClientOptions } from "./http-client.js";
import { parsePositiveInt, parseTime } from "./parse.js";

interface VerifyOptions extends ClientOptions {
  file?: string;
  publicKey?: string;
}

interface ExportOptions extends ClientOptions {
  format: string;
  output?: string;
  since?: string;
  until?: string;
}

interface TailOptions extends ClientOptions {
  limit?: number;
  follow?: boolean;
  interval?: number;
  action?: string;
  target?: string;
  actor?: string;
}

/** Entries read per request (the API's largest page). */
const PAGE = 1_000;
/** A progress line on stderr every this many exported entries. */
export const EXPORT_PROGRESS_EVERY = 1_000;

interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

type Verification = AuditVerification & { checkpoints: { signing?: boolean } };

function describe(v: Verification): string {
  const lines = [
    v.valid ? "The audit log verifies." : "The audit log does NOT verify.",
    `  entries:      ${v.entries}${v.head ? ` (head seq ${v.head.seq}, ${v.head.hash})` : ""}`,
  ];
  if (v.pending > 0) lines.push(`  pending:      ${v.pending} entries not linked yet`);
  const c = v.checkpoints;
  if (c.signing === false) {
    lines.push(
      "  checkpoints:  off on this server (KEYROLL_AUDIT_SIGNING_KEY unset): a cut-off tail is not detectable",
    );
  } else {
    lines.push(
      `  checkpoints:  ${c.verified} verified${c.unverified > 0 ? `, ${c.unverified} not checkable (another key)` : ""}` +
        (c.last ? `; last at seq ${c.last.seq}, signed ${c.last.at}` : ""),
    );
    lines.push(`  unsigned:     ${c.entriesAfterLast} entries after the last checkpoint`);
  }
  if (v.firstBad) lines.push(`  first bad:    seq ${v.firstBad.seq}: ${clean(v.firstBad.reason)}`);
  return lines.join("\n");
}

async function verifyFile(file: string, publicKeyFile: string | undefined): Promise<Verification> {
  let key: ReturnType<typeof loadAuditPublicKey> | undefined;
  if (publicKeyFile !== undefined) {
    let pem: string;
    try {
      pem = readFileSync(publicKeyFile, "utf8");
    } catch {
      throw new CliError("usage", `cannot read the public key file ${publicKeyFile}`);
    }
    try {
      key = loadAuditPublicKey(pem);
    } catch (err) {
      throw new CliError("usage", (err as Error).message);
    }
  }
  const v = new AuditChainVerifier(key?.key);
  const checkpoints: AuditCheckpoint[] = [];
  const input = createReadStream(file, { encoding: "utf8" });
  await once(input, "open").catch(() => {
    throw new CliError("usage", `cannot read ${file}`);
  });
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    if (line.trim() === "") continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      throw new CliError("usage", `${file}:${n}: not a JSON line`);
    }
    if (typeof obj !== "object" || obj === null) throw new CliError("usage", `${file}:${n}: not an object`);
    if ("checkpoint" in obj) checkpoints.push((obj as { checkpoint: AuditCheckpoint }).checkpoint);
    else v.add(obj as AuditEntry);
  }
  return v.finish(checkpoints);
}

/** Adds `keyroll audit verify|export|tail` to the program. */
export function registerAudit(program: Command, ctx: CommandContext): void {
  const audit = program.command("audit").description("the tamper-evident audit log: verify, export, tail");

  withClientOptions(
    audit
      .command("verify")
      .description(
        "verify the audit chain and its signed checkpoints, on the server or on an exported file (offline)",
      )
      .option("--file <export.jsonl>", "verify an export offline instead of asking the server")
      .option("--public-key <file>", "the checkpoint public key (PEM), for --file: GET /v1/audit/public-key"),
  ).action(async (options: VerifyOptions) => {
    let v: Verification;
    let text: string | undefined;
    if (options.file !== undefined) {
      v = await verifyFile(options.file, options.publicKey);
      if (options.publicKey === undefined && v.checkpoints.unverified > 0) {
        ctx.deps.stderr.write(
          "warning: no --public-key: checkpoints were not checked, a cut-off tail is not detectable\n",
        );
      }
    } else {
      if (options.publicKey !== undefined) throw new CliError("usage", "--public-key goes with --file");
      const r = await connect(ctx, options).request("GET", "/v1/audit/verify");
      v = r.data as Verification;
      text = r.text;
    }
    print(ctx, options.json === true ? (text ?? JSON.stringify(v)) : describe(v));
    if (!v.valid) ctx.setExitCode(EXIT_FAILURE);
  });

  withClientOptions(
    audit
      .command("export")
      .description("write the whole audit log as JSON Lines (entries, then checkpoints); progress on stderr")
      .option("--format <format>", "output format; only jsonl", "jsonl")
      .option("--output <file>", "write to this file instead of stdout")
      .option(
        "--since <time>",
        "entries at or after this ISO 8601 time (the export then verifies only in part)",
        parseTime,
      )
      .option("--until <time>", "entries before this ISO 8601 time", parseTime),
  ).action(async (options: ExportOptions) => {
    if (options.format !== "jsonl")
      throw new CliError("usage", `unknown format ${JSON.stringify(options.format)}: use jsonl`);
    const api = connect(ctx, options);
    const file = options.output === undefined ? undefined : createWriteStream(options.output, { flags: "w" });
    const write = async (s: string) => {
      if (!file) {
        ctx.deps.stdout.write(s);
        return;
      }
      if (!file.write(s)) await once(file, "drain");
    };
    let entries = 0;
    let cursor: string | null = null;
    do {
      const r = await api.request("GET", "/v1/audit", {
        query: { limit: PAGE, cursor: cursor ?? undefined, since: options.since, until: options.until },
      });
      const page = r.data as Page<AuditEntry>;
      let out = "";
      for (const e of page.data) {
        out += `${JSON.stringify(e)}\n`;
        entries++;
        if (entries % EXPORT_PROGRESS_EVERY === 0) ctx.deps.stderr.write(`exported ${entries} entries…\n`);
      }
      await write(out);
      cursor = page.nextCursor;
    } while (cursor !== null);
    let checkpoints = 0;
    cursor = null;
    do {
      const r = await api.request("GET", "/v1/audit/checkpoints", {
        query: { limit: PAGE, cursor: cursor ?? undefined },
      });
      const page = r.data as Page<AuditCheckpoint>;
      await write(page.data.map((c) => `${JSON.stringify({ checkpoint: c })}\n`).join(""));
      checkpoints += page.data.length;
      cursor = page.nextCursor;
    } while (cursor !== null);
    if (file) {
      file.end();
      await once(file, "close");
    }
    ctx.deps.stderr.write(`exported ${entries} entries and ${checkpoints} checkpoints\n`);
  });

  withClientOptions(
    audit
      .command("tail")
      .description("print the latest audit entries; with --follow, keep printing new ones")
      .option("--limit <n>", "how many of the latest entries to print first (default 20)", parsePositiveInt)
      .option("--follow", "keep polling for new entries until interrupted")
      .option("--interval <ms>", "poll interval with --follow (default 2000)", parsePositiveInt)
      .option("--action <action>", "only this action")
      .option("--target <id>", "only this target")
      .option("--actor <id>", "only this actor (a key id, or system)"),
  ).action(async (options: TailOptions) => {
    const api = connect(ctx, options);
    const filters = { action: options.action, targetId: options.target, actor: options.actor };
    const show = (e: AuditEntry) => {
      if (options.json === true) return print(ctx, JSON.stringify(e));
      const who =
        e.actor.type === "system"
          ? `system:${e.actor.rule ?? "?"}`
          : `${e.actor.keyId} v${e.actor.version ?? "?"}`;
      const diff = e.diff ? ` ${Object.keys(e.diff).join(",")} changed` : "";
      print(
        ctx,
        [e.seq, e.at, who, e.action, `${e.targetId ?? "-"}${diff}`].map((x) => clean(String(x))).join("  "),
      );
    };
    // the latest `limit`: read through once, keeping only the tail (the log is read in seq order)
    const want = options.limit ?? 20;
    let last: AuditEntry[] = [];
    let cursor: string | null = null;
    let afterSeq = 0;
    do {
      const r = await api.request("GET", "/v1/audit", {
        query: { limit: PAGE, cursor: cursor ?? undefined, ...filters },
      });
      const page = r.data as Page<AuditEntry>;
      last = [...last, ...page.data].slice(-want);
      if (page.data.length > 0) afterSeq = page.data.at(-1)!.seq;
      cursor = page.nextCursor;
    } while (cursor !== null);
    for (const e of last) show(e);
    if (options.follow !== true) return;
    const interval = options.interval ?? 2_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, interval));
      const r = await api.request("GET", "/v1/audit", {
        query: { limit: PAGE, cursor: String(afterSeq), ...filters },
      });
      for (const e of (r.data as Page<AuditEntry>).data) {
        show(e);
        afterSeq = e.seq;
      }
    }
  });
}
