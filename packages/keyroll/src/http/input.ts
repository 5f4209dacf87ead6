import { parseDuration } from "../core/duration.js";
import { KeyrollError } from "../core/errors.js";

// Turning request fields into domain values, with the error a client can act on.

/** A duration field ("30s", "15m", "2h", "7d" or seconds) in milliseconds. */
export function duration(input: string | number, field: string): number {
  const ms = parseDuration(input);
  if (ms === undefined) {
    throw new KeyrollError(
      "INVALID_DURATION",
      `${field} must be like "30s", "15m", "2h", "7d" or a number of seconds`,
    );
  }
  return ms;
}

/** An optional ISO 8601 time field in epoch milliseconds. */
export function time(input: string | undefined | null, field: string): number | undefined {
  if (input === undefined || input === null) return undefined;
  const t = Date.parse(input);
  if (Number.isNaN(t)) throw new KeyrollError("VALIDATION_FAILED", `${field} must be an ISO 8601 time`);
  return t;
}
