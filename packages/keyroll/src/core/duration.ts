const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Longest duration parsed at all (100 years); callers apply their own, tighter limits. */
export const MAX_DURATION_MS = 100 * 365 * 86_400_000;

/**
 * Parses a duration given as `"30s"`, `"15m"`, `"2h"`, `"7d"` (also `"500ms"`) or a number of seconds.
 * Returns milliseconds, or `undefined` when the input is not a duration.
 * @example parseDuration("2h") // 7200000
 */
export function parseDuration(input: unknown): number | undefined {
  let ms: number;
  if (typeof input === "number") {
    if (!(input >= 0)) return undefined;
    ms = Math.round(input * 1000);
  } else if (typeof input === "string") {
    const s = input.trim();
    const m = /^(\d{1,13})(ms|s|m|h|d)$/.exec(s);
    if (m) ms = Number(m[1]) * UNITS[m[2]!]!;
    else if (/^\d{1,12}$/.test(s)) ms = Number(s) * 1000;
    else return undefined;
  } else {
    return undefined;
  }
  // +0, never -0; nothing a calendar cannot hold
  return Number.isSafeInteger(ms) && ms <= MAX_DURATION_MS ? ms + 0 : undefined;
}

/** Formats milliseconds as the shortest exact duration string, e.g. 7200000 → "2h". */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
