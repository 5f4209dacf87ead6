import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Command, InvalidArgumentError } from "commander";
import { parseDuration } from "../core/duration.js";
import { type CommandContext, connect, print } from "./command-kit.js";
import { CliError, EXIT_FAILURE } from "./errors.js";
import { clean } from "./format.js";
import { type ClientOptions, createApiClient } from "./http-client.js";

// `keyroll incident`: the playbook of a leaked secret (decision 0018). Identify the key (from the
// secret's digest, never sending or printing the secret), revoke what was exposed and mint a
// replacement in one call, then ask every live node to prove its in-memory verifier rejects the
// revoked versions, list who used them, and write the report. The new secret goes to a 0600 file.

interface IncidentOptions extends ClientOptions {
  key?: string;
  consumer?: string;
  secretFile?: string;
  versions?: number[];
  reason: string;
  gracePeriod?: string;
  timeout: number;
  reportDir: string;
}

/** One step of the checklist, with when it finished. */
interface Step {
  at: string;
  ok: boolean;
  text: string;
}

interface CompromisedKey {
  key: { id: string; consumerId: string };
  secret: string;
  version: number;
  revokedVersions: number[];
}

interface NodeRow {
  id: string;
  kind: string;
  address: string;
  version: string;
  lastSeenAt: string;
  live: boolean;
}

interface NodeCheck {
  nodeId: string;
  kind: string;
  address: string;
  version: string;
  confirmed: boolean;
  /** When the confirming answer arrived, and how long after the revocation. */
  confirmedAt: string | null;
  ms: number | null;
  /** Since when the node itself holds each version as revoked (its own clock). */
  versions: Array<{ keyId: string; version: number; code: string | null; since: string | null }>;
  attempts: number;
  error: string | null;
}

function parseVersions(value: string): number[] {
  if (!/^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8})*$/.test(value))
    throw new InvalidArgumentError("expected comma-separated version numbers, e.g. 1,2.");
  return value.split(",").map(Number);
}

function parseTimeout(value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined || ms < 100 || ms > 600_000)
    throw new InvalidArgumentError("expected a duration from 100ms to 10m, e.g. 5s.");
  return ms;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Adds `keyroll incident` to the program. */
export function registerIncident(program: Command, ctx: CommandContext): void {
  program
    .command("incident")
    .description(
      "Run the leaked-secret playbook: revoke and replace, prove every live node rejects the old secret, report",
    )
    .option("--key <id>", "the key whose secret leaked")
    .option("--consumer <id>", "every key of this consumer leaked")
    .option(
      "--secret-file <path>",
      "a file holding the leaked secret (identified by its digest; never printed)",
    )
    .option(
      "--versions <list>",
      "with --key: the versions that leaked (default: every working one)",
      parseVersions,
    )
    .option("--reason <text>", "what happened (audited, notified)", "incident: secret exposed")
    .option(
      "--grace-period <duration>",
      "an active version not among the leaked ones keeps working this long",
    )
    .option("--timeout <duration>", "how long every node gets to confirm (default 5s)", parseTimeout, 5_000)
    .option("--report-dir <dir>", "where the report (Markdown, JSON) and the new secret files go", ".")
    .option("--url <url>", "Keyroll server URL (env KEYROLL_URL)")
    .option("--admin-key <key>", "admin key (env KEYROLL_ADMIN_KEY, preferred)")
    .option("--json", "print the report as JSON instead of the checklist")
    .action(async (options: IncidentOptions) => {
      const targets = [options.key, options.consumer, options.secretFile].filter((x) => x !== undefined);
      if (targets.length !== 1)
        throw new CliError("usage", "give exactly one of --key, --consumer or --secret-file");
      if (options.versions && options.key === undefined)
        throw new CliError("usage", "--versions goes with --key");
      const code = await runIncident(ctx, options);
      ctx.setExitCode(code);
    });
}

