// Summaries of measured numbers, for tests and benchmarks alike: one percentile (q from 0 to 1).

/**
 * Nearest-rank percentile of a non-empty list, `q` from 0 to 1 (0.5 is the median, 0.99 the p99).
 * @example percentile([3, 1, 2], 0.5) // 2
 */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error("percentile of nothing");
  if (!(q >= 0 && q <= 1)) throw new Error(`percentile: q must be from 0 to 1, got ${q}`);
  const s = [...xs].sort((a, b) => a - b);
  const rank = Math.min(s.length, Math.max(1, Math.ceil(q * s.length)));
  return s[rank - 1]!;
}

/** The middle value (the mean of the two middle ones for an even count) of a non-empty list. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error("median of nothing");
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Summary of a list of durations (ms); percentiles by nearest rank. */
export interface Stats {
  n: number;
  p50: number;
  p99: number;
  max: number;
  mean: number;
}

/** n, p50, p99, max and mean of a list (NaN figures for an empty one). */
export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) return { n: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
  return {
    n: xs.length,
    p50: percentile(xs, 0.5),
    p99: percentile(xs, 0.99),
    max: Math.max(...xs),
    mean: xs.reduce((a, b) => a + b, 0) / xs.length,
  };
}
