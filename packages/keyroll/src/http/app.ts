import { createServer } from "node:http";
import swagger from "@fastify/swagger";
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from "fastify";
import { KeyrollError } from "../core/errors.js";
import { requestIds } from "../core/ids.js";
import { OPEN_POLICY } from "../core/route-rules.js";
import type { VerifyResult } from "../core/verify.js";
import { createLocalLimiter, createVerifyLimiter } from "../services/rate-limit.js";
import { adminAuth } from "./auth.js";
import type { AppDeps, RouteDeps } from "./deps.js";
import { clientErrorHandler, errorHandler, problem } from "./errors.js";
import { createFastVerify } from "./fast-verify.js";
import { createMetrics } from "./metrics.js";
import { checkContract, documentRoute, finishDocument } from "./openapi.js";
import { registerAuditRoutes } from "./routes/audit.js";
import { registerAuthorizeRoutes } from "./routes/authorize.js";
import { registerChangesRoutes } from "./routes/changes.js";
import { registerConsumerRoutes } from "./routes/consumers.js";
import { registerIncidentRoutes } from "./routes/incidents.js";
import { registerKeyImportRoutes } from "./routes/key-import.js";
import { registerKeyRoutes } from "./routes/keys.js";
import { registerLeakRoutes } from "./routes/leaks.js";
import { registerNodeRoutes } from "./routes/nodes.js";
import { registerOperationsRoutes } from "./routes/operations.js";
import { registerPolicyRoutes } from "./routes/policies.js";
import { registerReportRoutes } from "./routes/reports.js";
import { registerRotationRoutes } from "./routes/rotation.js";
import { registerRotationJobRoutes } from "./routes/rotation-jobs.js";
import { registerSelfRoutes } from "./routes/self.js";
import { registerUiRoutes } from "./routes/ui.js";
import { registerUsageRoutes } from "./routes/usage.js";
import { registerVerifyRoutes } from "./routes/verify.js";
import { registerWebhookRoutes } from "./routes/webhooks.js";
import { AJV_OPTIONS, type VerifyBody } from "./verify-body.js";
import { keyView } from "./views.js";

export type { AppDeps } from "./deps.js";

