import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { EVENT_TYPES } from "../../services/events.js";
import type { DeliveryRecord, WebhookRecord } from "../../services/webhooks.js";
import type { RouteDeps } from "../deps.js";
import { duration } from "../input.js";
import { Duration, errorResponses, IdParam, PageQuery, parsePage } from "../schemas.js";
import { iso } from "../views.js";

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: "date-time" });

const Url = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: "http(s) URL the events are POSTed to",
});
const Events = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
  minItems: 1,
  maxItems: EVENT_TYPES.length,
  description: `Event types to receive: ${EVENT_TYPES.join(", ")}`,
});
const ConsumerId = Type.String({ pattern: "^con_[0-9a-z]{26}$" });
const Description = Type.String({ maxLength: 500 });

const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  consumerId: Nullable(Type.String()),
  enabled: Type.Boolean(),
  description: Nullable(Type.String()),
  disabledReason: Nullable(Type.String()),
  failingSince: Nullable(DateTime),
  previousSecretExpiresAt: Nullable(DateTime),
  createdAt: DateTime,
  updatedAt: DateTime,
});

const WebhookWithSecret = Type.Object({
  webhook: Webhook,
  secret: Type.String({ description: "The signing secret (whsec_…), shown this once" }),
});

const Delivery = Type.Object({
  id: Type.String(),
  eventId: Type.String({ description: "Also the webhook-id header: the same on every attempt" }),
  eventType: Type.String(),
  status: Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(DateTime),
  lastAttemptAt: Nullable(DateTime),
  lastResponseStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  createdAt: DateTime,
  deliveredAt: Nullable(DateTime),
});

const WebhookParams = IdParam("whk");
const DeliveryParams = Type.Object(
  {
    id: Type.String({ pattern: "^whk_[0-9a-z]{26}$" }),
    deliveryId: Type.String({ pattern: "^dlv_[0-9a-z]{28}$" }),
  },
  { additionalProperties: false },
);

function webhookView(w: WebhookRecord) {
  return {
    id: w.id,
    url: w.url,
    events: [...w.events],
    consumerId: w.consumerId,
    enabled: w.enabled,
    description: w.description,
    disabledReason: w.disabledReason,
    failingSince: iso(w.failingSince),
    previousSecretExpiresAt: iso(w.previousSecretExpiresAt),
    createdAt: iso(w.createdAt)!,
    updatedAt: iso(w.updatedAt)!,
  };
}

function deliveryView(d: DeliveryRecord) {
  return {
    id: d.id,
    eventId: d.eventId,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    nextAttemptAt: iso(d.nextAttemptAt),
    lastAttemptAt: iso(d.lastAttemptAt),
    lastResponseStatus: d.lastStatus,
    lastError: d.lastError,
    createdAt: iso(d.createdAt)!,
    deliveredAt: iso(d.deliveredAt),
  };
}

