import { Emitter, type KeyEventName, type Listener } from "./events.js";
import { type KeyProvider, StaticKeyProvider } from "./provider.js";

/** Settings of `rotatingKey`. */
export interface RotatingKeyOptions {
  /** Keyroll's base URL, e.g. `https://keys.example.com`. */
  url: string;
  /** The secret to start from, or a provider of it (a file another process may also update). */
  key: string | KeyProvider;
  /** How often to ask `GET /v1/self` (default 5 minutes), with ±`jitter` spread (default 0.2). */
  intervalMs?: number;
  jitter?: number;
  /** Writes a picked-up secret somewhere durable before it is used (e.g. `writeKeyFile`). */
  persist?: (secret: string) => Promise<void>;
  /** After a `Deprecation` or `Sunset` header, check this soon (default 1 s), at most once per `intervalMs / 10`. */
  noticeDelayMs?: number;
  /** Per-call timeout against Keyroll (default 10 s). */
  timeoutMs?: number;
  /** First retry after a failed check (default 1 s), doubling up to `intervalMs`. */
  retryMs?: number;
  /** Check once at start (default true). */
  checkOnStart?: boolean;
  fetch?: typeof fetch;
}

/** What one check found. */
export type CheckOutcome = "current" | "rotated" | "expiring" | "failed";

interface SelfAnswer {
  version: number;
  state: string;
  expiresAt: string | null;
  successorAvailable: boolean;
}

class KeyrollCallError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "KeyrollCallError";
  }
}

/**
 * A key provider that follows rotations by itself: it asks Keyroll (`GET /v1/self`) on a jittered
 * interval, and soon after any response carried `Deprecation`/`Sunset`; when a successor waits it
 * picks it up (`POST /v1/self/successor`), persists it if told how, and switches to it. The old
 * secret keeps working during grace, so no request fails while it does. Never logs a secret.
 * @example
 * const key = rotatingKey({ url: "https://keys.example.com", key: process.env.ORDERS_KEY! });
 * key.on("rotated", (e) => console.log("now on version", e.version));
 */
