import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";
import type { KeyWithVersions } from "../core/model.js";

export type { Logger } from "../core/logger.js";

import type { Store } from "../store/types.js";

/** What every service factory takes. */
export interface ServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after each committed mutation; the verifier catches up so this node reads its own writes. */
  readonly afterCommit: () => Promise<void>;
  /**
   * Called after a commit that created keys (a bulk import), before `afterCommit`: the verifier
   * indexes them from these records instead of reading them back (decision 0031).
   */
  readonly indexCreated?: ((made: readonly KeyWithVersions[]) => void) | undefined;
  /** Called after a commit that put notifications in the outbox, so the leader delivers promptly. */
  readonly eventsCommitted?: (() => void) | undefined;
  /** Event types also mailed to the consumer's contacts (empty or absent: mail is not set up). */
  readonly mailEvents?: readonly string[] | undefined;
}

/** Who asks: the admin key behind a call, and what it may do; the audit log records it. */
export interface Actor {
  readonly keyId: string | null;
  readonly scopes: readonly string[];
  /** The version of the key that authenticated the call. */
  readonly version?: number | null | undefined;
  /** `key`: a key acting on itself (not an admin key); admin otherwise. */
  readonly kind?: "admin" | "key" | undefined;
  /** For the server's own work (keyId null): the rule that acted, e.g. `scheduler.settle`. */
  readonly rule?: string | undefined;
  /** The request that made the change, and its client address. */
  readonly requestId?: string | null | undefined;
  readonly address?: string | null | undefined;
}

/** The actor used by the server itself when no more precise rule applies. */
export const SYSTEM_ACTOR: Actor = { keyId: null, scopes: ["admin"], rule: "system" };

/** The server itself, acting by `rule` (recorded in the audit log as the actor). */
export function systemActor(rule: string): Actor {
  return { keyId: null, scopes: ["admin"], rule };
}
