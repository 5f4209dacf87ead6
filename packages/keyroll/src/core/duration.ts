const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration given as `"30s"`, `"15m"`, `"2h"`, `"7d"` (also `"500ms"`) or a number of seconds.
 * Returns milliseconds, or `undefined` when the input is not a duration.
 * @example parseDuration("2h") // 7200000
 */
export function parseDuration(input: unknown): number | undefined {
  if (typeof input === "number") {
    return Number.isFinite(input) && input >= 0 ? Math.round(input * 1000) : undefined;
  }
  if (typeof input !== "string") return undefined;
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(input.trim());
  if (!m) {
    return /^\d{1,12}$/.test(input.trim()) ? Number(input.trim()) * 1000 : undefined;
  }
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** Formats milliseconds as the shortest exact duration string, e.g. 7200000 → "2h". */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNITS[unit]!;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