/**
 * Builds the Fastify app: the admin API, /v1/verify, health, readiness and /openapi.json.
 * @example const app = await buildApp(deps); await app.listen({ port: 8080 });
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { verifier, clock } = deps;
  // one generator for both paths: ids unique across nodes and restarts, time-sortable
  const nextRequestId = requestIds();
  const limiter = deps.limiter ?? createLocalLimiter(clock);
  const limitVerify = createVerifyLimiter(limiter);
  // the rate limit runs inside verify, before the request is counted: a limited one counts as RATE_LIMITED
  const decideVerify = (b: VerifyBody): VerifyResult | Promise<VerifyResult> =>
    verifier.verify(b.key, b.scopes, b.clientIp, limitVerify);
  let fastVerify: ReturnType<typeof createFastVerify> | undefined;
  const app = Fastify({
    ...(deps.fastifyLogger ? { loggerInstance: deps.fastifyLogger as never } : { logger: false }),
    logController: new LogController({ disableRequestLogging: true }),
    // no per-request child logger: Keyroll logs ids explicitly, and verify pays nothing for logging
    childLoggerFactory: (logger) => logger,
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    genReqId: nextRequestId,
    requestIdHeader: false,
    clientErrorHandler,
    ajv: {
      // shared with the verify body's validator (verify-body.ts), compiled with these same options
      customOptions: { ...AJV_OPTIONS },
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // while closing, requests still arriving on open connections get a problem+json 503 (below),
    // not Fastify's bare JSON one
    return503OnClosing: false,
    // the hot route's happy path skips the framework (see fast-verify.ts); everything else is Fastify
    serverFactory: (handler) =>
      createServer((req, res) => {
        if (fastVerify !== undefined && req.method === "POST" && req.url === "/v1/verify")
          fastVerify(req, res, handler);
        else handler(req, res);
      }),
    // router-level failures (bad percent-encoding, an over-long path parameter) are client errors too
    frameworkErrors: (err, req, reply) => {
      (reply as unknown as FastifyReply)
        .code(400)
        .type("application/problem+json")
        .send(
          problem("VALIDATION_FAILED", `the request path is not valid (${err.code})`, {
            instance: String(req.id),
          }),
        );
    },
  });
  app.decorateRequest("actor", null);

  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Keyroll",
        version: deps.version ?? "0.1.0",
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
        description:
          "API keys with zero-downtime rotation. Admin calls take `Authorization: Bearer <admin key>`.",
      },
      servers: [{ url: "/", description: "The Keyroll node that serves this document" }],
      components: {
        securitySchemes: {
          adminKey: { type: "http", scheme: "bearer" },
          gatewayKey: { type: "apiKey", in: "header", name: "X-Keyroll-Gateway-Key" },
          githubSignature: {
            type: "apiKey",
            in: "header",
            name: "Github-Public-Key-Signature",
            description:
              "POST /v1/leaks without an admin key: base64 DER ECDSA P-256 signature over SHA-256 of the raw body, by the configured scanner key that Github-Public-Key-Identifier names",
          },
          clientKey: {
            type: "http",
            scheme: "bearer",
            description: "A client key's own secret (the /v1/self calls)",
          },
        },
      },
      security: [{ adminKey: [] }],
    },
    transform: documentRoute,
    transformObject: finishDocument,
  });
  // every route must name its operation; the document adds its common statuses (openapi.ts)
  app.addHook("onRoute", checkContract);

  // JSON only (anything else is 415), with prototype-poisoning protection; an empty body is no
  // body, so `curl -X POST` on rollback or revoke works with or without a Content-Type
  const json = app.getDefaultJsonParser("error", "error");
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (req, body, done) => {
    if (body === "") {
      done(null, undefined);
      return;
    }
    json(req, body as string, done);
  });

  const metrics = createMetrics({
    verifier,
    clock,
    isLeader: deps.isLeader,
    storeStats: deps.storeStats,
    limiter,
    deliveryCounts: deps.webhooks?.deliveryCounts,
  });
  app.setErrorHandler(errorHandler(deps.logger));
  app.setNotFoundHandler((req, reply) => {
    reply
      .code(404)
      .type("application/problem+json")
      .send(
        problem("NOT_FOUND", `no route ${req.method} ${req.url.split("?")[0]}`, { instance: String(req.id) }),
      );
  });
  let closing = false;
  app.addHook("preClose", (done) => {
    closing = true;
    done();
  });
  // first: every answer, a refused one included, names its request and is not cached
  app.addHook("onRequest", (req, reply, done) => {
    reply.header("X-Request-Id", req.id);
    reply.header("Cache-Control", "no-store");
    if (closing) {
      reply.header("Connection", "close");
      done(new KeyrollError("SHUTTING_DOWN", "this node is shutting down; retry on another node"));
      return;
    }
    done();
  });
  app.addHook("onRequest", adminAuth(verifier));
  // while draining, every answer closes its connection (decided when it is sent, so a request that
  // came in before the drain began is answered so too): the client's next request opens a new
  // connection, which the balancer sends elsewhere. The fast path does the same for its answers.
  const draining = deps.draining;
  if (draining) {
    app.addHook("onSend", (_req, reply, payload, done) => {
      if (draining()) reply.header("connection", "close");
      done(null, payload);
    });
  }
  // one log line per admin change, attached only to those routes: verifications and reads are
  // counted, not logged, and pay nothing for it
  const logAdminCall = (req: FastifyRequest, reply: FastifyReply, done: () => void) => {
    deps.logger.info(
      {
        reqId: req.id,
        method: req.method,
        route: req.routeOptions.url,
        status: reply.statusCode,
        actor: req.actor?.keyId ?? null,
      },
      "admin call",
    );
    done();
  };
  app.addHook("onRoute", (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url === "/v1/verify" || methods.every((m) => m === "GET" || m === "HEAD")) return;
    const existing = route.onResponse;
    route.onResponse = [
      ...(existing === undefined ? [] : Array.isArray(existing) ? existing : [existing]),
      logAdminCall,
    ] as never;
  });

  const lastUsed = (digest: string) => verifier.lastUsedAt(digest);
  const routeDeps: RouteDeps = {
    ...deps,
    metrics,
    keyView: (k) => keyView(k, clock.now(), lastUsed),
    limiter,
    decideVerify,
  };
  // one module per resource (routes/), found by the URL's first segment
  const root = app as unknown as FastifyInstance;
  registerConsumerRoutes(root, routeDeps);
  registerKeyRoutes(root, routeDeps);
  registerKeyImportRoutes(root, routeDeps);
  registerRotationRoutes(root, routeDeps);
  registerVerifyRoutes(root, routeDeps);
  registerUsageRoutes(root, routeDeps);
  registerWebhookRoutes(root, routeDeps);
  registerOperationsRoutes(root, routeDeps);
  registerAuthorizeRoutes(root, {
    verifier,
    limiter,
    policy: deps.accessPolicy ?? OPEN_POLICY,
    open: deps.authorizeOpen ?? false,
  });
  registerSelfRoutes(root, routeDeps);
  registerChangesRoutes(root, routeDeps);
  registerAuditRoutes(root, routeDeps);
  registerPolicyRoutes(root, routeDeps);
  registerReportRoutes(root, routeDeps);
  registerRotationJobRoutes(root, routeDeps);
  registerIncidentRoutes(root, routeDeps);
  registerNodeRoutes(root, routeDeps);
  registerLeakRoutes(root, routeDeps);
  registerUiRoutes(root, routeDeps);

  fastVerify = createFastVerify({
    app: app as unknown as FastifyInstance,
    verifier,
    bodyLimit: deps.bodyLimitBytes ?? 64 * 1024,
    nextRequestId,
    observe: (s, code) => metrics.observeVerify(s, code),
    answered: () => metrics.answeredFast(),
    onReplayError: (err, reqId) => {
      const e = err instanceof Error ? err : new Error(String(err));
      deps.logger.error(
        { reqId, err: { name: e.name, message: e.message, stack: e.stack } },
        "verify replay failed",
      );
    },
    decide: decideVerify,
    mayAnswer: () => !deps.strict || verifier.isFresh(deps.maxStalenessMs ?? 5000),
    closing: deps.draining,
  });

  return app as unknown as FastifyInstance;
}
