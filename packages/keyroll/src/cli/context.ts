import type { ServeFn } from "./serve.js";

/** Environment variables, as `process.env` holds them. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Where a command writes; `process.stdout` and `process.stderr` fit. */
export interface Output {
  write(chunk: string): unknown;
}

/** The `fetch` function the client commands use (Node's global `fetch` fits). */
export type FetchFn = typeof fetch;

/**
 * Everything the CLI needs from the outside world. Only `cli/index.ts` builds it from `process`,
 * so every command can be run in a test with fake streams and a local server.
 */
export interface CliDeps {
  env: Env;
  stdout: Output;
  stderr: Output;
  fetch: FetchFn;
  /** Reads all of standard input; used by `--secret-stdin` and `verify --stdin`. */
  readStdin?: () => Promise<string>;
  /** Starts the server for `keyroll serve`; defaults to `runServe` of the composition root. */
  serve?: ServeFn;
  /** Makes the `Idempotency-Key` of a rotation when the user gave none. */
  randomUUID?: () => string;
  /** The package version, shown by `keyroll --version` and sent in `User-Agent`. */
  version?: string;
  /** How long to wait for the server before giving up; 30 s by default. */
  timeoutMs?: number;
  /** Resolves with the signal's name when the process is asked to stop (`keyroll agent`). */
  untilStopped?: () => Promise<string>;
}
