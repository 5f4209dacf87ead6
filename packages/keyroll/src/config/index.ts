import { parseDuration } from "../core/duration.js";

/** Everything a Keyroll server is configured with, validated and deep-frozen at boot. */
export interface Config {
  readonly host: string;
  readonly port: number;
  /** A SQLite file path, or a `postgres://` URL. */
  readonly database: string;
  /** Refuse to answer verifications from a stale cache instead of only reporting not-ready. */
  readonly strict: boolean;
  /** Feed lag past which `/readyz` answers 503. */
  readonly maxStalenessMs: number;
  /** How often the change feed is read when nothing signals a change. */
  readonly pollMs: number;
  readonly logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Log lines as JSON (for machines), pretty (for people), or `auto`: pretty when they go to a terminal. */
  readonly logFormat: "auto" | "json" | "pretty";
  /**
   * The verifier's index: `full` keeps every key version in memory; `bounded` keeps at most
   * `indexMaxEntries`, the most recently used, and reads a miss through to the store.
   */
  readonly index: "full" | "bounded";
  /** Versions kept in memory in bounded mode. */
  readonly indexMaxEntries: number;
  /** The first admin key on an empty database (≥ 32 chars); never logged. */
  readonly bootstrapAdminKey: string | undefined;
  /** Largest accepted request body. */
  readonly bodyLimitBytes: number;
  /** Count usage per version, minute and outcome (rotation progress, alerts, retirement by traffic). */
  readonly usageRecording: boolean;
  /** How often counted usage is written to the store. */
  readonly usageFlushMs: number;
  /** How long minute buckets are kept before they are rolled up into hours. */
  readonly usageRetentionMs: number;
  /** Rate limits: per node (`local`) or one limit across nodes through Redis. */
  readonly rateLimitMode: "local" | "redis";
  readonly rateLimitRedisUrl: string | undefined;
  /** On a Redis outage: let limited keys through (`open`) or refuse them (`closed`, 503). */
  readonly rateLimitFailure: "open" | "closed";
  /** The access policy file (route rules, key header, rotation docs) of `GET /v1/authorize`, YAML or JSON. */
  readonly gatewayConfig: string | undefined;
  /** `GET /v1/authorize` without `X-Keyroll-Gateway-Key`, for a trusted network only. */
  readonly authorizeOpen: boolean;
  /**
   * After SIGTERM, how long the node keeps serving while `/readyz` answers 503, so that a load
   * balancer takes it out before it stops accepting connections; 0 skips the wait.
   */
  readonly drainMs: number;
  /**
   * How long a request waits for the store (a connection, a row lock, its turn to commit) before
   * it is answered 503 STORE_BUSY with Retry-After.
   */
  readonly storeWaitMs: number;
  /**
   * The Ed25519 private key that signs audit checkpoints: PEM text, or the path of a PEM file.
   * Unset: no checkpoints are signed (the chain is still written), and the server warns at start.
   */
  readonly auditSigningKey: string | undefined;
  /** How often the head of the audit chain is signed (when it moved). */
  readonly auditCheckpointIntervalMs: number;
  /** Where the audit log is shipped as JSON Lines, if anywhere: `stdout`, or a file rotated by size. */
  readonly auditSink:
    | { readonly kind: "stdout" }
    | { readonly kind: "file"; readonly path: string }
    | undefined;
  /** A sink file is rotated once it would pass this size. */
  readonly auditSinkMaxBytes: number;
  /** Rotated sink files kept (`audit.jsonl.1` … `.N`). */
  readonly auditSinkKeep: number;
  /** Hosts (names or addresses) webhooks may reach although they are local or private. */
  readonly webhookAllowedHosts: readonly string[];
  /** Per-request timeout of a webhook delivery. */
  readonly webhookTimeoutMs: number;
  /** An endpoint failing without a success this long is disabled. */
  readonly webhookDisableAfterMs: number;
  /** When `key.version.expiring` reminders go out, before a grace end. */
  readonly reminderOffsetsMs: readonly number[];
  /** SMTP server for mail to consumers' contacts (`smtp://…`, `smtps://…`); may hold a password, never logged. */
  readonly smtpUrl: string | undefined;
  /** The sender of that mail. */
  readonly mailFrom: string | undefined;
  /**
   * The base URL other machines reach this node at, written in its heartbeat (the incident
   * playbook asks every node there); unset: `http://<host>:<port>` of the listener.
   */
  readonly advertiseUrl: string | undefined;
  /** How often this node refreshes its heartbeat row; a row three intervals old is not live. */
  readonly heartbeatIntervalMs: number;
  /** What a leak report does to a key whose secret it names: revoke (and replace) it, or only raise an alert. */
  readonly leakAction: "revoke" | "alert";
  /** A JSON file of the scanner public keys `POST /v1/leaks` accepts signatures of (GitHub's format). */
  readonly leakPublicKeys: string | undefined;
}

