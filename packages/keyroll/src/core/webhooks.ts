import { createHmac, randomBytes } from "node:crypto";
import type { Millis } from "./model.js";

// Standard Webhooks (https://www.standardwebhooks.com): secrets, signatures, and the retry schedule.
// Pure but for the random bytes of a new secret.

/** A new signing secret: `whsec_` and the base64 of 32 random bytes (the spec asks for 24 to 64). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64")}`;
}

/** True for a string `newWebhookSecret` could have made. */
export function isWebhookSecret(s: string): boolean {
  return /^whsec_[A-Za-z0-9+/]{43}=$/.test(s);
}

/**
 * One Standard Webhooks signature: `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body`, keyed
 * with the secret's base64 part decoded.
 * @example signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
 */
export function signWebhook(secret: string, id: string, timestampSec: number, body: string): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestampSec}.${body}`).digest("base64");
  return `v1,${mac}`;
}

/** The `webhook-signature` header: one signature per secret, space-separated (two during an overlap). */
export function signatureHeader(
  secrets: readonly string[],
  id: string,
  timestampSec: number,
  body: string,
): string {
  return secrets.map((s) => signWebhook(s, id, timestampSec, body)).join(" ");
}

/**
 * When each attempt is made, after the event: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
 * 10 h after the previous failure (the Standard Webhooks schedule). After the last, the delivery failed.
 */
export const RETRY_SCHEDULE_MS: readonly Millis[] = [
  0,
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Jitter added to a retry delay: up to this share of it, never earlier than the schedule. */
export const RETRY_JITTER = 0.1;
/** A `Retry-After` longer than this is cut to it. */
export const MAX_RETRY_AFTER_MS: Millis = 24 * 3_600_000;

/**
 * When the next attempt is due after `attempts` failed ones, or null when the schedule is spent.
 * A receiver's `Retry-After` moves it later, never earlier. `random` is in [0, 1).
 */
export function nextAttemptAt(
  attempts: number,
  now: Millis,
  retryAfterMs: Millis | null,
  random: number,
): Millis | null {
  if (attempts >= RETRY_SCHEDULE_MS.length) return null;
  const base = RETRY_SCHEDULE_MS[attempts]!;
  const delay = Math.round(base * (1 + RETRY_JITTER * random));
  return now + Math.max(delay, Math.min(retryAfterMs ?? 0, MAX_RETRY_AFTER_MS));
}

/** A `Retry-After` header (seconds, or an HTTP date) as a delay from `now`; null when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now: Millis): Millis | null {
  if (header === undefined) return null;
  const v = header.trim();
  if (/^\d{1,10}$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
