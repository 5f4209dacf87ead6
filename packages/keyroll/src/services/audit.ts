import {
  AuditChainVerifier,
  type AuditCheckpoint,
  type AuditEntry,
  type AuditSigner,
  type AuditVerification,
  loadAuditPublicKey,
  signCheckpoint,
} from "../core/audit.js";
import type { AuditQuery } from "../store/types.js";
import type { ServiceDeps } from "./deps.js";

/** How many entries a verification reads per page. */
const VERIFY_PAGE = 1_000;

/**
 * The audit log's use cases: read it (filtered, in pages), verify the whole chain and its signed
 * checkpoints, sign a checkpoint of the current head. Entries themselves are written by every
 * mutation through `commit` (services/commit.ts), never here.
 */
export function createAuditService(
  deps: Pick<ServiceDeps, "store" | "clock" | "logger"> & {
    /** The checkpoint signing key; without one no checkpoint is signed (see docs/audit.md). */
    signer?: AuditSigner | undefined;
  },
) {
  const { store, clock, signer } = deps;
  const publicKey = signer ? loadAuditPublicKey(signer.publicKeyPem).key : undefined;

  return {
    /** Whether checkpoints are signed on this node. */
    signing: signer !== undefined,

    /** Entries matching `q`, oldest first. */
    list(q: AuditQuery): Promise<AuditEntry[]> {
      return store.listAudit(q);
    },

    /** Checkpoints after `afterSeq`, oldest first. */
    checkpoints(afterSeq: number, limit: number): Promise<AuditCheckpoint[]> {
      return store.listAuditCheckpoints(afterSeq, limit);
    },

    /** The public half of the signing key, or undefined when checkpoints are off. */
    publicKey(): { algorithm: "Ed25519"; keyId: string; publicKey: string } | undefined {
      return signer
        ? { algorithm: "Ed25519", keyId: signer.keyId, publicKey: signer.publicKeyPem }
        : undefined;
    },

    /**
     * Reads the whole chain and every checkpoint and checks them (see `AuditChainVerifier`).
     * `pending` counts the entries not linked yet: unlinked rows of the log, and on PostgreSQL the
     * entries committed but still queued for the linker (read after the chain; a link in between
     * may leave one out of both counts, never a cause for `valid: false`).
     */
    async verify(): Promise<AuditVerification> {
      const v = new AuditChainVerifier(publicKey);
      let after = 0;
      for (;;) {
        const page = await store.listAudit({ afterSeq: after, limit: VERIFY_PAGE });
        for (const e of page) v.add(e);
        if (page.length < VERIFY_PAGE) break;
        after = page.at(-1)!.seq;
      }
      const cps: AuditCheckpoint[] = [];
      let cpAfter = 0;
      for (;;) {
        const page = await store.listAuditCheckpoints(cpAfter, VERIFY_PAGE);
        cps.push(...page);
        if (page.length < VERIFY_PAGE) break;
        cpAfter = page.at(-1)!.seq;
      }
      const result = v.finish(cps);
      const queued = (await store.queuedAudit?.()) ?? 0;
      return queued === 0 ? result : { ...result, pending: result.pending + queued };
    },

    /**
     * Signs a checkpoint of the chain head if it moved since the last one; returns it (or
     * undefined when nothing moved or signing is off). Safe on several nodes at once: one
     * checkpoint per seq is kept.
     */
    async checkpoint(): Promise<AuditCheckpoint | undefined> {
      if (!signer) return undefined;
      const head = await store.auditHead();
      if (!head) return undefined;
      const last = (await store.listAuditCheckpoints(head.seq - 1, 1))[0];
      if (last && last.seq === head.seq) return undefined;
      const c = signCheckpoint(signer, head, clock.now());
      await store.putAuditCheckpoint(c);
      return c;
    },

    /**
     * Signs a checkpoint every `intervalMs` while `isLeader()` says so; returns a stop function
     * that signs a last one (so a clean shutdown leaves no tail unsigned).
     */
    startCheckpoints(intervalMs: number, isLeader: () => boolean): () => Promise<void> {
      if (!signer) return async () => undefined;
      let running: Promise<unknown> = Promise.resolve();
      const tick = () => {
        if (!isLeader()) return;
        running = this.checkpoint().catch((err: Error) =>
          deps.logger.warn({ err: err.message }, "audit checkpoint failed; retrying at the next interval"),
        );
      };
      const timer = setInterval(tick, intervalMs);
      timer.unref();
      return async () => {
        clearInterval(timer);
        await running;
        if (isLeader()) await this.checkpoint().catch(() => undefined);
      };
    },
  };
}

/** The audit service's interface. */
export type AuditService = ReturnType<typeof createAuditService>;
