import { parseDuration } from "./duration.js";
import { type RateLimit, rateLimitProblem } from "./rate-limit.js";
import { SCOPE_PATTERN } from "./verify.js";

/** One route rule: requests matching `methods` and `path` need every scope of `scopes`. */
export interface RouteRule {
  /** Names the rule in logs, metrics and the RateLimit policy; `METHOD path` by default. */
  readonly name: string;
  /** Upper-case methods, or empty for any. */
  readonly methods: readonly string[];
  /** The pattern as written: `/orders/:id`, `/orders/*` (one segment), `/files/**` (the rest). */
  readonly path: string;
  readonly scopes: readonly string[];
  /** A limit per key on this rule, on top of the key's own. */
  readonly rateLimit: RateLimit | null;
  readonly segments: readonly string[];
}

/** The settings Keyroll in the request path shares between `keyroll gateway` and `GET /v1/authorize`. */
export interface AccessPolicy {
  /** Where the client's key is read: `authorization` (the Bearer scheme) or another header, lower-case. */
  readonly keyHeader: string;
  readonly routes: readonly RouteRule[];
  /** What a request that matches no rule gets: any valid key (`allow`) or 403 (`deny`). */
  readonly unmatched: "allow" | "deny";
  /** The provider's rotation docs, sent as a `Link` with `rel="deprecation"` to clients in grace. */
  readonly rotationDocs: string | null;
}

/** The policy when nothing is configured: the Bearer scheme, no rules, any valid key passes. */
export const OPEN_POLICY: AccessPolicy = Object.freeze({
  keyHeader: "authorization",
  routes: Object.freeze([]),
  unmatched: "allow",
  rotationDocs: null,
});

const SCOPE_RE = new RegExp(SCOPE_PATTERN);
const METHOD_RE = /^[A-Z]{3,10}$/;
const HEADER_RE = /^[A-Za-z0-9-]{1,64}$/;

function splitPath(path: string): string[] {
  return path.split("/").slice(1);
}

/**
 * Reads a rate limit written as `{ limit, period }` (period: a duration like "1m" or seconds).
 * Returns the limit, or pushes what is wrong onto `problems`.
 */
export function readRateLimit(v: unknown, at: string, problems: string[]): RateLimit | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== "object" || Array.isArray(v)) {
    problems.push(`${at}: must be an object { limit, period }`);
    return null;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (k !== "limit" && k !== "period") problems.push(`${at}: unknown field "${k}"`);
  const periodMs = parseDuration(o.period);
  if (periodMs === undefined) {
    problems.push(`${at}.period: must be a duration like "1s", "1m" or a number of seconds`);
    return null;
  }
  const r = { limit: o.limit as number, periodMs };
  const p = rateLimitProblem(r);
  if (p !== undefined) {
    problems.push(`${at}: ${p}`);
    return null;
  }
  return r;
}

function readRule(v: unknown, at: string, problems: string[]): RouteRule | undefined {
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    problems.push(`${at}: must be an object { match, scopes?, rateLimit?, name? }`);
    return undefined;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o))
    if (!["match", "scopes", "rateLimit", "name"].includes(k)) problems.push(`${at}: unknown field "${k}"`);
  const n = problems.length;
  let methods: string[] = [];
  let path = "";
  if (typeof o.match !== "string") problems.push(`${at}.match: must be a string like "GET /orders/:id"`);
  else {
    const parts = o.match.trim().split(/\s+/);
    if (parts.length === 2) {
      methods = parts[0] === "*" ? [] : parts[0]!.split("|");
      path = parts[1]!;
    } else if (parts.length === 1) path = parts[0]!;
    for (const m of methods)
      if (!METHOD_RE.test(m)) problems.push(`${at}.match: "${m}" is not an upper-case HTTP method`);
    if (!path.startsWith("/")) problems.push(`${at}.match: the path must start with "/"`);
    const segs = splitPath(path);
    segs.forEach((s, i) => {
      if (s === "**" && i !== segs.length - 1) problems.push(`${at}.match: "**" may only end a path`);
    });
  }
  const scopes = o.scopes ?? [];
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== "string" || !SCOPE_RE.test(s)))
    problems.push(`${at}.scopes: must be a list of scopes (1-64 chars of letters, digits and :._-*)`);
  const rateLimit = readRateLimit(o.rateLimit, `${at}.rateLimit`, problems);
  if (o.name !== undefined && (typeof o.name !== "string" || !/^[A-Za-z0-9_.:-]{1,64}$/.test(o.name)))
    problems.push(`${at}.name: must be 1-64 chars of letters, digits and _.:-`);
  if (problems.length > n) return undefined;
  return {
    name: (o.name as string | undefined) ?? `${methods.join("|") || "*"} ${path}`,
    methods,
    path,
    scopes: scopes as string[],
    rateLimit,
    segments: splitPath(path),
  };
}

/**
 * Validates a policy as read from a config file (`routes`, `keyHeader`, `unmatched`,
 * `rotationDocs`): every problem at once, in `problems`, or the policy. `known` lists other
 * top-level fields the caller reads itself.
 * @example readAccessPolicy({ routes: [{ match: "GET /orders/*", scopes: ["orders:read"] }] }, [])
 */
