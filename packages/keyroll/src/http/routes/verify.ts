import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import type { RouteDeps } from "../deps.js";
import { errorResponses, Scope, VerifyResponse } from "../schemas.js";
import { sunset, verifyView } from "../views.js";

/**
 * `POST /v1/verify` through Fastify. Its happy path is normally answered by fast-verify.ts before
 * Fastify sees it; this route answers everything the fast path hands over.
 */
export function registerVerifyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { verifier, metrics, limitVerify } = deps;
  app.post<{ Body: { key: string; scopes?: string[]; clientIp?: string } }>(
    "/v1/verify",
    {
      config: { scope: "verify" },
      schema: {
        operationId: "verifyKey",
        tags: ["verify"],
        summary: "Verify a secret: is it valid now, for these scopes?",
        body: Type.Object(
          {
            // no length cap: any string is answered (too long is MALFORMED); the body limit bounds it
            key: Type.String(),
            scopes: Type.Optional(Type.Array(Scope, { maxItems: 100 })),
            clientIp: Type.Optional(
              Type.Union([Type.String({ format: "ipv4" }), Type.String({ format: "ipv6" })], {
                description:
                  "The address of the client that sent the key: counted per version (who still uses the old one)",
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 200: VerifyResponse, ...errorResponses(503) },
      },
    },
    (req, reply) => {
      if (deps.strict && !verifier.isFresh(deps.maxStalenessMs ?? 5000)) {
        throw new KeyrollError(
          "STALE_CACHE",
          "this node cannot confirm it is current; retry on another node",
        );
      }
      const t0 = performance.now();
      // the key's rate limit applied after the decision, as the fast path does
      const checked = verifier.verify(req.body.key, req.body.scopes, req.body.clientIp);
      const r = checked instanceof Promise ? checked.then(limitVerify) : limitVerify(checked);
      const send = (v: Exclude<typeof checked, Promise<unknown>>) => {
        metrics.observeVerify((performance.now() - t0) / 1000, v.code);
        if (v.deprecated && v.expiresAt !== null) reply.header("Sunset", sunset(v.expiresAt));
        return reply.send(verifyView(v));
      };
      return r instanceof Promise ? r.then(send) : send(r);
    },
  );
}
