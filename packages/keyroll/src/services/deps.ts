import type { Clock } from "../core/clock.js";
import type { Logger } from "../core/logger.js";

export type { Logger } from "../core/logger.js";

import type { Store } from "../store/types.js";

/** What every service factory takes. */
export interface ServiceDeps {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called after each committed mutation; the verifier catches up so this node reads its own writes. */
  readonly afterCommit: () => Promise<void>;
  /** Called after a commit that put notifications in the outbox, so the leader delivers promptly. */
  readonly eventsCommitted?: (() => void) | undefined;
  /** Event types also mailed to the consumer's contacts (empty or absent: mail is not set up). */
  readonly mailEvents?: readonly string[] | undefined;
}

/** Who asks: the admin key behind a call, and what it may do. */
export interface Actor {
  readonly keyId: string | null;
  readonly scopes: readonly string[];
}

/** The actor used by the server itself (bootstrap, scheduled work). */
export const SYSTEM_ACTOR: Actor = { keyId: null, scopes: ["admin"] };
