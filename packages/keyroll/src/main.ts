// The composition root: the only module that wires store, services, verifier and HTTP together,
// and the only one (with the CLI entry) that touches process-wide state.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { fileURLToPath } from "node:url";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import pinoPretty from "pino-pretty";
import { readGatewayFile } from "./config/gateway-file.js";
import { type Config, ConfigError, resolveConfig } from "./config/index.js";
import { type AuditSigner, loadAuditSigner } from "./core/audit.js";
import { type Clock, systemClock } from "./core/clock.js";
import { parseDuration } from "./core/duration.js";
import { type LeakKeys, parseLeakKeys } from "./core/leaks.js";
import { type AccessPolicy, OPEN_POLICY } from "./core/route-rules.js";
import type { Gateway } from "./gateway/index.js";
import { buildApp } from "./http/app.js";
import { closeConnections } from "./http/drain.js";
import { type AuditService, createAuditService } from "./services/audit.js";
import { type AuditSink, createAuditSink, rotatingFileOutput, streamOutput } from "./services/audit-sink.js";
import { ensureAdminKey } from "./services/bootstrap.js";
import { createConsumerService } from "./services/consumers.js";
import type { Logger, ServiceDeps } from "./services/deps.js";
import { createFeedService } from "./services/feed.js";
import { createIncidentService } from "./services/incidents.js";
import { createKeyImportService } from "./services/key-import.js";
import { createKeyService } from "./services/keys.js";
import { createMailer, MAIL_EVENTS } from "./services/mail.js";
import { createNodeHeartbeat, listNodes, type NodeHeartbeat } from "./services/nodes.js";
import { createNotifier, type Notifier } from "./services/notifier.js";
import { createPolicyService, type PolicyService } from "./services/policies.js";
import { createLocalLimiter, createRedisLimiter, type RateLimiter } from "./services/rate-limit.js";
import {
  createRotationJobRunner,
  createRotationJobService,
  type RotationJobService,
} from "./services/rotation-jobs.js";
import { createScheduler, type Scheduler } from "./services/scheduler.js";
import { createSelfService } from "./services/self.js";
import { createUrlGuard } from "./services/url-guard.js";
import { createUsageService, type UsageService } from "./services/usage.js";
import { createWebhookService, type WebhookService } from "./services/webhooks.js";
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
  readonly limiter: RateLimiter;
  readonly scheduler: Scheduler;
  readonly app: FastifyInstance;
  /** The audit log's shipping sink, when one is configured. */
  readonly auditSink: AuditSink | undefined;
  readonly services: {
    consumers: ReturnType<typeof createConsumerService>;
    keys: ReturnType<typeof createKeyService>;
    usage: UsageService;
    audit: AuditService;
    webhooks: WebhookService;
    policies: PolicyService;
    rotationJobs: RotationJobService;
  };
  /** Reminders, notices and webhook delivery (run by the leader). */
  readonly notifier: Notifier;
  /** This node's heartbeat in the store (`start(address)` once it listens; `keyroll serve` does). */
  readonly heartbeat: NodeHeartbeat;
  /** Set only when this start generated the first admin key; print it once, store it nowhere. */
  readonly generatedAdminKey: string | undefined;
  /** From now on `/readyz` answers 503 and every answer carries `Connection: close`; serving goes on. */
  startDrain(): void;
  /** Closes the app (and its connections), flushes usage counts, releases leadership, closes the store. */
  close(): Promise<void>;
}

/**
 * The process's logger: pino, writing to stdout as JSON lines (for machines) or as pretty lines (for
 * people: pino-pretty, in colour only on a terminal and without NO_COLOR). `auto` is pretty when
 * stdout is a terminal. Redaction runs before either format, so neither can print what it cuts.
 */