/** `/v1/webhooks`: Standard Webhooks endpoints, their signing secrets and their deliveries. */
export function registerWebhookRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const webhooks = deps.webhooks;
  if (!webhooks) return;

  app.post<{
    Body: {
      url: string;
      events: string[];
      consumerId?: string | null;
      enabled?: boolean;
      description?: string | null;
    };
  }>(
    "/v1/webhooks",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["webhooks"],
        summary: "Create a webhook endpoint (its signing secret is shown once)",
        operationId: "createWebhook",
        body: Type.Object(
          {
            url: Url,
            events: Events,
            consumerId: Type.Optional(Nullable(ConsumerId)),
            enabled: Type.Optional(Type.Boolean()),
            description: Type.Optional(Nullable(Description)),
          },
          { additionalProperties: false },
        ),
        response: { 201: WebhookWithSecret, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const out = await webhooks.create(req.body, req.actor!);
      return reply.code(201).send({ webhook: webhookView(out.webhook), secret: out.secret });
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string; consumerId?: string } }>(
    "/v1/webhooks",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["webhooks"],
        summary: "List webhook endpoints, oldest first",
        operationId: "listWebhooks",
        querystring: Type.Object(
          { ...PageQuery, consumerId: Type.Optional(ConsumerId) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(Webhook), nextCursor: Nullable(Type.String()) }),
          ...errorResponses(),
        },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, req.query.cursor, "whk");
      const rows = await webhooks.list({
        limit: p.limit + 1,
        after: p.after,
        consumerId: req.query.consumerId,
      });
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(webhookView), nextCursor: more ? data[data.length - 1]!.id : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/webhooks/:id",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["webhooks"],
        summary: "Read a webhook endpoint",
        operationId: "getWebhook",
        params: WebhookParams,
        response: { 200: Webhook, ...errorResponses(404) },
      },
    },
    async (req) => webhookView(await webhooks.get(req.params.id)),
  );

  app.patch<{
    Params: { id: string };
    Body: {
      url?: string;
      events?: string[];
      consumerId?: string | null;
      enabled?: boolean;
      description?: string | null;
    };
  }>(
    "/v1/webhooks/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["webhooks"],
        summary: "Update a webhook endpoint (enabled: true turns a disabled one back on)",
        operationId: "updateWebhook",
        params: WebhookParams,
        body: Type.Object(
          {
            url: Type.Optional(Url),
            events: Type.Optional(Events),
            consumerId: Type.Optional(Nullable(ConsumerId)),
            enabled: Type.Optional(Type.Boolean()),
            description: Type.Optional(Nullable(Description)),
          },
          { additionalProperties: false },
        ),
        response: { 200: Webhook, ...errorResponses(404) },
      },
    },
    async (req) => webhookView(await webhooks.update(req.params.id, req.body, req.actor!)),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/webhooks/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["webhooks"],
        summary: "Delete a webhook endpoint; its pending deliveries are dropped",
        operationId: "deleteWebhook",
        params: WebhookParams,
        response: {
          200: Type.Object({ id: Type.String(), deleted: Type.Boolean() }),
          ...errorResponses(404),
        },
      },
    },
    async (req) => webhooks.remove(req.params.id, req.actor!),
  );

  app.post<{ Params: { id: string }; Body: { overlap?: string | number } | undefined }>(
    "/v1/webhooks/:id/rotate-secret",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["webhooks"],
        summary: "Make a new signing secret; the old one also signs during the overlap (default 24h)",
        operationId: "rotateWebhookSecret",
        params: WebhookParams,
        body: Type.Optional(
          Type.Object({ overlap: Type.Optional(Duration) }, { additionalProperties: false }),
        ),
        response: { 200: WebhookWithSecret, ...errorResponses(404) },
      },
    },
    async (req) => {
      const overlapMs = duration(req.body?.overlap ?? "24h", "overlap");
      const out = await webhooks.rotateSecret(req.params.id, overlapMs, req.actor!);
      return { webhook: webhookView(out.webhook), secret: out.secret };
    },
  );

  app.get<{
    Params: { id: string };
    Querystring: { limit?: string; cursor?: string; status?: DeliveryRecord["status"] };
  }>(
    "/v1/webhooks/:id/deliveries",
    {
      config: { scope: "keys:read" },
      schema: {
        tags: ["webhooks"],
        summary: "List an endpoint's deliveries, newest first",
        operationId: "listWebhookDeliveries",
        params: WebhookParams,
        querystring: Type.Object(
          {
            limit: PageQuery.limit,
            cursor: Type.Optional(
              Type.String({ pattern: "^dlv_[0-9a-z]{28}$", description: "nextCursor of the previous page" }),
            ),
            status: Type.Optional(
              Type.Union([Type.Literal("pending"), Type.Literal("delivered"), Type.Literal("failed")]),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(Delivery), nextCursor: Nullable(Type.String()) }),
          ...errorResponses(404),
        },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, undefined, "whk");
      const rows = await webhooks.deliveries(req.params.id, {
        limit: p.limit + 1,
        before: req.query.cursor,
        status: req.query.status,
      });
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(deliveryView), nextCursor: more ? data[data.length - 1]!.id : null };
    },
  );

  app.post<{ Params: { id: string; deliveryId: string } }>(
    "/v1/webhooks/:id/deliveries/:deliveryId/retry",
    {
      config: { scope: "keys:write" },
      schema: {
        tags: ["webhooks"],
        summary: "Send a delivery again now, with a fresh retry schedule",
        operationId: "retryWebhookDelivery",
        params: DeliveryParams,
        response: { 202: Delivery, ...errorResponses(404) },
      },
    },
    async (req, reply) => {
      const d = await webhooks.retry(req.params.id, req.params.deliveryId, req.actor!);
      return reply.code(202).send(deliveryView(d));
    },
  );
}
