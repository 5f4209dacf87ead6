import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import {
  type GeneratedSecret,
  generateWithKeys,
  makeNewVersion,
  type NewVersion,
  type NewVersionInput,
} from "../core/rotation-secret.js";
import { successorPublicKey } from "../core/successor.js";

/** Secrets one message to a thread carries: small enough that the threads share the work evenly. */
const CHUNK = 500;
/** Fewest new versions one message carries (each costs ≈ 0.3 ms: a batch is shared out). */
const MIN_VERSIONS_CHUNK = 16;

/** A new version made on a key pair thread: everything but the secret, which stays there. */
export type NewVersionMade = Omit<NewVersion, "secret"> & { readonly secret: null };

/** Lets the event loop serve other work between two keys made on the calling thread. */
const yieldToLoop = () => new Promise<void>((r) => setImmediate(r));

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
    { resolve: (out: unknown[]) => void; reject: (e: Error) => void; t: Thread }
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
      worker.on("message", (m: { id: number; out?: unknown[]; error?: string }) => {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (--t.busy === 0) worker.unref();
        if (m.out) p.resolve(m.out);
        else p.reject(new Error(`successor key derivation failed: ${m.error ?? "unknown"}`));
      });
      worker.on("error", (err) => fail(t, err));
      worker.on("exit", (code) => fail(t, new Error(`successor key thread exited (${code})`)));
      threads.push(t);
    }
  }

  function send<T>(
    message: { secrets: string[] } | { generate: string[] } | { versions: NewVersionInput[] },
  ): Promise<T[]> {
    // the least busy thread; ref'd while it works, so a waiting caller keeps the process alive
    let t = threads[0]!;
    for (const x of threads) if (x.busy < t.busy) t = x;
    const id = nextId++;
    return new Promise<T[]>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (out: unknown[]) => void, reject, t });
      if (t.busy++ === 0) t.worker.ref();
      t.worker.postMessage({ id, ...message });
    });
  }

  /** New versions made here, one key per event-loop turn (no threads, or they failed). */
  async function versionsHere(inputs: readonly NewVersionInput[]): Promise<NewVersionMade[]> {
    const out: NewVersionMade[] = [];
    for (const input of inputs) {
      const { secret: _, ...made } = makeNewVersion(input);
      out.push({ ...made, secret: null });
      await yieldToLoop();
    }
    return out;
  }

  /**
   * `here` of each item, in order, made on the threads in chunks of `CHUNK` (`message` wraps a
   * chunk for the thread, which answers with the same function's results); made here for fewer
   * than a chunk, without threads, or once a thread failed.
   */
  async function chunked<I, O>(
    items: readonly I[],
    message: (chunk: I[]) => { secrets: string[] } | { generate: string[] },
    here: (item: I) => O,
  ): Promise<O[]> {
    if (closed) throw new Error("the key pair pool is closed");
    if (size === 0 || broken || items.length < CHUNK) return items.map((x) => here(x));
    try {
      start();
      const parts: Promise<O[]>[] = [];
      for (let i = 0; i < items.length; i += CHUNK) parts.push(send<O>(message(items.slice(i, i + CHUNK))));
      return (await Promise.all(parts)).flat();
    } catch (err) {
      // a thread that could not start or died: this call, and every later one, runs here
      if (!broken || closed) throw err;
      return items.map((x) => here(x));
    }
  }

  return {
    /** The successor public key (base64url) of each secret, in order. */
    publicKeys: (secrets: readonly string[]): Promise<string[]> =>
      chunked(secrets, (c) => ({ secrets: c }), successorPublicKey),
    /**
     * New keys' generated secrets, one a prefix, each with its digest and successor public key, in
     * order (`generateWithKeys` on the threads: the calling thread is the import's bound, decision
     * 0031).
     */
    generated: (prefixes: readonly string[]): Promise<GeneratedSecret[]> =>
      chunked(prefixes, (c) => ({ generate: c }), generateWithKeys),
    /**
     * The new versions of a bulk rotation's keys (decision 0027), in order: each one's new secret,
     * version record and sealed successor box, made by `makeNewVersion` on the threads, shared out
     * between them. The secrets stay on the threads: only what is stored comes back. Without
     * threads they are made here, yielding to the event loop between keys.
     */
    async newVersions(inputs: readonly NewVersionInput[]): Promise<NewVersionMade[]> {
      if (closed) throw new Error("the key pair pool is closed");
      if (size === 0 || broken) return versionsHere(inputs);
      try {
        start();
        const per = Math.max(MIN_VERSIONS_CHUNK, Math.ceil(inputs.length / threads.length));
        const parts: Promise<NewVersionMade[]>[] = [];
        for (let i = 0; i < inputs.length; i += per)
          parts.push(send<NewVersionMade>({ versions: inputs.slice(i, i + per) }));
        return (await Promise.all(parts)).flat();
      } catch (err) {
        if (!broken || closed) throw err;
        return versionsHere(inputs);
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