export function createLogger(config: Config, terminal: boolean, noColor?: string): pino.Logger {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    // belt and braces: nothing should ever put these in a log line, but if it does, they are cut
    redact: {
      paths: ["req.headers.authorization", "secret", "*.secret", "key", "*.digest", "digest"],
      censor: "[redacted]",
    },
  };
  const pretty = config.logFormat === "pretty" || (config.logFormat === "auto" && terminal);
  if (!pretty) return pino(options);
  return pino(
    options,
    pinoPretty({
      destination: 1,
      // written before the process exits, as pino's own stdout destination does
      sync: true,
      colorize: terminal && (noColor ?? "") === "",
      translateTime: "SYS:yyyy-mm-dd HH:MM:ss.l",
      ignore: "pid,hostname",
    }),
  );
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

/** The package version, as node heartbeats report it. */
export function packageVersion(): string {
  try {
    const raw = readFileSync(new URL("../package.json", import.meta.url), "utf8");
    return String((JSON.parse(raw) as { version?: unknown }).version ?? "unknown");
  } catch {
    return "unknown";
  }
}

/** Reads the scanner public keys of leak reports from their file (GitHub's JSON format). */
export function loadLeakKeys(file: string | undefined): LeakKeys {
  if (file === undefined) return new Map();
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(`cannot read the leak report public keys file ${file}`, { cause: err });
  }
  try {
    return parseLeakKeys(doc);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`, { cause: err });
  }
}

/** Where other machines reach a node: KEYROLL_ADVERTISE_URL, else the listener's host and port. */
export function advertisedAddress(config: Config, port: number): string {
  if (config.advertiseUrl !== undefined) return config.advertiseUrl.replace(/\/+$/, "");
  const wildcard = config.host === "0.0.0.0" || config.host === "::" || config.host === "";
  const host = wildcard ? hostname() : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** A node's heartbeat, reading the verifier's feed position and latest applied revocation. */
function heartbeatOf(
  config: Config,
  deps: { store: Store; clock: Clock; logger: Logger; verifier: Verifier },
  kind: "server" | "gateway",
): NodeHeartbeat {
  return createNodeHeartbeat({
    store: deps.store,
    clock: deps.clock,
    logger: deps.logger,
    kind,
    version: packageVersion(),
    intervalMs: config.heartbeatIntervalMs,
    status: () => ({
      feedSeq: deps.verifier.status().lastSeq,
      lastRevocationAt: deps.verifier.lastRevocationAt(),
    }),
  });
}

/**
 * Opens the store the configuration names; `logger` hears about a database file others can read,
 * `waitMs` bounds how long a request waits for the store.
 */
export function openStore(database: string, opts: { waitMs?: number; logger?: Logger } = {}): Store {
  if (/^postgres(ql)?:\/\//.test(database)) return openPostgresStore(database, { waitMs: opts.waitMs });
  return openSqliteStore(database, {
    waitMs: opts.waitMs,
    warn: (data, msg) => opts.logger?.warn(data, msg),
  });
}

/** The rate limiter the configuration names: per node, or shared through Redis. */
export function createLimiter(config: Config, clock: Clock, logger: Logger): RateLimiter {
  if (config.rateLimitMode === "redis" && config.rateLimitRedisUrl !== undefined)
    return createRedisLimiter({
      url: config.rateLimitRedisUrl,
      failOpen: config.rateLimitFailure === "open",
      logger,
    });
  return createLocalLimiter(clock);
}

/**
 * What every Keyroll process (`serve`, `gateway`) runs on: the store (migrated), the database's
 * clock on PostgreSQL, the verifier (not started yet) and the rate limiter.
 */
interface Core {
  readonly store: Store;
  readonly clock: Clock;
  readonly verifier: Verifier;
  readonly limiter: RateLimiter;
  /**
   * Stops the core in the order it must stop: the verifier (its last usage counts flushed), then
   * `afterFlush` (a node's work that must still see the store), the limiter, the clock, the store.
   */
  close(afterFlush?: () => Promise<void>): Promise<void>;
}

async function openCore(
  config: Config,
  logger: Logger,
  opts: { store?: Store | undefined; clock?: Clock | undefined },
): Promise<Core> {
  const store = opts.store ?? openStore(config.database, { waitMs: config.storeWaitMs, logger });
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
    index: config.index,
    maxEntries: config.indexMaxEntries,
  });
  const limiter = createLimiter(config, clock, logger);
  return {
    store,
    clock,
    verifier,
    limiter,
    async close(afterFlush) {
      await verifier.stop();
      await afterFlush?.();
      await limiter.close();
      dbClock?.stop();
      await store.close();
    },
  };
}

/**
 * Builds a Keyroll node from a resolved configuration: migrates the store, bootstraps the first
 * admin key on an empty database, loads the verifier's index and builds the HTTP app (not listening).
 * @example const kr = await createKeyroll(resolveConfig({ env: {} }), { clock }); await kr.app.inject(...)
 */
export async function createKeyroll(
  config: Config,
  opts: {
    clock?: Clock;
    logger?: pino.Logger;
    store?: Store;
    schedulerIntervalMs?: number;
    /** Heartbeat of idle `GET /v1/changes` streams (default 5 s). */
    changesHeartbeatMs?: number;
    /**
     * Resolve before the verifier's index is loaded (default: after): the node can listen at once
     * and answers `/readyz` 503 until the load is done (`keyroll serve` does this).
     */
    loadInBackground?: boolean;
  } = {},
): Promise<Keyroll> {
  const log = opts.logger ?? createLogger(config, process.stdout.isTTY === true, process.env.NO_COLOR);
  const logger = log as unknown as Logger;
  // before the store opens: a bad key is a configuration error, reported before anything is touched
  const signer = loadAuditSigningKey(config.auditSigningKey);
  // read before anything opens: a bad policy file stops the start with every problem listed
  const accessPolicy: AccessPolicy = config.gatewayConfig
    ? readGatewayFile(config.gatewayConfig).policy
    : OPEN_POLICY;
  const leakKeys = loadLeakKeys(config.leakPublicKeys);
  const core = await openCore(config, logger, opts);
  const { store, clock, verifier, limiter } = core;
  let notifier: Notifier | undefined;
  let scheduler: Scheduler | undefined;
  const deps: ServiceDeps = {
    store,
    clock,
    logger,
    afterCommit: () => verifier.sync(),
    indexCreated: (made) => verifier.indexCreated(made),
    eventsCommitted: () => notifier?.wake(),
    mailEvents: config.smtpUrl ? MAIL_EVENTS : undefined,
  };
  const boot = await ensureAdminKey(deps, config.bootstrapAdminKey);
  // retried until it succeeds; meanwhile /readyz says "loading" and misses read through
  const loaded = opts.loadInBackground ? verifier.start({ retry: true }).catch(() => undefined) : null;
  if (!loaded) await verifier.start();
  const consumers = createConsumerService(deps);
  const keys = createKeyService(deps);
  const keyImports = createKeyImportService(deps);
  const usage = createUsageService({ ...deps, lastUsedAt: verifier.lastUsedAt });
  const guard = createUrlGuard(config.webhookAllowedHosts);
  notifier = createNotifier({
    ...deps,
    guard,
    timeoutMs: config.webhookTimeoutMs,
    reminderOffsetsMs: config.reminderOffsetsMs,
    disableAfterMs: config.webhookDisableAfterMs,
    isLeader: () => scheduler?.isLeader() ?? false,
    sendMail:
      config.smtpUrl && config.mailFrom
        ? createMailer(config.smtpUrl, config.mailFrom, config.webhookTimeoutMs)
        : undefined,
  });
  const webhooks = createWebhookService({ ...deps, guard, wake: () => notifier?.wake() });
  const policies = createPolicyService(deps);
  scheduler = createScheduler({
    ...deps,
    keys,
    usage,
    lock: store.leaderLock(),
    lastUsedAt: verifier.lastUsedAt,
    intervalMs: opts.schedulerIntervalMs,
    retentionMs: config.usageRetentionMs,
    notifier,
    policies,
  });
  // a node loading its index in the background takes up leader work once loaded: at 1 M keys the
  // load is ≈ 10 s of both cores, and the first tick's queries (one read 1 s of usage rows joined
  // with keys) ran on the thread the load and /readyz wait for
  if (loaded) void loaded.then(() => scheduler.start());
  else scheduler.start();
  const jobRunner = createRotationJobRunner({ ...deps, isLeader: scheduler.isLeader });
  const rotationJobs = createRotationJobService({ ...deps, wake: () => jobRunner.wake() });
  jobRunner.start();
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
  if (config.authorizeOpen)
    logger.warn(
      {},
      "GET /v1/authorize answers without X-Keyroll-Gateway-Key (--authorize-open): anyone who reaches this port can test keys; use it on a trusted network only",
    );
  const heartbeat = heartbeatOf(config, { store, clock, logger, verifier }, "server");
  let draining = false;
  const app = await buildApp({
    audit,
    consumers,
    keys,
    usage,
    self: createSelfService({ ...deps, keys }),
    feed: createFeedService(deps),
    changesHeartbeatMs: opts.changesHeartbeatMs,
    webhooks,
    policies,
    rotationJobs,
    keyImports,
    verifier,
    clock,
    logger,
    fastifyLogger: log,
    strict: config.strict,
    maxStalenessMs: config.maxStalenessMs,
    bodyLimitBytes: config.bodyLimitBytes,
    isLeader: scheduler.isLeader,
    limiter,
    accessPolicy,
    authorizeOpen: config.authorizeOpen,
    draining: () => draining,
    storeStats: () => store.stats(),
    incidents: createIncidentService(deps),
    nodes: {
      list: () => listNodes(store, clock, config.heartbeatIntervalMs),
      selfId: () => heartbeat.id,
    },
    leaks: { action: config.leakAction, keys: leakKeys },
    // packages/web builds the dashboard here (beside dist/, and in the published package's files)
    uiDir: fileURLToPath(new URL("../ui/", import.meta.url)),
  });
  let closed = false;
  return {
    config,
    store,
    verifier,
    limiter,
    scheduler,
    app,
    auditSink: sink,
    services: { consumers, keys, usage, audit, webhooks, policies, rotationJobs },
    notifier,
    heartbeat,
    generatedAdminKey: boot?.generatedSecret,
    startDrain() {
      draining = true;
    },
    async close() {
      if (closed) return;
      closed = true;
      await heartbeat.stop();
      await app.close();
      await keyImports.close();
      // no new deliveries; those in flight are cut and stay pending for the next leader
      await notifier!.stop();
      // the batch in progress commits (or not) whole; the next leader goes on from there
      await jobRunner.stop();
      // counts first, then leadership: the lock is held until nothing of this node is left to write
      await core.close(async () => {
        logger.info({}, "usage counts flushed");
        // the last checkpoint and sink batch while still leader, after every request of this node
        await stopCheckpoints();
        await stopSink?.();
        const wasLeader = scheduler!.isLeader();
        await scheduler!.stop();
        if (wasLeader) logger.info({}, "leadership released");
      });
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
    logFormat?: string | undefined;
    gatewayConfig?: string | undefined;
    authorizeOpen?: boolean | undefined;
    drain?: string | undefined;
    index?: string | undefined;
    indexMaxEntries?: string | undefined;
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
    kr = await createKeyroll(config, { loadInBackground: true });
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
  kr.heartbeat.start(advertisedAddress(config, (kr.app.server.address() as { port: number }).port));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      kr.app.log.warn({ signal }, "second signal: exiting now, without finishing the stop");
      process.exit(1);
    }
    stopping = true;
    // SIGINT (Ctrl-C at a terminal) stops at once; SIGTERM (systemd, Kubernetes, a deploy) drains
    const drainMs = signal === "SIGTERM" ? config.drainMs : 0;
    const bound = setTimeout(() => {
      kr.app.log.error({ boundMs: drainMs + STOP_BOUND_MS }, "the stop took too long: exiting now");
      process.exit(1);
    }, drainMs + STOP_BOUND_MS);
    bound.unref();
    void drainAndClose(kr, drainMs).then(
      () => process.exit(0),
      (err: Error) => {
        kr.app.log.error({ err: err.message }, "the stop failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** A wired `keyroll gateway`: verifier and change feed on the server's database, the proxy, its HTTP server. */
export interface KeyrollGateway {
  readonly config: Config;
  readonly store: Store;
  readonly verifier: Verifier;
  readonly limiter: RateLimiter;
  readonly gateway: Gateway;
  readonly server: Server;
  /** This gateway's heartbeat in the store, started by `listen`. */
  readonly heartbeat: NodeHeartbeat;
  /** Listens on `host:port` (port 0: any); resolves with the URL. */
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

/** The gateway's own settings, from flags and its config file. */
export interface GatewaySettings {
  /** `--upstream`; else `upstream` in the config file. */
  readonly upstream?: string | undefined;
  /** `--config gateway.yaml`. */
  readonly configFile?: string | undefined;
  /** For the benchmark's baseline only: forward without verifying. */
  readonly auth?: boolean;
}

const GATEWAY_FIELDS = ["upstream", "upstreamTimeout", "bodyIdleTimeout"] as const;

/**
 * Builds a `keyroll gateway` (not listening): reads and validates its config file (every problem
 * at once), opens the server's database, loads the verifier's index and follows the change feed.
 * @example const gw = await createKeyrollGateway(resolveConfig({ env }), { upstream: "http://127.0.0.1:3000" })
 */
export async function createKeyrollGateway(
  config: Config,
  settings: GatewaySettings,
  opts: { clock?: Clock; logger?: pino.Logger } = {},
): Promise<KeyrollGateway> {
  let upstreamTimeoutMs = 30_000;
  let bodyIdleTimeoutMs = 60_000;
  let fileUpstream: unknown;
  let policy: AccessPolicy = OPEN_POLICY;
  const upstreamProblems = (upstream: unknown, p: string[]) => {
    if (upstream === undefined) p.push("--upstream (or upstream in the config file) is required");
    else if (typeof upstream !== "string" || !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(upstream))
      p.push(`upstream: must be an http(s) URL without query, got ${JSON.stringify(upstream)}`);
  };
  if (settings.configFile !== undefined) {
    const file = readGatewayFile(settings.configFile, GATEWAY_FIELDS, (raw, p) => {
      fileUpstream = raw.upstream;
      upstreamProblems(settings.upstream ?? raw.upstream, p);
      for (const [field, set] of [
        ["upstreamTimeout", (ms: number) => (upstreamTimeoutMs = ms)],
        ["bodyIdleTimeout", (ms: number) => (bodyIdleTimeoutMs = ms)],
      ] as const) {
        if (raw[field] === undefined) continue;
        const ms = parseDuration(raw[field]);
        if (ms === undefined || ms < 100 || ms > 3_600_000)
          p.push(`${field}: must be a duration from 100ms to 1h`);
        else set(ms);
      }
    });
    policy = file.policy;
  }
  const upstream = settings.upstream ?? fileUpstream;
  const problems: string[] = [];
  upstreamProblems(upstream, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  const log = opts.logger ?? createLogger(config, process.stdout.isTTY === true, process.env.NO_COLOR);
  const logger = log as unknown as Logger;
  const core = await openCore(config, logger, opts);
  const { store, clock, verifier, limiter } = core;
  await verifier.start();
  const heartbeat = heartbeatOf(config, { store, clock, logger, verifier }, "gateway");
  // loaded here only: `keyroll serve` does not pay for undici at start
  const { createGateway } = await import("./gateway/index.js");
  const gateway = createGateway({
    verifier,
    limiter,
    policy,
    clock,
    logger,
    upstream: upstream as string,
    upstreamTimeoutMs,
    bodyIdleTimeoutMs,
    maxStalenessMs: config.maxStalenessMs,
    auth: settings.auth ?? true,
    nodeId: () => heartbeat.id,
  });
  // no whole-request deadline (a 200 MB upload may take long); a connection idle that long is cut
  const server = createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 }, gateway.handle);
  server.timeout = bodyIdleTimeoutMs;
  let closed = false;
  return {
    config,
    store,
    verifier,
    limiter,
    gateway,
    server,
    heartbeat,
    listen: (host, port) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          const a = server.address() as { port: number };
          heartbeat.start(advertisedAddress(config, a.port));
          resolve(`http://${host.includes(":") ? `[${host}]` : host}:${a.port}`);
        });
      }),
    async close() {
      if (closed) return;
      closed = true;
      await heartbeat.stop();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeIdleConnections();
      });
      await gateway.close();
      await core.close();
    },
  };
}

