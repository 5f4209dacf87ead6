import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteDeps } from "../deps.js";
import { iso } from "../views.js";

// The nodes that run (their heartbeats in the store), and this node's own proof that its
// in-memory verifier rejects given versions (decision 0018): what `keyroll incident` asks of each.

const NullableTime = Type.Union([Type.String({ format: "date-time" }), Type.Null()]);

const Node = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: "server or gateway" }),
  address: Type.String({ description: "Where it is reached (KEYROLL_ADVERTISE_URL)" }),
  version: Type.String({ description: "Its software version" }),
  startedAt: Type.String({ format: "date-time" }),
  lastSeenAt: Type.String({ format: "date-time" }),
  feedSeq: Type.Integer({ description: "The change-feed position it had applied at its last heartbeat" }),
  lastRevocationAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "The newest revocation its verifier had applied",
  }),
  live: Type.Boolean({ description: "Its heartbeat is less than three intervals old" }),
});

/** A node's answer on whether its verifier rejects versions of a key. */
export const NodeRevocations = Type.Object({
  nodeId: Type.Union([Type.String(), Type.Null()], { description: "null before its first heartbeat" }),
  kind: Type.String(),
  checkedAt: Type.String({ format: "date-time" }),
  feedSeq: Type.Integer(),
  lastRevocationAt: NullableTime,
  keyId: Type.String(),
  versions: Type.Array(
    Type.Object({
      version: Type.Integer(),
      indexed: Type.Boolean({ description: "The verifier's index holds this version" }),
      rejected: Type.Boolean({ description: "A request with it is refused now, from memory" }),
      code: Type.Union([Type.String(), Type.Null()], { description: "The answer it gets (REVOKED, …)" }),
      since: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
        description: "Since when this node holds it as revoked",
      }),
    }),
  ),
});

const VERSIONS_RE = /^[1-9][0-9]{0,8}(,[1-9][0-9]{0,8}){0,99}$/;

/** `GET /v1/nodes` and `GET /v1/node/revocations`. */
export function registerNodeRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const nodes = deps.nodes;
  const { verifier, clock } = deps;

  app.get(
    "/v1/nodes",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "listNodes",
        tags: ["incidents"],
        summary:
          "The nodes (servers and gateways) seen in the last day, from their heartbeats; live ones first",
        response: { 200: Type.Object({ data: Type.Array(Node) }) },
      },
    },
    async () => {
      const rows = nodes ? await nodes.list() : [];
      return {
        data: rows
          .sort((a, b) => Number(b.live) - Number(a.live) || (a.id < b.id ? -1 : 1))
          .map((n) => ({
            ...n,
            startedAt: iso(n.startedAt),
            lastSeenAt: iso(n.lastSeenAt),
            lastRevocationAt: iso(n.lastRevocationAt),
          })),
      };
    },
  );

  app.get<{ Querystring: { keyId: string; versions: string } }>(
    "/v1/node/revocations",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "checkNodeRevocations",
        tags: ["incidents"],
        summary:
          "This node's proof: does its in-memory verifier reject these versions now, and since when (not a store read)",
        querystring: Type.Object(
          {
            keyId: Type.String({ pattern: "^key_[0-9a-z]{26}$" }),
            versions: Type.String({ pattern: VERSIONS_RE.source, description: "Comma-separated versions" }),
          },
          { additionalProperties: false },
        ),
        response: { 200: NodeRevocations },
      },
    },
    async (req) => {
      const versions = req.query.versions.split(",").map(Number);
      const s = verifier.status();
      return {
        nodeId: nodes?.selfId() ?? null,
        kind: "server",
        checkedAt: iso(clock.now()),
        feedSeq: s.lastSeq,
        lastRevocationAt: iso(verifier.lastRevocationAt()),
        keyId: req.query.keyId,
        versions: verifier.rejection(req.query.keyId, versions).map((v) => ({ ...v, since: iso(v.since) })),
      };
    },
  );
}
