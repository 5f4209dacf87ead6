import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { Store } from "./types.js";

/** A clock that follows the database's clock, and how sure it is. */
export interface SyncedClock extends Clock {
  /** Measures the offset now (best of a few round trips) and then every `intervalMs`. */
  start(): Promise<void>;
  stop(): void;
  /** Database time minus local time, ms. */
  offsetMs(): number;
  /** Half the round trip of the best measurement: the offset is right within this. */
  uncertaintyMs(): number;
}

/**
 * Keeps this node's decisions on the database's time: `now()` is the local clock plus the
 * measured offset to the database, re-measured every `intervalMs`. A node whose own clock is
 * minutes off still expires a grace version at the same instant as every other node.
 */
export function syncedClock(store: Store, logger: Logger, intervalMs = 30_000): SyncedClock {
  let offset = 0;
  let uncertainty = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  async function measure(): Promise<void> {
    let best: { offset: number; half: number } | undefined;
    for (let i = 0; i < 5; i++) {
      const t0 = Date.now();
      const db = await store.dbNow();
      const t1 = Date.now();
      const half = (t1 - t0) / 2;
      if (!best || half < best.half) best = { offset: db - (t0 + half), half };
    }
    offset = Math.round(best!.offset);
    uncertainty = Math.ceil(best!.half);
  }

  return {
    now: () => Date.now() + offset,
    async start() {
      await measure();
      logger.info({ offsetMs: offset, uncertaintyMs: uncertainty }, "clock synced to the database");
      timer = setInterval(() => {
        measure().catch((err: Error) =>
          logger.warn({ err: err.message }, "clock sync failed; keeping the last offset"),
        );
      }, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
    offsetMs: () => offset,
    uncertaintyMs: () => uncertainty,
  };
}
