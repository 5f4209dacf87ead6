import { getRandomValues } from "node:crypto";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/** Type prefixes of every id Keyroll hands out. */
export type IdPrefix = "con" | "key" | "evt" | "whk" | "req" | "aud" | "alr" | "job" | "nod";

let lastMs = -1;
const lastRandom = new Uint8Array(10);

/**
 * A prefixed, time-sortable id: `<prefix>_` + 26 Crockford base32 chars (ULID layout, lower case).
 * Ids made by one process in the same millisecond stay in creation order (monotonic random part),
 * so cursor pages over ids never skip or repeat a row.
 * @example newId("key") // "key_01jh3k5v7q9x2m4n6p8r0s2t4v"
 */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  if (nowMs <= lastMs) {
    // same millisecond (or a clock step back): increment the random part instead of drawing anew
    for (let i = lastRandom.length - 1; i >= 0; i--) {
      const b = lastRandom[i]!;
      if (b < 255) {
        lastRandom[i] = b + 1;
        break;
      }
      lastRandom[i] = 0;
    }
  } else {
    lastMs = nowMs;
    getRandomValues(lastRandom);
  }
  let time = "";
  let t = lastMs;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = "";
  // 80 random bits -> 16 base32 chars
  let acc = 0;
  let bits = 0;
  for (const byte of lastRandom) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      rand += CROCKFORD[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return `${prefix}_${time}${rand}`;
}

/** True when `id` has the given prefix and the shape `newId` makes. */
export function isId(prefix: IdPrefix, id: string): boolean {
  return (
    id.length === prefix.length + 27 &&
    id.startsWith(`${prefix}_`) &&
    /^[0-9a-hjkmnp-tv-z]{26}$/.test(id.slice(prefix.length + 1))
  );
}

/**
 * A generator of request ids (`req_…`, the shape `newId` makes, so `isId("req", id)` holds), cheap
 * enough for every request of the hot path: per millisecond the time part is encoded once; per id
 * only a counter is. Layout after the prefix: 10 chars of time, 8 chars (40 bits) drawn at random
 * when the generator is made (one per process: another node or a restart draws other ones), 8 chars
 * of a counter that starts at a random value. Unique across nodes and restarts; sortable by time,
 * and within one process in creation order.
 * @example const next = requestIds(); next() // "req_01jh3k5v7q9x2m4n6p8r0s2t4v"
 */
export function requestIds(now: () => number = Date.now): () => string {
  const bytes = new Uint8Array(10);
  getRandomValues(bytes);
  let node = "";
  for (let i = 0; i < 8; i++) node += CROCKFORD[bytes[i]! & 31];
  // below 2^39: ~5.5e11 ids before the counter could wrap
  let seq = ((bytes[8]! & 0x7f) * 256 + bytes[9]!) * 2 ** 24;
  let ms = -1;
  let prefix = "";
  let lastHi = -1;
  let high = "";
  let withHigh = "";
  return () => {
    const t = now();
    if (t > ms) {
      // a clock stepped back keeps the last time part: ids stay in order
      ms = t;
      let time = "";
      let x = t;
      for (let i = 0; i < 10; i++) {
        time = CROCKFORD[x % 32] + time;
        x = Math.floor(x / 32);
      }
      prefix = `req_${time}${node}`;
      withHigh = prefix + high;
    }
    seq = (seq + 1) % 2 ** 40;
    const hi = Math.floor(seq / 1048576);
    if (hi !== lastHi) {
      // the counter's upper half changes once per 2^20 ids: its chars are kept with the prefix
      lastHi = hi;
      high =
        CROCKFORD[hi >>> 15]! +
        CROCKFORD[(hi >>> 10) & 31]! +
        CROCKFORD[(hi >>> 5) & 31]! +
        CROCKFORD[hi & 31]!;
      withHigh = prefix + high;
    }
    const lo = seq % 1048576;
    return (
      withHigh +
      CROCKFORD[lo >>> 15]! +
      CROCKFORD[(lo >>> 10) & 31]! +
      CROCKFORD[(lo >>> 5) & 31]! +
      CROCKFORD[lo & 31]!
    );
  };
}
