import { AjvCompiler } from "@fastify/ajv-compiler";
import { type Static, Type } from "@sinclair/typebox";
import type { FastifySchemaCompiler } from "fastify";
import { Scope } from "./schemas.js";

/**
 * Fastify's Ajv options (app.ts passes them to Fastify): the verify body's validator below is
 * compiled with the same compiler and the same options as every other route's schema.
 */
export const AJV_OPTIONS = {
  removeAdditional: false,
  coerceTypes: false,
  useDefaults: false,
  allErrors: false,
} as const;

/** The body of `POST /v1/verify`: the route's schema, the OpenAPI document's, and the fast path's. */
export const VerifyBodySchema = Type.Object(
  {
    // no length cap: any string is answered (too long is MALFORMED); the body limit bounds it
    key: Type.String(),
    scopes: Type.Optional(Type.Array(Scope, { maxItems: 100 })),
    clientIp: Type.Optional(
      Type.Union([Type.String({ format: "ipv4" }), Type.String({ format: "ipv6" })], {
        description:
          "The address of the client that sent the key: counted per version (who still uses the old one)",
      }),
    ),
  },
  { additionalProperties: false },
);

/** The body of `POST /v1/verify`, as its schema allows it. */
export type VerifyBody = Static<typeof VerifyBodySchema>;

/**
 * The one validator of verify bodies: `VerifyBodySchema` compiled once by Fastify's own compiler
 * (@fastify/ajv-compiler, Ajv with ajv-formats) with Fastify's options. The route validates with it
 * (its `validatorCompiler`) and so does the fast path, so the two cannot disagree on a body.
 */
export const validateVerifyBody = AjvCompiler()({}, { customOptions: { ...AJV_OPTIONS } })({
  schema: VerifyBodySchema,
  method: "POST",
  url: "/v1/verify",
  httpPart: "body",
});

/** The route's `validatorCompiler`: the shared validator for the body (the route has no other part). */
export const verifyBodyCompiler: FastifySchemaCompiler<unknown> = ({ httpPart }) => {
  if (httpPart !== "body") throw new Error(`POST /v1/verify has no ${httpPart} schema`);
  return validateVerifyBody;
};

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

/**
 * A verify body the route's schema accepts, or `undefined` (invalid JSON, another shape, a bad
 * value): the fast path's whole reading of a body, the scan for the common form and `JSON.parse`
 * for the rest, then the route's compiled validator. Fastify parses with secure-json-parse, which
 * refuses `__proto__` and `constructor` keys that `JSON.parse` keeps; the schema refuses every
 * key but three, so the two parsers agree on every body the validator accepts.
 */
export function readVerifyBody(raw: Buffer): VerifyBody | undefined {
  let body: unknown = scanVerifyBody(raw);
  if (body === undefined) {
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return undefined;
    }
  }
  // the route's own validator: what it accepts, the fast path accepts, and nothing else
  return validateVerifyBody(body) === true ? (body as VerifyBody) : undefined;
}