/** Raised when configuration is invalid; lists every problem at once. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

/** Where each setting is read from: flag name, environment variable and config-file field. */
const SETTINGS = {
  host: { env: "KEYROLL_HOST" },
  port: { env: "KEYROLL_PORT" },
  database: { env: "KEYROLL_DATABASE" },
  strict: { env: "KEYROLL_STRICT" },
  maxStaleness: { env: "KEYROLL_MAX_STALENESS" },
  poll: { env: "KEYROLL_POLL_INTERVAL" },
  logLevel: { env: "KEYROLL_LOG_LEVEL" },
  logFormat: { env: "KEYROLL_LOG_FORMAT" },
  bootstrapAdminKey: { env: "KEYROLL_BOOTSTRAP_ADMIN_KEY" },
  bodyLimit: { env: "KEYROLL_BODY_LIMIT" },
  usageRecording: { env: "KEYROLL_USAGE_RECORDING" },
  usageFlushInterval: { env: "KEYROLL_USAGE_FLUSH_INTERVAL" },
  usageRetention: { env: "KEYROLL_USAGE_RETENTION" },
  rateLimitMode: { env: "KEYROLL_RATE_LIMIT_MODE" },
  rateLimitRedisUrl: { env: "KEYROLL_RATE_LIMIT_REDIS_URL" },
  rateLimitFailure: { env: "KEYROLL_RATE_LIMIT_FAILURE" },
  gatewayConfig: { env: "KEYROLL_GATEWAY_CONFIG" },
  authorizeOpen: { env: "KEYROLL_AUTHORIZE_OPEN" },
  drain: { env: "KEYROLL_DRAIN" },
  storeWait: { env: "KEYROLL_STORE_WAIT" },
  auditSigningKey: { env: "KEYROLL_AUDIT_SIGNING_KEY" },
  auditCheckpointInterval: { env: "KEYROLL_AUDIT_CHECKPOINT_INTERVAL" },
  auditSink: { env: "KEYROLL_AUDIT_SINK" },
  auditSinkMaxBytes: { env: "KEYROLL_AUDIT_SINK_MAX_BYTES" },
  auditSinkKeep: { env: "KEYROLL_AUDIT_SINK_KEEP" },
  webhookAllowedHosts: { env: "KEYROLL_WEBHOOK_ALLOWED_HOSTS" },
  webhookTimeout: { env: "KEYROLL_WEBHOOK_TIMEOUT" },
  webhookDisableAfter: { env: "KEYROLL_WEBHOOK_DISABLE_AFTER" },
  reminderOffsets: { env: "KEYROLL_REMINDER_OFFSETS" },
  smtpUrl: { env: "KEYROLL_SMTP_URL" },
  mailFrom: { env: "KEYROLL_MAIL_FROM" },
  advertiseUrl: { env: "KEYROLL_ADVERTISE_URL" },
  heartbeatInterval: { env: "KEYROLL_HEARTBEAT_INTERVAL" },
  leakAction: { env: "KEYROLL_LEAK_ACTION" },
  leakPublicKeys: { env: "KEYROLL_LEAK_PUBLIC_KEYS" },
  index: { env: "KEYROLL_INDEX" },
  indexMaxEntries: { env: "KEYROLL_INDEX_MAX_ENTRIES" },
} as const;

type SettingName = keyof typeof SETTINGS;
const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const LOG_FORMATS = ["auto", "json", "pretty"] as const;

