import { isIP } from "node:net";
import { InvalidArgumentError } from "commander";

// Option parsers for commander: they turn a flag's text into the value the HTTP contract wants
// and reject nonsense before any request is sent (commander then exits with a usage error).

/**
 * Parses a whole number ≥ 1 (`--limit`, `--version`).
 *
 * @example
 * parsePositiveInt("20"); // 20
 */
export function parsePositiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new InvalidArgumentError("expected a whole number of at least 1.");
  }
  return Number(value);
}

/**
 * Parses a comma-separated scope list, ignoring blanks.
 *
 * @example
 * parseScopes("read, write,"); // ["read", "write"]
 */
export function parseScopes(value: string): string[] {
  return value
    .split(",")
    .map((scope) => scope.trim())
    .filter((scope) => scope !== "");
}

/**
 * Parses `--metadata`, which must be a JSON object.
 *
 * @example
 * parseJsonObject('{"team":"billing"}'); // { team: "billing" }
 */
export function parseJsonObject(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a JSON object, e.g. \'{"team":"billing"}\'.');
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError("expected a JSON object, not an array or a single value.");
  }
  return parsed as Record<string, unknown>;
}

/**
 * Parses a point in time and sends it as ISO 8601 UTC; a time without an offset is local time.
 *
 * @example
 * parseTime("2030-01-01T00:00:00Z"); // "2030-01-01T00:00:00.000Z"
 */
export function parseTime(value: string): string {
  const date = new Date(value);
  if (value.trim() === "" || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError("expected an ISO 8601 time, e.g. 2030-01-31T12:00:00Z.");
  }
  return date.toISOString();
}

/**
 * Parses a duration for `--grace`: `"30s"`, `"15m"`, `"24h"`, `"7d"` are passed on as text (the
 * server owns the grammar), a bare number is a number of seconds.
 *
 * @example
 * parseDuration("24h"); // "24h"
 * parseDuration("3600"); // 3600
 */
export function parseDuration(value: string): string | number {
  const trimmed = value.trim();
  if (trimmed === "")
    throw new InvalidArgumentError('expected a duration such as "24h" or a number of seconds.');
  return /^\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
}

/**
 * Parses `--client-ip`: an IPv4 or IPv6 address, sent as given.
 *
 * @example
 * parseIp("203.0.113.7"); // "203.0.113.7"
 */
export function parseIp(value: string): string {
  const trimmed = value.trim();
  if (isIP(trimmed) === 0) {
    throw new InvalidArgumentError("expected an IPv4 or IPv6 address, e.g. 203.0.113.7.");
  }
  return trimmed;
}