async function runIncident(ctx: CommandContext, options: IncidentOptions): Promise<number> {
  const api = connect(ctx, options);
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const steps: Step[] = [];
  const step = (ok: boolean, text: string) => {
    const s = { at: new Date().toISOString(), ok, text };
    steps.push(s);
    if (!options.json) print(ctx, `[${s.at}] ${ok ? "✔" : "✘"} ${text}`);
  };

  // 1. which key
  let keyId = options.key;
  let versions = options.versions;
  if (options.secretFile !== undefined) {
    let secret: string;
    try {
      secret = readFileSync(options.secretFile, "utf8").trim();
    } catch (err) {
      throw new CliError("usage", `cannot read ${options.secretFile}: ${(err as Error).message}`);
    }
    if (secret === "") throw new CliError("usage", `${options.secretFile} is empty`);
    const digest = createHash("sha256").update(secret).digest("hex");
    const found = (await api.request("POST", "/v1/keys/lookup", { body: { digest } })).data as {
      keyId: string;
      version: number;
      state: string;
    };
    keyId = found.keyId;
    versions = [found.version];
    step(true, `identified the secret: key ${found.keyId}, version ${found.version} (was ${found.state})`);
  }

  // 2. revoke and replace, in one call
  const body = {
    reason: options.reason,
    ...(versions !== undefined && { versions }),
    ...(options.gracePeriod !== undefined && { gracePeriod: options.gracePeriod }),
  };
  let replaced: CompromisedKey[];
  if (options.consumer !== undefined) {
    const r = await api.request("POST", `/v1/consumers/${encodeURIComponent(options.consumer)}/compromised`, {
      body,
    });
    replaced = (r.data as { keys: CompromisedKey[] }).keys;
  } else {
    const r = await api.request("POST", `/v1/keys/${encodeURIComponent(keyId!)}/compromised`, { body });
    replaced = [r.data as CompromisedKey];
  }
  const revokedAt = performance.now();
  mkdirSync(options.reportDir, { recursive: true });
  const secretFiles: string[] = [];
  for (const k of replaced) {
    step(
      true,
      `revoked key ${k.key.id} version${k.revokedVersions.length === 1 ? "" : "s"} ${k.revokedVersions.join(", ")}; replacement version ${k.version} is active`,
    );
    const file = resolve(join(options.reportDir, `${k.key.id}.v${k.version}.secret`));
    // 0600, and never over an existing file: the only place the new secret is written
    writeFileSync(file, `${k.secret}\n`, { mode: 0o600, flag: "wx" });
    secretFiles.push(file);
    step(true, `new secret of ${k.key.id} written to ${file} (mode 0600)`);
  }
  if (replaced.length === 0) step(true, "the consumer has no live key: nothing to replace");

  // 3. every live node proves its verifier rejects the revoked versions
  const nodes = ((await api.request("GET", "/v1/nodes")).data as { data: NodeRow[] }).data;
  const live = nodes.filter((n) => n.live);
  const stale = nodes.filter((n) => !n.live);
  step(live.length > 0, `${live.length} live node${live.length === 1 ? "" : "s"} to confirm`);
  const checks = await confirmAll(ctx, options, live, replaced, revokedAt);
  for (const c of checks) {
    if (c.confirmed)
      step(true, `node ${c.nodeId} (${c.address}) rejects the revoked versions, confirmed after ${c.ms} ms`);
    else
      step(
        false,
        `node ${c.nodeId} (${c.address}) did NOT confirm within ${options.timeout} ms${c.error ? `: ${c.error}` : ""}`,
      );
  }
  for (const n of stale)
    step(true, `node ${n.id} (${n.address}) is not live (last seen ${n.lastSeenAt}): not asked`);

  // 4. who used the exposed versions, since when, from where
  const exposure: unknown[] = [];
  for (const k of replaced) {
    if (k.revokedVersions.length === 0) continue;
    const e = (
      await api.request("GET", `/v1/keys/${encodeURIComponent(k.key.id)}/exposure`, {
        query: { versions: k.revokedVersions.join(",") },
      })
    ).data as {
      versions: Array<{
        version: number;
        firstUsedAt: string | null;
        lastUsedAt: string | null;
        requests: Record<string, number>;
        addresses: Array<{ address: string; firstSeenAt: string; lastSeenAt: string; count: number }>;
      }>;
    };
    exposure.push({ keyId: k.key.id, ...e });
    for (const v of e.versions) {
      const n = Object.values(v.requests).reduce((a, b) => a + b, 0);
      step(
        true,
        `key ${k.key.id} v${v.version}: ${n} request${n === 1 ? "" : "s"} in 90 days, first ${v.firstUsedAt ?? "never"}, last ${v.lastUsedAt ?? "never"}, from ${v.addresses.length} address${v.addresses.length === 1 ? "" : "es"}${
          v.addresses.length > 0
            ? ` (${v.addresses
                .slice(0, 5)
                .map((a) => a.address)
                .join(", ")})`
            : ""
        }`,
      );
    }
  }

  const failed = checks.filter((c) => !c.confirmed);
  const ok = failed.length === 0 && live.length > 0;
  const totalMs = Math.round(performance.now() - t0);
  const report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    totalMs,
    ok,
    server: api.displayUrl,
    reason: options.reason,
    keys: replaced.map((k) => ({
      keyId: k.key.id,
      revokedVersions: k.revokedVersions,
      replacementVersion: k.version,
    })),
    secretFiles,
    nodes: checks,
    staleNodes: stale.map((n) => ({ nodeId: n.id, address: n.address, lastSeenAt: n.lastSeenAt })),
    unconfirmed: failed.map((c) => c.nodeId),
    exposure,
    checklist: steps,
  };
  const stamp = startedAt.replace(/[:.]/g, "-");
  const jsonFile = resolve(join(options.reportDir, `incident-${stamp}.json`));
  const mdFile = resolve(join(options.reportDir, `incident-${stamp}.md`));
  writeFileSync(jsonFile, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(mdFile, markdown(report), { mode: 0o600 });
  if (options.json) print(ctx, JSON.stringify(report, null, 2));
  else {
    print(ctx, `report: ${mdFile}`);
    print(ctx, `report: ${jsonFile}`);
    if (failed.length > 0)
      print(
        ctx,
        `NOT CONFIRMED by ${failed.length} node${failed.length === 1 ? "" : "s"}: ${failed.map((c) => `${c.nodeId} (${c.address})`).join(", ")}`,
      );
    print(ctx, `total time: ${totalMs} ms`);
  }
  if (!ok && options.json)
    ctx.deps.stderr.write(
      `error: not confirmed by ${failed.map((c) => c.nodeId).join(", ") || "any node"}\n`,
    );
  return ok ? 0 : EXIT_FAILURE;
}

