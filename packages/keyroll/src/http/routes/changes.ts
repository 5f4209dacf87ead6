import type { ServerResponse } from "node:http";
import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { KeyWithVersions } from "../../core/model.js";
import { type FeedService, MAX_USAGE_BATCH } from "../../services/feed.js";
import type { RouteDeps } from "../deps.js";
import { errorResponses } from "../schemas.js";
import { iso } from "../views.js";

const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

const IndexedVersion = Type.Object({
  version: Type.Integer(),
  imported: Type.Boolean(),
  digest: Type.String({ description: "SHA-256 of the secret, lowercase hex" }),
  activatesAt: Type.String({ format: "date-time" }),
  graceStartsAt: NullableTime,
  expiresAt: NullableTime,
  revokedAt: NullableTime,
});

const IndexedKey = Type.Object({
  id: Type.String(),
  consumerId: Type.String(),
  prefix: Type.String(),
  scopes: Type.Array(Type.String()),
  admin: Type.Boolean(),
  expiresAt: NullableTime,
  revokedAt: NullableTime,
  versions: Type.Array(IndexedVersion),
});

/** A key as an in-process verifier indexes it: the stamps `decide` needs, and digests, no secret. */
function indexedKey(k: KeyWithVersions) {
  return {
    id: k.key.id,
    consumerId: k.key.consumerId,
    prefix: k.key.prefix,
    scopes: k.key.scopes,
    admin: k.key.admin,
    expiresAt: iso(k.key.expiresAt),
    revokedAt: iso(k.key.revokedAt),
    versions: k.versions.map((v) => ({
      version: v.version,
      imported: v.imported,
      digest: v.digest,
      activatesAt: iso(v.activatesAt)!,
      graceStartsAt: iso(v.graceStartsAt),
      expiresAt: iso(v.expiresAt),
      revokedAt: iso(v.revokedAt),
    })),
  };
}