function deepFreeze<T>(o: T): T {
  if (o && typeof o === "object") {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * Resolves the configuration from a config file's object, the environment and command-line flags
 * (flags win over the environment, which wins over the file). Pure: the composition root passes
 * `process.env` in.
 * @example resolveConfig({ env: process.env, flags: { port: "9090" } })
 */
export function resolveConfig(sources: {
  env: Readonly<Record<string, string | undefined>>;
  flags?: Readonly<Record<string, unknown>>;
  file?: Readonly<Record<string, unknown>>;
}): Config {
  const problems: string[] = [];
  const known = new Set<string>(Object.keys(SETTINGS));
  for (const k of Object.keys(sources.file ?? {})) {
    if (!known.has(k)) problems.push(`config file: unknown setting "${k}"`);
  }
  const raw = (name: SettingName): { value: unknown; from: string } | undefined => {
    const flag = sources.flags?.[name];
    if (flag !== undefined && flag !== null) return { value: flag, from: `--${name}` };
    const env = sources.env[SETTINGS[name].env];
    if (env !== undefined && env !== "") return { value: env, from: SETTINGS[name].env };
    const file = sources.file?.[name];
    if (file !== undefined) return { value: file, from: `config file "${name}"` };
    return undefined;
  };
  const str = (name: SettingName, dflt: string): string => {
    const r = raw(name);
    if (!r) return dflt;
    if (typeof r.value !== "string" || r.value.length === 0) {
      problems.push(`${r.from}: must be a non-empty string`);
      return dflt;
    }
    return r.value;
  };
  const int = (name: SettingName, dflt: number, min: number, max: number): number => {
    const r = raw(name);
    if (!r) return dflt;
    const n =
      typeof r.value === "number" ? r.value : /^\d+$/.test(String(r.value)) ? Number(r.value) : Number.NaN;
    if (!Number.isInteger(n) || n < min || n > max) {
      problems.push(`${r.from}: must be an integer from ${min} to ${max}, got ${JSON.stringify(r.value)}`);
      return dflt;
    }
    return n;
  };
  const duration = (name: SettingName, dflt: number, min: number, max: number): number => {
    const r = raw(name);
    if (!r) return dflt;
    const ms = parseDuration(r.value);
    if (ms === undefined || ms < min || ms > max) {
      problems.push(`${r.from}: must be a duration like "5s" or "500ms" between ${min}ms and ${max}ms`);
      return dflt;
    }
    return ms;
  };
  const bool = (name: SettingName, dflt: boolean): boolean => {
    const r = raw(name);
    if (!r) return dflt;
    if (r.value === true || r.value === "true" || r.value === "1") return true;
    if (r.value === false || r.value === "false" || r.value === "0") return false;
    problems.push(`${r.from}: must be true or false`);
    return dflt;
  };

  const logLevel = str("logLevel", "info");
  if (!(LEVELS as readonly string[]).includes(logLevel))
    problems.push(`log level must be one of ${LEVELS.join(", ")}`);
  const logFormat = str("logFormat", "auto");
  if (!(LOG_FORMATS as readonly string[]).includes(logFormat))
    problems.push(`log format must be one of ${LOG_FORMATS.join(", ")}`);
  const bootstrap = raw("bootstrapAdminKey");
  if (bootstrap && (typeof bootstrap.value !== "string" || !/^[\x21-\x7e]{32,256}$/.test(bootstrap.value))) {
    // the value itself is never echoed
    problems.push(`${bootstrap.from}: must be 32-256 printable characters without spaces`);
  }
  const sinkSetting = raw("auditSink");
  const sink = sinkSetting ? str("auditSink", "stdout") : undefined;
  if (sink !== undefined && sink !== "stdout" && !sink.startsWith("file:")) {
    problems.push(`${sinkSetting!.from}: must be "stdout" or "file:<path>"`);
  }
  const redisUrl = raw("rateLimitRedisUrl") ? str("rateLimitRedisUrl", "") : undefined;
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl))
    problems.push("KEYROLL_RATE_LIMIT_REDIS_URL: must be a redis:// or rediss:// URL");
  const mode = str("rateLimitMode", redisUrl ? "redis" : "local");
  if (mode !== "local" && mode !== "redis") problems.push(`rate limit mode must be "local" or "redis"`);
  if (mode === "redis" && !redisUrl)
    problems.push("rate limit mode redis needs KEYROLL_RATE_LIMIT_REDIS_URL");
  const failure = str("rateLimitFailure", "open");
  if (failure !== "open" && failure !== "closed")
    problems.push(`rate limit failure must be "open" or "closed"`);
  const list = (name: SettingName): string[] => {
    const r = raw(name);
    if (!r) return [];
    const items = Array.isArray(r.value) ? r.value : String(r.value).split(",");
    return items.map((s) => String(s).trim()).filter((s) => s.length > 0);
  };
  const offsets = (): number[] => {
    const r = raw("reminderOffsets");
    if (!r) return [24 * 3_600_000, 3_600_000];
    const out: number[] = [];
    for (const item of list("reminderOffsets")) {
      const ms = parseDuration(item);
      if (ms === undefined || ms <= 0 || ms > 30 * 86_400_000) {
        problems.push(
          `${r.from}: each offset must be a duration like "24h" up to 30d, got ${JSON.stringify(item)}`,
        );
      } else out.push(ms);
    }
    return out;
  };
  const indexMode = str("index", "full");
  if (indexMode !== "full" && indexMode !== "bounded") problems.push(`index must be "full" or "bounded"`);
  const cfg: Config = {
    host: str("host", "127.0.0.1"),
    port: int("port", 8080, 0, 65535),
    database: str("database", "./keyroll.db"),
    strict: bool("strict", false),
    maxStalenessMs: duration("maxStaleness", 5_000, 100, 3_600_000),
    pollMs: duration("poll", 250, 10, 60_000),
    logLevel: logLevel as Config["logLevel"],
    logFormat: logFormat as Config["logFormat"],
    index: indexMode as Config["index"],
    indexMaxEntries: int("indexMaxEntries", 1_000_000, 100, 1_000_000_000),
    bootstrapAdminKey: typeof bootstrap?.value === "string" ? bootstrap.value : undefined,
    bodyLimitBytes: int("bodyLimit", 64 * 1024, 1024, 16 * 1024 * 1024),
    usageRecording: bool("usageRecording", true),
    usageFlushMs: duration("usageFlushInterval", 5_000, 50, 300_000),
    usageRetentionMs: duration("usageRetention", 7 * 86_400_000, 3_600_000, 366 * 86_400_000),
    rateLimitMode: mode as Config["rateLimitMode"],
    rateLimitRedisUrl: redisUrl,
    rateLimitFailure: failure as Config["rateLimitFailure"],
    gatewayConfig: raw("gatewayConfig") ? str("gatewayConfig", "") : undefined,
    authorizeOpen: bool("authorizeOpen", false),
    drainMs: duration("drain", 5_000, 0, 600_000),
    storeWaitMs: duration("storeWait", 5_000, 10, 120_000),
    auditSigningKey: raw("auditSigningKey") ? str("auditSigningKey", "") : undefined,
    auditCheckpointIntervalMs: duration("auditCheckpointInterval", 60_000, 1_000, 86_400_000),
    auditSink:
      sink === undefined
        ? undefined
        : sink === "stdout"
          ? { kind: "stdout" }
          : { kind: "file", path: sink.replace(/^file:/, "") },
    auditSinkMaxBytes: int("auditSinkMaxBytes", 100 * 1024 * 1024, 4096, 2 ** 40),
    auditSinkKeep: int("auditSinkKeep", 5, 0, 1000),
    webhookAllowedHosts: list("webhookAllowedHosts"),
    webhookTimeoutMs: duration("webhookTimeout", 15_000, 100, 120_000),
    webhookDisableAfterMs: duration("webhookDisableAfter", 5 * 86_400_000, 60_000, 90 * 86_400_000),
    reminderOffsetsMs: offsets(),
    smtpUrl: raw("smtpUrl") ? str("smtpUrl", "") : undefined,
    mailFrom: raw("mailFrom") ? str("mailFrom", "") : undefined,
    advertiseUrl: raw("advertiseUrl") ? str("advertiseUrl", "") : undefined,
    heartbeatIntervalMs: duration("heartbeatInterval", 2_000, 100, 60_000),
    leakAction: str("leakAction", "revoke") as Config["leakAction"],
    leakPublicKeys: raw("leakPublicKeys") ? str("leakPublicKeys", "") : undefined,
  };
  if (cfg.advertiseUrl !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(cfg.advertiseUrl))
    problems.push(
      `KEYROLL_ADVERTISE_URL: must be an http(s) URL without query, got ${JSON.stringify(cfg.advertiseUrl)}`,
    );
  if (cfg.leakAction !== "revoke" && cfg.leakAction !== "alert")
    problems.push(`KEYROLL_LEAK_ACTION: must be "revoke" or "alert"`);
  if (cfg.pollMs * 2 > cfg.maxStalenessMs) {
    // an idle node is only as fresh as its last poll: a poll slower than half the bound would
    // report a healthy node not ready whenever nothing changes
    problems.push(
      `the poll interval (${cfg.pollMs}ms) must be at most half the staleness bound (${cfg.maxStalenessMs}ms)`,
    );
  }
  if ((cfg.smtpUrl === undefined) !== (cfg.mailFrom === undefined))
    problems.push("KEYROLL_SMTP_URL and KEYROLL_MAIL_FROM go together: set both or neither");
  if (cfg.smtpUrl !== undefined && !/^smtps?:\/\/[^\s]+$/.test(cfg.smtpUrl))
    // the value is not echoed: it may carry a password
    problems.push("KEYROLL_SMTP_URL must be an smtp:// or smtps:// URL");
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(cfg);
}
