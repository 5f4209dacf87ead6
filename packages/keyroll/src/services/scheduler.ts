import type { Millis, VersionRecord } from "../core/model.js";
import type { LeaderLock } from "../store/types.js";
import type { ServiceDeps } from "./deps.js";
import { IDEMPOTENCY_TTL_MS } from "./idempotency.js";
import type { KeyService } from "./keys.js";
import type { Notifier } from "./notifier.js";
import type { UsageService } from "./usage.js";

/** How far ahead of a grace end the leader decides on extending it. */
export const EXTENSION_LOOKAHEAD_MS = 30_000;
/** How often the leader looks for spikes and rolls usage up. */
export const SLOW_TASK_INTERVAL_MS = 60_000;

/**
 * Background work, run by one leader at a time:
 * - every tick: bring stored version states in line with the time (scheduled activations, grace
 *   ends), run the rotations that rotation policies make due, and apply traffic policies (retire
 *   when unused, extend while in use);
 * - every minute: detect request and rejection spikes, roll old minute buckets up into hours.
 * Verification never waits for it: decisions follow the time by themselves.
 */
export function createScheduler(
  deps: ServiceDeps & {
    keys: KeyService;
    usage: UsageService;
    lock: LeaderLock;
    /** The freshest last use this node knows of a version (flushed or not). */
    lastUsedAt: (digest: string) => Millis | null;
    intervalMs?: number | undefined;
    retentionMs?: number | undefined;
    /** Reminders, notices and webhook delivery. */
    notifier?: Notifier | undefined;
    /** Rotation policies: the rotations due now (services/policies.ts). */
    policies?: { runDue(): Promise<number> } | undefined;
  },
) {
  const intervalMs = deps.intervalMs ?? 1_000;
  const retentionMs = deps.retentionMs ?? 7 * 86_400_000;
  let timer: NodeJS.Timeout | undefined;
  let leader = false;
  let running: Promise<void> | null = null;
  let stopped = false;
  let lastSlow = Number.NEGATIVE_INFINITY;

  const lastUsed = (v: VersionRecord): Millis | null =>
    Math.max(v.lastUsedAt ?? 0, deps.lastUsedAt(v.digest) ?? 0) || null;

  async function tick(): Promise<void> {
    const was = leader;
    leader = await deps.lock.tryAcquire().catch(() => false);
    if (leader !== was)
      deps.logger.info({ leader }, leader ? "this node is the leader" : "this node is no longer the leader");
    if (!leader) return;
    // feed and audit rows of a writer that died between its commit and its link (decision 0012)
    await deps.store.link();
    const now = deps.clock.now();
    for (const id of await deps.store.dueKeyIds(now, 500)) await deps.keys.settleKey(id);
    await deps.policies?.runDue();
    for (const id of await deps.store.usage.trafficPolicyKeyIds(now, 500)) {
      await deps.keys.applyTrafficPolicies(id, lastUsed, Math.max(EXTENSION_LOOKAHEAD_MS, 2 * intervalMs));
    }
    // notifications fail on their own: the work around them goes on
    await deps.notifier
      ?.tick(lastUsed)
      .catch((err: Error) => deps.logger.warn({ err: err.message }, "notification work failed; retrying"));
    if (now - lastSlow >= SLOW_TASK_INTERVAL_MS) {
      lastSlow = now;
      await deps.usage.detectSpikes();
      const rolled = await deps.usage.rollUp(retentionMs);
      if (rolled > 0) deps.logger.info({ rows: rolled }, "usage minutes rolled up into hours");
      // a sealed secret is kept no longer than its Idempotency-Key can replay it
      const purged = await deps.store.purgeIdempotency(now - IDEMPOTENCY_TTL_MS);
      if (purged > 0) deps.logger.info({ records: purged }, "expired idempotency records purged");
    }
  }

  function runOnce(): Promise<void> {
    if (running) return running;
    running = tick()
      .catch((err: Error) => deps.logger.warn({ err: err.message }, "background work failed; retrying"))
      .finally(() => {
        running = null;
      });
    return running;
  }

  function loop(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void runOnce().finally(loop);
    }, intervalMs);
    timer.unref();
  }

  return {
    /** Starts ticking; the first tick runs at once, so a single node is leader from the start. */
    start(): void {
      // started late (after a background load) by a node that is already stopping: nothing to do
      if (stopped) return;
      // a leader that stops cleanly says so: try at once (after a tick in progress, which may have
      // tried just before the release) rather than up to an interval later
      deps.lock.onReleased?.(() => {
        void (running ?? Promise.resolve()).then(() => (stopped ? undefined : runOnce()));
      });
      void runOnce().finally(loop);
    },
    /** Runs one tick now (tests drive the scheduler with an injected clock this way). */
    runOnce,
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      if (running) await running;
      await deps.lock.release();
      leader = false;
    },
    isLeader: () => leader,
  };
}

/** The scheduler's interface. */
export type Scheduler = ReturnType<typeof createScheduler>;