/** Polls every node until it confirms every revoked version, or the bound passes. */
async function confirmAll(
  ctx: CommandContext,
  options: IncidentOptions,
  nodes: readonly NodeRow[],
  keys: readonly CompromisedKey[],
  revokedAt: number,
): Promise<NodeCheck[]> {
  const deadline = revokedAt + options.timeout;
  return Promise.all(
    nodes.map(async (n): Promise<NodeCheck> => {
      const check: NodeCheck = {
        nodeId: n.id,
        kind: n.kind,
        address: n.address,
        version: n.version,
        confirmed: false,
        confirmedAt: null,
        ms: null,
        versions: [],
        attempts: 0,
        error: null,
      };
      let client: ReturnType<typeof createApiClient>;
      try {
        client = createApiClient(
          { url: n.address, adminKey: options.adminKey },
          ctx.deps.env,
          ctx.deps.fetch,
          {
            version: ctx.deps.version,
            timeoutMs: 1_000,
          },
        );
      } catch (err) {
        check.error = clean((err as Error).message);
        return check;
      }
      while (performance.now() < deadline) {
        check.attempts++;
        try {
          const seen: NodeCheck["versions"] = [];
          let all = true;
          for (const k of keys) {
            if (k.revokedVersions.length === 0) continue;
            const r = (
              await client.request("GET", "/v1/node/revocations", {
                query: { keyId: k.key.id, versions: k.revokedVersions.join(",") },
              })
            ).data as {
              versions: Array<{
                version: number;
                rejected: boolean;
                code: string | null;
                since: string | null;
              }>;
            };
            for (const v of r.versions) {
              seen.push({ keyId: k.key.id, version: v.version, code: v.code, since: v.since });
              if (!v.rejected) all = false;
            }
          }
          check.versions = seen;
          check.error = null;
          if (all) {
            check.confirmed = true;
            check.confirmedAt = new Date().toISOString();
            check.ms = Math.round(performance.now() - revokedAt);
            return check;
          }
          check.error = "still accepts a revoked version";
        } catch (err) {
          check.error = clean((err as Error).message);
        }
        await sleep(Math.min(100, Math.max(0, deadline - performance.now())));
      }
      return check;
    }),
  );
}

function markdown(r: {
  startedAt: string;
  finishedAt: string;
  totalMs: number;
  ok: boolean;
  server: string;
  reason: string;
  keys: Array<{ keyId: string; revokedVersions: number[]; replacementVersion: number }>;
  secretFiles: string[];
  nodes: NodeCheck[];
  staleNodes: Array<{ nodeId: string; address: string; lastSeenAt: string }>;
  exposure: unknown[];
  checklist: Step[];
}): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [
    "# Keyroll incident report",
    "",
    `- started: ${r.startedAt}`,
    `- finished: ${r.finishedAt} (total ${r.totalMs} ms)`,
    `- server: ${r.server}`,
    `- reason: ${esc(r.reason)}`,
    `- outcome: ${r.ok ? "every live node confirmed" : "NOT CONFIRMED by every live node"}`,
    "",
    "## Keys",
    "",
    "| key | revoked versions | replacement version |",
    "| --- | --- | --- |",
    ...r.keys.map((k) => `| ${k.keyId} | ${k.revokedVersions.join(", ")} | ${k.replacementVersion} |`),
    "",
    `New secrets (mode 0600): ${r.secretFiles.map((f) => `\`${f}\``).join(", ") || "none"}`,
    "",
    "## Nodes",
    "",
    "| node | kind | address | version | confirmed | confirmed at | after (ms) | revoked on the node since |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ...r.nodes.map(
      (n) =>
        `| ${n.nodeId} | ${n.kind} | ${n.address} | ${esc(n.version)} | ${n.confirmed ? "yes" : `**NO**${n.error ? ` (${esc(n.error)})` : ""}`} | ${n.confirmedAt ?? "-"} | ${n.ms ?? "-"} | ${n.versions.map((v) => `v${v.version}: ${v.since ?? "-"}`).join(", ") || "-"} |`,
    ),
    ...(r.staleNodes.length > 0
      ? [
          "",
          "Not live (not asked):",
          ...r.staleNodes.map((n) => `- ${n.nodeId} ${n.address}, last seen ${n.lastSeenAt}`),
        ]
      : []),
    "",
    "## Who used the exposed versions",
    "",
    "```json",
    JSON.stringify(r.exposure, null, 2),
    "```",
    "",
    "## Checklist",
    "",
    ...r.checklist.map((s) => `- [${s.ok ? "x" : " "}] ${s.at} ${esc(s.text)}`),
    "",
  ];
  return lines.join("\n");
}