export class RotatingKeyProvider implements KeyProvider {
  readonly #opts: Required<Omit<RotatingKeyOptions, "persist" | "key" | "fetch">> & {
    persist?: (secret: string) => Promise<void>;
  };
  readonly #base: KeyProvider;
  readonly #fetch: typeof fetch;
  readonly #events = new Emitter();
  #secret: string;
  #version: number | null = null;
  #persisted: string | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight: Promise<CheckOutcome> | undefined;
  #lastNotice = 0;
  #failures = 0;
  #closed = false;
  readonly #unsubscribe: () => void;

  constructor(opts: RotatingKeyOptions) {
    this.#base = typeof opts.key === "string" ? new StaticKeyProvider(opts.key) : opts.key;
    this.#secret = this.#base.current();
    this.#persisted = this.#secret;
    this.#fetch = opts.fetch ?? globalThis.fetch.bind(globalThis);
    const intervalMs = opts.intervalMs ?? 300_000;
    this.#opts = {
      url: opts.url.replace(/\/+$/, ""),
      intervalMs,
      jitter: Math.min(Math.max(opts.jitter ?? 0.2, 0), 1),
      noticeDelayMs: opts.noticeDelayMs ?? 1000,
      timeoutMs: opts.timeoutMs ?? 10_000,
      retryMs: opts.retryMs ?? 1000,
      checkOnStart: opts.checkOnStart ?? true,
      ...(opts.persist && { persist: opts.persist }),
    };
    // another process (an agent, a second replica) may update the shared file: follow it
    this.#unsubscribe = this.#base.on("rotated", () => {
      const next = this.#base.current();
      if (next !== this.#secret) this.#adopt(next, null, "file");
    });
    if (this.#opts.checkOnStart) this.#schedule(0);
    else this.#schedule(this.#nextDelay());
  }

  current(): string {
    return this.#secret;
  }

  /** The version of the current secret, once a check has learnt it. */
  get version(): number | null {
    return this.#version;
  }

  on<E extends KeyEventName>(name: E, fn: Listener<E>): () => void {
    return this.#events.on(name, fn);
  }

  /** Checks now (sharing a check already running) and resolves to the secret in use after it. */
  async reload(): Promise<string> {
    await this.check();
    return this.#secret;
  }

  notice(headers: Headers): void {
    if (this.#closed || (!headers.has("deprecation") && !headers.has("sunset"))) return;
    const now = Date.now();
    if (now - this.#lastNotice < this.#opts.intervalMs / 10) return;
    this.#lastNotice = now;
    this.#schedule(this.#opts.noticeDelayMs);
  }

  /** One check: ask Keyroll about the current secret, and pick up its successor if one waits. */
  check(): Promise<CheckOutcome> {
    this.#inflight ??= this.#check().finally(() => {
      this.#inflight = undefined;
    });
    return this.#inflight;
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#unsubscribe();
  }

  async #check(): Promise<CheckOutcome> {
    let outcome: CheckOutcome;
    try {
      if (this.#persisted !== this.#secret) await this.#persist(this.#secret);
      const self = (await this.#call("GET", "/v1/self")) as SelfAnswer;
      this.#version = self.version;
      if (self.successorAvailable) {
        outcome = (await this.#pickup()) ? "rotated" : "current";
      } else if (self.state === "grace") {
        this.#events.emit("expiring", {
          version: self.version,
          expiresAt: self.expiresAt === null ? null : new Date(self.expiresAt),
        });
        outcome = "expiring";
      } else {
        outcome = "current";
      }
      this.#failures = 0;
    } catch (err) {
      outcome = await this.#recover(err as Error);
    }
    if (!this.#closed) {
      const delay =
        outcome === "failed"
          ? Math.min(this.#opts.retryMs * 2 ** Math.min(this.#failures - 1, 20), this.#opts.intervalMs)
          : this.#nextDelay();
      this.#schedule(delay);
    }
    return outcome;
  }

  /** A dead secret may have been replaced under us (the file): take that one; else report. */
  async #recover(error: Error): Promise<CheckOutcome> {
    if (error instanceof KeyrollCallError && error.status === 401) {
      try {
        const fresh = await this.#base.reload();
        if (fresh !== this.#secret) {
          this.#adopt(fresh, null, "file");
          this.#failures = 0;
          return "rotated";
        }
      } catch (readErr) {
        this.#events.emit("failed", { error: readErr as Error, during: "read" });
      }
    }
    this.#failures++;
    this.#events.emit("failed", { error, during: "check" });
    return "failed";
  }

  async #pickup(): Promise<boolean> {
    let got: { secret: string; version: number };
    try {
      got = (await this.#call("POST", "/v1/self/successor")) as { secret: string; version: number };
    } catch (err) {
      if (err instanceof KeyrollCallError && err.code === "SUCCESSOR_NOT_AVAILABLE") return false;
      throw err;
    }
    if (typeof got.secret !== "string" || got.secret === "") throw new Error("pickup answered no secret");
    const previous = this.#version;
    // persisted before use: a crash right after cannot leave us on a secret nobody wrote down
    await this.#persist(got.secret);
    this.#adopt(got.secret, got.version, "pickup", previous);
    return true;
  }

  async #persist(secret: string): Promise<void> {
    if (!this.#opts.persist) {
      this.#persisted = secret;
      return;
    }
    try {
      await this.#opts.persist(secret);
      this.#persisted = secret;
    } catch (err) {
      // keep going on the new secret in memory; the next check writes it again
      this.#events.emit("failed", { error: err as Error, during: "persist" });
    }
  }

  #adopt(
    secret: string,
    version: number | null,
    source: "pickup" | "file" | "reload",
    previous = this.#version,
  ): void {
    this.#secret = secret;
    this.#version = version;
    if (source !== "pickup") this.#persisted = secret;
    this.#events.emit("rotated", { version, previousVersion: previous, source });
  }

  async #call(method: string, path: string): Promise<unknown> {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), this.#opts.timeoutMs);
    try {
      const res = await this.#fetch(`${this.#opts.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#secret}`, accept: "application/json" },
        signal: ctl.signal,
      });
      const text = await res.text();
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      if (!res.ok) {
        const code = (body as { code?: unknown } | undefined)?.code;
        throw new KeyrollCallError(
          `${method} ${path} answered ${res.status}${typeof code === "string" ? ` ${code}` : ""}`,
          res.status,
          typeof code === "string" ? code : undefined,
        );
      }
      return body;
    } finally {
      clearTimeout(t);
    }
  }

  #nextDelay(): number {
    const j = this.#opts.jitter;
    return Math.round(this.#opts.intervalMs * (1 - j + Math.random() * 2 * j));
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.check(), delayMs);
    (this.#timer as { unref?: () => void }).unref?.();
  }
}

/** A provider that follows rotations by successor pickup (see `RotatingKeyProvider`). */
export function rotatingKey(opts: RotatingKeyOptions): RotatingKeyProvider {
  return new RotatingKeyProvider(opts);
}
