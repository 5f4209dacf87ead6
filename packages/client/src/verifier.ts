// The in-process verifier for a provider's own Node services: the same answers as POST /v1/verify,
// from a local index synced from Keyroll (a snapshot, then GET /v1/changes as Server-Sent Events).
import { hash } from "node:crypto";

import type { VerifyAnswer, VerifyCode, VerifyRequest } from "./answer.js";

export type { VerifyAnswer, VerifyCode, VerifyRequest } from "./answer.js";

/** Thrown by `verify` when the index is older than `maxStalenessMs` (fail closed). */
export class StaleIndexError extends Error {
  constructor(readonly lagMs: number) {
    super(`the key index has heard nothing from Keyroll for ${lagMs} ms`);
    this.name = "StaleIndexError";
  }
}

/** Settings of `createVerifier`. */
export interface VerifierOptions {
  /** Keyroll's base URL. */
  url: string;
  /** An admin key with scope `verify`. */
  adminKey: string;
  /**
   * Fail closed: past this long without word from Keyroll (a change or a heartbeat), `verify`
   * throws `StaleIndexError` instead of answering from an old index. Unset: always answer.
   */
  maxStalenessMs?: number;
  /** How often counted usage is sent back (default 5 s). */
  flushMs?: number;
  /** First reconnect delay after the stream drops (default 250 ms), doubling up to 10 s. */
  reconnectMs?: number;
  /** Count usage and send it back (default true). */
  usage?: boolean;
  fetch?: typeof fetch;
  /** Current time in ms (tests). */
  now?: () => number;
}

interface IndexedVersion {
  version: number;
  imported: boolean;
  digest: string;
  activatesAt: string;
  graceStartsAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}
interface IndexedKey {
  id: string;
  consumerId: string;
  prefix: string;
  scopes: string[];
  admin: boolean;
  expiresAt: string | null;
  revokedAt: string | null;
  versions: IndexedVersion[];
}

