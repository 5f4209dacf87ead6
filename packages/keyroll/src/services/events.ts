import type { KeyRecord, Millis } from "../core/model.js";
import type { Write } from "./commit.js";

// The notification events Keyroll emits, and the one way key services put them in the outbox.

/** Every event type a webhook may subscribe to. See docs/notifications.md for each payload. */
export const EVENT_TYPES = [
  "key.created",
  "key.rotated",
  "key.rolled_back",
  "key.revoked",
  "key.version.expiring",
  "key.version.still_in_use",
  "key.version.retired",
  "key.version.revoked",
  "key.version.activated",
  "key.version.cancelled",
  "key.compromised",
  "alert.raised",
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

/** A time as payloads carry it: ISO 8601 UTC, or null. */
export const iso = (t: Millis | null | undefined): string | null =>
  t === null || t === undefined ? null : new Date(t).toISOString();

/**
 * Records a key event: the payload names the key, its consumer and what the caller adds (versions,
 * times, reasons); never a secret or a digest.
 */
export function keyEvent(w: Write, type: EventType, key: KeyRecord, data: Record<string, unknown>): void {
  w.event(
    type,
    { keyId: key.id, keyName: key.name, consumerId: key.consumerId, ...data },
    { keyId: key.id, consumerId: key.consumerId },
  );
}
