import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.js";
import {
  Consumer,
  Contacts,
  errorResponses,
  IdParam,
  Metadata,
  Page,
  PageQuery,
  parsePage,
} from "../schemas.js";
import { consumerView } from "../views.js";

const ConsumerParams = IdParam("con");
const ExternalId = Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 200 }), Type.Null()]));

/** `/v1/consumers`: the provider's clients. */
export function registerConsumerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { consumers } = deps;

  app.post<{
    Body: {
      name: string;
      externalId?: string | null;
      metadata?: Record<string, unknown>;
      contacts?: Array<{ email: string; name?: string }>;
    };
  }>(
    "/v1/consumers",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "createConsumer",
        tags: ["consumers"],
        summary: "Create a consumer",
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 200 }),
            externalId: ExternalId,
            metadata: Type.Optional(Metadata),
            contacts: Type.Optional(Contacts),
          },
          { additionalProperties: false },
        ),
        response: { 201: Consumer, ...errorResponses(409) },
      },
    },
    async (req, reply) => {
      const c = await consumers.create(req.body, req.actor!);
      return reply.code(201).send(consumerView(c));
    },
  );

  app.get<{ Querystring: { limit?: string; cursor?: string } }>(
    "/v1/consumers",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listConsumers",
        tags: ["consumers"],
        summary: "List consumers, oldest first",
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(Consumer), ...errorResponses() },
      },
    },
    async (req) => {
      const p = parsePage(req.query.limit, req.query.cursor, "con");
      const rows = await consumers.list(p.limit + 1, p.after);
      const more = rows.length > p.limit;
      const data = rows.slice(0, p.limit);
      return { data: data.map(consumerView), nextCursor: more ? data[data.length - 1]!.id : null };
    },
  );

  app.get<{ Params: { id: string } }>(
    "/v1/consumers/:id",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getConsumer",
        tags: ["consumers"],
        summary: "Read a consumer",
        params: ConsumerParams,
        response: { 200: Consumer, ...errorResponses(404) },
      },
    },
    async (req) => consumerView(await consumers.get(req.params.id)),
  );

  app.patch<{
    Params: { id: string };
    Body: {
      name?: string;
      externalId?: string | null;
      metadata?: Record<string, unknown>;
      contacts?: Array<{ email: string; name?: string }>;
    };
  }>(
    "/v1/consumers/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "updateConsumer",
        tags: ["consumers"],
        summary: "Update a consumer",
        params: ConsumerParams,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            externalId: ExternalId,
            metadata: Type.Optional(Metadata),
            contacts: Type.Optional(Contacts),
          },
          { additionalProperties: false },
        ),
        response: { 200: Consumer, ...errorResponses(404, 409) },
      },
    },
    async (req) => consumerView(await consumers.update(req.params.id, req.body, req.actor!)),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/consumers/:id",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "deleteConsumer",
        tags: ["consumers"],
        summary: "Delete a consumer and revoke all its keys",
        params: ConsumerParams,
        response: {
          200: Type.Object({ id: Type.String(), deleted: Type.Boolean(), revokedKeys: Type.Integer() }),
          ...errorResponses(404, 409),
        },
      },
    },
    async (req) => consumers.remove(req.params.id, req.actor!),
  );
}
