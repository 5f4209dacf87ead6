import type { LeaderLock } from "../store/types.js";
import type { ServiceDeps } from "./deps.js";
import type { KeyService } from "./keys.js";

/**
 * Background work, run by one leader at a time: brings stored version states in line with the time
 * (scheduled activations, grace ends), writing an audit entry for each. Verification never waits
 * for it: decisions follow the time by themselves. Later: webhooks, reminders, scheduled rotations.
 */
export function createScheduler(
  deps: ServiceDeps & { keys: KeyService; lock: LeaderLock; intervalMs?: number },
) {
  const intervalMs = deps.intervalMs ?? 1_000;
  let timer: NodeJS.Timeout | undefined;
  let leader = false;
  let running = false;
  let stopped = false;

  async function tick(): Promise<void> {
    const was = leader;
    leader = await deps.lock.tryAcquire().catch(() => false);
    if (leader !== was)
      deps.logger.info({ leader }, leader ? "this node is the leader" : "this node is no longer the leader");
    if (!leader) return;
    const due = await deps.store.dueKeyIds(deps.clock.now(), 500);
    for (const id of due) await deps.keys.settleKey(id);
  }

  return {
    start(): void {
      const loop = () => {
        if (stopped) return;
        timer = setTimeout(() => {
          if (running) return loop();
          running = true;
          tick()
            .catch((err: Error) => deps.logger.warn({ err: err.message }, "background work failed; retrying"))
            .finally(() => {
              running = false;
              loop();
            });
        }, intervalMs);
        timer.unref();
      };
      // first try at once, so a single node is leader from the start
      running = true;
      tick()
        .catch((err: Error) => deps.logger.warn({ err: err.message }, "background work failed; retrying"))
        .finally(() => {
          running = false;
          loop();
        });
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await deps.lock.release();
      leader = false;
    },
    isLeader: () => leader,
  };
}

/** The scheduler's interface. */
export type Scheduler = ReturnType<typeof createScheduler>;
