// The wire shapes of the public HTTP contract, derived from the route schemas that also validate,
// serialize and document it (/openapi.json), so they cannot drift. Type-only imports: the CLI stays
// an HTTP client and loads no server code (test/architecture.test.ts allows cli → http for
// `import type` only).
import type { Static } from "@sinclair/typebox";
import type { CreatedKey as CreatedKeySchema, KeyOnly } from "../http/routes/keys.js";
import type { RotatedKey as RotatedKeySchema } from "../http/routes/rotation.js";
import type {
  Alert as AlertSchema,
  Counts,
  Rotation as RotationSchema,
  UsageResponse,
} from "../http/routes/usage.js";
import type {
  Consumer as ConsumerSchema,
  Key as KeySchema,
  Problem as ProblemSchema,
  VerifyResponse,
  Version as VersionSchema,
  VersionState as VersionStateSchema,
} from "../http/schemas.js";

/** A client of the provider's API. */
export type Consumer = Static<typeof ConsumerSchema>;

/** State of one version (one secret) of a key. */
export type VersionState = Static<typeof VersionStateSchema>;

/** One secret of a key; only its first characters are ever shown. */
export type Version = Static<typeof VersionSchema>;

/** A stable credential of a consumer, with all its versions. */
export type Key = Static<typeof KeySchema>;

/** A cursor page of a list call. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Answer of `POST /v1/keys`. */
export type CreatedKey = Static<typeof CreatedKeySchema>;

/** Answer of `POST /v1/keys/:id/rotate`. */
export type RotatedKey = Static<typeof RotatedKeySchema>;

/** Answer of rollback and revoke calls. */
export type KeyEnvelope = Static<typeof KeyOnly>;

/** Answer of `POST /v1/verify`. */
export type VerifyResult = Static<typeof VerifyResponse>;

/**
 * RFC 9457 problem details as Keyroll sends them; every field optional here, since the answer may
 * come from a proxy in front of Keyroll rather than from Keyroll itself.
 */
export type Problem = Partial<Static<typeof ProblemSchema>>;

/** Requests by outcome: `VALID` and each rejection code (`EXPIRED`, `REVOKED`, …). */
export type OutcomeCounts = Static<typeof Counts>;

/** Answer of `GET /v1/keys/:id/usage`: a series per version; buckets without traffic are left out. */
export type KeyUsage = Static<typeof UsageResponse>;

/** One bucket (a minute or an hour) of a version's traffic. */
export type UsagePoint = KeyUsage["versions"][number]["series"][number];

/** One key in a rotation, from `GET /v1/rotations?state=active`. */
export type Rotation = Static<typeof RotationSchema>;

/** A client address seen sending a version's secret. */
export type SeenAddress = Rotation["previous"]["addresses"][number];

/** A failed rollover or an anomaly, from `GET /v1/alerts`. */
export type Alert = Static<typeof AlertSchema>;
