import { formatDuration } from "./duration.js";
import { type Millis, type VersionRecord, versionState } from "./model.js";
import type { VersionPatch } from "./rotation.js";

/** A version used within this window is "in use" (rotation progress, extensions, safe-to-retire). */
export const IN_USE_WINDOW_MS = 15 * 60_000;

/** One automatic decision about a version in grace, with its reason (for the audit log). */
export interface TrafficEvent {
  readonly version: number;
  readonly action: "retired" | "extended";
  readonly reason: string;
  readonly expiresAt: { readonly from: Millis | null; readonly to: Millis };
}

/**
 * Applies the traffic policies of a key's versions in grace, given when each version was last used
 * (freshest known, across nodes):
 * - `retireWhenUnusedMs`: once the active version has been used since it activated and the version
 *   in grace has seen no traffic for that long, it retires now;
 * - `extendMaxAt`/`extendStepMs`: a grace that ends within `lookaheadMs` while the version is still
 *   in use (used within `IN_USE_WINDOW_MS`) is extended by one step, never past `extendMaxAt`.
 * Otherwise the end of grace is a hard limit. Pure.
 */
export function planTrafficPolicies(
  versions: readonly VersionRecord[],
  now: Millis,
  lastUsed: (v: VersionRecord) => Millis | null,
  lookaheadMs: Millis,
): { patches: VersionPatch[]; events: TrafficEvent[] } {
  const patches: VersionPatch[] = [];
  const events: TrafficEvent[] = [];
  const active = versions.find((v) => versionState(v, now) === "active");
  const activeUsed = active ? lastUsed(active) : null;
  for (const v of versions) {
    if (versionState(v, now) !== "grace" || v.expiresAt === null) continue;
    const used = lastUsed(v);
    if (
      v.retireWhenUnusedMs !== null &&
      active !== undefined &&
      activeUsed !== null &&
      activeUsed >= active.activatesAt &&
      (used === null || now - used >= v.retireWhenUnusedMs)
    ) {
      const reason = `unused for ${formatDuration(v.retireWhenUnusedMs)} while version ${active.version} is in use`;
      patches.push({ version: v.version, expiresAt: now, retiredReason: reason, storedState: "expired" });
      events.push({
        version: v.version,
        action: "retired",
        reason,
        expiresAt: { from: v.expiresAt, to: now },
      });
      continue;
    }
    if (
      v.extendMaxAt !== null &&
      v.extendStepMs !== null &&
      v.expiresAt < v.extendMaxAt &&
      v.expiresAt - now <= lookaheadMs &&
      used !== null &&
      now - used <= IN_USE_WINDOW_MS
    ) {
      const to = Math.min(v.expiresAt + v.extendStepMs, v.extendMaxAt);
      const reason = `still in use (last used ${Math.round((now - used) / 1000)}s ago); extended by ${formatDuration(to - v.expiresAt)}`;
      patches.push({ version: v.version, expiresAt: to, retiredReason: null, storedState: "grace" });
      events.push({ version: v.version, action: "extended", reason, expiresAt: { from: v.expiresAt, to } });
    }
  }
  return { patches, events };
}
