import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { formatDuration } from "../../core/duration.js";
import type { AlertRecord } from "../../services/usage.js";
import type { RouteDeps } from "../deps.js";
import { time } from "../input.js";
import { errorResponses, IdParam, PageQuery, parsePage } from "../schemas.js";
import { iso } from "../views.js";

export const Counts = Type.Record(Type.String(), Type.Integer(), {
  description: "requests by outcome (VALID, EXPIRED, …)",
});
const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

export const UsageResponse = Type.Object({
  keyId: Type.String(),
  granularity: Type.Union([Type.Literal("minute"), Type.Literal("hour")]),
  from: Type.String({ format: "date-time" }),
  to: Type.String({ format: "date-time" }),
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      totals: Counts,
      series: Type.Array(
        Type.Object({ at: Type.String({ format: "date-time" }), counts: Counts, total: Type.Integer() }),
      ),
    }),
  ),
});

export const Rotation = Type.Object({
  keyId: Type.String(),
  consumerId: Type.String(),
  startedAt: Type.String({ format: "date-time" }),
  graceEndsAt: Type.String({ format: "date-time" }),
  current: Type.Object({ version: Type.Integer(), lastUsedAt: NullableTime, requests: Type.Integer() }),
  previous: Type.Object({
    version: Type.Integer(),
    lastUsedAt: NullableTime,
    requests: Type.Integer(),
    addresses: Type.Array(
      Type.Object({
        address: Type.String(),
        lastSeenAt: Type.String({ format: "date-time" }),
        count: Type.Integer(),
      }),
    ),
    retireWhenUnusedFor: Type.Union([Type.String(), Type.Null()]),
    extendUntil: NullableTime,
    pickups: Type.Object(
      {
        count: Type.Integer(),
        addresses: Type.Array(
          Type.Object({
            address: Type.String(),
            lastAt: Type.String({ format: "date-time" }),
            count: Type.Integer(),
          }),
        ),
      },
      { description: "Successor pickups (POST /v1/self/successor) by holders of this version" },
    ),
  }),
  currentShare: Type.Union([Type.Number(), Type.Null()]),
  safeToRetire: Type.Boolean(),
});

export const Alert = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  keyId: Type.Union([Type.String(), Type.Null()]),
  consumerId: Type.Union([Type.String(), Type.Null()]),
  version: Type.Union([Type.Integer(), Type.Null()]),
  address: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  count: Type.Integer(),
  data: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String({ format: "date-time" }),
  lastSeenAt: Type.String({ format: "date-time" }),
  acknowledgedAt: NullableTime,
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
});

function alertView(a: AlertRecord) {
  return {
    id: a.id,
    kind: a.kind,
    keyId: a.keyId,
    consumerId: a.consumerId,
    version: a.version,
    address: a.address,
    message: a.message,
    count: a.count,
    data: a.data,
    createdAt: iso(a.createdAt),
    lastSeenAt: iso(a.lastSeenAt),
    acknowledgedAt: iso(a.acknowledgedAt),
    acknowledgedBy: a.acknowledgedBy,
  };
}

/** Who still uses the old key: usage per version, rotation progress, alerts. */
export function registerUsageRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const usage = deps.usage;
  if (!usage) return;
  app.get<{
    Params: { id: string };
    Querystring: { from?: string; to?: string; granularity?: "minute" | "hour" };
  }>(
    "/v1/keys/:id/usage",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getKeyUsage",
        tags: ["usage"],
        summary:
          "Requests per version and minute (or hour), by outcome; buckets without traffic are left out",
        params: IdParam("key"),
        querystring: Type.Object(
          {
            from: Type.Optional(
              Type.String({
                format: "date-time",
                description: "default: to minus 1h (minute) or 24h (hour)",
              }),
            ),
            to: Type.Optional(Type.String({ format: "date-time", description: "default: now" })),
            granularity: Type.Optional(Type.Union([Type.Literal("minute"), Type.Literal("hour")])),
          },
          { additionalProperties: false },
        ),
        response: { 200: UsageResponse, ...errorResponses(404) },
      },
    },
    async (req) => {
      const s = await usage.series(req.params.id, {
        from: time(req.query.from, "from"),
        to: time(req.query.to, "to"),
        granularity: req.query.granularity ?? "minute",
      });
      return {
        ...s,
        from: iso(s.from),
        to: iso(s.to),
        versions: s.versions.map((v) => ({ ...v, series: v.series.map((p) => ({ ...p, at: iso(p.at) })) })),
      };
    },
  );

  app.get<{ Querystring: { state?: "active" } }>(
    "/v1/rotations",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listRotations",
        tags: ["usage"],
        summary: "Keys in rotation: how much traffic moved to the new version, who still sends the old one",
        querystring: Type.Object(
          { state: Type.Optional(Type.Literal("active")) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ data: Type.Array(Rotation) }), ...errorResponses() },
      },
    },
    async () => {
      const rows = await usage.activeRotations();
      return {
        data: rows.map((r) => ({
          ...r,
          startedAt: iso(r.startedAt),
          graceEndsAt: iso(r.graceEndsAt),
          current: { ...r.current, lastUsedAt: iso(r.current.lastUsedAt) },
          previous: {
            version: r.previous.version,
            lastUsedAt: iso(r.previous.lastUsedAt),
            requests: r.previous.requests,
            addresses: r.previous.addresses.map((a) => ({ ...a, lastSeenAt: iso(a.lastSeenAt) })),
            retireWhenUnusedFor:
              r.previous.retireWhenUnusedMs === null ? null : formatDuration(r.previous.retireWhenUnusedMs),
            extendUntil: iso(r.previous.extendMaxAt),
            pickups: {
              count: r.previous.pickups.count,
              addresses: r.previous.pickups.addresses.map((a) => ({ ...a, lastAt: iso(a.lastAt) })),
            },
          },
        })),
      };
    },
  );

  app.get<{
    Querystring: { state?: "open" | "acknowledged" | "all"; keyId?: string; limit?: string; cursor?: string };
  }>(
    "/v1/alerts",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listAlerts",
        tags: ["usage"],
        summary:
          "Alerts: failed rollovers, rejection and request spikes, a previous version used from a new address",
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Union([Type.Literal("open"), Type.Literal("acknowledged"), Type.Literal("all")], {
                description: "default open",
              }),
            ),
            keyId: Type.Optional(Type.String({ maxLength: 64 })),
            ...PageQuery,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(Alert), nextCursor: Type.Union([Type.String(), Type.Null()]) }),
          ...errorResponses(),
        },
      },
    },
    async (req) => {
      const { limit, after } = parsePage(req.query.limit, req.query.cursor, "alr");
      const rows = await usage.listAlerts({
        state: req.query.state ?? "open",
        limit: limit + 1,
        ...(after !== undefined && { after }),
        ...(req.query.keyId !== undefined && { keyId: req.query.keyId }),
      });
      const data = rows.slice(0, limit);
      return {
        data: data.map(alertView),
        nextCursor: rows.length > limit ? data[data.length - 1]!.id : null,
      };
    },
  );

  app.post<{ Params: { id: string } }>(
    "/v1/alerts/:id/ack",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "acknowledgeAlert",
        tags: ["usage"],
        summary: "Acknowledge an alert; a repeat of it then opens a new one",
        params: IdParam("alr"),
        response: { 200: Alert, ...errorResponses(404) },
      },
    },
    async (req) => alertView(await usage.ackAlert(req.params.id, req.actor!)),
  );
}
