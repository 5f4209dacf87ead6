import type { Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import type { Millis } from "../core/model.js";
import type { NodeRecord, Store } from "../store/types.js";

// Node heartbeats (decision 0018): every server and gateway keeps a row in the store saying where
// it can be reached and how far it applied the change feed, refreshed every few seconds. A row not
// refreshed for three intervals is not live: the incident playbook asks only live nodes.

/** A node as `GET /v1/nodes` lists it. */
export interface NodeView extends NodeRecord {
  /** Refreshed within three heartbeat intervals. */
  readonly live: boolean;
}

/** This node's heartbeat: started once the node listens, stopped (and its row removed) on a clean stop. */
export interface NodeHeartbeat {
  readonly id: string;
  start(address: string): void;
  stop(): Promise<void>;
}

/** Rows not seen for this long are deleted by any node's heartbeat. */
const FORGET_AFTER_MS = 7 * 86_400_000;

/**
 * The heartbeat of one node. `status` reads the verifier's feed position and latest applied
 * revocation at each beat. A failed beat is logged and retried at the next one.
 * @example const hb = createNodeHeartbeat({ store, clock, logger, kind: "server", version: "0.1.0", intervalMs: 2000, status }); hb.start("http://10.0.0.5:8080")
 */
export function createNodeHeartbeat(deps: {
  store: Store;
  clock: Clock;
  logger: Logger;
  kind: "server" | "gateway";
  version: string;
  intervalMs: Millis;
  status: () => { feedSeq: number; lastRevocationAt: number | null };
}): NodeHeartbeat {
  const startedAt = deps.clock.now();
  const id = newId("nod", startedAt);
  let timer: NodeJS.Timeout | undefined;
  let address: string | undefined;
  let beating: Promise<void> | undefined;
  let failing = false;
  let beats = 0;

  const beat = async () => {
    if (address === undefined) return;
    const s = deps.status();
    try {
      await deps.store.nodes.heartbeat({
        id,
        kind: deps.kind,
        address,
        version: deps.version,
        startedAt,
        lastSeenAt: deps.clock.now(),
        feedSeq: s.feedSeq,
        lastRevocationAt: s.lastRevocationAt,
      });
      if (++beats % 1000 === 1) await deps.store.nodes.forgetNodes(deps.clock.now() - FORGET_AFTER_MS);
      if (failing) deps.logger.info({ nodeId: id }, "node heartbeat written again");
      failing = false;
    } catch (err) {
      if (!failing) deps.logger.warn({ nodeId: id, err: (err as Error).message }, "node heartbeat failed");
      failing = true;
    }
  };

  return {
    id,
    start(at) {
      address = at;
      beating = beat();
      timer = setInterval(() => {
        beating = beat();
      }, deps.intervalMs);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await beating;
      if (address === undefined) return;
      address = undefined;
      // gone on purpose: not listed as a node that stopped answering
      await deps.store.nodes.removeNode(id).catch(() => undefined);
    },
  };
}

/** Lists the nodes seen in the last day, live or not. */
export async function listNodes(store: Store, clock: Clock, intervalMs: Millis): Promise<NodeView[]> {
  const now = clock.now();
  const rows = await store.nodes.listNodes(now - 86_400_000);
  return rows.map((n) => ({ ...n, live: n.lastSeenAt >= now - 3 * intervalMs }));
}
