import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { successorPublicKey } from "../core/successor.js";

/** Secrets one message to a thread carries: small enough that the threads share the work evenly. */
const CHUNK = 500;

/**
 * The successor public keys (decision 0014) of many secrets, derived on worker threads: an X25519
 * key pair costs about 65 µs of CPU here, most of a bulk-created key's cost, and one thread per
 * core makes a 10 000-row import use every core of the machine instead of one (decision 0023).
 * The same function as `successorPublicKey`, so the stored keys are the same; only where it runs
 * changes. The threads start at the first call and are not kept alive when idle (`unref`); with
 * `size` 0 (or when a thread cannot be started) everything is derived on the calling thread.
 * @example const pool = createKeyPairPool(); const keys = await pool.publicKeys(secrets);
 */
export function createKeyPairPool(opts: { size?: number } = {}) {
  const size = opts.size ?? Math.min(4, availableParallelism());
  interface Thread {
    worker: Worker;
    busy: number;
  }
  const threads: Thread[] = [];
  const pending = new Map<
    number,
    { resolve: (keys: string[]) => void; reject: (e: Error) => void; t: Thread }
  >();
  let nextId = 0;
  let broken = false;
  let closed = false;

  function newWorker(): Worker {
    if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./keypair-worker.js", import.meta.url));
    // run from the TypeScript sources (tests, benchmarks under tsx): a thread does not inherit
    // tsx's loader, so it loads the worker through tsx's own API
    const url = JSON.stringify(new URL("./keypair-worker.ts", import.meta.url).href);
    return new Worker(`import("tsx/esm/api").then((t) => t.tsImport(${url}, ${url}))`, { eval: true });
  }

  function fail(t: Thread, err: Error): void {
    // a thread that died takes its chunks with it: they fail, and no more threads are started
    broken = true;
    for (const [id, p] of pending)
      if (p.t === t) {
        pending.delete(id);
        p.reject(err);
      }
    const i = threads.indexOf(t);
    if (i >= 0) threads.splice(i, 1);
  }

  function start(): void {
    while (threads.length < size) {
      const worker = newWorker();
      const t: Thread = { worker, busy: 0 };
      worker.unref();
      worker.on("message", (m: { id: number; keys?: string[]; error?: string }) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (--t.busy === 0) worker.unref();
        if (m.keys) p.resolve(m.keys);
        else p.reject(new Error(`successor key derivation failed: ${m.error ?? "unknown"}`));
      });
      worker.on("error", (err) => fail(t, err));
      worker.on("exit", (code) => fail(t, new Error(`successor key thread exited (${code})`)));
      threads.push(t);
    }
  }

  function send(secrets: string[]): Promise<string[]> {
    // the least busy thread; ref'd while it works, so a waiting caller keeps the process alive
    let t = threads[0]!;
    for (const x of threads) if (x.busy < t.busy) t = x;
    const id = nextId++;
    return new Promise<string[]>((resolve, reject) => {
      pending.set(id, { resolve, reject, t });
      if (t.busy++ === 0) t.worker.ref();
      t.worker.postMessage({ id, secrets });
    });
  }

  return {
    /** The successor public key (base64url) of each secret, in order. */
    async publicKeys(secrets: readonly string[]): Promise<string[]> {
      if (closed) throw new Error("the key pair pool is closed");
      if (size === 0 || broken || secrets.length < CHUNK) return secrets.map(successorPublicKey);
      try {
        start();
        const parts: Promise<string[]>[] = [];
        for (let i = 0; i < secrets.length; i += CHUNK) parts.push(send(secrets.slice(i, i + CHUNK)));
        return (await Promise.all(parts)).flat();
      } catch (err) {
        // a thread that could not start or died: this call, and every later one, runs here
        if (!broken || closed) throw err;
        return secrets.map(successorPublicKey);
      }
    },
    /** Threads running, and whether a failed thread sent the work back to the calling thread. */
    status: () => ({ threads: threads.length, fallback: broken }),
    /** Stops the threads (pending calls fail). */
    async close(): Promise<void> {
      closed = true;
      const ts = threads.splice(0);
      await Promise.all(ts.map((t) => t.worker.terminate()));
    },
  };
}

/** A pool of successor key threads. */
export type KeyPairPool = ReturnType<typeof createKeyPairPool>;
