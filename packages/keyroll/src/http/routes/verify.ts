import type { FastifyInstance } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import type { RouteDeps } from "../deps.js";
import { errorResponses, VerifyResponse } from "../schemas.js";
import { type VerifyBody, VerifyBodySchema, verifyBodyCompiler } from "../verify-body.js";
import { sunset, verifyView } from "../views.js";

/**
 * `POST /v1/verify` through Fastify. Its happy path is normally answered by fast-verify.ts before
 * Fastify sees it; this route answers everything the fast path hands over.
 */
export function registerVerifyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { verifier, metrics, decideVerify } = deps;
  app.post<{ Body: VerifyBody }>(
    "/v1/verify",
    {
      config: { scope: "verify" },
      // the fast path's validator too (verify-body.ts): one compiled schema for both paths
      validatorCompiler: verifyBodyCompiler,
      // which path answered, for /metrics (the fast path counts its own answers)
      onResponse: (_req, _reply, done) => {
        metrics.answeredByFramework();
        done();
      },
      schema: {
        operationId: "verifyKey",
        tags: ["verify"],
        summary: "Verify a secret: is it valid now, for these scopes?",
        body: VerifyBodySchema,
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
      // the fast path's decision too: the verifier's answer, then the key's rate limit
      const r = decideVerify(req.body);
      const send = (v: Exclude<typeof r, Promise<unknown>>) => {
        metrics.observeVerify((performance.now() - t0) / 1000, v.code);
        if (v.deprecated && v.expiresAt !== null) reply.header("Sunset", sunset(v.expiresAt));
        return reply.send(verifyView(v));
      };
      return r instanceof Promise ? r.then(send) : send(r);
    },
  );
}
