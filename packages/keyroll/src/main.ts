// The composition root: the only module that wires store, services, verifier and HTTP together,
// and the only one (with the CLI entry) that touches process-wide state.
import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { type Config, resolveConfig } from "./config/index.js";
import { type AuditSigner, loadAuditSigner } from "./core/audit.js";
import { type Clock, systemClock } from "./core/clock.js";
import { buildApp } from "./http/app.js";
import { type AuditService, createAuditService } from "./services/audit.js";
import { type AuditSink, createAuditSink, rotatingFileOutput, streamOutput } from "./services/audit-sink.js";
import { ensureAdminKey } from "./services/bootstrap.js";
import { createConsumerService } from "./services/consumers.js";
import type { Logger, ServiceDeps } from "./services/deps.js";
import { createKeyService } from "./services/keys.js";
import { createScheduler, type Scheduler } from "./services/scheduler.js";
import { createUsageService, type UsageService } from "./services/usage.js";
import { syncedClock } from "./store/db-clock.js";
import { openPostgresStore } from "./store/postgres/index.js";
import { openSqliteStore } from "./store/sqlite/index.js";
import type { Store } from "./store/types.js";
import { createVerifier, type Verifier } from "./verifier/index.js";

export { type Config, resolveConfig } from "./config/index.js";

/** A wired Keyroll node. */
export interface Keyroll {
  readonly config: Config;
  readonly store: Store;
  readonly verifier: Verifier;
  readonly scheduler: Scheduler;
  readonly app: FastifyInstance;
  /** The audit log's shipping sink, when one is configured. */
  readonly auditSink: AuditSink | undefined;
  readonly services: {
    consumers: ReturnType<typeof createConsumerService>;
    keys: ReturnType<typeof createKeyService>;
    usage: UsageService;
    audit: AuditService;
  };
  /** Set only when this start generated the first admin key; print it once, store it nowhere. */
  readonly generatedAdminKey: string | undefined;
  close(): Promise<void>;
}

/**
 * Loads the audit checkpoint signing key from its setting: PEM text, or the path of a PEM file.
 * Errors name the file, never the key.
 */
export function loadAuditSigningKey(setting: string | undefined): AuditSigner | undefined {
  if (setting === undefined) return undefined;
  let pem = setting;
  if (!setting.includes("-----BEGIN")) {
    try {
      pem = readFileSync(setting, "utf8");
    } catch (err) {
      throw new Error(`cannot read the audit signing key file ${setting}`, { cause: err });
    }
  }
  return loadAuditSigner(pem);
}

