import { KeyrollError } from "../core/errors.js";

/** Upper bounds (seconds) of the store wait histogram. */
export const STORE_WAIT_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

/** How busy the store is, for /metrics. */
export interface StoreStats {
  /** Requests waiting for their turn at the store now. */
  readonly waiting: number;
  /** Write slots in use now (PostgreSQL: pooled connections in a transaction; SQLite: 0 or 1). */
  readonly inUse: number;
  /** Write slots there are. */
  readonly size: number;
  /** Requests answered STORE_BUSY because their wait ran out, since start. */
  readonly busy: number;
  /** SQLite: COMMITs so far, each of one or more transactions (group commit). */
  readonly commits?: number;
  /**
   * Waits for a slot, granted or run out: count, sum (s), and a count per bucket of
   * `STORE_WAIT_BUCKETS` (+Inf last).
   */
  readonly wait: { readonly count: number; readonly sum: number; readonly buckets: readonly number[] };
}

/** The answer to a request whose wait for the store ran out. */
export function storeBusy(waitMs: number, cause?: unknown): KeyrollError {
  return new KeyrollError(
    "STORE_BUSY",
    `the database is busy: no turn within ${waitMs} ms; retry (a rotation with the same Idempotency-Key is safe to retry)`,
    undefined,
    cause,
  );
}

/** Wait-time bookkeeping shared by the gate and SQLite's commit queue. */
export function waitRecorder() {
  const buckets = new Array<number>(STORE_WAIT_BUCKETS.length + 1).fill(0);
  let count = 0;
  let sum = 0;
  let busy = 0;
  return {
    observe(ms: number): void {
      const s = ms / 1000;
      let i = 0;
      while (i < STORE_WAIT_BUCKETS.length && s > STORE_WAIT_BUCKETS[i]!) i++;
      buckets[i]!++;
      count++;
      sum += s;
    },
    busy(): void {
      busy++;
    },
    snapshot(): Pick<StoreStats, "busy" | "wait"> {
      return { busy, wait: { count, sum, buckets: [...buckets] } };
    },
  };
}

/**
 * A counting semaphore with a bounded, first-come first-served wait: `acquire` resolves with a
 * release function once one of `size` slots is free, or rejects with STORE_BUSY after `waitMs`.
 * It sits in front of the connection pool so that waiting for a turn (overload, answered
 * STORE_BUSY) is told apart from failing to connect (STORE_UNAVAILABLE).
 */
export function createGate(size: number, waitMs: number) {
  let inUse = 0;
  const queue: Array<{ grant: () => void; at: number }> = [];
  const rec = waitRecorder();
  const release = () => {
    const next = queue.shift();
    if (next) {
      rec.observe(performance.now() - next.at);
      next.grant();
    } else inUse--;
  };
  return {
    acquire(): Promise<() => void> {
      if (inUse < size && queue.length === 0) {
        inUse++;
        rec.observe(0);
        return Promise.resolve(once(release));
      }
      return new Promise((resolve, reject) => {
        const entry = {
          at: performance.now(),
          grant: () => {
            clearTimeout(timer);
            resolve(once(release));
          },
        };
        const timer = setTimeout(() => {
          const i = queue.indexOf(entry);
          if (i >= 0) queue.splice(i, 1);
          rec.observe(performance.now() - entry.at);
          rec.busy();
          reject(storeBusy(waitMs));
        }, waitMs);
        queue.push(entry);
      });
    },
    stats(): StoreStats {
      return { waiting: queue.length, inUse, size, ...rec.snapshot() };
    },
  };
}

function once(f: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    f();
  };
}