/** One indexed version with its times parsed, and its usage since the last flush. */
interface Entry {
  keyId: string;
  consumerId: string;
  scopes: readonly string[];
  version: number;
  activatesAt: number;
  graceStartsAt: number;
  expiresAt: number;
  revoked: boolean;
  /** min(version, key) expiry as ISO, or null */
  expiresIso: string | null;
  /** The answer with no scopes asked, valid until `until` (the next change by time). */
  answer: VerifyAnswer | null;
  until: number;
  counts: Map<string, number> | null;
  /** VALID answers of the minute `validMinute`, kept apart from `counts`: the hot path's only write. */
  validMinute: number;
  validCount: number;
  addresses: Map<string, { firstAt: number; lastAt: number; count: number }> | null;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const SHAPED_RE = /^([a-z0-9][a-z0-9_]{0,15})_([0-9A-Za-z]{38,})$/;
const PRINTABLE_RE = /^[\x21-\x7e]+$/;
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

function crc32(text: string): number {
  let c = -1;
  for (let i = 0; i < text.length; i++) c = CRC_TABLE[(c ^ text.charCodeAt(i)) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function checksum(text: string): string {
  let out = "";
  let v = crc32(text);
  while (v > 0) {
    out = BASE62[v % 62] + out;
    v = Math.floor(v / 62);
  }
  return out.padStart(6, "0");
}

const time = (s: string | null): number => (s === null ? Number.POSITIVE_INFINITY : Date.parse(s));
const NONE: readonly string[] = Object.freeze([]);
const unknown = (code: "MALFORMED" | "NOT_FOUND"): VerifyAnswer =>
  Object.freeze({
    valid: false,
    code,
    keyId: null,
    consumerId: null,
    version: null,
    scopes: NONE,
    deprecated: false,
    expiresAt: null,
  });
const MALFORMED = unknown("MALFORMED");
const NOT_FOUND = unknown("NOT_FOUND");

function minuteOf(t: number): number {
  return t - (t % 60_000);
}

/** The in-process verifier's interface. */
export interface InProcessVerifier {
  /** Resolves once the snapshot is loaded (and rejects if it could not be). */
  readonly ready: Promise<void>;
  /**
   * Verifies a secret against the local index: the same answer as `POST /v1/verify`, without a
   * network round trip. Throws `StaleIndexError` past `maxStalenessMs` when that is set.
   */
  verify(secret: string, request?: VerifyRequest): VerifyAnswer;
  /** Sends counted usage now. */
  flush(): Promise<void>;
  /** Index size, feed position, freshness. */
  status(): {
    ready: boolean;
    keys: number;
    versions: number;
    seq: number;
    lagMs: number;
    connected: boolean;
  };
  /** Stops the stream and sends what is left of the usage. */
  close(): Promise<void>;
}

/**
 * An in-process verifier synced from Keyroll: loads `GET /v1/verifier/snapshot`, then follows
 * `GET /v1/changes` (Server-Sent Events, resumed with `Last-Event-ID` after any drop, so no change
 * is lost across a server restart). A hit costs one SHA-256 and a map lookup. Usage is counted in
 * memory and sent back with `POST /v1/usage` in batches, so `/v1/rotations` still sees it.
 * @example
 * const verifier = createVerifier({ url: "http://keyroll:8080", adminKey: process.env.KEYROLL_ADMIN_KEY! });
 * await verifier.ready;
 * const answer = verifier.verify(secret, { scopes: ["orders:read"] });
 */
export function createVerifier(opts: VerifierOptions): InProcessVerifier {
  const url = opts.url.replace(/\/+$/, "");
  const doFetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
  const now = opts.now ?? Date.now;
  const flushMs = opts.flushMs ?? 5000;
  const counting = opts.usage ?? true;
  const auth = { authorization: `Bearer ${opts.adminKey}` };

  const index = new Map<string, Entry>();
  const byKey = new Map<string, string[]>();
  const prefixes = new Map<string, number>();
  let seq = 0;
  let heardAt = 0;
  let isReady = false;
  let connected = false;
  let closed = false;
  let abort: AbortController | undefined;
  let flushTimer: ReturnType<typeof setInterval> | undefined;
  let flushing: Promise<void> = Promise.resolve();

  // prefixes Keyroll generated secrets under, with how many such versions: a bad checksum under
  // one of them is MALFORMED without further ado, as on the server
  const bump = (prefix: string, d: number) => {
    const n = (prefixes.get(prefix) ?? 0) + d;
    if (n <= 0) prefixes.delete(prefix);
    else prefixes.set(prefix, n);
  };
  const generated = new Map<string, { prefix: string; n: number }>();

  function unindex(keyId: string, keep?: Map<string, Entry>): void {
    for (const d of byKey.get(keyId) ?? []) {
      const e = index.get(d);
      if (e && keep) keep.set(`${e.version}`, e);
      index.delete(d);
    }
    const g = generated.get(keyId);
    if (g) bump(g.prefix, -g.n);
    generated.delete(keyId);
    byKey.delete(keyId);
  }

  function put(k: IndexedKey): void {
    const old = new Map<string, Entry>();
    unindex(k.id, old);
    const keyExp = time(k.expiresAt);
    const digests: string[] = [];
    for (const v of k.versions) {
      const exp = Math.min(time(v.expiresAt), keyExp);
      const prev = old.get(`${v.version}`);
      const e: Entry = {
        keyId: k.id,
        consumerId: k.consumerId,
        scopes: Object.freeze([...k.scopes]),
        version: v.version,
        activatesAt: time(v.activatesAt),
        graceStartsAt: time(v.graceStartsAt),
        expiresAt: exp,
        revoked: v.revokedAt !== null || k.revokedAt !== null,
        expiresIso: Number.isFinite(exp) ? new Date(exp).toISOString() : null,
        answer: null,
        until: 0,
        // usage counted but not yet sent survives a change of the key
        counts: prev?.counts ?? null,
        validMinute: prev?.validMinute ?? 0,
        validCount: prev?.validCount ?? 0,
        addresses: prev?.addresses ?? null,
      };
      const raw = Buffer.from(v.digest, "hex").toString("latin1");
      index.set(raw, e);
      digests.push(raw);
    }
    byKey.set(k.id, digests);
    const n = k.versions.filter((v) => !v.imported).length;
    if (n > 0) {
      generated.set(k.id, { prefix: k.prefix, n });
      bump(k.prefix, n);
    }
  }

  function decide(e: Entry, t: number, scopes: readonly string[] | undefined): VerifyAnswer {
    let code: VerifyCode = "VALID";
    if (e.revoked) code = "REVOKED";
    else if (t >= e.expiresAt) code = "EXPIRED";
    else if (t < e.activatesAt) code = "NOT_YET_ACTIVE";
    else if (scopes !== undefined && scopes.length > 0) {
      for (const s of scopes) {
        if (!e.scopes.includes(s)) {
          code = "INSUFFICIENT_SCOPE";
          break;
        }
      }
    }
    return {
      valid: code === "VALID",
      code,
      keyId: e.keyId,
      consumerId: e.consumerId,
      version: e.version,
      scopes: e.scopes,
      deprecated: t >= e.graceStartsAt && code !== "REVOKED" && code !== "EXPIRED",
      expiresAt: e.expiresIso,
    };
  }

  function nextChange(e: Entry, t: number): number {
    let next = t + 60_000;
    for (const x of [e.activatesAt, e.graceStartsAt, e.expiresAt]) if (x > t && x < next) next = x;
    return next;
  }

  function spill(e: Entry): void {
    if (e.validCount === 0) return;
    const bucket = `${e.validMinute}:VALID`;
    e.counts ??= new Map();
    e.counts.set(bucket, (e.counts.get(bucket) ?? 0) + e.validCount);
    e.validCount = 0;
  }

  function count(e: Entry, code: string, t: number, ip: string | undefined): void {
    if (!counting) return;
    const minute = minuteOf(t);
    if (code === "VALID") {
      // a number compare and an increment: no string, no map, until the minute changes
      if (minute !== e.validMinute) {
        spill(e);
        e.validMinute = minute;
      }
      e.validCount++;
    } else {
      const bucket = `${minute}:${code}`;
      e.counts ??= new Map();
      e.counts.set(bucket, (e.counts.get(bucket) ?? 0) + 1);
    }
    if (ip !== undefined) {
      e.addresses ??= new Map();
      const a = e.addresses.get(ip);
      if (a) {
        a.lastAt = t;
        a.count++;
      } else e.addresses.set(ip, { firstAt: t, lastAt: t, count: 1 });
    }
  }

  function verify(secret: string, request?: VerifyRequest): VerifyAnswer {
    const t = now();
    if (opts.maxStalenessMs !== undefined && t - heardAt > opts.maxStalenessMs) {
      throw new StaleIndexError(t - heardAt);
    }
    if (secret.length < 20 || secret.length > 256) return MALFORMED;
    const e = index.get(hash("sha256", secret, "binary"));
    if (e === undefined) {
      if (!PRINTABLE_RE.test(secret)) return MALFORMED;
      const m = SHAPED_RE.exec(secret);
      if (m && prefixes.has(m[1]!)) {
        const cut = secret.length - 6;
        if (checksum(secret.slice(0, cut)) !== secret.slice(cut)) return MALFORMED;
      }
      return NOT_FOUND;
    }
    const scopes = request?.scopes;
    let r = e.answer;
    if (r === null || t >= e.until || t < e.until - 60_000) {
      r = decide(e, t, undefined);
      e.answer = r;
      e.until = nextChange(e, t);
    }
    if (r.valid && scopes !== undefined && scopes.length > 0) r = decide(e, t, scopes);
    count(e, r.code, t, request?.clientIp);
    return r;
  }

  async function flushOnce(): Promise<void> {
    const usage: Array<{ keyId: string; version: number; minute: string; outcome: string; count: number }> =
      [];
    const addresses: Array<{
      keyId: string;
      version: number;
      address: string;
      firstAt: string;
      lastAt: string;
      count: number;
    }> = [];
    const taken: Entry[] = [];
    for (const e of index.values()) {
      spill(e);
      if (e.counts === null && e.addresses === null) continue;
      for (const [bucket, n] of e.counts ?? []) {
        const [minute, outcome] = bucket.split(":") as [string, string];
        usage.push({
          keyId: e.keyId,
          version: e.version,
          minute: new Date(Number(minute)).toISOString(),
          outcome,
          count: n,
        });
      }
      for (const [address, a] of e.addresses ?? []) {
        addresses.push({
          keyId: e.keyId,
          version: e.version,
          address,
          firstAt: new Date(a.firstAt).toISOString(),
          lastAt: new Date(a.lastAt).toISOString(),
          count: a.count,
        });
      }
      taken.push(e);
    }
    if (usage.length === 0 && addresses.length === 0) return;
    const saved = taken.map((e) => [e, e.counts, e.addresses] as const);
    for (const e of taken) {
      e.counts = null;
      e.addresses = null;
    }
    try {
      for (let i = 0; i < Math.max(usage.length, addresses.length); i += 5000) {
        const res = await doFetch(`${url}/v1/usage`, {
          method: "POST",
          headers: { ...auth, "content-type": "application/json" },
          body: JSON.stringify({ usage: usage.slice(i, i + 5000), addresses: addresses.slice(i, i + 5000) }),
        });
        await res.body?.cancel();
        if (!res.ok) throw new Error(`POST /v1/usage answered ${res.status}`);
      }
    } catch {
      // put the counts back (added to anything counted meanwhile) for the next flush
      for (const [e, counts, addrs] of saved) {
        for (const [b, n] of counts ?? []) {
          e.counts ??= new Map();
          e.counts.set(b, (e.counts.get(b) ?? 0) + n);
        }
        for (const [ip, a] of addrs ?? []) {
          e.addresses ??= new Map();
          const cur = e.addresses.get(ip);
          if (cur) {
            cur.count += a.count;
            cur.firstAt = Math.min(cur.firstAt, a.firstAt);
          } else e.addresses.set(ip, a);
        }
      }
    }
  }

  function flush(): Promise<void> {
    flushing = flushing.then(flushOnce, flushOnce);
    return flushing;
  }

  async function loadSnapshot(): Promise<void> {
    const res = await doFetch(`${url}/v1/verifier/snapshot`, { headers: auth });
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET /v1/verifier/snapshot answered ${res.status}`);
    }
    const body = (await res.json()) as { seq: number; keys: IndexedKey[] };
    for (const k of body.keys) put(k);
    seq = body.seq;
    heardAt = now();
  }

  function handle(event: string, data: string, id: string | undefined): void {
    heardAt = now();
    if (event !== "key") return;
    const change = JSON.parse(data) as { seq: number; keyId: string | null; key: IndexedKey | null };
    if (change.key) put(change.key);
    else if (change.keyId) unindex(change.keyId);
    seq = id === undefined ? change.seq : Number(id);
  }

  async function follow(): Promise<void> {
    let delay = opts.reconnectMs ?? 250;
    while (!closed) {
      abort = new AbortController();
      try {
        const res = await doFetch(`${url}/v1/changes`, {
          headers: { ...auth, accept: "text/event-stream", "last-event-id": String(seq) },
          signal: abort.signal,
        });
        if (!res.ok || !res.body) throw new Error(`GET /v1/changes answered ${res.status}`);
        connected = true;
        delay = opts.reconnectMs ?? 250;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let cut = buf.indexOf("\n\n");
          while (cut >= 0) {
            const block = buf.slice(0, cut);
            buf = buf.slice(cut + 2);
            let event = "message";
            let id: string | undefined;
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("id:")) id = line.slice(3).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
            }
            handle(event, data.join("\n"), id);
            cut = buf.indexOf("\n\n");
          }
        }
      } catch {
        // dropped or refused: reconnect from the last sequence number seen
      }
      connected = false;
      if (closed) break;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  }

  const ready = (async () => {
    await loadSnapshot();
    isReady = true;
    void follow();
    if (counting) {
      flushTimer = setInterval(() => void flush(), flushMs);
      (flushTimer as { unref?: () => void }).unref?.();
    }
  })();
  ready.catch(() => undefined);

  return {
    ready,
    verify,
    flush,
    status() {
      let versions = 0;
      for (const d of byKey.values()) versions += d.length;
      return { ready: isReady, keys: byKey.size, versions, seq, lagMs: now() - heardAt, connected };
    },
    async close() {
      closed = true;
      abort?.abort();
      clearInterval(flushTimer);
      await ready.catch(() => undefined);
      await flush();
    },
  };
}
