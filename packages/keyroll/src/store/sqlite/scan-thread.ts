import { Worker } from "node:worker_threads";
import type { IndexSink, PackedIndexRows } from "../kysely/index-scan.js";

// The SQLite start-up scan on a thread of its own (decision 0025). Measured at 100 000 versions,
// reading the rows (SQLite's iteration and a JavaScript array of values per row) was about half
// of the load's CPU on the one thread that also builds the index and answers requests; on that
// thread's own, the two halves overlap on two cores and the index is built from packed buffers.

/** A scan thread that could not start: the caller scans on its own thread instead. */
export class ScanThreadUnavailable extends Error {}

function newWorker(file: string, ahead: SharedArrayBuffer): Worker {
  const workerData = { file, ahead };
  if (!import.meta.url.endsWith(".ts"))
    return new Worker(new URL("./scan-worker.js", import.meta.url), { workerData });
  // run from the TypeScript sources (tests, benchmarks under tsx): a thread does not inherit
  // tsx's loader, so it loads the worker through tsx's own API
  const url = JSON.stringify(new URL("./scan-worker.ts", import.meta.url).href);
  return new Worker(`import("tsx/esm/api").then((t) => t.tsImport(${url}, ${url}))`, {
    eval: true,
    workerData,
  });
}

/**
 * Scans `file`'s index on a thread, handing each packed batch to `sink` on this thread (one batch a
 * turn of the event loop: requests are answered between batches). Resolves with the feed position
 * of the scan's snapshot. Rejects with {@link ScanThreadUnavailable} when the thread fails before
 * its first batch, so the caller may scan itself; any later failure rejects with its own error.
 * `track` receives a stop function while the scan runs (the store's close stops it).
 */
export function scanOnThread(
  file: string,
  sink: IndexSink,
  track: (stop: (() => void) | null) => void,
): Promise<number> {
  const ahead = new SharedArrayBuffer(4);
  const waiting = new Int32Array(ahead);
  return new Promise<number>((resolve, reject) => {
    let worker: Worker;
    try {
      worker = newWorker(file, ahead);
    } catch (err) {
      reject(new ScanThreadUnavailable((err as Error).message));
      return;
    }
    let batches = 0;
    let settled = false;
    const finish = (err: Error | null, seq?: number) => {
      if (settled) return;
      settled = true;
      track(null);
      void worker.terminate();
      if (err) reject(err);
      else resolve(seq!);
    };
    track(() => finish(new Error("the store was closed during the index scan")));
    // Batches are taken one a turn of the event loop: a port hands every message it holds to its
    // listener in one go (and more as they arrive), which held the loop for a second at a million
    // rows. The thread's credit comes back only once a batch is taken.
    const queue: PackedIndexRows[] = [];
    let end: { seq: number } | { error: string } | null = null;
    let scheduled = false;
    const schedule = () => {
      if (scheduled || settled) return;
      scheduled = true;
      setImmediate(pump);
    };
    const pump = () => {
      scheduled = false;
      if (settled) return;
      const batch = queue.shift();
      if (batch !== undefined) {
        batches++;
        try {
          sink(batch);
        } catch (err) {
          finish(err as Error);
          return;
        } finally {
          Atomics.sub(waiting, 0, 1);
          Atomics.notify(waiting, 0);
        }
      }
      if (queue.length > 0) schedule();
      else if (end !== null) {
        if ("seq" in end) finish(null, end.seq);
        else
          finish(
            batches === 0
              ? new ScanThreadUnavailable(end.error)
              : new Error(`index scan failed: ${end.error}`),
          );
      }
    };
    worker.on("message", (m: PackedIndexRows | { done: true; seq: number } | { error: string }) => {
      if ("packed" in m) queue.push(m);
      else end = "done" in m ? { seq: m.seq } : m;
      schedule();
    });
    // a thread that fails or ends without its last message: the batches it sent are no whole scan
    const failed = (err: Error) => {
      if (end !== null) return;
      end = { error: err.message };
      finish(batches === 0 && queue.length === 0 ? new ScanThreadUnavailable(err.message) : err);
    };
    worker.on("error", (err) => failed(err as Error));
    worker.on("exit", (code) => failed(new Error(`the index scan thread exited (${code})`)));
  });
}
