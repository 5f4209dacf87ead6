/** A source of the current time in epoch milliseconds; injected everywhere so decisions are testable. */
export interface Clock {
  now(): number;
}

/** The wall clock of this process. */
export const systemClock: Clock = { now: () => Date.now() };

/**
 * A clock that only moves when told to, for tests.
 * @example const clock = manualClock(Date.parse("2026-01-01T00:00:00Z")); clock.advance(1000);
 */
export function manualClock(start: number): Clock & { set(t: number): void; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    set: (v: number) => {
      t = v;
    },
    advance: (ms: number) => {
      t += ms;
    },
  };
}
