import { parentPort, workerData } from "node:worker_threads";
import SQLite from "better-sqlite3";
import {
  INDEX_SCAN_SQL,
  INDEX_SEQ_SQL,
  type IndexRow,
  IX,
  PACKED_BATCH,
  PACKED_NUMS,
  PACKED_TEXTS,
} from "../kysely/index-scan.js";

// The SQLite start-up scan's thread (decision 0025): reads the index rows on a read connection of
// its own, in one read transaction (the feed position and the rows of one snapshot, as in
// scanIndex), and hands them to the store's thread packed (kysely/index-scan.ts PackedIndexRows)
// in transferred buffers. At most `MAX_AHEAD` batches wait to be taken, so a slow receiver bounds
// the memory. It reads digests, never a secret, and logs nothing.

/** Batches sent and not yet taken, beyond which this thread waits. */
const MAX_AHEAD = 4;

const { file, ahead } = workerData as { file: string; ahead: SharedArrayBuffer };
const waiting = new Int32Array(ahead);
const DIGEST = PACKED_TEXTS.indexOf(IX.digest);

let nums = new Float64Array(PACKED_BATCH * PACKED_NUMS.length);
let lens = new Int32Array(PACKED_BATCH * PACKED_TEXTS.length);
let bytes = Buffer.from(new ArrayBuffer(PACKED_BATCH * 160));
let n = 0;
let off = 0;

function send(): void {
  const packed = { packed: true, n, nums, lens, bytes: new Uint8Array(bytes.buffer, 0, off) };
  Atomics.add(waiting, 0, 1);
  parentPort!.postMessage(packed, [nums.buffer, lens.buffer, bytes.buffer]);
  for (let w = Atomics.load(waiting, 0); w >= MAX_AHEAD; w = Atomics.load(waiting, 0))
    Atomics.wait(waiting, 0, w, 1_000);
  nums = new Float64Array(PACKED_BATCH * PACKED_NUMS.length);
  lens = new Int32Array(PACKED_BATCH * PACKED_TEXTS.length);
  bytes = Buffer.from(new ArrayBuffer(bytes.length));
  n = 0;
  off = 0;
}

function pack(r: IndexRow): void {
  const x = n * PACKED_NUMS.length;
  for (let i = 0; i < PACKED_NUMS.length; i++) {
    const v = r[PACKED_NUMS[i]!];
    nums[x + i] = v === null || v === undefined ? Number.NaN : Number(v);
  }
  const t = n * PACKED_TEXTS.length;
  for (let i = 0; i < PACKED_TEXTS.length; i++) {
    const v = r[PACKED_TEXTS[i]!];
    if (v === null || v === undefined) {
      lens[t + i] = -1;
      continue;
    }
    const s = String(v);
    // UTF-8 takes at most 3 bytes a UTF-16 unit
    if (off + 3 * s.length > bytes.length) {
      const grown = Buffer.from(new ArrayBuffer(Math.max(2 * bytes.length, off + 3 * s.length)));
      bytes.copy(grown, 0, 0, off);
      bytes = grown;
    }
    const w = i === DIGEST ? bytes.write(s, off, "hex") : bytes.write(s, off, "utf8");
    lens[t + i] = w;
    off += w;
  }
  n++;
}

try {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    db.exec("begin");
    const seq = Number((db.prepare(INDEX_SEQ_SQL).get() as { seq: number }).seq);
    for (const r of db.prepare(INDEX_SCAN_SQL).raw(true).iterate() as Iterable<IndexRow>) {
      pack(r);
      if (n === PACKED_BATCH) send();
    }
    if (n > 0) send();
    db.exec("commit");
    parentPort!.postMessage({ done: true, seq });
  } finally {
    db.close();
  }
} catch (err) {
  parentPort!.postMessage({ error: (err as Error).message });
}
