import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import { newId } from "../core/ids.js";
import { type KeyWithVersions, type Millis, type VersionRecord, versionState } from "../core/model.js";
import { nextAttemptAt, parseRetryAfter, signatureHeader } from "../core/webhooks.js";
import type { DueDelivery } from "../store/kysely/webhooks.js";
import { createCommit } from "./commit.js";
import { type ServiceDeps, SYSTEM_ACTOR } from "./deps.js";
import { iso, keyEvent } from "./events.js";
import { type RenderedMail, renderMail } from "./mail.js";
import type { UrlGuard } from "./url-guard.js";

/** Sends one mail; rejects when the SMTP server does not accept it. */
export type SendMail = (to: { address: string; name: string | null }, mail: RenderedMail) => Promise<void>;

/** Reminder offsets before a grace end, by default. */
export const DEFAULT_REMINDER_OFFSETS_MS: readonly Millis[] = [24 * 3_600_000, 3_600_000];
/** At most one `key.version.still_in_use` per version in this long. */
export const STILL_IN_USE_EVERY_MS: Millis = 3_600_000;
/** Deliveries in flight at once, per endpoint and in all: one slow endpoint cannot hold up the others. */
export const PER_ENDPOINT_CONCURRENCY = 4;
export const TOTAL_CONCURRENCY = 32;
/** How long delivered notifications stay listed before they are purged. */
export const DELIVERED_RETENTION_MS: Millis = 7 * 86_400_000;
/** Bytes of a receiver's answer read (and then dropped); more is not waited for. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** What one attempt came to. */
type Outcome =
  | { ok: true; status: number }
  | { ok: false; status: number | null; error: string; retryAfterMs: Millis | null; gone: boolean };

/**
 * The leader's notification work: reminders before grace ends, still-in-use notices, alert notices,
 * and delivering the outbox to webhook endpoints, at least once and in order per key and endpoint.
 */
