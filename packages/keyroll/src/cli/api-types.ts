// The wire shapes of the public HTTP contract (docs: DESIGN.md, "Public contract"). The CLI is an
// HTTP client, so it mirrors the contract rather than importing server types.

/** A client of the provider's API. */
export interface Consumer {
  id: string;
  name: string;
  externalId: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

/** State of one version (one secret) of a key. */
export type VersionState = "scheduled" | "active" | "grace" | "revoked" | "expired";

/** One secret of a key; only its first characters are ever shown. */
export interface Version {
  version: number;
  state: VersionState;
  start: string | null;
  imported: boolean;
  createdAt: string;
  activatesAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A stable credential of a consumer, with all its versions. */
export interface Key {
  id: string;
  consumerId: string;
  name: string | null;
  scopes: string[];
  prefix: string;
  metadata: Record<string, unknown> | null;
  state: "active" | "revoked";
  expiresAt: string | null;
  createdAt: string;
  versions: Version[];
}

/** A cursor page of a list call. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Answer of `POST /v1/keys`. */
export interface CreatedKey {
  key: Key;
  secret: string;
  version: number;
}

/** Answer of `POST /v1/keys/:id/rotate`. */
export interface RotatedKey extends CreatedKey {
  previous: { version: number; expiresAt: string | null } | null;
}

/** Answer of rollback and revoke calls. */
export interface KeyEnvelope {
  key: Key;
}

/** Answer of `POST /v1/verify`. */
export interface VerifyResult {
  valid: boolean;
  code: string;
  keyId: string | null;
  consumerId: string | null;
  version: number | null;
  scopes: string[] | null;
  deprecated: boolean;
  expiresAt: string | null;
}

/** RFC 9457 problem details, as the server sends them. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
}

/** Requests by outcome: `VALID` and each rejection code (`EXPIRED`, `REVOKED`, …). */
export type OutcomeCounts = Record<string, number>;

/** One bucket (a minute or an hour) of a version's traffic. */
export interface UsagePoint {
  at: string;
  counts: OutcomeCounts;
  total: number;
}

/** Answer of `GET /v1/keys/:id/usage`: a series per version; buckets without traffic are left out. */
export interface KeyUsage {
  keyId: string;
  granularity: "minute" | "hour";
  from: string;
  to: string;
  versions: { version: number; totals: OutcomeCounts; series: UsagePoint[] }[];
}

/** A client address seen sending a version's secret. */
export interface SeenAddress {
  address: string;
  lastSeenAt: string;
  count: number;
}

/** One key in a rotation, from `GET /v1/rotations?state=active`. */
export interface Rotation {
  keyId: string;
  consumerId: string;
  startedAt: string;
  graceEndsAt: string;
  current: { version: number; lastUsedAt: string | null; requests: number };
  previous: {
    version: number;
    lastUsedAt: string | null;
    requests: number;
    addresses: SeenAddress[];
    retireWhenUnusedFor: string | null;
    extendUntil: string | null;
    /** Successor pickups by holders of this version (absent from servers before issue 12). */
    pickups?: { count: number; addresses: Array<{ address: string; lastAt: string; count: number }> };
  };
  /** Share (0…1) of the last 15 minutes' valid traffic on the current version; null without traffic. */
  currentShare: number | null;
  safeToRetire: boolean;
}

/** A failed rollover or an anomaly, from `GET /v1/alerts`. */
export interface Alert {
  id: string;
  kind: string;
  keyId: string | null;
  consumerId: string | null;
  version: number | null;
  address: string | null;
  message: string;
  count: number;
  data: Record<string, unknown>;
  createdAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}
