import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { KeyWithVersions, Millis } from "../core/model.js";
import { MAX_GRACE_MS, planRotation, type RotationPlan } from "../core/rotation.js";
import {
  assertJobRate,
  bulkSkipReason,
  DEFAULT_JOB_RATE,
  type JobItemState,
  jobBatchSize,
  type KeySelector,
  matchesSelector,
  nextBatchAt,
  type RotationJobState,
  selectorProblem,
} from "../core/rotation-jobs.js";
import type { NewVersionInput } from "../core/rotation-secret.js";
import type { RotationJobItem, RotationJobRecord } from "../store/kysely/rotation-jobs.js";
import { createCommit } from "./commit.js";
import { type Actor, type ServiceDeps, systemActor } from "./deps.js";
import { createKeyPairPool, type KeyPairPool } from "./keypair-pool.js";
import {
  newVersionInput,
  type PreparedRotation,
  type RotationSpec,
  writeRotations,
} from "./rotation-write.js";

export type { RotationJobItem, RotationJobRecord } from "../store/kysely/rotation-jobs.js";

/** Input of a bulk rotation. */
export interface CreateRotationJobInput {
  readonly selector: KeySelector;
  readonly graceMs: Millis;
  /** Keys per second at most (default {@link DEFAULT_JOB_RATE}). */
  readonly rate?: number | undefined;
  readonly reason?: string | undefined;
  /** Skip keys whose clients could not fetch the new secret by successor pickup (default true). */
  readonly requirePickup?: boolean | undefined;
  /** Only say what would be rotated; change nothing. */
  readonly dryRun?: boolean | undefined;
}

/** What a dry run answers: the keys a job would take now, and which of them it would skip. */
export interface RotationJobPreview {
  readonly dryRun: true;
  readonly matched: number;
  /** Selected keys the job would skip when their turn came, per reason. */
  readonly wouldSkip: Record<string, number>;
  /** The first {@link PREVIEW_KEYS} selected keys, in key order. */
  readonly keys: ReadonlyArray<{
    id: string;
    consumerId: string;
    name: string | null;
    version: number | null;
    skip: string | null;
  }>;
  readonly truncated: boolean;
}

/** Keys a dry run lists (it counts them all). */
export const PREVIEW_KEYS = 1000;
/** Keys read per page while a selector is resolved. */
const RESOLVE_PAGE = 1000;
/** The rule the leader's rotations are audited under. */
export const JOB_RULE = "rotation-job";

const FINAL: readonly RotationJobState[] = ["completed", "cancelled"];