/**
 * `keyroll gateway`: the server's settings (database, host, port, rate limits) from flags and the
 * environment, the gateway's from `--upstream` and `--config`; serves until SIGINT or SIGTERM.
 */
export async function runGateway(options: {
  flags: {
    upstream?: string | undefined;
    config?: string | undefined;
    host?: string | undefined;
    port?: string | undefined;
    database?: string | undefined;
  };
  env: Readonly<Record<string, string | undefined>>;
}): Promise<void> {
  let gw: KeyrollGateway;
  let config: Config;
  try {
    const { upstream, config: configFile, ...flags } = options.flags;
    config = resolveConfig({ env: options.env, flags });
    gw = await createKeyrollGateway(config, { upstream, configFile });
  } catch (err) {
    const cause = (err as Error).cause instanceof Error ? `: ${((err as Error).cause as Error).message}` : "";
    process.stderr.write(`keyroll: ${(err as Error).message}${cause}\n`);
    process.exit(err instanceof ConfigError ? 2 : 1);
  }
  try {
    const url = await gw.listen(config.host, config.port);
    process.stderr.write(`keyroll gateway listening on ${url}\n`);
  } catch (err) {
    process.stderr.write(
      `keyroll: cannot listen on ${config.host}:${config.port}: ${(err as Error).message}\n`,
    );
    await gw.close().catch(() => undefined);
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    gw.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

/** How long a stop may take past the drain (requests in flight, flush, hand-over) before it is forced. */
const STOP_BOUND_MS = 15_000;
/** Of that, how long requests in flight get to finish once the listener is closed. */
const IN_FLIGHT_MS = 10_000;

/**
 * A clean stop: not ready but serving for `drainMs`, then no new connections, requests in flight
 * answered with `Connection: close`, idle connections closed, usage flushed, leadership released.
 */
async function drainAndClose(kr: Keyroll, drainMs: number): Promise<void> {
  const log = kr.app.log;
  const t0 = performance.now();
  kr.startDrain();
  if (drainMs > 0) {
    log.info({ drainMs }, "draining: /readyz answers 503, still serving");
    await new Promise((r) => setTimeout(r, drainMs));
  }
  log.info({}, "no longer accepting connections; answering requests in flight with Connection: close");
  const clean = await closeConnections(kr.app.server, IN_FLIGHT_MS);
  if (clean) log.info({}, "connections closed");
  else log.warn({ waitedMs: IN_FLIGHT_MS }, "requests still in flight; their connections were closed");
  await kr.close();
  log.info({ ms: Math.round(performance.now() - t0) }, "stopped");
}
