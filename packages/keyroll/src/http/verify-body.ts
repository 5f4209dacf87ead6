import { isIP } from "node:net";
import { SCOPE_PATTERN } from "../core/verify.js";

const SCOPE_RE = new RegExp(SCOPE_PATTERN);

/** The body of `POST /v1/verify`, as the route's schema allows it. */
export interface VerifyBody {
  key: string;
  scopes?: string[];
  clientIp?: string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const BACKSLASH = 0x5c;

/** The fields the scan reads, by index (KEY, SCOPES, then clientIp), with their quotes and colon. */
const FIELDS = ["key", "scopes", "clientIp"].map((f) => Buffer.from(`"${f}":`, "latin1"));
const KEY = 0;
const SCOPES = 1;

/** Which of FIELDS starts at `i`, or -1. */
function fieldAt(b: Buffer, i: number): number {
  for (let f = 0; f < FIELDS.length; f++) {
    const name = FIELDS[f]!;
    let j = 0;
    while (j < name.length && b[i + j] === name[j]) j++;
    if (j === name.length) return f;
  }
  return -1;
}

/** Where a string starting at `i` (its opening quote) ends, past its closing quote; -1 when it isn't one the scan reads. */
function stringEnd(b: Buffer, i: number): number {
  if (b[i] !== QUOTE) return -1;
  for (let j = i + 1; j < b.length; j++) {
    const c = b[j]!;
    if (c === QUOTE) return j + 1;
    if (c < 0x20 || c > 0x7e || c === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * Reads a body written the way JSON encoders write one: `{"key":"…"}`, optionally with
 * `"scopes":["…",…]` and `"clientIp":"…"`, in any order, no whitespace, strings of printable ASCII
 * without escapes. For such a body it returns exactly what `JSON.parse` returns, at a fraction of
 * its cost: only the strings are created. For anything else (whitespace, escapes, non-ASCII,
 * another field, a repeated field, anything after the object) it returns `undefined`, and the
 * caller parses with `JSON.parse`.
 */
export function scanVerifyBody(b: Buffer): VerifyBody | undefined {
  const n = b.length;
  if (n < 2 || b[0] !== OPEN_OBJECT) return undefined;
  let i = 1;
  let key: string | undefined;
  let scopes: string[] | undefined;
  let clientIp: string | undefined;
  for (;;) {
    const f = fieldAt(b, i);
    if (f < 0) return undefined;
    i += FIELDS[f]!.length;
    if (f === SCOPES) {
      if (scopes !== undefined || b[i++] !== OPEN_ARRAY) return undefined;
      scopes = [];
      if (b[i] === CLOSE_ARRAY) i++;
      else {
        for (;;) {
          const e = stringEnd(b, i);
          if (e < 0) return undefined;
          scopes.push(b.toString("latin1", i + 1, e - 1));
          i = e;
          const c = b[i++];
          if (c === CLOSE_ARRAY) break;
          if (c !== COMMA) return undefined;
        }
      }
    } else {
      const e = stringEnd(b, i);
      if (e < 0) return undefined;
      const value = b.toString("latin1", i + 1, e - 1);
      i = e;
      if (f === KEY) {
        if (key !== undefined) return undefined;
        key = value;
      } else {
        // clientIp
        if (clientIp !== undefined) return undefined;
        clientIp = value;
      }
    }
    const c = b[i++];
    if (c === CLOSE_OBJECT) break;
    if (c !== COMMA) return undefined;
  }
  if (i !== n || key === undefined) return undefined;
  const body: VerifyBody = { key };
  if (scopes !== undefined) body.scopes = scopes;
  if (clientIp !== undefined) body.clientIp = clientIp;
  return body;
}

/** True when a parsed body has exactly the documented shape (what the route's schema accepts). */
export function isVerifyBody(body: unknown): body is VerifyBody {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return false;
  let n = 0;
  for (const k in body) {
    if (!Object.hasOwn(body, k)) continue;
    n++;
    if (k !== "key" && k !== "scopes" && k !== "clientIp") return false;
  }
  const b = body as { key?: unknown; scopes?: unknown; clientIp?: unknown };
  if (typeof b.key !== "string") return false;
  if (
    b.scopes !== undefined &&
    (!Array.isArray(b.scopes) || b.scopes.length > 100 || b.scopes.some((s) => typeof s !== "string"))
  )
    return false;
  if (b.clientIp !== undefined && typeof b.clientIp !== "string") return false;
  return n <= 3 && hasValidValues(b as VerifyBody);
}

/** The schema's rules on values: at most 100 scopes, each a valid scope; `clientIp` an IP address. */
function hasValidValues(b: VerifyBody): boolean {
  if (b.scopes !== undefined) {
    if (b.scopes.length > 100) return false;
    for (const s of b.scopes) if (!SCOPE_RE.test(s)) return false;
  }
  return b.clientIp === undefined || isIP(b.clientIp) !== 0;
}

/**
 * A verify body of the documented shape, or `undefined` (invalid JSON, another shape): the fast
 * path's whole reading of a body, the scan for the common form and `JSON.parse` for the rest.
 */
export function readVerifyBody(raw: Buffer): VerifyBody | undefined {
  // a scanned body has the documented shape already; only its values are left to check
  const scanned = scanVerifyBody(raw);
  if (scanned !== undefined) return hasValidValues(scanned) ? scanned : undefined;
  let body: unknown;
  try {
    body = JSON.parse(raw.toString("utf8"));
  } catch {
    return undefined;
  }
  return isVerifyBody(body) ? body : undefined;
}
