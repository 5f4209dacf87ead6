// A tiny typed event emitter: no node:events, so the package runs wherever `fetch` does.

/** What a key provider tells the application. Never carries a secret. */
export interface KeyEvents {
  /** The provider moved to a new secret (picked up, re-read, or reloaded). */
  rotated: { version: number | null; previousVersion: number | null; source: "pickup" | "file" | "reload" };
  /** The current secret is in grace and no successor could be picked up yet: it stops at `expiresAt`. */
  expiring: { version: number | null; expiresAt: Date | null };
  /** A check, pickup, read or persist failed; the provider keeps its current secret and retries. */
  failed: { error: Error; during: "check" | "pickup" | "persist" | "read" };
}

/** The events' names. */
export type KeyEventName = keyof KeyEvents;

/** A listener of one event. */
export type Listener<E extends KeyEventName> = (event: KeyEvents[E]) => void;

/** Subscribing and emitting. */
export class Emitter {
  readonly #listeners = new Map<KeyEventName, Set<(e: unknown) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<E extends KeyEventName>(name: E, fn: Listener<E>): () => void {
    let set = this.#listeners.get(name);
    if (!set) {
      set = new Set();
      this.#listeners.set(name, set);
    }
    set.add(fn as (e: unknown) => void);
    return () => set.delete(fn as (e: unknown) => void);
  }

  /** Calls every listener of `name`; a throwing listener does not stop the others. */
  emit<E extends KeyEventName>(name: E, event: KeyEvents[E]): void {
    for (const fn of this.#listeners.get(name) ?? []) {
      try {
        fn(event);
      } catch {
        // an application's listener must not break key handling
      }
    }
  }
}