export function createNotifier(
  deps: ServiceDeps & {
    guard: UrlGuard;
    /** Per-request timeout of a delivery. */
    timeoutMs?: Millis | undefined;
    reminderOffsetsMs?: readonly Millis[] | undefined;
    /** An endpoint failing without a success for this long is disabled and an alert raised. */
    disableAfterMs?: Millis | undefined;
    /** True while this node is the leader; only the leader delivers. */
    isLeader: () => boolean;
    random?: (() => number) | undefined;
    /** Mail to consumers' contacts; absent when SMTP is not configured. */
    sendMail?: SendMail | undefined;
  },
) {
  const { store, clock, logger, guard } = deps;
  const commit = createCommit(deps);
  const timeoutMs = deps.timeoutMs ?? 15_000;
  const offsets = [...(deps.reminderOffsetsMs ?? DEFAULT_REMINDER_OFFSETS_MS)].sort((a, b) => b - a);
  const disableAfterMs = deps.disableAfterMs ?? 5 * 86_400_000;
  const random = deps.random ?? Math.random;
  const inFlight = new Map<string, Promise<void>>();
  const perEndpoint = new Map<string, number>();
  let dispatching: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastPurge = Number.NEGATIVE_INFINITY;
  /** Requests in flight, so a shutdown can cut them (they stay pending and are sent again). */
  const requests = new Set<{ destroy(): void }>();

  /** `key.version.expiring` at each offset before a grace end, once each (marks survive restarts). */
  async function reminders(now: Millis, keys: readonly KeyWithVersions[]): Promise<void> {
    if (offsets.length === 0) return;
    for (const k of keys) {
      if (k.key.revokedAt !== null) continue;
      for (const v of k.versions) {
        if (versionState(v, now) !== "grace" || v.expiresAt === null) continue;
        const start = v.graceStartsAt ?? v.createdAt;
        // an offset whose moment fell before the grace began (a short grace) is never sent
        const due = offsets.filter((o) => now >= v.expiresAt! - o && start < v.expiresAt! - o);
        if (due.length === 0) continue;
        const subjects = due.map((o) => `expiring:${k.key.id}:${v.version}:${v.expiresAt}:${o}`);
        const sent = await store.webhooks.marks(subjects);
        if (subjects.every((s) => sent.has(s))) continue;
        await commit(SYSTEM_ACTOR, async (w) => {
          let fresh = false;
          for (const s of subjects) if (await w.tx.webhooks.markOnce(s, w.now)) fresh = true;
          if (!fresh) return;
          // after a pause, only the nearest reminder goes out, not each one that came due meanwhile
          const active = k.versions.find((x) => versionState(x, now) === "active");
          keyEvent(w, "key.version.expiring", k.key, {
            version: v.version,
            expiresAt: iso(v.expiresAt),
            offsetSeconds: Math.round(due[due.length - 1]! / 1000),
            activeVersion: active?.version ?? null,
            lastUsedAt: iso(v.lastUsedAt),
          });
        });
      }
    }
  }

  /** `key.version.still_in_use`: a version in grace used since its rotation, at most once an hour. */
  async function stillInUse(
    now: Millis,
    keys: readonly KeyWithVersions[],
    lastUsed: (v: VersionRecord) => Millis | null,
  ): Promise<void> {
    for (const k of keys) {
      if (k.key.revokedAt !== null) continue;
      for (const v of k.versions) {
        if (versionState(v, now) !== "grace") continue;
        const used = lastUsed(v);
        const since = v.graceStartsAt ?? v.createdAt;
        if (used === null || used < since) continue;
        const subject = `still_in_use:${k.key.id}:${v.version}`;
        const last = (await store.webhooks.marks([subject])).get(subject);
        if (last !== undefined && (now - last < STILL_IN_USE_EVERY_MS || used <= last)) continue;
        await commit(SYSTEM_ACTOR, async (w) => {
          if (!(await w.tx.webhooks.markAtMostEvery(subject, w.now, STILL_IN_USE_EVERY_MS))) return;
          keyEvent(w, "key.version.still_in_use", k.key, {
            version: v.version,
            lastUsedAt: iso(used),
            expiresAt: iso(v.expiresAt),
          });
        });
      }
    }
  }

  /** `alert.raised` for every alert raised (on any node) that has no notice yet. */
  async function alertNotices(now: Millis): Promise<void> {
    const rows = await store.webhooks.alertsWithoutNotice(now - 24 * 3_600_000, 100);
    if (rows.length === 0) return;
    await commit(SYSTEM_ACTOR, async (w) => {
      for (const a of rows) {
        if (!(await w.tx.webhooks.markOnce(`alert:${a.id}`, w.now))) continue;
        w.event(
          "alert.raised",
          {
            alertId: a.id,
            kind: a.kind,
            keyId: a.key_id,
            consumerId: a.consumer_id,
            version: a.version === null ? null : Number(a.version),
            message: a.message,
            createdAt: iso(Number(a.created_at)),
          },
          { keyId: a.key_id, consumerId: a.consumer_id },
        );
      }
    });
  }

  async function send(d: DueDelivery): Promise<Outcome> {
    const target = new URL(d.webhook.url);
    // a literal address is never looked up, so the guard's lookup does not see it: check it here
    if (isIP(target.hostname.replace(/^\[|\]$/g, "")) !== 0) {
      try {
        await guard.check(target);
      } catch (err) {
        return { ok: false, status: null, error: (err as Error).message, retryAfterMs: null, gone: false };
      }
    }
    const now = clock.now();
    const ts = Math.floor(now / 1000);
    const secrets = [d.webhook.secret];
    if (d.webhook.previousSecret && (d.webhook.previousSecretExpiresAt ?? 0) > now)
      secrets.push(d.webhook.previousSecret);
    const url = new URL(d.webhook.url);
    const body = Buffer.from(d.body, "utf8");
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const done = (o: Outcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        requests.delete(req);
        resolve(o);
      };
      const fail = (error: string, status: number | null = null) =>
        done({ ok: false, status, error, retryAfterMs: null, gone: false });
      const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, {
        method: "POST",
        lookup: guard.lookupFor(url) as never,
        headers: {
          "content-type": "application/json",
          "content-length": String(body.length),
          "user-agent": "Keyroll-Webhooks/1",
          "webhook-id": d.eventId,
          "webhook-timestamp": String(ts),
          "webhook-signature": signatureHeader(secrets, d.eventId, ts, d.body),
        },
        // no keep-alive: each attempt stands alone, and a dead connection is never reused
        agent: false,
      });
      requests.add(req);
      const timer = setTimeout(() => {
        fail(`no answer within ${timeoutMs}ms`);
        req.destroy();
      }, timeoutMs);
      timer.unref();
      req.on("error", (err) => fail(err.message.slice(0, 200)));
      req.on("response", (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        let read = 0;
        const finish = () => {
          if (status >= 200 && status < 300) done({ ok: true, status });
          else
            done({
              ok: false,
              status,
              error: `answered ${status}`,
              retryAfterMs: parseRetryAfter(res.headers["retry-after"] as string | undefined, clock.now()),
              gone: status === 410,
            });
          res.destroy();
        };
        res.on("data", (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) finish();
        });
        res.on("end", finish);
        res.on("error", () => finish());
      });
      req.end(body);
    });
  }

  async function deliver(d: DueDelivery): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await send(d);
    } catch (err) {
      outcome = { ok: false, status: null, error: (err as Error).message, retryAfterMs: null, gone: false };
    }
    // cut by a shutdown: not an attempt of the receiver's, so nothing is recorded and it is sent again
    if (stopped && !outcome.ok) return;
    const now = clock.now();
    const attempts = d.attempts + 1;
    if (outcome.ok) {
      await store.webhooks.recordAttempt(d.id, {
        at: now,
        status: "delivered",
        attempts,
        nextAttemptAt: null,
        lastStatus: outcome.status,
        lastError: null,
      });
      if (d.webhook.failingSince !== null) await store.webhooks.setFailing(d.webhook.id, null);
      return;
    }
    const next = outcome.gone ? null : nextAttemptAt(attempts, now, outcome.retryAfterMs, random());
    await store.webhooks.recordAttempt(d.id, {
      at: now,
      status: next === null ? "failed" : "pending",
      attempts,
      nextAttemptAt: next,
      lastStatus: outcome.status,
      lastError: outcome.error,
    });
    // the URL is not logged: its path may hold a token
    logger.warn(
      { webhookId: d.webhook.id, deliveryId: d.id, attempts, status: outcome.status, error: outcome.error },
      "webhook delivery failed",
    );
    if (outcome.gone) {
      await store.webhooks.disableWebhook(d.webhook.id, "the endpoint answered 410 Gone", now);
      logger.warn({ webhookId: d.webhook.id }, "webhook disabled: the endpoint answered 410 Gone");
      return;
    }
    await store.webhooks.setFailing(d.webhook.id, now);
    const since = d.webhook.failingSince ?? now;
    if (now - since >= disableAfterMs) {
      const days = Math.round((now - since) / 86_400_000);
      await store.webhooks.disableWebhook(d.webhook.id, `failing without a success for ${days} days`, now);
      await store.usage.raiseAlerts([
        {
          id: newId("alr", now),
          kind: "webhook_disabled",
          dedupeKey: `webhook_disabled:${d.webhook.id}`,
          keyId: null,
          consumerId: d.webhook.consumerId,
          version: null,
          address: null,
          message: `webhook ${d.webhook.id} was disabled: its deliveries failed for ${days} days`,
          data: { webhookId: d.webhook.id },
          count: 1,
          at: now,
        },
      ]);
      logger.warn({ webhookId: d.webhook.id }, "webhook disabled after failing for days");
    }
  }

  async function deliverMail(m: Awaited<ReturnType<typeof store.webhooks.dueMails>>[number]): Promise<void> {
    const rendered = renderMail(m.body, m.recipientName);
    const attempts = m.attempts + 1;
    let error: string | null = null;
    if (rendered) {
      try {
        await deps.sendMail!({ address: m.recipient, name: m.recipientName }, rendered);
      } catch (err) {
        error = (err as Error).message.slice(0, 200);
      }
    }
    const now = clock.now();
    const next = error === null ? null : nextAttemptAt(attempts, now, null, random());
    await store.webhooks.recordMailAttempt(m.id, {
      at: now,
      status: error === null ? "delivered" : next === null ? "failed" : "pending",
      attempts,
      nextAttemptAt: next,
      lastError: error,
    });
    // the address is the contact's own: logged by consumer and mail id only
    if (error !== null)
      logger.warn({ consumerId: m.consumerId, mailId: m.id, attempts, error }, "mail failed");
  }

  async function dispatchOnce(): Promise<void> {
    if (stopped || !deps.isLeader()) return;
    if (deps.sendMail) {
      for (const m of await store.webhooks.dueMails(clock.now(), 50)) {
        if (inFlight.size >= TOTAL_CONCURRENCY) break;
        if (inFlight.has(m.id)) continue;
        const p = deliverMail(m)
          .catch((err: Error) => logger.warn({ mailId: m.id, err: err.message }, "recording a mail failed"))
          .finally(() => {
            inFlight.delete(m.id);
          });
        inFlight.set(m.id, p);
      }
    }
    const due = await store.webhooks.dueDeliveries(clock.now(), 200);
    for (const d of due) {
      if (inFlight.size >= TOTAL_CONCURRENCY) break;
      if (inFlight.has(d.id)) continue;
      const n = perEndpoint.get(d.webhook.id) ?? 0;
      if (n >= PER_ENDPOINT_CONCURRENCY) continue;
      perEndpoint.set(d.webhook.id, n + 1);
      const p = deliver(d)
        .catch((err: Error) =>
          logger.warn({ deliveryId: d.id, err: err.message }, "recording a delivery failed"),
        )
        .finally(() => {
          inFlight.delete(d.id);
          perEndpoint.set(d.webhook.id, (perEndpoint.get(d.webhook.id) ?? 1) - 1);
          // the next event of this key may be waiting behind this one
          dispatch();
        });
      inFlight.set(d.id, p);
    }
  }

  /** Starts every due delivery that may start now; returns once they are started, not finished. */
  function dispatch(): Promise<void> {
    if (dispatching) {
      again = true;
      return dispatching;
    }
    dispatching = (async () => {
      do {
        again = false;
        await dispatchOnce();
      } while (again && !stopped);
    })()
      .catch((err: Error) => logger.warn({ err: err.message }, "webhook dispatch failed; retrying"))
      .finally(() => {
        dispatching = null;
      });
    return dispatching;
  }

  return {
    /** Leader, every scheduler tick: reminders, still-in-use and alert notices, then deliveries. */
    async tick(lastUsed: (v: VersionRecord) => Millis | null): Promise<void> {
      const now = clock.now();
      const inGrace = await store.getKeys(await store.usage.keyIdsInGrace(now));
      await reminders(now, inGrace);
      await stillInUse(now, inGrace, lastUsed);
      await alertNotices(now);
      if (now - lastPurge >= 3_600_000) {
        lastPurge = now;
        const purged = await store.webhooks.purgeDelivered(now - DELIVERED_RETENTION_MS);
        if (purged > 0) logger.info({ deliveries: purged }, "delivered notifications purged");
      }
      await dispatch();
    },
    /** After a commit that added events: deliver them now when this node is the leader. */
    wake(): void {
      if (deps.isLeader()) void dispatch();
    },
    dispatch,
    /** Resolves once nothing is being dispatched or delivered (tests, shutdown). */
    async idle(): Promise<void> {
      while (dispatching || inFlight.size > 0) {
        await dispatching;
        await Promise.all([...inFlight.values()]);
      }
    },
    /** Stops starting deliveries, cuts those in flight (they stay pending) and waits for them to settle. */
    async stop(): Promise<void> {
      stopped = true;
      for (const r of requests) r.destroy();
      await this.idle();
    },
  };
}

/** The notifier's interface. */
export type Notifier = ReturnType<typeof createNotifier>;
