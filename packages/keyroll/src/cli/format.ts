import type { Consumer, Key, Version } from "./api-types.js";

/**
 * Makes a server-supplied string safe to print on a terminal: control characters (newlines,
 * escape sequences) are shown as `\xNN` so a name cannot forge output lines or recolour the screen.
 *
 * @example
 * clean("bad\u001b[31m"); // "bad\\x1b[31m"
 */
export function clean(value: string): string {
  let out = "";
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? `\\x${code.toString(16).padStart(2, "0")}` : char;
  }
  return out;
}

/**
 * Renders any JSON value as one table cell: `-` for null or missing, `yes`/`no` for booleans,
 * comma-separated arrays, compact JSON for objects.
 *
 * @example
 * display(["read", "write"]); // "read, write"
 */
export function display(value: unknown): string {
  if (value === null || value === undefined || value === "") return "-";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "string") return clean(value);
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (Array.isArray(value)) return value.length === 0 ? "-" : value.map(display).join(", ");
  if (typeof value === "object" && Object.keys(value).length === 0) return "-";
  return clean(JSON.stringify(value));
}

function width(text: string): number {
  return [...text].length;
}

function pad(text: string, size: number): string {
  return text + " ".repeat(Math.max(0, size - width(text)));
}

/** Layout of a {@link formatTable}: indexes of the columns to right-align (counts, percentages). */
export interface TableOptions {
  rightAligned?: readonly number[];
}

/**
 * Aligns rows under upper-case headers, columns separated by two spaces, no trailing blanks.
 * Cells are printed as given; pass them through {@link display} first.
 *
 * @example
 * formatTable(["id", "name"], [["con_1", "acme"]]);
 * // "ID     NAME\ncon_1  acme\n"
 * formatTable(["time", "valid"], [["00:00", "7"], ["00:01", "120"]], { rightAligned: [1] });
 * // "TIME   VALID\n00:00      7\n00:01    120\n"
 */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  options: TableOptions = {},
): string {
  const head = headers.map((h) => h.toUpperCase());
  const widths = head.map((h, i) => Math.max(width(h), ...rows.map((row) => width(row[i] ?? ""))));
  const right = new Set(options.rightAligned ?? []);
  const line = (cells: readonly string[]) =>
    widths
      .map((w, i) => {
        const cell = cells[i] ?? "";
        return right.has(i) ? " ".repeat(Math.max(0, w - width(cell))) + cell : pad(cell, w);
      })
      .join("  ")
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join("\n")}\n`;
}

/**
 * Prints label/value pairs as an aligned block.
 *
 * @example
 * formatFields([["id", "key_1"], ["state", "active"]]);
 * // "id     key_1\nstate  active\n"
 */
export function formatFields(fields: readonly (readonly [string, string])[]): string {
  const size = Math.max(0, ...fields.map(([label]) => width(label)));
  return fields
    .map(([label, value]) => `${pad(label, size)}  ${value}`.trimEnd())
    .join("\n")
    .concat("\n");
}

/** Human view of one consumer. */
export function formatConsumer(consumer: Consumer): string {
  return formatFields([
    ["id", display(consumer.id)],
    ["name", display(consumer.name)],
    ["external id", display(consumer.externalId)],
    ["metadata", display(consumer.metadata)],
    ["created at", display(consumer.createdAt)],
  ]);
}

/** Human view of a page of consumers. */
export function formatConsumers(consumers: readonly Consumer[]): string {
  if (consumers.length === 0) return "No consumers.\n";
  return formatTable(
    ["id", "name", "external id", "created at", "metadata"],
    consumers.map((c) => [c.id, c.name, c.externalId, c.createdAt, c.metadata].map(display)),
  );
}

const VERSION_HEADERS = [
  "version",
  "state",
  "start",
  "imported",
  "activates at",
  "expires at",
  "last used at",
];

/** Human view of a key's versions, newest first. */
export function formatVersions(versions: readonly Version[]): string {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  return formatTable(
    VERSION_HEADERS,
    sorted.map((v) => [
      display(v.version),
      display(v.state),
      v.start ? `${clean(v.start)}…` : "-",
      display(v.imported),
      display(v.activatesAt),
      display(v.expiresAt),
      display(v.lastUsedAt),
    ]),
  );
}

/** The rotation policy rows of `GET /v1/keys/:id` (absent from lists). */
function policyFields(key: Key): Array<[string, string]> {
  const k = key as Key & {
    rotationPolicy?: { interval: string; gracePeriod: string; source: string } | null;
    nextRotationAt?: string | null;
    rotationBlocked?: string | null;
  };
  if (k.rotationPolicy === undefined) return [];
  if (k.rotationPolicy === null) return [["rotation policy", "none"]];
  const p = k.rotationPolicy;
  return [
    [
      "rotation policy",
      `every ${clean(p.interval)}, grace ${clean(p.gracePeriod)} (from the ${clean(p.source)})`,
    ],
    ["next rotation", k.rotationBlocked ? `blocked: ${clean(k.rotationBlocked)}` : display(k.nextRotationAt)],
  ];
}

/** Human view of one key: its fields, then the table of its versions. */
export function formatKey(key: Key): string {
  const fields = formatFields([
    ["id", display(key.id)],
    ["consumer", display(key.consumerId)],
    ["name", display(key.name)],
    ["state", display(key.state)],
    ["scopes", display(key.scopes)],
    ["prefix", display(key.prefix)],
    ["expires at", key.expiresAt ? display(key.expiresAt) : "never"],
    ["created at", display(key.createdAt)],
    ["metadata", display(key.metadata)],
    ...policyFields(key),
  ]);
  const versions = key.versions ?? [];
  return versions.length === 0 ? fields : `${fields}\n${formatVersions(versions)}`;
}

/** Human view of a page of keys: each key with its versions, separated by a blank line. */
export function formatKeys(keys: readonly Key[]): string {
  if (keys.length === 0) return "No keys.\n";
  return keys.map(formatKey).join("\n");
}

/**
 * The once-only display of a freshly created secret, set apart so it is hard to miss.
 *
 * @example
 * formatSecret("kr_live_…", "key_1", 2);
 */
export function formatSecret(secret: string, keyId: string, version: number): string {
  return [
    "",
    `Secret of ${clean(keyId)} version ${version}:`,
    "",
    `    ${clean(secret)}`,
    "",
    "Store it now: it will not be shown again.",
    "",
  ].join("\n");
}
