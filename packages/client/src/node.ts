// Node-only parts of @keyroll/client: a key file provider and the atomic key file writer.
import { randomBytes } from "node:crypto";
import { readFileSync, unwatchFile, watchFile } from "node:fs";
import { open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { StaticKeyProvider } from "./provider.js";
import { type RotatingKeyOptions, type RotatingKeyProvider, rotatingKey } from "./rotating.js";

export * from "./index.js";
export {
  createVerifier,
  type InProcessVerifier,
  StaleIndexError,
  type VerifierOptions,
} from "./verifier.js";

const TOKEN_RE = /^[\x21-\x7e]{1,4096}$/;

function readToken(path: string): string | undefined {
  const text = readFileSync(path, "utf8").trim();
  return TOKEN_RE.test(text) ? text : undefined;
}

/**
 * Writes a secret to `path` so that no reader ever sees a half-written file: a temporary file in
 * the same directory (mode 0600), fsynced, then renamed over `path`, then the directory fsynced.
 * @example await writeKeyFile("/run/secrets/orders.key", secret);
 */
export async function writeKeyFile(path: string, secret: string, mode = 0o600): Promise<void> {
  if (!TOKEN_RE.test(secret)) throw new Error("refusing to write something that is not a key");
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const fh = await open(tmp, "wx", mode);
  try {
    await fh.writeFile(`${secret}\n`);
    await fh.chmod(mode); // the umask may have narrowed or widened it
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const d = await open(dir, "r").catch(() => undefined);
  await d?.sync().catch(() => undefined);
  await d?.close();
}

/** A provider that reads its secret from a file. */
export class FileKeyProvider extends StaticKeyProvider {
  readonly #path: string;
  readonly #settleMs: number;

  constructor(path: string, opts: { pollMs?: number; settleMs?: number } = {}) {
    const first = readToken(path);
    if (first === undefined) throw new Error(`${path} holds no key`);
    super(first);
    this.#path = path;
    this.#settleMs = opts.settleMs ?? 50;
    // stat polling sees a rename over the file (how writeKeyFile and most tools replace it)
    watchFile(path, { interval: opts.pollMs ?? 1000, persistent: false }, () => void this.reload());
  }

  /**
   * Reads the file again. A writer that does not replace the file atomically could be caught half
   * way: the content is taken only when two reads `settleMs` apart agree and it is one token.
   */
  override async reload(): Promise<string> {
    try {
      const a = readToken(this.#path);
      await new Promise((r) => setTimeout(r, this.#settleMs));
      const b = readToken(this.#path);
      if (a !== undefined && a === b && a !== this.secret) {
        this.secret = a;
        this.events.emit("rotated", { version: null, previousVersion: null, source: "file" });
      }
    } catch (err) {
      this.events.emit("failed", { error: err as Error, during: "read" });
    }
    return this.secret;
  }

  override close(): void {
    unwatchFile(this.#path);
  }
}

/**
 * The secret in a file, re-read when the file changes (never a half-written one).
 * @example const key = fileKey("/run/secrets/orders.key");
 */
export function fileKey(path: string, opts: { pollMs?: number; settleMs?: number } = {}): FileKeyProvider {
  return new FileKeyProvider(path, opts);
}

/**
 * A rotating provider backed by a key file: starts from the file, follows it when another process
 * changes it, and writes each picked-up successor back to it atomically (mode 0600).
 * @example const key = rotatingFileKey({ url: "https://keys.example.com", path: "/run/secrets/orders.key" });
 */
export function rotatingFileKey(
  opts: Omit<RotatingKeyOptions, "key" | "persist"> & { path: string; pollMs?: number },
): RotatingKeyProvider {
  const file = fileKey(opts.path, opts.pollMs === undefined ? {} : { pollMs: opts.pollMs });
  const p = rotatingKey({ ...opts, key: file, persist: (s) => writeKeyFile(opts.path, s) });
  const close = p.close.bind(p);
  p.close = () => {
    close();
    file.close();
  };
  return p;
}
