// Test support: every key rotated under steady load through a gateway (keyroll gateway, nginx,
// Caddy), with clients that switch to their new secret during grace. Shared by
// gateway-process.test.ts and proxies.test.ts.
import assert from "node:assert/strict";
import type { Seen } from "./proxies.js";

/** What one request through the gateway gave: status and body (the sample upstream's `Seen`). */
export interface Answer {
  readonly status: number;
  readonly text: string;
}

export interface RotationLoad {
  /** The keys, each with its first secret. */
  readonly keys: ReadonlyArray<{ id: string; secret: string }>;
  /** One request through the gateway with `secret` (client `i`); a transport error rejects. */
  send(secret: string, i: number): Promise<Answer>;
  /** Rotates a key (with a grace period); resolves with the new secret once committed. */
  rotate(keyId: string): Promise<string>;
  /** Ends the old version's grace (revokes version 1). */
  revokeOld(keyId: string): Promise<void>;
  /** Old-version requests each client makes after its key's rotation before it switches. */
  readonly inGrace?: number;
}

/**
 * Runs the load and asserts: zero failed requests; for every key, requests with the old secret
 * sent after its rotation had committed passed as version 1 (grace), then the client switched and
 * passed as version 2; once the old versions are revoked, the old secrets are refused (401)
 * through the gateway. Switching is driven by what each client saw, not by timers, so a slow
 * machine makes the run longer, not flaky.
 */
export async function rotateEveryKeyUnderLoad(opts: RotationLoad): Promise<{ ok: number }> {
  const inGrace = opts.inGrace ?? 3;
  const n = opts.keys.length;
  const current = opts.keys.map((k) => k.secret);
  const next: Array<string | undefined> = opts.keys.map(() => undefined);
  const graceHits = opts.keys.map(() => 0);
  const newHits = opts.keys.map(() => 0);
  const failures: string[] = [];
  let ok = 0;
  let stop = false;
  const versionOf = (a: Answer) => String((JSON.parse(a.text) as Seen).headers["x-keyroll-key-version"]);

  const client = async (i: number) => {
    while (!stop) {
      const secret = current[i]!;
      // the rotation had committed before this request was sent
      const afterRotation = next[i] !== undefined;
      const a = await opts.send(secret, i).catch((e: Error) => ({ status: 0, text: e.message }));
      if (a.status !== 200) {
        failures.push(`client ${i}: ${a.status} ${a.text.slice(0, 200)}`);
        continue;
      }
      ok++;
      const version = versionOf(a);
      const old = secret === opts.keys[i]!.secret;
      if (version !== (old ? "1" : "2")) failures.push(`client ${i}: version ${version} upstream`);
      else if (!old) newHits[i]!++;
      else if (afterRotation && ++graceHits[i]! >= inGrace) current[i] = next[i]!; // switch during grace
    }
  };
  const clients = opts.keys.map((_, i) => client(i));
  const until = async (what: string, done: () => boolean) => {
    const deadline = Date.now() + 60_000;
    while (!done()) {
      if (Date.now() > deadline || failures.length > 0) {
        stop = true;
        await Promise.all(clients);
        assert.fail(`${what}; failures: ${JSON.stringify(failures.slice(0, 10))}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  await until("steady load before the rotations", () => ok >= 4 * n);
  for (const [i, k] of opts.keys.entries()) next[i] = await opts.rotate(k.id);
  // every client used its old secret in grace, switched, and passed with the new one
  await until("every client switched during grace", () => newHits.every((h) => h >= inGrace));
  for (const k of opts.keys) await opts.revokeOld(k.id);
  const later = ok;
  await until("load after the revocations", () => ok >= later + 2 * n);
  stop = true;
  await Promise.all(clients);
  assert.deepEqual(failures, []);
  assert.ok(
    graceHits.every((h) => h >= inGrace),
    `old secrets passed in grace: ${graceHits.join(", ")}`,
  );
  // the revocations reached the gateway: the old secrets no longer pass
  for (const [i, k] of opts.keys.entries()) {
    let a: Answer = { status: 0, text: "" };
    for (let t = 0; t < 250; t++) {
      a = await opts.send(k.secret, i);
      if (a.status === 401) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(a.status, 401, `the revoked old secret of ${k.id} is refused: ${a.text.slice(0, 200)}`);
  }
  return { ok };
}
