import { once } from "node:events";
import { closeSync, existsSync, openSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import type { ServiceDeps } from "./deps.js";

/** Where shipped lines go: a file rotated by size, or a stream (stdout). */
export interface AuditSinkOutput {
  /** Writes whole lines; resolves once they are handed to the destination. */
  write(lines: string): Promise<void>;
  close(): Promise<void>;
}

/** Entries read per batch. */
const BATCH = 500;

/**
 * A file of JSON Lines that is rotated by size: once writing would pass `maxBytes`, `path` becomes
 * `path.1` (and `path.1` becomes `path.2`, …; the oldest beyond `keep` is deleted) and a new file
 * is started. Each batch is written with one synchronous call: small, and a crash cuts at most
 * the last line (the sink then ships it again: delivery is at least once, dedupe by `id`).
 */
export function rotatingFileOutput(path: string, maxBytes: number, keep: number): AuditSinkOutput {
  let fd = openSync(path, "a");
  let size = statSync(path).size;
  const rotate = () => {
    closeSync(fd);
    if (keep <= 0) rmSync(path, { force: true });
    else {
      rmSync(`${path}.${keep}`, { force: true });
      for (let i = keep - 1; i >= 1; i--)
        if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
      renameSync(path, `${path}.1`);
    }
    fd = openSync(path, "a");
    size = 0;
  };
  let closed = false;
  return {
    async write(lines) {
      // line by line, so that no file passes the limit by more than one line
      let chunk = "";
      let chunkBytes = 0;
      for (const line of lines.split(/(?<=\n)/)) {
        const bytes = Buffer.byteLength(line);
        if (size + chunkBytes > 0 && size + chunkBytes + bytes > maxBytes) {
          if (chunk !== "") writeSync(fd, chunk);
          rotate();
          chunk = "";
          chunkBytes = 0;
        }
        chunk += line;
        chunkBytes += bytes;
      }
      if (chunk !== "") writeSync(fd, chunk);
      size += chunkBytes;
    },
    async close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/** A stream such as `process.stdout`, written with backpressure (a slow reader slows the sink only). */
export function streamOutput(stream: NodeJS.WritableStream): AuditSinkOutput {
  return {
    async write(lines) {
      if (!stream.write(lines)) await once(stream, "drain");
    },
    async close() {},
  };
}

/**
 * Ships the audit log as JSON Lines (entries as GET /v1/audit shows them, then the checkpoints made
 * since, as `{"checkpoint": …}` lines: the same format as `keyroll audit export`) to an output, off
 * the write path: writes never wait for it. It reads entries after the position it stored, so a
 * slow destination, a restart or a leader change only delays lines, and it catches up from `seq`.
 * Runs on the leader only, so that several nodes do not ship the same lines.
 */
export function createAuditSink(
  deps: Pick<ServiceDeps, "store" | "clock" | "logger"> & {
    output: AuditSinkOutput;
    /** Its position is stored under this name (one per destination). */
    name?: string;
    intervalMs?: number;
  },
) {
  const { store, output } = deps;
  const name = deps.name ?? "default";
  let running: Promise<number> | null = null;

  async function drainOnce(): Promise<number> {
    let pos = await store.getAuditSinkPosition(name);
    let shipped = 0;
    for (;;) {
      // only linked entries: a line once shipped is never followed by an earlier seq
      const page = (await store.listAudit({ afterSeq: pos.seq, limit: BATCH })).filter(
        (e) => e.hash !== null,
      );
      const cps = await store.listAuditCheckpoints(pos.checkpointSeq, BATCH);
      if (page.length === 0 && cps.length === 0) return shipped;
      let lines = "";
      for (const e of page) lines += `${JSON.stringify(e)}\n`;
      const lastSeq = page.at(-1)?.seq ?? pos.seq;
      // a checkpoint goes out after the entries it covers
      const due = cps.filter((c) => c.seq <= lastSeq);
      for (const c of due) lines += `${JSON.stringify({ checkpoint: c })}\n`;
      if (lines === "") return shipped;
      await output.write(lines);
      pos = { seq: lastSeq, checkpointSeq: due.at(-1)?.seq ?? pos.checkpointSeq };
      await store.setAuditSinkPosition(name, pos, deps.clock.now());
      shipped += page.length;
    }
  }

  return {
    /** Ships everything not shipped yet; resolves with how many entries it shipped. */
    drain(): Promise<number> {
      if (running) return running;
      running = drainOnce().finally(() => {
        running = null;
      });
      return running;
    },
    /** Drains every `intervalMs` while `isLeader()`; returns a stop function (a last drain first). */
    start(isLeader: () => boolean): () => Promise<void> {
      let failing = false;
      const tick = () => {
        if (!isLeader()) return;
        this.drain().then(
          () => {
            if (failing) deps.logger.info({ sink: name }, "audit sink caught up again");
            failing = false;
          },
          (err: Error) => {
            if (!failing)
              deps.logger.warn({ sink: name, err: err.message }, "audit sink is falling behind; retrying");
            failing = true;
          },
        );
      };
      const timer = setInterval(tick, deps.intervalMs ?? 1_000);
      timer.unref();
      return async () => {
        clearInterval(timer);
        if (isLeader()) await this.drain().catch(() => undefined);
        else await running?.catch(() => undefined);
        await output.close();
      };
    },
  };
}

/** The sink's interface. */
export type AuditSink = ReturnType<typeof createAuditSink>;