/** Bulk rotation jobs: create (or preview), read, pause, resume, cancel. The leader runs them (below). */
export function createRotationJobService(deps: ServiceDeps & { wake?: (() => void) | undefined }) {
  const { store, clock } = deps;
  const commit = createCommit(deps);

  async function resolve(selector: KeySelector, now: Millis): Promise<KeyWithVersions[]> {
    const out: KeyWithVersions[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await store.listKeys({
        consumerId: selector.consumerId,
        state: "active",
        limit: RESOLVE_PAGE,
        after,
      });
      for (const k of page) if (matchesSelector(k, selector, now)) out.push(k);
      if (page.length < RESOLVE_PAGE) return out;
      after = page[page.length - 1]!.key.id;
    }
  }

  async function mustGet(id: string): Promise<RotationJobRecord> {
    const j = await store.rotationJobs.getJob(id);
    if (!j) throw new KeyrollError("ROTATION_JOB_NOT_FOUND", `rotation job ${id} does not exist`);
    return j;
  }

  /** Moves a job between states (audited), or explains why it cannot. */
  async function transition(
    id: string,
    actor: Actor,
    action: "paused" | "resumed" | "cancelled",
  ): Promise<RotationJobRecord> {
    const changed = await commit(actor, async (w) => {
      const j = await w.tx.rotationJobs.getJob(id);
      if (!j) throw new KeyrollError("ROTATION_JOB_NOT_FOUND", `rotation job ${id} does not exist`);
      if (FINAL.includes(j.state))
        throw new KeyrollError("ROTATION_JOB_FINISHED", `rotation job ${id} is ${j.state}`);
      const processed = j.rotated + j.skipped + j.failed;
      let ok: boolean;
      if (action === "paused") {
        if (j.state === "paused") return false;
        ok = await w.tx.rotationJobs.setJobState(id, ["queued", "running"], { state: "paused" }, w.now);
      } else if (action === "resumed") {
        if (j.state !== "paused") return false;
        ok = await w.tx.rotationJobs.setJobState(
          id,
          ["paused"],
          {
            state: j.startedAt === null ? "queued" : "running",
            run: { startedAt: w.now, base: processed },
          },
          w.now,
        );
      } else {
        ok = await w.tx.rotationJobs.setJobState(
          id,
          ["queued", "running", "paused"],
          { state: "cancelled", finishedAt: w.now },
          w.now,
        );
      }
      // the runner completed it in between: its final state stands
      if (!ok) throw new KeyrollError("ROTATION_JOB_FINISHED", `rotation job ${id} just finished`);
      w.audit(`rotation_job.${action}`, id, {
        from: j.state,
        rotated: j.rotated,
        skipped: j.skipped,
        failed: j.failed,
        remaining: j.matched - processed,
      });
      return true;
    });
    if (changed && action === "resumed") deps.wake?.();
    if (changed) deps.logger.info({ jobId: id, action }, "rotation job changed");
    return mustGet(id);
  }

  return {
    /**
     * Resolves the selector to the keys it takes now and stores a job with one pending item per
     * key (the leader starts it); with `dryRun`, only says which keys those are and changes nothing.
     */
    async create(
      input: CreateRotationJobInput,
      actor: Actor,
    ): Promise<RotationJobRecord | RotationJobPreview> {
      const problem = selectorProblem(input.selector);
      if (problem) throw new KeyrollError("VALIDATION_FAILED", problem);
      if (!Number.isInteger(input.graceMs) || input.graceMs < 0 || input.graceMs > MAX_GRACE_MS)
        throw new KeyrollError("INVALID_DURATION", "gracePeriod must be between 0s and 365d");
      const rate = input.rate ?? DEFAULT_JOB_RATE;
      assertJobRate(rate);
      const requirePickup = input.requirePickup ?? true;
      const now = clock.now();
      const keys = await resolve(input.selector, now);
      if (input.dryRun) {
        const wouldSkip: Record<string, number> = {};
        const listed: Array<RotationJobPreview["keys"][number]> = [];
        for (const k of keys) {
          const skip = bulkSkipReason(k, now, requirePickup) ?? null;
          if (skip !== null) wouldSkip[skip] = (wouldSkip[skip] ?? 0) + 1;
          if (listed.length < PREVIEW_KEYS)
            listed.push({
              id: k.key.id,
              consumerId: k.key.consumerId,
              name: k.key.name,
              version: k.versions.find((v) => v.storedState === "active")?.version ?? null,
              skip,
            });
        }
        return {
          dryRun: true,
          matched: keys.length,
          wouldSkip,
          keys: listed,
          truncated: keys.length > listed.length,
        };
      }
      const job = await commit(actor, async (w) => {
        const j: RotationJobRecord = {
          id: newId("job", w.now),
          state: "queued",
          selector: input.selector,
          graceMs: input.graceMs,
          rate,
          requirePickup,
          reason: input.reason ?? null,
          matched: keys.length,
          rotated: 0,
          skipped: 0,
          failed: 0,
          createdBy: actor.keyId,
          createdAt: w.now,
          startedAt: null,
          finishedAt: null,
          updatedAt: w.now,
          runStartedAt: null,
          runBase: 0,
        };
        await w.tx.rotationJobs.insertJob(
          j,
          keys.map((k) => k.key.id),
        );
        w.audit("rotation_job.created", j.id, {
          selector: input.selector,
          matched: j.matched,
          graceMs: j.graceMs,
          rate,
          requirePickup,
          reason: j.reason,
        });
        return j;
      });
      deps.logger.info({ jobId: job.id, matched: job.matched, rate }, "rotation job created");
      deps.wake?.();
      return job;
    },

    get: mustGet,

    list(q: { limit: number; after?: string | undefined; state?: RotationJobState | undefined }) {
      return store.rotationJobs.listJobs(q);
    },

    /** The keys of a job and what became of each, in key order. */
    async items(
      id: string,
      q: { limit: number; after?: string | undefined; state?: JobItemState | undefined },
    ): Promise<RotationJobItem[]> {
      await mustGet(id);
      return store.rotationJobs.listJobItems(id, q);
    },

    /** Stops the job after the batch in progress; idempotent. */
    pause: (id: string, actor: Actor) => transition(id, actor, "paused"),
    /** Goes on where the job stopped; idempotent. */
    resume: (id: string, actor: Actor) => transition(id, actor, "resumed"),
    /** Ends the job for good: keys not yet rotated stay as they are. */
    cancel: (id: string, actor: Actor) => transition(id, actor, "cancelled"),
  };
}

