import { type Static, Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { type PolicySource, policyJson, type RotationPolicy } from "../../core/policy.js";
import { WEEKDAYS } from "../../core/window.js";
import type { KeyPolicyState } from "../../services/policies.js";
import type { RouteDeps } from "../deps.js";
import { Duration, errorResponses, IdParam } from "../schemas.js";
import { iso } from "../views.js";

// Rotation policies of keys, consumers and the global default.

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
const Clock = (description: string) =>
  Type.String({ pattern: "^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$", description });
const Days = Type.Array(Type.Union(WEEKDAYS.map((d) => Type.Literal(d))), {
  minItems: 1,
  maxItems: 7,
  description: "Days of the week the window opens on, in its time zone",
});

const WindowInput = Type.Object(
  {
    days: Days,
    start: Clock('Opens at this local time, "HH:MM"'),
    end: Clock(
      'Closes at this local time (exclusive); at or before start: the next day; "24:00" is midnight',
    ),
    timeZone: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 64,
        description: '"UTC" (the default) or an IANA zone, e.g. "Europe/Berlin"',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A rotation policy in a request. */
export const PolicyInput = Type.Object(
  {
    interval: Type.Union([Type.String({ maxLength: 16 }), Type.Number({ minimum: 0 })], {
      description: 'Rotate every this long (1h to 3650d), e.g. "90d": counted from the last rotation',
    }),
    gracePeriod: Duration,
    window: Type.Optional(Nullable(WindowInput)),
    activateAfter: Type.Optional(
      Nullable(
        Type.Union([Type.String({ maxLength: 16 }), Type.Number({ minimum: 0 })], {
          description:
            "Phased activation: the new version is made this long (1s to 30d, less than interval) before it becomes active, and distributable at once",
        }),
      ),
    ),
    retireWhenUnusedFor: Type.Optional(Nullable(Duration)),
    extendWhileInUse: Type.Optional(
      Nullable(
        Type.Object({ max: Duration, step: Type.Optional(Duration) }, { additionalProperties: false }),
      ),
    ),
  },
  { additionalProperties: false },
);

/** A rotation policy as the API shows it. */
export const PolicyView = Type.Object({
  interval: Type.String(),
  gracePeriod: Type.String(),
  window: Nullable(
    Type.Object({
      days: Type.Array(Type.String()),
      start: Type.String(),
      end: Type.String(),
      timeZone: Type.String(),
    }),
  ),
  activateAfter: Nullable(Type.String()),
  retireWhenUnusedFor: Nullable(Type.String()),
  extendWhileInUse: Nullable(Type.Object({ max: Type.String(), step: Type.String() })),
});

const Source = Type.Union([Type.Literal("key"), Type.Literal("consumer"), Type.Literal("default")], {
  description: "Where the policy comes from: the key's own, its consumer's, or the global default",
});
/** The policy that applies, with where it comes from; null when none does. */
export const EffectivePolicy = Nullable(Type.Composite([PolicyView, Type.Object({ source: Source })]));
const NullableTime = Nullable(Type.String({ format: "date-time" }));

const KeyPolicy = Type.Object({
  keyId: Type.String(),
  policy: Nullable(PolicyView),
  effective: EffectivePolicy,
  nextRotationAt: NullableTime,
  blocked: Nullable(Type.String({ description: "Why the policy cannot rotate this key" })),
});
const ConsumerPolicy = Type.Object({
  consumerId: Type.String(),
  policy: Nullable(PolicyView),
  effective: EffectivePolicy,
});
const DefaultPolicy = Type.Object({ policy: Nullable(PolicyView), updatedAt: NullableTime });

/** The fields `GET /v1/keys/:id` adds to a key. */
export const KeyPolicyFields = {
  rotationPolicy: EffectivePolicy,
  nextRotationAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
    description: "When the next policy rotation makes its new version active; null without a policy",
  }),
  rotationBlocked: Type.Union([Type.String(), Type.Null()], {
    description: "Why the policy cannot rotate this key (successor pickup off), or null",
  }),
};

const effectiveView = (e: { policy: RotationPolicy; source: PolicySource } | null) =>
  e && { ...policyJson(e.policy), source: e.source };

/** The policy fields of a key as `GET /v1/keys/:id` shows them. */
export function keyPolicyFields(s: KeyPolicyState) {
  return {
    rotationPolicy: effectiveView(s.effective),
    nextRotationAt: iso(s.nextRotationAt),
    rotationBlocked: s.blocked,
  };
}

const keyPolicyView = (s: KeyPolicyState) => ({
  keyId: s.keyId,
  policy: s.own && policyJson(s.own),
  effective: effectiveView(s.effective),
  nextRotationAt: iso(s.nextRotationAt),
  blocked: s.blocked,
});

type Input = Static<typeof PolicyInput>;

/** `/v1/keys/:id/policy`, `/v1/consumers/:id/policy` and `/v1/policies/default`. */
export function registerPolicyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const policies = deps.policies;
  if (!policies) return;
  const KeyParams = IdParam("key");
  const ConsumerParams = IdParam("con");

  app.get<{ Params: { id: string } }>(
    "/v1/keys/:id/policy",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getKeyPolicy",
        tags: ["policies"],
        summary:
          "A key's own rotation policy, the one in effect and where it comes from, and the next rotation",
        params: KeyParams,
        response: { 200: KeyPolicy, ...errorResponses(404) },
      },
    },
    async (req) => keyPolicyView(await policies.forKey(req.params.id)),
  );

  app.put<{ Params: { id: string }; Body: Input }>(
    "/v1/keys/:id/policy",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "setKeyPolicy",
        tags: ["policies"],
        summary: "Set a key's own rotation policy (it wins over its consumer's and the default)",
        params: KeyParams,
        body: PolicyInput,
        response: { 200: KeyPolicy, ...errorResponses(404, 409) },
      },
    },
    async (req) => keyPolicyView(await policies.setForKey(req.params.id, req.body, req.actor!)),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/keys/:id/policy",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "deleteKeyPolicy",
        tags: ["policies"],
        summary: "Remove a key's own rotation policy: its consumer's or the default applies again",
        params: KeyParams,
        response: { 200: KeyPolicy, ...errorResponses(404) },
      },
    },
    async (req) => keyPolicyView(await policies.setForKey(req.params.id, null, req.actor!)),
  );

  const consumerView = (c: Awaited<ReturnType<typeof policies.forConsumer>>) => ({
    consumerId: c.consumerId,
    policy: c.own && policyJson(c.own),
    effective: effectiveView(c.effective),
  });

  app.get<{ Params: { id: string } }>(
    "/v1/consumers/:id/policy",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getConsumerPolicy",
        tags: ["policies"],
        summary: "A consumer's rotation policy (for its keys without one of their own)",
        params: ConsumerParams,
        response: { 200: ConsumerPolicy, ...errorResponses(404) },
      },
    },
    async (req) => consumerView(await policies.forConsumer(req.params.id)),
  );

  app.put<{ Params: { id: string }; Body: Input }>(
    "/v1/consumers/:id/policy",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "setConsumerPolicy",
        tags: ["policies"],
        summary: "Set a consumer's rotation policy: it applies to each of its keys without one of its own",
        params: ConsumerParams,
        body: PolicyInput,
        response: { 200: ConsumerPolicy, ...errorResponses(404, 409) },
      },
    },
    async (req) => consumerView(await policies.setForConsumer(req.params.id, req.body, req.actor!)),
  );

  app.delete<{ Params: { id: string } }>(
    "/v1/consumers/:id/policy",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "deleteConsumerPolicy",
        tags: ["policies"],
        summary: "Remove a consumer's rotation policy: the default applies to its keys again",
        params: ConsumerParams,
        response: { 200: ConsumerPolicy, ...errorResponses(404) },
      },
    },
    async (req) => consumerView(await policies.setForConsumer(req.params.id, null, req.actor!)),
  );

  const defaultView = (d: Awaited<ReturnType<typeof policies.getDefault>>) => ({
    policy: d.policy && policyJson(d.policy),
    updatedAt: iso(d.updatedAt),
  });

  app.get(
    "/v1/policies/default",
    {
      config: { scope: "keys:read" },
      schema: {
        operationId: "getDefaultPolicy",
        tags: ["policies"],
        summary: "The global default rotation policy (for keys whose consumer has none), or null",
        response: { 200: DefaultPolicy, ...errorResponses() },
      },
    },
    async () => defaultView(await policies.getDefault()),
  );

  app.put<{ Body: Input }>(
    "/v1/policies/default",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "setDefaultPolicy",
        tags: ["policies"],
        summary: "Set the global default rotation policy (admin keys never follow it)",
        body: PolicyInput,
        response: { 200: DefaultPolicy, ...errorResponses() },
      },
    },
    async (req) => defaultView(await policies.setDefault(req.body, req.actor!)),
  );

  app.delete(
    "/v1/policies/default",
    {
      config: { scope: "keys:write" },
      schema: {
        operationId: "deleteDefaultPolicy",
        tags: ["policies"],
        summary: "Remove the global default rotation policy",
        response: { 200: DefaultPolicy, ...errorResponses() },
      },
    },
    async (req) => defaultView(await policies.setDefault(null, req.actor!)),
  );
}