const UsageBody = Type.Object(
  {
    usage: Type.Array(
      Type.Object(
        {
          keyId: Type.String({ maxLength: 64 }),
          version: Type.Integer({ minimum: 1 }),
          minute: Type.String({ format: "date-time", description: "start of the minute" }),
          outcome: Type.String({ pattern: "^[A-Z_]{1,32}$" }),
          count: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_USAGE_BATCH },
    ),
    addresses: Type.Optional(
      Type.Array(
        Type.Object(
          {
            keyId: Type.String({ maxLength: 64 }),
            version: Type.Integer({ minimum: 1 }),
            address: Type.Union([Type.String({ format: "ipv4" }), Type.String({ format: "ipv6" })]),
            firstAt: Type.String({ format: "date-time" }),
            lastAt: Type.String({ format: "date-time" }),
            count: Type.Integer({ minimum: 1 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: MAX_USAGE_BATCH },
      ),
    ),
  },
  { additionalProperties: false },
);

const SEQ_RE = /^(0|[1-9][0-9]{0,15})$/;

/**
 * For in-process verifiers (`createVerifier` of @keyroll/client): a snapshot of the index, the
 * change feed as Server-Sent Events resumable by `Last-Event-ID`, and usage sent back in batches.
 * All need an admin key with scope `verify`.
 */
export function registerChangesRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { verifier } = deps;
  if (!deps.feed) return;
  const feed: FeedService = deps.feed;
  // an idle stream says it is alive this often: the client's staleness clock
  const heartbeatMs = deps.changesHeartbeatMs ?? 5000;
  // how often a stream looks for changes this node has applied
  const wakeMs = 100;
  const streams = new Set<ServerResponse>();
  app.addHook("preClose", (done) => {
    for (const s of streams) s.end();
    done();
  });

  app.get(
    "/v1/verifier/snapshot",
    {
      config: { scope: "verify" },
      schema: {
        tags: ["verify"],
        operationId: "getVerifierSnapshot",
        summary: "Every key with its version digests and stamps, and the feed position it is current to",
        response: {
          200: Type.Object({ seq: Type.Integer(), keys: Type.Array(IndexedKey) }),
          ...errorResponses(),
        },
      },
    },
    async () => {
      const s = await feed.snapshot();
      return { seq: s.seq, keys: s.keys.map(indexedKey) };
    },
  );

  app.get<{ Querystring: { since?: string }; Headers: { "last-event-id"?: string } }>(
    "/v1/changes",
    {
      config: { scope: "verify" },
      schema: {
        tags: ["verify"],
        operationId: "streamChanges",
        summary:
          "The change feed as Server-Sent Events: one `key` event per change (id = its sequence number, data = the key as it is now), `heartbeat` events while idle",
        querystring: Type.Object(
          {
            since: Type.Optional(
              Type.String({ pattern: SEQ_RE.source, description: "start after this sequence number" }),
            ),
          },
          { additionalProperties: false },
        ),
        headers: Type.Object({
          "last-event-id": Type.Optional(
            Type.String({ description: "resume after this sequence number (wins over `since`)" }),
          ),
        }),
        response: {
          200: {
            description: "text/event-stream",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
          ...errorResponses(),
        },
      },
    },
    async (req, reply) => {
      const resume = req.headers["last-event-id"] ?? req.query.since;
      if (resume !== undefined && !SEQ_RE.test(resume)) {
        return reply
          .code(400)
          .type("application/problem+json")
          .send({
            type: "urn:keyroll:error:VALIDATION_FAILED",
            title: "The request is not valid",
            status: 400,
            code: "VALIDATION_FAILED",
            detail: "Last-Event-ID and since must be a sequence number",
            instance: String(req.id),
          });
      }
      let sent = resume === undefined ? await feed.latestSeq() : Number(resume);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        "content-type": "text/event-stream",
        "cache-control": "no-store",
        connection: "keep-alive",
        "x-accel-buffering": "no",
        "x-request-id": String(req.id),
      });
      streams.add(res);
      let closed = false;
      let busy = false;
      let lastWrite = Date.now();
      const write = (text: string) => {
        lastWrite = Date.now();
        res.write(text);
      };
      write(`event: ready\ndata: ${JSON.stringify({ seq: sent })}\n\n`);
      const pump = async () => {
        if (busy || closed) return;
        busy = true;
        try {
          while (!closed && verifier.status().lastSeq > sent) {
            const batch = await feed.changesSince(sent, 500);
            if (batch.length === 0) break;
            for (const { change, key } of batch) {
              const data = {
                seq: change.seq,
                op: change.op,
                keyId: change.keyId,
                key: key && indexedKey(key),
              };
              write(`id: ${change.seq}\nevent: key\ndata: ${JSON.stringify(data)}\n\n`);
              sent = change.seq;
            }
          }
          if (!closed && Date.now() - lastWrite >= heartbeatMs) {
            write(`event: heartbeat\ndata: ${JSON.stringify({ seq: sent })}\n\n`);
          }
        } catch {
          // the store is unreachable: say nothing (the client's staleness clock runs) and retry
        } finally {
          busy = false;
        }
      };
      const timer = setInterval(() => void pump(), wakeMs);
      void pump();
      const stop = () => {
        closed = true;
        clearInterval(timer);
        streams.delete(res);
      };
      res.on("close", stop);
      req.raw.on("close", stop);
    },
  );

  app.post<{ Body: Static<typeof UsageBody> }>(
    "/v1/usage",
    {
      config: { scope: "verify" },
      schema: {
        tags: ["usage"],
        operationId: "reportUsage",
        summary:
          "Usage counted by an in-process verifier, per version, minute and outcome, with client addresses: added to this node's counts",
        body: UsageBody,
        response: {
          202: Type.Object({
            accepted: Type.Integer(),
            rejected: Type.Integer({ description: "rows of unknown versions or future minutes" }),
            addresses: Type.Integer(),
          }),
          ...errorResponses(413),
        },
      },
    },
    async (req, reply) => {
      const t = (s: string) => Date.parse(s);
      const out = await feed.ingestUsage(
        req.body.usage.map((r) => ({ ...r, minute: t(r.minute) })),
        (req.body.addresses ?? []).map((a) => ({ ...a, firstAt: t(a.firstAt), lastAt: t(a.lastAt) })),
      );
      return reply.code(202).send(out);
    },
  );
}
