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
 * Keeps this node's decisions on the database's time: `now()` is the database time measured at
 * the last sync plus the monotonic time elapsed since, re-synced every `intervalMs`. The node's own
 * wall clock is never used, so a node whose clock is minutes off, or is stepped by NTP, still
 * expires a grace version at the same instant as every other node. The error is at most half the
 * best round trip plus the monotonic clock's rate error over one interval (100 ppm → 3 ms per 30 s).
 */
export function syncedClock(store: Store, logger: Logger, intervalMs = 30_000): SyncedClock {
  // database time at monotonic instant `base`
  let dbAtBase = Date.now();
  let base = performance.now();
  let uncertainty = Number.POSITIVE_INFINITY;
  let timer: NodeJS.Timeout | undefined;

  const offsetMs = () => Math.round(dbAtBase + (performance.now() - base) - Date.now());

  async function measure(): Promise<void> {
    let best: { db: number; at: number; half: number } | undefined;
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const db = await store.dbNow();
      const t1 = performance.now();
      const half = (t1 - t0) / 2;
      if (!best || half < best.half) best = { db, at: t0 + half, half };
    }
    dbAtBase = best!.db;
    base = best!.at;
    uncertainty = Math.ceil(best!.half);
  }

  return {
    now: () => Math.floor(dbAtBase + (performance.now() - base)),
    async start() {
      await measure();
      logger.info({ offsetMs: offsetMs(), uncertaintyMs: uncertainty }, "clock synced to the database");
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
    offsetMs,
    uncertaintyMs: () => uncertainty,
  };
}
