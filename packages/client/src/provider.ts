import { Emitter, type KeyEventName, type Listener } from "./events.js";

/**
 * Where the current secret comes from. `current()` is synchronous and cheap (called per request);
 * `reload()` fetches again (a file re-read, a successor pickup) and resolves to the secret in use
 * after it.
 */
export interface KeyProvider {
  current(): string;
  reload(): Promise<string>;
  /**
   * Tells the provider about a response the secret got (its `Deprecation`/`Sunset` headers say a
   * rotation happened): a rotating provider checks for a successor soon after.
   */
  notice(headers: Headers): void;
  on<E extends KeyEventName>(name: E, fn: Listener<E>): () => void;
  close(): void;
}

/** A provider whose secret never changes unless `set` is called. */
export class StaticKeyProvider implements KeyProvider {
  protected secret: string;
  protected readonly events = new Emitter();

  constructor(secret: string) {
    if (secret.trim() === "" || /\s/.test(secret)) throw new Error("a key must be a non-empty token");
    this.secret = secret;
  }

  current(): string {
    return this.secret;
  }

  async reload(): Promise<string> {
    return this.secret;
  }

  notice(_headers: Headers): void {}

  on<E extends KeyEventName>(name: E, fn: Listener<E>): () => void {
    return this.events.on(name, fn);
  }

  close(): void {}
}

/**
 * The secret from an environment variable (default `KEYROLL_KEY`), read again on `reload()`, so
 * a process that updates its own environment (or a test) can change it.
 * @example const key = envKey("ORDERS_API_KEY");
 */
export function envKey(
  name = "KEYROLL_KEY",
  env: Record<string, string | undefined> = (globalThis as { process?: { env: Record<string, string> } })
    .process?.env ?? {},
): KeyProvider {
  const read = () => {
    const v = env[name]?.trim();
    if (!v) throw new Error(`environment variable ${name} is not set`);
    return v;
  };
  const p = new (class extends StaticKeyProvider {
    override async reload(): Promise<string> {
      const next = read();
      if (next !== this.secret) {
        this.secret = next;
        this.events.emit("rotated", { version: null, previousVersion: null, source: "reload" });
      }
      return this.secret;
    }
  })(read());
  return p;
}

/** A provider holding one secret. */
export function staticKey(secret: string): KeyProvider {
  return new StaticKeyProvider(secret);
}
