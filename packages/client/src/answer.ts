// The answer shape of POST /v1/verify, shared by the in-process verifier and the middlewares.

/** Every outcome of a verification, as `POST /v1/verify` names them. */
export type VerifyCode =
  | "VALID"
  | "MALFORMED"
  | "NOT_FOUND"
  | "REVOKED"
  | "EXPIRED"
  | "NOT_YET_ACTIVE"
  | "INSUFFICIENT_SCOPE"
  | "RATE_LIMITED"
  | "DISABLED";

/** The `POST /v1/verify` answer. */
export interface VerifyAnswer {
  readonly valid: boolean;
  readonly code: VerifyCode;
  readonly keyId: string | null;
  readonly consumerId: string | null;
  readonly version: number | null;
  readonly scopes: readonly string[];
  readonly deprecated: boolean;
  /** ISO 8601 time at which the presented version (or the key) stops working, or null. */
  readonly expiresAt: string | null;
}

/** What `verify` may be told about the request. */
export interface VerifyRequest {
  scopes?: readonly string[];
  /** The client's address, counted per version (who still uses the old key). */
  clientIp?: string;
}