export function readAccessPolicy(
  v: Record<string, unknown>,
  problems: string[],
  known: readonly string[] = [],
): AccessPolicy {
  for (const k of Object.keys(v))
    if (!["routes", "keyHeader", "unmatched", "rotationDocs", ...known].includes(k))
      problems.push(`unknown setting "${k}"`);
  let keyHeader = "authorization";
  if (v.keyHeader !== undefined) {
    if (typeof v.keyHeader !== "string" || !HEADER_RE.test(v.keyHeader))
      problems.push(`keyHeader: must be a header name like "X-API-Key"`);
    else keyHeader = v.keyHeader.toLowerCase();
  }
  const routes: RouteRule[] = [];
  if (v.routes !== undefined) {
    if (!Array.isArray(v.routes)) problems.push("routes: must be a list of rules");
    else
      v.routes.forEach((r, i) => {
        const rule = readRule(r, `routes[${i}]`, problems);
        if (rule) routes.push(rule);
      });
  }
  const unmatched = v.unmatched ?? "allow";
  if (unmatched !== "allow" && unmatched !== "deny") problems.push(`unmatched: must be "allow" or "deny"`);
  let rotationDocs: string | null = null;
  if (v.rotationDocs !== undefined && v.rotationDocs !== null) {
    if (typeof v.rotationDocs !== "string" || !/^https?:\/\/[^\s<>"]+$/.test(v.rotationDocs))
      problems.push("rotationDocs: must be an http(s) URL");
    else rotationDocs = v.rotationDocs;
  }
  return { keyHeader, routes, unmatched: unmatched as "allow" | "deny", rotationDocs };
}

function matches(rule: RouteRule, method: string, segs: readonly string[]): boolean {
  if (rule.methods.length > 0 && !rule.methods.includes(method)) return false;
  const p = rule.segments;
  for (let i = 0; i < p.length; i++) {
    const s = p[i]!;
    if (s === "**") return true;
    if (i >= segs.length) return false;
    if (s === "*" || (s.startsWith(":") && s.length > 1)) {
      if (segs[i] === "") return false;
      continue;
    }
    if (s !== segs[i]) return false;
  }
  return p.length === segs.length;
}

/**
 * The path segments of a URI as an origin server would route them: query and fragment cut,
 * percent-encoded unreserved characters decoded (`%6F` is `o`), `.` and `..` resolved, so
 * `/a/../admin` or `/%61dmin` cannot slip past a rule for `/admin`.
 */
export function normalizedSegments(uri: string): string[] {
  const q = uri.search(/[?#]/);
  const path = (q < 0 ? uri : uri.slice(0, q)).replace(/%([0-9A-Fa-f]{2})/g, (all, h: string) => {
    const c = String.fromCharCode(Number.parseInt(h, 16));
    return /[A-Za-z0-9._~-]/.test(c) ? c : all.toUpperCase();
  });
  const out: string[] = [];
  const segs = splitPath(path);
  segs.forEach((s, i) => {
    const last = i === segs.length - 1;
    if (s === ".") {
      if (last) out.push("");
    } else if (s === "..") {
      out.pop();
      if (last) out.push("");
    } else out.push(s);
  });
  return out;
}

/**
 * `matches` over a raw path that needs no normalizing (no `%`, no dot segment), segment by segment
 * without splitting it: the gateway's per-request case allocates nothing here.
 */
function matchesPath(rule: RouteRule, method: string, path: string): boolean {
  if (rule.methods.length > 0 && !rule.methods.includes(method)) return false;
  const p = rule.segments;
  // the "/" before the path's next segment, -1 when no segment is left (segments follow each "/")
  let at = path.indexOf("/");
  for (let i = 0; i < p.length; i++) {
    const s = p[i]!;
    if (s === "**") return true;
    if (at < 0) return false;
    const from = at + 1;
    const next = path.indexOf("/", from);
    const end = next < 0 ? path.length : next;
    if (s === "*" || (s.length > 1 && s.charCodeAt(0) === 0x3a)) {
      if (end === from) return false;
    } else if (s.length !== end - from || !path.startsWith(s, from)) return false;
    at = next;
  }
  return at < 0;
}

/** The first rule matching a request's method and URI (see `normalizedSegments`), or undefined. */
export function matchRoute(routes: readonly RouteRule[], method: string, uri: string): RouteRule | undefined {
  if (routes.length === 0) return undefined;
  const m = method.toUpperCase();
  let q = uri.indexOf("?");
  const hash = uri.indexOf("#");
  if (hash >= 0 && (q < 0 || hash < q)) q = hash;
  const path = q < 0 ? uri : uri.slice(0, q);
  if (path.indexOf("%") < 0 && path.indexOf("/.") < 0) {
    for (const r of routes) if (matchesPath(r, m, path)) return r;
    return undefined;
  }
  const segs = normalizedSegments(uri);
  for (const r of routes) if (matches(r, m, segs)) return r;
  return undefined;
}