/** Opens the store the configuration names. */
export function openStore(database: string): Store {
  if (/^postgres(ql)?:\/\//.test(database)) return openPostgresStore(database);
  return openSqliteStore(database);
}

/**
 * Builds a Keyroll node from a resolved configuration: migrates the store, bootstraps the first
 * admin key on an empty database, loads the verifier's index and builds the HTTP app (not listening).
 * @example const kr = await createKeyroll(resolveConfig({ env: {} }), { clock }); await kr.app.inject(...)
 */
export async function createKeyroll(
  config: Config,
  opts: { clock?: Clock; logger?: pino.Logger; store?: Store; schedulerIntervalMs?: number } = {},
): Promise<Keyroll> {
  const log =
    opts.logger ??
    pino({
      level: config.logLevel,
      // belt and braces: nothing should ever put these in a log line, but if it does, they are cut
      redact: {
        paths: ["req.headers.authorization", "secret", "*.secret", "key", "*.digest", "digest"],
        censor: "[redacted]",
      },
    });
  const logger = log as unknown as Logger;
  // before the store opens: a bad key is a configuration error, reported before anything is touched
  const signer = loadAuditSigningKey(config.auditSigningKey);
  const store = opts.store ?? openStore(config.database);
  await store.migrate();
  // on a shared database every node decides on the database's time, whatever its own clock says
  const dbClock = !opts.clock && store.dialect === "postgres" ? syncedClock(store, logger) : undefined;
  await dbClock?.start();
  const clock = opts.clock ?? dbClock ?? systemClock;
  const verifier = createVerifier({
    store,
    clock,
    logger,
    pollMs: config.pollMs,
    flushMs: config.usageFlushMs,
    usageRecording: config.usageRecording,
  });
  const deps: ServiceDeps = { store, clock, logger, afterCommit: () => verifier.sync() };
  const boot = await ensureAdminKey(deps, config.bootstrapAdminKey);
  await verifier.start();
  const consumers = createConsumerService(deps);
  const keys = createKeyService(deps);
  const usage = createUsageService({ ...deps, lastUsedAt: verifier.lastUsedAt });
  const scheduler: Scheduler = createScheduler({
    ...deps,
    keys,
    usage,
    lock: store.leaderLock(),
    lastUsedAt: verifier.lastUsedAt,
    intervalMs: opts.schedulerIntervalMs,
    retentionMs: config.usageRetentionMs,
  });
  scheduler.start();
  const audit = createAuditService({ store, clock, logger, signer });
  if (!signer) {
    logger.warn(
      {},
      "audit checkpoints are off: set KEYROLL_AUDIT_SIGNING_KEY to an Ed25519 private key so that a cut-off tail of the audit log is detected (docs/audit.md)",
    );
  }
  const stopCheckpoints = audit.startCheckpoints(config.auditCheckpointIntervalMs, scheduler.isLeader);
  const sink = config.auditSink
    ? createAuditSink({
        store,
        clock,
        logger,
        name: config.auditSink.kind === "stdout" ? "stdout" : `file:${config.auditSink.path}`,
        output:
          config.auditSink.kind === "stdout"
            ? streamOutput(process.stdout)
            : rotatingFileOutput(config.auditSink.path, config.auditSinkMaxBytes, config.auditSinkKeep),
      })
    : undefined;
  const stopSink = sink?.start(scheduler.isLeader);
  const app = await buildApp({
    audit,
    consumers,
    keys,
    usage,
    verifier,
    clock,
    logger,
    fastifyLogger: log,
    strict: config.strict,
    maxStalenessMs: config.maxStalenessMs,
    bodyLimitBytes: config.bodyLimitBytes,
    isLeader: scheduler.isLeader,
  });
  let closed = false;
  return {
    config,
    store,
    verifier,
    scheduler,
    app,
    auditSink: sink,
    services: { consumers, keys, usage, audit },
    generatedAdminKey: boot?.generatedSecret,
    async close() {
      if (closed) return;
      closed = true;
      await stopCheckpoints();
      await stopSink?.();
      await scheduler.stop();
      await app.close();
      await verifier.stop();
      dbClock?.stop();
      await store.close();
    },
  };
}

/**
 * `keyroll serve`: resolves the configuration from flags, environment and an optional JSON file
 * (`KEYROLL_CONFIG`), starts a node and serves until SIGINT or SIGTERM.
 */
export async function runServe(options: {
  flags: {
    host?: string | undefined;
    port?: string | undefined;
    database?: string | undefined;
    strict?: boolean | undefined;
  };
  env: Readonly<Record<string, string | undefined>>;
}): Promise<void> {
  let config: Config;
  try {
    const file = options.env.KEYROLL_CONFIG
      ? (JSON.parse(readFileSync(options.env.KEYROLL_CONFIG, "utf8")) as Record<string, unknown>)
      : undefined;
    config = resolveConfig({ env: options.env, flags: options.flags, file });
  } catch (err) {
    process.stderr.write(`keyroll: ${(err as Error).message}\n`);
    process.exit(2);
  }
  let kr: Keyroll;
  try {
    kr = await createKeyroll(config);
  } catch (err) {
    // no stack for an operator's mistake (unreachable database, bad file); the cause names it
    const cause = (err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : "";
    process.stderr.write(`keyroll: could not start: ${(err as Error).message}${cause}\n`);
    process.exit(1);
  }
  if (kr.generatedAdminKey) {
    // the one time Keyroll prints a secret it made itself: the first admin key of a new database
    process.stderr.write(
      `\nKeyroll created the first admin key. Store it now: it will not be shown again.\n\n  ${kr.generatedAdminKey}\n\n`,
    );
  }
  let address: string;
  try {
    address = await kr.app.listen({ host: config.host, port: config.port });
  } catch (err) {
    process.stderr.write(
      `keyroll: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}\n`,
    );
    await kr.close().catch(() => undefined);
    process.exit(1);
  }
  kr.app.log.info(
    { address, database: config.database.startsWith("postgres") ? "postgres" : config.database },
    "keyroll listening",
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    kr.app.log.info({ signal }, "shutting down");
    kr.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