/** The rotation job service's interface. */
export type RotationJobService = ReturnType<typeof createRotationJobService>;

/** A round of a job's keys, in chunks written in parallel, each with its new versions being made. */
interface Round {
  readonly ids: readonly string[];
  readonly chunks: ReadonlyArray<{
    ids: readonly string[];
    ready: Promise<ReadonlyMap<string, PreparedRotation>>;
  }>;
}

type Outcome = {
  keyId: string;
  state: Exclude<JobItemState, "pending">;
  reason: string | null;
  version: number | null;
};

/** How long a batch waits for its new versions from the key pair threads. */
const THREADS_WAIT_MS = 20_000;

/** Errors after which the same batch is simply tried again later. */
const RETRYABLE = new Set(["STORE_BUSY", "STORE_UNAVAILABLE", "SHUTTING_DOWN", "CONCURRENT_MODIFICATION"]);

/**
 * The leader's side of rotation jobs: works through the oldest running (else queued) job, a batch
 * of keys per transaction, paced to the job's rate; each key's rotation and its item's mark commit
 * together, so a crash or a leader change at any point never rotates a key twice (decision 0017).
 */
export function createRotationJobRunner(
  deps: ServiceDeps & {
    isLeader: () => boolean;
    /** How long an idle runner waits before it looks for work again (a new job wakes it at once). */
    idleMs?: number | undefined;
    /** Transactions in flight at once (PostgreSQL commits them in parallel). */
    concurrency?: number | undefined;
    /** Key pair threads that make the batches' new versions (default: one per core, at most 4; 0: none). */
    threads?: number | undefined;
  },
) {
  const { store, clock, logger } = deps;
  const commit = createCommit(deps);
  const actor = systemActor(JOB_RULE);
  const idleMs = deps.idleMs ?? 1_000;
  const concurrency = Math.max(1, deps.concurrency ?? (store.dialect === "postgres" ? 4 : 1));
  let stopped = false;
  let running: Promise<void> | null = null;
  let wakeUp: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  // the batches' secrets, key pairs and sealed boxes are made on these threads (decision 0027)
  const keyPairs: KeyPairPool = createKeyPairPool({ size: deps.threads });

  /** Sleeps up to `ms`, or until woken or stopped. */
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeUp = null;
        resolve();
      };
      wakeUp = done;
      timer = setTimeout(done, Math.max(0, ms));
    });

  /**
   * New versions for the keys of a batch, as the keys are now (checked again under their locks),
   * made on the key pair threads. Never fails: a key without one is made in its transaction.
   */
  async function prepareBatch(
    job: RotationJobRecord,
    ids: readonly string[],
  ): Promise<Map<string, PreparedRotation>> {
    const out = new Map<string, PreparedRotation>();
    try {
      const now = clock.now();
      const inputs: NewVersionInput[] = [];
      for (const k of await store.getKeys(ids)) {
        if (bulkSkipReason(k, now, job.requirePickup) !== undefined) continue;
        try {
          inputs.push(
            newVersionInput(k, planRotation(k.key, k.versions, now, { graceMs: job.graceMs }), now),
          );
        } catch (err) {
          if (!(err instanceof KeyrollError)) throw err;
        }
      }
      // a thread that neither answers nor dies must not hold the job: its keys are made in their
      // transactions instead (the answer, if it comes, is dropped)
      let timer: NodeJS.Timeout | undefined;
      const made = await Promise.race([
        keyPairs.newVersions(inputs),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("the key pair threads did not answer")), THREADS_WAIT_MS);
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
      for (const [i, input] of inputs.entries()) out.set(input.keyId, made[i]!);
    } catch (err) {
      logger.warn(
        { jobId: job.id, err: (err as Error).message },
        "bulk rotation: new versions not made ahead",
      );
    }
    return out;
  }

  /** The next keys of a job (after the key id `after`) with their new versions being made. */
  async function takeRound(job: RotationJobRecord, after?: string): Promise<Round> {
    const round = jobBatchSize(job.rate) * (job.rate >= 2_500 ? concurrency : 1);
    const ids = await store.rotationJobs.pendingKeyIds(job.id, round, after);
    const per = Math.max(1, Math.ceil(ids.length / concurrency));
    const chunks: Array<Round["chunks"][number]> = [];
    for (let i = 0; i < ids.length; i += per) {
      const c = ids.slice(i, i + per);
      chunks.push({ ids: c, ready: prepareBatch(job, c) });
    }
    return { ids, chunks };
  }

  async function rotateBatch(
    job: RotationJobRecord,
    ids: readonly string[],
    ready: ReadonlyMap<string, PreparedRotation> = new Map(),
  ): Promise<Outcome[]> {
    return commit(actor, async (w) => {
      // keys first (in id order: two writers of the same keys cannot deadlock), then which of them
      // are still pending: a second runner on the same batch waits here and then finds them done
      const locked = await w.tx.lockKeys(ids);
      const pending = await w.tx.rotationJobs.pendingAmong(job.id, ids);
      const byId = new Map(locked.map((k) => [k.key.id, k]));
      const out: Outcome[] = [];
      const specs: RotationSpec[] = [];
      const at = new Map<string, number>();
      for (const id of ids) {
        if (!pending.has(id)) continue;
        const k = byId.get(id);
        const skip = bulkSkipReason(k, w.now, job.requirePickup);
        if (skip !== undefined || !k) {
          out.push({ keyId: id, state: "skipped", reason: skip ?? "key_deleted", version: null });
          continue;
        }
        let plan: RotationPlan;
        try {
          plan = planRotation(k.key, k.versions, w.now, { graceMs: job.graceMs });
        } catch (err) {
          if (!(err instanceof KeyrollError)) throw err;
          out.push({ keyId: id, state: "skipped", reason: err.code.toLowerCase(), version: null });
          continue;
        }
        at.set(id, out.length);
        out.push({ keyId: id, state: "rotated", reason: null, version: plan.next.version });
        specs.push({
          k,
          plan,
          seal: true,
          ready: ready.get(id),
          graceMs: job.graceMs,
          reason: job.reason,
          audit: { jobId: job.id },
        });
      }
      // every rotation of the batch in a constant number of statements
      for (const m of await writeRotations(w, specs)) out[at.get(m.key.key.id)!]!.version = m.version;
      await w.tx.rotationJobs.finishItems(job.id, out, w.now);
      return out;
    });
  }

  /** A batch that failed as a whole is retried key by key; a key that fails alone is marked failed. */
  async function isolate(job: RotationJobRecord, ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      try {
        await rotateBatch(job, [id]);
      } catch (err) {
        if (err instanceof KeyrollError && RETRYABLE.has(err.code)) throw err;
        const reason = err instanceof KeyrollError ? err.code : "INTERNAL";
        logger.warn(
          { jobId: job.id, keyId: id, err: (err as Error).message },
          "bulk rotation of a key failed",
        );
        await commit(actor, async (w) => {
          const pending = await w.tx.rotationJobs.pendingAmong(job.id, [id]);
          if (!pending.has(id)) return;
          await w.tx.rotationJobs.finishItems(
            job.id,
            [{ keyId: id, state: "failed", reason, version: null }],
            w.now,
          );
          w.audit("rotation_job.key_failed", job.id, { keyId: id, code: reason });
        });
      }
    }
  }

  async function runChunk(
    job: RotationJobRecord,
    ids: readonly string[],
    ready: Promise<ReadonlyMap<string, PreparedRotation>>,
  ): Promise<void> {
    try {
      await rotateBatch(job, ids, await ready);
    } catch (err) {
      if (err instanceof KeyrollError && RETRYABLE.has(err.code)) throw err;
      logger.warn(
        { jobId: job.id, keys: ids.length, err: (err as Error).message },
        "a bulk rotation batch failed; retrying its keys one by one",
      );
      await isolate(job, ids);
    }
  }

  /** Works on one job until it ends, is paused or cancelled, or this node stops leading. */
  async function runJob(found: RotationJobRecord): Promise<void> {
    const continued = found.state === "running";
    const started = await commit(actor, async (w) => {
      const processed = found.rotated + found.skipped + found.failed;
      const ok = await w.tx.rotationJobs.setJobState(
        found.id,
        [found.state],
        {
          state: "running",
          startedAt: found.startedAt ?? w.now,
          run: { startedAt: w.now, base: processed },
        },
        w.now,
      );
      // a run after a crash or a leader change is recorded too: it explains a pause in the rotations
      if (ok)
        w.audit("rotation_job.started", found.id, {
          continued,
          processed,
          remaining: found.matched - processed,
        });
      return ok;
    });
    if (!started) return;
    logger.info({ jobId: found.id, continued }, "rotation job running");
    const t0 = clock.now();
    let done = 0;
    let backoff = 100;
    // the next round, read and its new versions made while this one is written (never rejects)
    let ahead: Promise<Round | null> | null = null;
    for (;;) {
      if (stopped || !deps.isLeader()) return;
      const job = await store.rotationJobs.getJob(found.id);
      if (job?.state !== "running") return;
      const wait = nextBatchAt(t0, done, job.rate) - clock.now();
      if (wait > 0) {
        // in short naps: a pause or a stop is seen within a second, even at a slow rate
        await nap(Math.min(wait, 1_000));
        continue;
      }
      let cur: Round | null = ahead === null ? null : await ahead;
      ahead = null;
      // a round read ahead that found nothing is read again from the start before the job completes
      if (cur === null || cur.ids.length === 0) cur = await takeRound(job);
      const ids: readonly string[] = cur.ids;
      if (ids.length === 0) {
        await complete(job);
        return;
      }
      ahead = takeRound(job, ids.at(-1)).catch(() => null);
      try {
        await Promise.all(cur.chunks.map((c) => runChunk(job, c.ids, c.ready)));
        backoff = 100;
      } catch (err) {
        // the round's keys are still pending: read again from the start
        ahead = null;
        logger.warn(
          { jobId: job.id, err: (err as Error).message, retryInMs: backoff },
          "bulk rotation waits for the store",
        );
        await nap(backoff);
        backoff = Math.min(backoff * 2, 5_000);
        continue;
      }
      done += ids.length;
    }
  }

  async function complete(job: RotationJobRecord): Promise<void> {
    await commit(actor, async (w) => {
      const j = await w.tx.rotationJobs.getJob(job.id);
      if (j?.state !== "running") return;
      // what this transaction sees is final: no item is pending any more
      if ((await w.tx.rotationJobs.pendingKeyIds(job.id, 1)).length > 0) return;
      await w.tx.rotationJobs.setJobState(
        job.id,
        ["running"],
        { state: "completed", finishedAt: w.now },
        w.now,
      );
      w.audit("rotation_job.completed", job.id, { rotated: j.rotated, skipped: j.skipped, failed: j.failed });
    });
    logger.info({ jobId: job.id }, "rotation job completed");
  }

  async function loop(): Promise<void> {
    while (!stopped) {
      try {
        if (!deps.isLeader()) {
          await nap(idleMs);
          continue;
        }
        const job = await store.rotationJobs.nextRunnableJob();
        if (!job) {
          await nap(idleMs);
          continue;
        }
        await runJob(job);
      } catch (err) {
        logger.warn({ err: (err as Error).message }, "rotation job work failed; retrying");
        await nap(idleMs);
      }
    }
  }

  return {
    start(): void {
      running ??= loop();
    },
    /** Looks for work at once (a job was created or resumed). */
    wake(): void {
      wakeUp?.();
    },
    /** Stops after the transaction in progress. */
    async stop(): Promise<void> {
      stopped = true;
      wakeUp?.();
      await running;
      await keyPairs.close();
    },
  };
}

/** The rotation job runner's interface. */
export type RotationJobRunner = ReturnType<typeof createRotationJobRunner>;
