import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { Millis } from "../core/model.js";
import { newWebhookSecret } from "../core/webhooks.js";
import type { DeliveryRecord, DeliveryStatus, WebhookRecord } from "../store/kysely/webhooks.js";
import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import { EVENT_TYPES } from "./events.js";
import type { UrlGuard } from "./url-guard.js";

export type { DeliveryRecord, WebhookRecord } from "../store/kysely/webhooks.js";

/** Longest overlap of two signing secrets after a rotation. */
export const MAX_SECRET_OVERLAP_MS: Millis = 30 * 86_400_000;

/** Input of `create`. */
export interface CreateWebhookInput {
  url: string;
  events: string[];
  consumerId?: string | null | undefined;
  enabled?: boolean | undefined;
  description?: string | null | undefined;
}

/** Use cases on webhook endpoints: create, read, update, delete, rotate the secret, deliveries. */
export function createWebhookService(deps: ServiceDeps & { guard: UrlGuard; wake?: () => void }) {
  const { store, clock, guard } = deps;
  const commit = createCommit(deps);

  function checkEvents(events: readonly string[]): string[] {
    const unknown = events.filter((e) => !(EVENT_TYPES as readonly string[]).includes(e));
    if (unknown.length > 0) {
      throw new KeyrollError(
        "UNKNOWN_EVENT_TYPE",
        `unknown event type ${unknown.map((u) => JSON.stringify(u)).join(", ")}; known: ${EVENT_TYPES.join(", ")}`,
      );
    }
    return [...new Set(events)];
  }

  async function checkUrl(raw: string): Promise<string> {
    const u = guard.parse(raw);
    await guard.check(u);
    return u.toString();
  }

  async function mustGet(id: string): Promise<WebhookRecord> {
    const w = await store.webhooks.getWebhook(id);
    if (!w) throw new KeyrollError("WEBHOOK_NOT_FOUND", `webhook ${id} does not exist`);
    return w;
  }

  async function checkConsumer(id: string): Promise<void> {
    const c = await store.getConsumer(id);
    if (!c || c.deletedAt !== null)
      throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${id} does not exist`);
  }

  return {
    /** Creates an endpoint; the answer carries its signing secret, shown this once. */
    async create(
      input: CreateWebhookInput,
      actor: Actor,
    ): Promise<{ webhook: WebhookRecord; secret: string }> {
      const events = checkEvents(input.events);
      const url = await checkUrl(input.url);
      if (input.consumerId) await checkConsumer(input.consumerId);
      const secret = newWebhookSecret();
      const webhook = await commit(actor, async (w) => {
        const rec: WebhookRecord = {
          id: newId("whk", w.now),
          url,
          events,
          consumerId: input.consumerId ?? null,
          enabled: input.enabled ?? true,
          description: input.description ?? null,
          secret,
          previousSecret: null,
          previousSecretExpiresAt: null,
          disabledReason: null,
          failingSince: null,
          createdAt: w.now,
          updatedAt: w.now,
        };
        await w.tx.webhooks.insertWebhook(rec);
        // the URL may carry a token in its path: the audit names the host only
        w.audit("webhook.created", rec.id, { host: new URL(url).host, events, consumerId: rec.consumerId });
        return rec;
      });
      deps.logger.info({ webhookId: webhook.id }, "webhook created");
      return { webhook, secret };
    },

    get: mustGet,

    async list(q: { limit: number; after?: string | undefined; consumerId?: string | undefined }) {
      return store.webhooks.listWebhooks(q);
    },

    async update(
      id: string,
      patch: {
        url?: string | undefined;
        events?: string[] | undefined;
        consumerId?: string | null | undefined;
        enabled?: boolean | undefined;
        description?: string | null | undefined;
      },
      actor: Actor,
    ): Promise<WebhookRecord> {
      await mustGet(id);
      const events = patch.events === undefined ? undefined : checkEvents(patch.events);
      const url = patch.url === undefined ? undefined : await checkUrl(patch.url);
      if (patch.consumerId) await checkConsumer(patch.consumerId);
      await commit(actor, async (w) => {
        await w.tx.webhooks.updateWebhook(
          id,
          {
            url,
            events,
            consumerId: patch.consumerId,
            enabled: patch.enabled,
            description: patch.description,
            // enabling again clears why it was disabled and starts its failure count afresh
            ...(patch.enabled === true ? { disabledReason: null, failingSince: null } : {}),
          },
          w.now,
        );
        w.audit("webhook.updated", id, {
          fields: Object.keys(patch).filter((f) => patch[f as keyof typeof patch] !== undefined),
        });
      });
      if (patch.enabled === true) deps.wake?.();
      return mustGet(id);
    },

    async remove(id: string, actor: Actor): Promise<{ id: string; deleted: true }> {
      await mustGet(id);
      await commit(actor, async (w) => {
        await w.tx.webhooks.deleteWebhook(id, w.now);
        w.audit("webhook.deleted", id, {});
      });
      return { id, deleted: true };
    },

    /**
     * Makes a new signing secret; the previous one keeps signing beside it for `overlapMs`, so a
     * receiver can switch without a gap. The new secret is shown this once.
     */
    async rotateSecret(
      id: string,
      overlapMs: Millis,
      actor: Actor,
    ): Promise<{ webhook: WebhookRecord; secret: string }> {
      if (overlapMs > MAX_SECRET_OVERLAP_MS)
        throw new KeyrollError("INVALID_DURATION", "overlap must be at most 30d");
      const current = await mustGet(id);
      const secret = newWebhookSecret();
      await commit(actor, async (w) => {
        await w.tx.webhooks.updateWebhook(
          id,
          {
            secret,
            previousSecret: overlapMs > 0 ? current.secret : null,
            previousSecretExpiresAt: overlapMs > 0 ? w.now + overlapMs : null,
          },
          w.now,
        );
        w.audit("webhook.secret_rotated", id, { overlapMs });
      });
      deps.logger.info({ webhookId: id }, "webhook secret rotated");
      return { webhook: await mustGet(id), secret };
    },

    async deliveries(
      id: string,
      q: { limit: number; before?: string | undefined; status?: DeliveryStatus | undefined },
    ): Promise<DeliveryRecord[]> {
      await mustGet(id);
      return store.webhooks.listDeliveries(id, q);
    },

    /** Deliveries pending and failed, over all endpoints (for /metrics). */
    deliveryCounts: () => store.webhooks.deliveryCounts(),

    /** Sends a delivery again (pending, due now, a fresh retry schedule), whatever its state. */
    async retry(id: string, deliveryId: string, actor: Actor): Promise<DeliveryRecord> {
      await mustGet(id);
      const d = await store.webhooks.getDelivery(id, deliveryId);
      if (!d)
        throw new KeyrollError(
          "DELIVERY_NOT_FOUND",
          `delivery ${deliveryId} of webhook ${id} does not exist`,
        );
      await store.webhooks.retryDelivery(id, deliveryId, clock.now());
      deps.logger.info({ webhookId: id, deliveryId, actor: actor.keyId }, "webhook delivery retried");
      deps.wake?.();
      return (await store.webhooks.getDelivery(id, deliveryId))!;
    },
  };
}

/** The webhook service's interface. */
export type WebhookService = ReturnType<typeof createWebhookService>;
