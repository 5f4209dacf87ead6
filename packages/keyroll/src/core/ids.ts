import { getRandomValues } from "node:crypto";

const CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz";

/** Type prefixes of every id Keyroll hands out. */
export type IdPrefix = "con" | "key" | "evt" | "whk" | "req" | "aud" | "alr" | "nod";

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
