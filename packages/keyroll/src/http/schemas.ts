import { type TSchema, Type } from "@sinclair/typebox";
import { KeyrollError } from "../core/errors.js";
import { type IdPrefix, isId } from "../core/ids.js";
import { SCOPE_PATTERN, VERIFY_CODES } from "../core/verify.js";

// JSON schemas of the public contract: they validate requests, serialize responses, and are the
// source of /openapi.json.

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: "date-time" });
const NullableDateTime = Nullable(DateTime);

export const Metadata = Type.Record(Type.String(), Type.Unknown(), {
  maxProperties: 50,
  // Type.Record turns its key schema into a pattern, so the name limit is stated here
  propertyNames: { maxLength: 64 },
  description: "Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB",
});
export const Scope = Type.String({ pattern: SCOPE_PATTERN });
export const Scopes = Type.Array(Scope, { maxItems: 100 });
export const Duration = Type.Union([Type.String({ maxLength: 16 }), Type.Number({ minimum: 0 })], {
  description: 'A duration: "30s", "15m", "2h", "7d" or a number of seconds',
});

export const IdParam = (prefix: string) =>
  Type.Object({ id: Type.String({ pattern: `^${prefix}_[0-9a-z]{26}$` }) }, { additionalProperties: false });

export const PageQuery = {
  limit: Type.Optional(Type.String({ pattern: "^[0-9]{1,4}$", description: "1 to 200, default 50" })),
  cursor: Type.Optional(Type.String({ maxLength: 64, description: "nextCursor of the previous page" })),
};

const MAX_LIMIT = 200;

/** Reads `limit` (1–200, default 50) and `cursor` (an id of the listed kind) of a page request. */
export function parsePage(limit: string | undefined, cursor: string | undefined, prefix: IdPrefix) {
  const n = limit === undefined ? 50 : Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new KeyrollError("VALIDATION_FAILED", `limit must be between 1 and ${MAX_LIMIT}`);
  }
  if (cursor !== undefined && !isId(prefix, cursor)) {
    throw new KeyrollError("INVALID_CURSOR", "cursor is not one this API gave");
  }
  return { limit: n, after: cursor };
}

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { description: "RFC 9457 problem details" },
);

/** Who at a consumer hears about its keys by mail (when SMTP is set up). */
export const Contacts = Type.Array(
  Type.Object(
    {
      email: Type.String({ pattern: "^[^\\s@<>,;]+@[^\\s@<>,;]+\\.[^\\s@<>,;]+$", maxLength: 254 }),
      name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
  { maxItems: 20 },
);

export const Consumer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  externalId: Nullable(Type.String()),
  metadata: Metadata,
  contacts: Contacts,
  createdAt: DateTime,
});

export const VersionState = Type.Union(
  ["scheduled", "active", "grace", "revoked", "expired"].map((s) => Type.Literal(s)),
);

export const Version = Type.Object({
  version: Type.Integer(),
  state: VersionState,
  start: Type.String(),
  imported: Type.Boolean(),
  createdAt: DateTime,
  activatesAt: DateTime,
  expiresAt: NullableDateTime,
  revokedAt: NullableDateTime,
  lastUsedAt: NullableDateTime,
});

export const RateLimitView = Nullable(
  Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
      period: Type.String({ description: 'The period as a duration, e.g. "1m"' }),
    },
    { description: "At most `limit` requests per `period`, refilled continuously (a token bucket)" },
  ),
);

/** `rateLimit` in a request: `{limit, period}` or null for none. */
export const RateLimitInput = Nullable(
  Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }),
      period: Duration,
    },
    {
      additionalProperties: false,
      description:
        "At most `limit` requests per `period` (1s to 366d), refilled continuously; null removes the limit",
    },
  ),
);
export const AllowSuccessorPickup = Type.Boolean({
  description:
    "Holders of a previous secret may fetch its successor during grace (POST /v1/self/successor); default true",
});

export const Key = Type.Object({
  id: Type.String(),
  consumerId: Type.String(),
  name: Nullable(Type.String()),
  scopes: Type.Array(Type.String()),
  prefix: Type.String(),
  metadata: Metadata,
  state: Type.Union([Type.Literal("active"), Type.Literal("revoked")]),
  expiresAt: NullableDateTime,
  createdAt: DateTime,
  rateLimit: RateLimitView,
  allowSuccessorPickup: Type.Boolean(),
  externalId: Nullable(Type.String({ description: "The caller's own id of the key (bulk import), or null" })),
  versions: Type.Array(Version),
});

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const VerifyCode = Type.Union(VERIFY_CODES.map((c) => Type.Literal(c)));

export const VerifyResponse = Type.Object({
  valid: Type.Boolean(),
  code: VerifyCode,
  keyId: Nullable(Type.String()),
  consumerId: Nullable(Type.String()),
  version: Nullable(Type.Integer()),
  scopes: Type.Array(Type.String()),
  deprecated: Type.Boolean(),
  expiresAt: NullableDateTime,
});

/**
 * The error statuses a route adds itself (404, 409, 422 …), as problem+json. The ones every route
 * of its kind gives (400, 401, 403, 413, 415, 431, 500, 503) are added by http/openapi.ts.
 */
export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [s, Problem]));
