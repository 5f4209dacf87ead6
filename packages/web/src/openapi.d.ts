// Generated from Keyroll's /openapi.json by packages/web/scripts/api-types.ts (openapi-typescript).
// Do not edit: run `npm run gen:api -w packages/web`; test/api-types.test.ts checks it is current.
export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness; `leader` tells whether this node runs the background work */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Prometheus metrics (text exposition format 0.0.4) */
        get: operations["getMetrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This OpenAPI 3.1 document, generated from the route schemas */
        get: operations["getOpenApi"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 503 while this node loads its index of keys (`loading`), while its view of the keys is stale, while it drains to stop, or while Redis is down and rate limits fail closed */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Alerts: failed rollovers, rejection and request spikes, a previous version used from a new address */
        get: operations["listAlerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/alerts/{id}/ack": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Acknowledge an alert; a repeat of it then opens a new one */
        post: operations["acknowledgeAlert"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List audit entries, oldest first, filtered by target, actor, action and time */
        get: operations["listAuditEntries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/checkpoints": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List signed checkpoints of the audit chain, oldest first */
        get: operations["listAuditCheckpoints"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/public-key": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The Ed25519 public key that checkpoints are signed with (public: anyone may verify) */
        get: operations["getAuditPublicKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/audit/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Verify the whole audit chain and its signed checkpoints; names the first bad seq and why */
        get: operations["verifyAuditLog"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/authorize": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Authorize a request on behalf of a gateway (nginx auth_request, Caddy forward_auth)
         * @description Verifies the client's API key (as the client sent it: `Authorization: Bearer` or the configured header), applies the route rule matching the original method and URI (`X-Original-Method`/`X-Original-URI`, or `X-Forwarded-Method`/`X-Forwarded-Uri`) and the rate limits. The gateway itself authenticates with an admin key of scope `verify` in `X-Keyroll-Gateway-Key` unless the server runs with `--authorize-open`. See docs/gateways.md.
         */
        get: operations["authorizeRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/changes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The change feed as Server-Sent Events: one `key` event per change (id = its sequence number, data = the key as it is now), `heartbeat` events while idle */
        get: operations["streamChanges"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consumers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List consumers, oldest first */
        get: operations["listConsumers"];
        put?: never;
        /** Create a consumer */
        post: operations["createConsumer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consumers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a consumer */
        get: operations["getConsumer"];
        put?: never;
        post?: never;
        /** Delete a consumer and revoke all its keys */
        delete: operations["deleteConsumer"];
        options?: never;
        head?: never;
        /** Update a consumer */
        patch: operations["updateConsumer"];
        trace?: never;
    };
    "/v1/consumers/{id}/compromised": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Emergency rotation of every live key of a consumer: all their versions revoked, one replacement per key */
        post: operations["compromiseConsumer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/consumers/{id}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A consumer's rotation policy (for its keys without one of their own) */
        get: operations["getConsumerPolicy"];
        /** Set a consumer's rotation policy: it applies to each of its keys without one of its own */
        put: operations["setConsumerPolicy"];
        post?: never;
        /** Remove a consumer's rotation policy: the default applies to its keys again */
        delete: operations["deleteConsumerPolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List keys with their versions, oldest first */
        get: operations["listKeys"];
        put?: never;
        /** Create a key (version 1), or import an existing secret */
        post: operations["createKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a key with its versions */
        get: operations["getKey"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Update a key's name, scopes, metadata or rate limit */
        patch: operations["updateKey"];
        trace?: never;
    };
    "/v1/keys/{id}/compromised": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Emergency rotation: revoke the exposed versions now and mint a replacement (no successor pickup) */
        post: operations["compromiseKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/exposure": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Who used versions of a key, since when and from where (requests, first and last use, addresses) */
        get: operations["getKeyExposure"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A key's own rotation policy, the one in effect and where it comes from, and the next rotation */
        get: operations["getKeyPolicy"];
        /** Set a key's own rotation policy (it wins over its consumer's and the default) */
        put: operations["setKeyPolicy"];
        post?: never;
        /** Remove a key's own rotation policy: its consumer's or the default applies again */
        delete: operations["deleteKeyPolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke a key: every version is rejected from now on */
        post: operations["revokeKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make the previous version (still in grace) active again and revoke the newer one */
        post: operations["rollbackKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate: add a new version; the previous one keeps working for the grace period */
        post: operations["rotateKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Requests per version and minute (or hour), by outcome; buckets without traffic are left out */
        get: operations["getKeyUsage"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/versions/{version}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a scheduled version before it activates: the current version keeps working */
        post: operations["cancelKeyVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/{id}/versions/{version}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Revoke one version */
        post: operations["revokeKeyVersion"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/import": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create or import up to 10 000 keys in one transaction (NDJSON or JSON)
         * @description Each row takes the fields of POST /v1/keys plus `externalId`. A row whose `externalId` a key of the same consumer already carries is answered `existing` (no new secret), so a re-run is safe. Any bad row: nothing is committed, and each row's result says why. `secret` comes back only for generated secrets.
         */
        post: operations["importKeys"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/keys/lookup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The key and version of a secret, named by its SHA-256 (hex): a leaked secret is identified without sending it */
        post: operations["lookupKeyByDigest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/leaks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Report leaked tokens (GitHub secret scanning partner format); each matching key is treated as compromised
         * @description Accepted with an admin key, or without one when `Github-Public-Key-Identifier` and `Github-Public-Key-Signature` (base64 DER ECDSA P-256 over SHA-256 of the raw body) verify against a configured scanner key (KEYROLL_LEAK_PUBLIC_KEYS). The answer is the same for every accepted report, whichever tokens exist: an empty feedback list.
         */
        post: operations["reportLeaks"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/node/revocations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** This node's proof: does its in-memory verifier reject these versions now, and since when (not a store read) */
        get: operations["checkNodeRevocations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/nodes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The nodes (servers and gateways) seen in the last day, from their heartbeats; live ones first */
        get: operations["listNodes"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/policies/default": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The global default rotation policy (for keys whose consumer has none), or null */
        get: operations["getDefaultPolicy"];
        /** Set the global default rotation policy (admin keys never follow it) */
        put: operations["setDefaultPolicy"];
        post?: never;
        /** Remove the global default rotation policy */
        delete: operations["deleteDefaultPolicy"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/key-age": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Key-age report: secrets past their policy's age, versions in grace, keys without a policy or never rotated, the oldest secret per consumer */
        get: operations["getKeyAgeReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotation-jobs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List rotation jobs, oldest first */
        get: operations["listRotationJobs"];
        put?: never;
        /** Rotate every key a selector takes, at a bounded rate, as a job (202); with dryRun, only list them (200) */
        post: operations["createRotationJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotation-jobs/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A rotation job and its progress: matched, rotated, skipped, failed, rate, eta */
        get: operations["getRotationJob"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotation-jobs/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a rotation job: keys not rotated yet stay as they are */
        post: operations["cancelRotationJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotation-jobs/{id}/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The keys of a rotation job and what became of each (rotated, skipped or failed, and why) */
        get: operations["listRotationJobKeys"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotation-jobs/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a rotation job after the batch in progress (idempotent) */
        post: operations["pauseRotationJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotation-jobs/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a paused rotation job where it stopped (idempotent) */
        post: operations["resumeRotationJob"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/rotations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Keys in rotation: how much traffic moved to the new version, who still sends the old one */
        get: operations["listRotations"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/self": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The presenting secret's key, version and state, and whether a successor is waiting */
        get: operations["getSelf"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/self/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate the presenting key (scope "self:rotate", active secret only) */
        post: operations["rotateSelf"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/self/successor": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Fetch the secret that replaced the presenting one (during its grace period); repeatable, so every replica gets it */
        post: operations["pickUpSuccessor"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Usage counted by an in-process verifier, per version, minute and outcome, with client addresses: added to this node's counts */
        post: operations["reportUsage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verifier/snapshot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every key with its version digests and stamps, and the feed position it is current to */
        get: operations["getVerifierSnapshot"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Verify a secret: is it valid now, for these scopes? */
        post: operations["verifyKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List webhook endpoints, oldest first */
        get: operations["listWebhooks"];
        put?: never;
        /** Create a webhook endpoint (its signing secret is shown once) */
        post: operations["createWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Read a webhook endpoint */
        get: operations["getWebhook"];
        put?: never;
        post?: never;
        /** Delete a webhook endpoint; its pending deliveries are dropped */
        delete: operations["deleteWebhook"];
        options?: never;
        head?: never;
        /** Update a webhook endpoint (enabled: true turns a disabled one back on) */
        patch: operations["updateWebhook"];
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List an endpoint's deliveries, newest first */
        get: operations["listWebhookDeliveries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/deliveries/{deliveryId}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Send a delivery again now, with a fresh retry schedule */
        post: operations["retryWebhookDelivery"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/webhooks/{id}/rotate-secret": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Make a new signing secret; the old one also signs during the overlap (default 24h) */
        post: operations["rotateWebhookSecret"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details */
        Problem: {
            code: string;
            detail: string;
            errors?: {
                message: string;
                path: string;
            }[];
            instance?: string;
            status: number;
            title: string;
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: {
        /** @description Always `no-store`: no answer of this API may be cached */
        "Cache-Control": "no-store";
        /** @description RFC 9745: the presented version (on /v1/self, the secret used) is in grace since this time (`@<epoch seconds>`); a successor waits, and `Sunset` says when it stops working */
        Deprecation: string;
        /** @description `true` when this answer replays an earlier request with the same Idempotency-Key */
        "Idempotent-Replayed": "true";
        /** @description For a version in grace, the provider's rotation docs (when configured): `<url>; rel="deprecation"; type="text/html"` */
        Link: string;
        /** @description IETF httpapi ratelimit-headers: what is left of it, e.g. `"key";r=99;t=1` */
        RateLimit: string;
        /** @description IETF httpapi ratelimit-headers: the key's limit, e.g. `"key";q=100;w=60` */
        "RateLimit-Policy": string;
        /** @description On 503 `STORE_BUSY` and 429 `RATE_LIMITED`: seconds to wait before retrying */
        "Retry-After": string;
        /** @description RFC 8594: the credential used (the admin key; on /v1/verify, the key verified; on /v1/authorize, the client's key) is in grace and stops working at this HTTP date */
        Sunset: string;
        /** @description RFC 9110: how to authenticate: `Bearer realm="keyroll"` for Keyroll's own credentials; on /v1/authorize, a missing or invalid client key is challenged in the API's realm, `Bearer realm="api"` (the gateway passes it on to the client) */
        "WWW-Authenticate": string;
        /** @description /v1/authorize: the consumer owning the client's key */
        "X-Keyroll-Consumer-Id": string;
        /** @description /v1/authorize: the client key's id (stable across rotations), for the upstream */
        "X-Keyroll-Key-Id": string;
        /** @description /v1/authorize: the version of the key the client presented */
        "X-Keyroll-Key-Version": string;
        /** @description /v1/authorize refusals (401, 403, 429, 503): the problem+json body again, as ASCII JSON, for a gateway that passes only the status on (nginx `auth_request`: docs/gateways.md) */
        "X-Keyroll-Problem": string;
        /** @description The request's id, also the `instance` of a problem; quote it when reporting one */
        "X-Request-Id": string;
    };
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        leader: boolean;
                        status: string;
                    };
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The Prometheus text exposition */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4": string;
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getOpenApi: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description An OpenAPI 3.1 document */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        info: Record<string, never>;
                        openapi: string;
                        paths: Record<string, never>;
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        feedLagMs: number;
                        /** @description Rate limits: a 503 while Redis is down only when they fail closed */
                        rateLimit: {
                            failure: "open" | "closed";
                            mode: "local" | "redis";
                            /** @description Whether the rate limit store (Redis) is reachable; always true in local mode */
                            up: boolean;
                        };
                        status: string;
                    };
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not ready: stale, draining, or rate limits unavailable while failing closed; or Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        feedLagMs: number | null;
                        /** @description Rate limits: a 503 while Redis is down only when they fail closed */
                        rateLimit: {
                            failure: "open" | "closed";
                            mode: "local" | "redis";
                            /** @description Whether the rate limit store (Redis) is reachable; always true in local mode */
                            up: boolean;
                        };
                        status: string;
                    };
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAlerts: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                keyId?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
                /** @description default open */
                state?: "open" | "acknowledged" | "all";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            acknowledgedAt: string | null;
                            acknowledgedBy: string | null;
                            address: string | null;
                            consumerId: string | null;
                            count: number;
                            /** Format: date-time */
                            createdAt: string;
                            data: {
                                [key: string]: unknown;
                            };
                            id: string;
                            keyId: string | null;
                            kind: string;
                            /** Format: date-time */
                            lastSeenAt: string;
                            message: string;
                            version: number | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    acknowledgeAlert: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        acknowledgedAt: string | null;
                        acknowledgedBy: string | null;
                        address: string | null;
                        consumerId: string | null;
                        count: number;
                        /** Format: date-time */
                        createdAt: string;
                        data: {
                            [key: string]: unknown;
                        };
                        id: string;
                        keyId: string | null;
                        kind: string;
                        /** Format: date-time */
                        lastSeenAt: string;
                        message: string;
                        version: number | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditEntries: {
        parameters: {
            query?: {
                action?: string;
                /** @description A key id, or `system` */
                actor?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 1000, default 100 */
                limit?: string;
                /** @description ISO 8601: entries at or after */
                since?: string;
                targetId?: string;
                /** @description ISO 8601: entries before */
                until?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            action: string;
                            /** @description An admin key (id and version), a key acting on itself, or Keyroll's own rule */
                            actor: {
                                keyId: string;
                                /** @enum {string} */
                                type: "admin";
                                version: number | null;
                            } | {
                                keyId: string;
                                /** @enum {string} */
                                type: "key";
                                version: number | null;
                            } | {
                                rule: string | null;
                                /** @enum {string} */
                                type: "system";
                            };
                            address: string | null;
                            /** Format: date-time */
                            at: string;
                            data: {
                                [key: string]: unknown;
                            };
                            diff: {
                                [key: string]: {
                                    from: unknown;
                                    to: unknown;
                                };
                            } | null;
                            hash: string | null;
                            id: string;
                            prevHash: string | null;
                            requestId: string | null;
                            seq: number;
                            targetId: string | null;
                            /** @description Entry format: 1, or 0 for entries written before it existed */
                            v: number;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listAuditCheckpoints: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 1000, default 100 */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            at: string;
                            hash: string;
                            keyId: string;
                            seq: number;
                            /** @description Ed25519 over the RFC 8785 JSON of {v, seq, hash, at, keyId}, base64 */
                            signature: string;
                            /** @enum {number} */
                            v: 1;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getAuditPublicKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {string} */
                        algorithm: "Ed25519";
                        keyId: string;
                        /** @description SPKI PEM */
                        publicKey: string;
                    };
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    verifyAuditLog: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        checkpoints: {
                            entriesAfterLast: number;
                            last: {
                                /** Format: date-time */
                                at: string;
                                hash: string;
                                keyId: string;
                                seq: number;
                                /** @description Ed25519 over the RFC 8785 JSON of {v, seq, hash, at, keyId}, base64 */
                                signature: string;
                                /** @enum {number} */
                                v: 1;
                            } | null;
                            /** @description Whether this server signs checkpoints */
                            signing: boolean;
                            /** @description Signed by another key than this server's */
                            unverified: number;
                            verified: number;
                        };
                        entries: number;
                        firstBad: {
                            reason: string;
                            seq: number;
                        } | null;
                        head: {
                            hash: string;
                            seq: number;
                        } | null;
                        /** @description Entries written but not linked into the chain yet */
                        pending: number;
                        valid: boolean;
                    };
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    authorizeRequest: {
        parameters: {
            query?: never;
            header?: {
                /** @description The client request's method (Caddy, Traefik) */
                "x-forwarded-method"?: string;
                /** @description The client request's URI (Caddy, Traefik) */
                "x-forwarded-uri"?: string;
                /** @description An admin key with the `verify` scope: the asking gateway */
                "x-keyroll-gateway-key"?: string;
                /** @description The client request's method (nginx) */
                "x-original-method"?: string;
                /** @description The client request's URI (nginx) */
                "x-original-uri"?: string;
                /** @description The client's address, counted with the version */
                "x-real-ip"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The key may make this request */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Deprecation: components["headers"]["Deprecation"];
                    Link: components["headers"]["Link"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Keyroll-Consumer-Id": components["headers"]["X-Keyroll-Consumer-Id"];
                    "X-Keyroll-Key-Id": components["headers"]["X-Keyroll-Key-Id"];
                    "X-Keyroll-Key-Version": components["headers"]["X-Keyroll-Key-Version"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: "VALID" | "MALFORMED" | "NOT_FOUND" | "REVOKED" | "EXPIRED" | "NOT_YET_ACTIVE" | "INSUFFICIENT_SCOPE" | "RATE_LIMITED" | "DISABLED";
                        consumerId: string | null;
                        deprecated: boolean;
                        expiresAt: string | null;
                        keyId: string | null;
                        scopes: string[];
                        valid: boolean;
                        version: number | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED: route rules exist but no original URI was sent */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description KEY_MISSING or KEY_INVALID (the client's key), or UNAUTHORIZED (the gateway's key is missing or not valid) */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Keyroll-Problem": components["headers"]["X-Keyroll-Problem"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description INSUFFICIENT_SCOPE or ROUTE_NOT_ALLOWED (the client's request), or FORBIDDEN (the gateway's key is no admin key of scope verify) */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Keyroll-Problem": components["headers"]["X-Keyroll-Problem"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: the key's limit is used up */
            429: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    RateLimit: components["headers"]["RateLimit"];
                    "RateLimit-Policy": components["headers"]["RateLimit-Policy"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Keyroll-Problem": components["headers"]["X-Keyroll-Problem"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMIT_UNAVAILABLE: redis mode failing closed cannot reach Redis; or SHUTTING_DOWN */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Keyroll-Problem": components["headers"]["X-Keyroll-Problem"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    streamChanges: {
        parameters: {
            query?: {
                /** @description start after this sequence number */
                since?: string;
            };
            header?: {
                /** @description resume after this sequence number (wins over `since`) */
                "last-event-id"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description text/event-stream */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "text/event-stream": string;
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listConsumers: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            contacts: {
                                email: string;
                                name?: string;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createConsumer: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    contacts?: {
                        email: string;
                        name?: string;
                    }[];
                    externalId?: string | null;
                    /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                    metadata?: {
                        [key: string]: unknown;
                    };
                    name: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        contacts: {
                            email: string;
                            name?: string;
                        }[];
                        /** Format: date-time */
                        createdAt: string;
                        externalId: string | null;
                        id: string;
                        /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                        metadata: {
                            [key: string]: unknown;
                        };
                        name: string;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConsumer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        contacts: {
                            email: string;
                            name?: string;
                        }[];
                        /** Format: date-time */
                        createdAt: string;
                        externalId: string | null;
                        id: string;
                        /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                        metadata: {
                            [key: string]: unknown;
                        };
                        name: string;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteConsumer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: boolean;
                        id: string;
                        revokedKeys: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateConsumer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    contacts?: {
                        email: string;
                        name?: string;
                    }[];
                    externalId?: string | null;
                    /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                    metadata?: {
                        [key: string]: unknown;
                    };
                    name?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        contacts: {
                            email: string;
                            name?: string;
                        }[];
                        /** Format: date-time */
                        createdAt: string;
                        externalId: string | null;
                        id: string;
                        /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                        metadata: {
                            [key: string]: unknown;
                        };
                        name: string;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    compromiseConsumer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description How long an active version that is not among the exposed ones keeps working (default "0s": it ends now); at most 7d */
                    gracePeriod?: string | number;
                    /** @description What happened; audited and notified */
                    reason: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string;
                        keys: {
                            key: {
                                allowSuccessorPickup: boolean;
                                consumerId: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                externalId: string | null;
                                id: string;
                                /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                                metadata: {
                                    [key: string]: unknown;
                                };
                                name: string | null;
                                prefix: string;
                                rateLimit: {
                                    limit: number;
                                    /** @description The period as a duration, e.g. "1m" */
                                    period: string;
                                } | null;
                                scopes: string[];
                                state: "active" | "revoked";
                                versions: {
                                    /** Format: date-time */
                                    activatesAt: string;
                                    /** Format: date-time */
                                    createdAt: string;
                                    expiresAt: string | null;
                                    imported: boolean;
                                    lastUsedAt: string | null;
                                    revokedAt: string | null;
                                    start: string;
                                    state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                    version: number;
                                }[];
                            };
                            previous: {
                                /** Format: date-time */
                                expiresAt: string;
                                version: number;
                            } | null;
                            /** @description Versions revoked by this call */
                            revokedVersions: number[];
                            /** @description The replacement's secret, shown once */
                            secret: string;
                            /** @description The replacement version, active now */
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getConsumerPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string;
                        effective: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setConsumerPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    activateAfter?: (string | number) | null;
                    extendWhileInUse?: {
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        max: string | number;
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        step?: string | number;
                    } | null;
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    gracePeriod: string | number;
                    /** @description Rotate every this long (1h to 3650d), e.g. "90d": counted from the last rotation */
                    interval: string | number;
                    retireWhenUnusedFor?: (string | number) | null;
                    window?: {
                        /** @description Days of the week the window opens on, in its time zone */
                        days: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[];
                        /** @description Closes at this local time (exclusive); at or before start: the next day; "24:00" is midnight */
                        end: string;
                        /** @description Opens at this local time, "HH:MM" */
                        start: string;
                        /** @description "UTC" (the default) or an IANA zone, e.g. "Europe/Berlin" */
                        timeZone?: string;
                    } | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string;
                        effective: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteConsumerPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string;
                        effective: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listKeys: {
        parameters: {
            query?: {
                consumerId?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description Only the key with this externalId */
                externalId?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
                state?: "active" | "revoked";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Holders of a previous secret may fetch its successor during grace (POST /v1/self/successor); default true */
                    allowSuccessorPickup?: boolean;
                    consumerId: string;
                    expiresAt?: string | null;
                    /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                    metadata?: {
                        [key: string]: unknown;
                    };
                    name?: string | null;
                    prefix?: string;
                    rateLimit?: {
                        limit: number;
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        period: string | number;
                    } | null;
                    scopes?: string[];
                    /** @description An existing secret to import (≥ 20 chars) */
                    secret?: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                        secret: string;
                        version: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowSuccessorPickup: boolean;
                        consumerId: string;
                        /** Format: date-time */
                        createdAt: string;
                        expiresAt: string | null;
                        externalId: string | null;
                        id: string;
                        /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                        metadata: {
                            [key: string]: unknown;
                        };
                        name: string | null;
                        /** @description When the next policy rotation makes its new version active; null without a policy */
                        nextRotationAt: string | null;
                        prefix: string;
                        rateLimit: {
                            limit: number;
                            /** @description The period as a duration, e.g. "1m" */
                            period: string;
                        } | null;
                        /** @description Why the policy cannot rotate this key (successor pickup off), or null */
                        rotationBlocked: string | null;
                        rotationPolicy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        scopes: string[];
                        state: "active" | "revoked";
                        versions: {
                            /** Format: date-time */
                            activatesAt: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            imported: boolean;
                            lastUsedAt: string | null;
                            revokedAt: string | null;
                            start: string;
                            state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Holders of a previous secret may fetch its successor during grace (POST /v1/self/successor); default true */
                    allowSuccessorPickup?: boolean;
                    /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                    metadata?: {
                        [key: string]: unknown;
                    };
                    name?: string | null;
                    rateLimit?: {
                        limit: number;
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        period: string | number;
                    } | null;
                    scopes?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowSuccessorPickup: boolean;
                        consumerId: string;
                        /** Format: date-time */
                        createdAt: string;
                        expiresAt: string | null;
                        externalId: string | null;
                        id: string;
                        /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                        metadata: {
                            [key: string]: unknown;
                        };
                        name: string | null;
                        prefix: string;
                        rateLimit: {
                            limit: number;
                            /** @description The period as a duration, e.g. "1m" */
                            period: string;
                        } | null;
                        scopes: string[];
                        state: "active" | "revoked";
                        versions: {
                            /** Format: date-time */
                            activatesAt: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            imported: boolean;
                            lastUsedAt: string | null;
                            revokedAt: string | null;
                            start: string;
                            state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    compromiseKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description How long an active version that is not among the exposed ones keeps working (default "0s": it ends now); at most 7d */
                    gracePeriod?: string | number;
                    /** @description What happened; audited and notified */
                    reason: string;
                    /** @description The versions whose secret leaked (default: every version that still works); versions sealed to them for pickup count as exposed too */
                    versions?: number[];
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                        previous: {
                            /** Format: date-time */
                            expiresAt: string;
                            version: number;
                        } | null;
                        /** @description Versions revoked by this call */
                        revokedVersions: number[];
                        /** @description The replacement's secret, shown once */
                        secret: string;
                        /** @description The replacement version, active now */
                        version: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getKeyExposure: {
        parameters: {
            query?: {
                /** @description Comma-separated versions (default: all) */
                versions?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string;
                        /**
                         * Format: date-time
                         * @description Usage is counted from here (90 days back)
                         */
                        from: string;
                        keyId: string;
                        versions: {
                            addresses: {
                                address: string;
                                count: number;
                                /** Format: date-time */
                                firstSeenAt: string;
                                /** Format: date-time */
                                lastSeenAt: string;
                            }[];
                            /** Format: date-time */
                            createdAt: string;
                            firstUsedAt: string | null;
                            lastUsedAt: string | null;
                            /** @description requests by outcome */
                            requests: {
                                [key: string]: number;
                            };
                            revokedAt: string | null;
                            state: string;
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getKeyPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: string | null;
                        effective: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        keyId: string;
                        nextRotationAt: string | null;
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setKeyPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    activateAfter?: (string | number) | null;
                    extendWhileInUse?: {
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        max: string | number;
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        step?: string | number;
                    } | null;
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    gracePeriod: string | number;
                    /** @description Rotate every this long (1h to 3650d), e.g. "90d": counted from the last rotation */
                    interval: string | number;
                    retireWhenUnusedFor?: (string | number) | null;
                    window?: {
                        /** @description Days of the week the window opens on, in its time zone */
                        days: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[];
                        /** @description Closes at this local time (exclusive); at or before start: the next day; "24:00" is midnight */
                        end: string;
                        /** @description Opens at this local time, "HH:MM" */
                        start: string;
                        /** @description "UTC" (the default) or an IANA zone, e.g. "Europe/Berlin" */
                        timeZone?: string;
                    } | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: string | null;
                        effective: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        keyId: string;
                        nextRotationAt: string | null;
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteKeyPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        blocked: string | null;
                        effective: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            /** @description Where the policy comes from: the key's own, its consumer's, or the global default */
                            source: "key" | "consumer" | "default";
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        keyId: string;
                        nextRotationAt: string | null;
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rollbackKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateKey: {
        parameters: {
            query?: never;
            header?: {
                /** @description 1-255 printable ASCII chars (no spaces); a retry with the same value within 24 h returns the same successor */
                "idempotency-key"?: string;
            };
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** Format: date-time */
                    activateAt?: string;
                    /** @description Extend a grace that would end while the previous version is still in use (used in the last 15 minutes), by `step` (default 1h) at a time, up to `max` after the switch */
                    extendWhileInUse?: {
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        max: string | number;
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        step?: string | number;
                    };
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    gracePeriod: string | number;
                    reason?: string;
                    /** @description Retire the previous version early once the new one is used and the old one has had no traffic for this long */
                    retireWhenUnusedFor?: string | number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Idempotent-Replayed": components["headers"]["Idempotent-Replayed"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                        previous: {
                            /** Format: date-time */
                            expiresAt: string;
                            version: number;
                        } | null;
                        secret: string;
                        version: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unprocessable Entity: problem details, `code` one of `IDEMPOTENCY_KEY_REUSED` */
            422: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getKeyUsage: {
        parameters: {
            query?: {
                /** @description default: to minus 1h (minute) or 24h (hour) */
                from?: string;
                granularity?: "minute" | "hour";
                /** @description default: now */
                to?: string;
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        from: string;
                        granularity: "minute" | "hour";
                        keyId: string;
                        /** Format: date-time */
                        to: string;
                        versions: {
                            series: {
                                /** Format: date-time */
                                at: string;
                                /** @description requests by outcome (VALID, EXPIRED, …) */
                                counts: {
                                    [key: string]: number;
                                };
                                total: number;
                            }[];
                            /** @description requests by outcome (VALID, EXPIRED, …) */
                            totals: {
                                [key: string]: number;
                            };
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelKeyVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeKeyVersion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
                version: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": {
                    reason?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        key: {
                            allowSuccessorPickup: boolean;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            expiresAt: string | null;
                            externalId: string | null;
                            id: string;
                            /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                            metadata: {
                                [key: string]: unknown;
                            };
                            name: string | null;
                            prefix: string;
                            rateLimit: {
                                limit: number;
                                /** @description The period as a duration, e.g. "1m" */
                                period: string;
                            } | null;
                            scopes: string[];
                            state: "active" | "revoked";
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** Format: date-time */
                                createdAt: string;
                                expiresAt: string | null;
                                imported: boolean;
                                lastUsedAt: string | null;
                                revokedAt: string | null;
                                start: string;
                                state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                                version: number;
                            }[];
                        };
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    importKeys: {
        parameters: {
            query?: {
                /** @description Check every row and answer as the import would, writing nothing */
                dryRun?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    keys: {
                        /** @description Holders of a previous secret may fetch its successor during grace (POST /v1/self/successor); default true */
                        allowSuccessorPickup?: boolean;
                        consumerId: string;
                        expiresAt?: string | null;
                        /** @description Your own id of this key, unique among keys: a re-run finds the key made the first time */
                        externalId: string;
                        /** @description Free-form JSON object: at most 50 fields, names up to 64 chars, 8 levels deep, 8 KiB */
                        metadata?: {
                            [key: string]: unknown;
                        };
                        name?: string | null;
                        prefix?: string;
                        rateLimit?: {
                            limit: number;
                            /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                            period: string | number;
                        } | null;
                        scopes?: string[];
                        /** @description An existing secret to import (≥ 20 chars) */
                        secret?: string;
                    }[];
                };
                "application/x-ndjson": string;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description False when any row failed (nothing was written) or on a dry run */
                        committed: boolean;
                        created: number;
                        dryRun: boolean;
                        existing: number;
                        failed: number;
                        results: {
                            /** @description RFC 9457 problem details */
                            error?: {
                                code: string;
                                detail: string;
                                errors?: {
                                    message: string;
                                    path: string;
                                }[];
                                instance?: string;
                                status: number;
                                title: string;
                                type: string;
                            };
                            externalId: string | null;
                            /** @description The row's position in the request, from 0 */
                            index: number;
                            keyId: string | null;
                            /** @description Only for a key created now with a generated secret */
                            secret?: string;
                            status: "created" | "existing" | "failed" | "not_committed";
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    lookupKeyByDigest: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description SHA-256 of the secret, hex */
                    digest: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string;
                        keyId: string;
                        keyState: "active" | "revoked";
                        /** @description The version's state now */
                        state: string;
                        version: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reportLeaks: {
        parameters: {
            query?: never;
            header?: {
                /** @description The scanner key that signed the body */
                "github-public-key-identifier"?: string;
                /** @description base64 DER ECDSA P-256 SHA-256 signature */
                "github-public-key-signature"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": ({
                    /** @description What it was found in (content, commit, …) */
                    source?: string;
                    /** @description The token found */
                    token: string;
                    /** @description Its type, as the scanner names it */
                    type: string;
                    /** @description Where it was found */
                    url?: string;
                } & {
                    [key: string]: unknown;
                })[];
            };
        };
        responses: {
            /** @description Always empty: no feedback, so that no answer tells which tokens exist */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>[];
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    checkNodeRevocations: {
        parameters: {
            query: {
                keyId: string;
                /** @description Comma-separated versions */
                versions: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        checkedAt: string;
                        feedSeq: number;
                        keyId: string;
                        kind: string;
                        lastRevocationAt: string | null;
                        /** @description null before its first heartbeat */
                        nodeId: string | null;
                        versions: {
                            /** @description The answer it gets (REVOKED, …) */
                            code: string | null;
                            /** @description The verifier's index holds this version */
                            indexed: boolean;
                            /** @description A request with it is refused now, from memory */
                            rejected: boolean;
                            /** @description Since when this node holds it as revoked */
                            since: string | null;
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listNodes: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** @description Where it is reached (KEYROLL_ADVERTISE_URL) */
                            address: string;
                            /** @description The change-feed position it had applied at its last heartbeat */
                            feedSeq: number;
                            id: string;
                            /** @description server or gateway */
                            kind: string;
                            /** @description The newest revocation its verifier had applied */
                            lastRevocationAt: string | null;
                            /** Format: date-time */
                            lastSeenAt: string;
                            /** @description Its heartbeat is less than three intervals old */
                            live: boolean;
                            /** Format: date-time */
                            startedAt: string;
                            /** @description Its software version */
                            version: string;
                        }[];
                    };
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getDefaultPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        updatedAt: string | null;
                    };
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    setDefaultPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    activateAfter?: (string | number) | null;
                    extendWhileInUse?: {
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        max: string | number;
                        /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                        step?: string | number;
                    } | null;
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    gracePeriod: string | number;
                    /** @description Rotate every this long (1h to 3650d), e.g. "90d": counted from the last rotation */
                    interval: string | number;
                    retireWhenUnusedFor?: (string | number) | null;
                    window?: {
                        /** @description Days of the week the window opens on, in its time zone */
                        days: ("sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat")[];
                        /** @description Closes at this local time (exclusive); at or before start: the next day; "24:00" is midnight */
                        end: string;
                        /** @description Opens at this local time, "HH:MM" */
                        start: string;
                        /** @description "UTC" (the default) or an IANA zone, e.g. "Europe/Berlin" */
                        timeZone?: string;
                    } | null;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        updatedAt: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteDefaultPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        policy: {
                            activateAfter: string | null;
                            extendWhileInUse: {
                                max: string;
                                step: string;
                            } | null;
                            gracePeriod: string;
                            interval: string;
                            retireWhenUnusedFor: string | null;
                            window: {
                                days: string[];
                                end: string;
                                start: string;
                                timeZone: string;
                            } | null;
                        } | null;
                        updatedAt: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getKeyAgeReport: {
        parameters: {
            query?: {
                consumerId?: string;
                /** @description Entries per list at most, 1 to 10000 (default 1000); each list keeps its own order */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description Each list's full length; a list holds only its first `limit` entries, so a count above its list's length means the list was cut */
                        counts: {
                            inGrace: number;
                            neverRotated: number;
                            /** @description Consumers with a live active key */
                            oldestPerConsumer: number;
                            pastPolicyAge: number;
                            withoutPolicy: number;
                        };
                        /** Format: date-time */
                        generatedAt: string;
                        /** @description Versions still accepted in grace, soonest end first */
                        inGrace: {
                            consumerId: string;
                            expiresAt: string | null;
                            graceStartedAt: string | null;
                            keyId: string;
                            lastUsedAt: string | null;
                            name: string | null;
                            version: number;
                        }[];
                        /** @description Live keys looked at (not revoked, not expired) */
                        keys: number;
                        /** @description Keys still on their first version */
                        neverRotated: {
                            /**
                             * Format: date-time
                             * @description When the active version became active
                             */
                            activeSince: string;
                            admin: boolean;
                            /** @description Seconds since activeSince */
                            ageSeconds: number;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            keyId: string;
                            name: string | null;
                            nextRotationAt: string | null;
                            policy: {
                                interval: string;
                                source: "key" | "consumer" | "default";
                            } | null;
                            /** @description The active version */
                            version: number;
                        }[];
                        /** @description Per consumer, its oldest active secret */
                        oldestPerConsumer: {
                            /**
                             * Format: date-time
                             * @description When the active version became active
                             */
                            activeSince: string;
                            admin: boolean;
                            /** @description Seconds since activeSince */
                            ageSeconds: number;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            keyId: string;
                            name: string | null;
                            nextRotationAt: string | null;
                            policy: {
                                interval: string;
                                source: "key" | "consumer" | "default";
                            } | null;
                            /** @description The active version */
                            version: number;
                        }[];
                        /** @description Active secrets older than their policy's interval */
                        pastPolicyAge: {
                            /**
                             * Format: date-time
                             * @description When the active version became active
                             */
                            activeSince: string;
                            admin: boolean;
                            /** @description Seconds since activeSince */
                            ageSeconds: number;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            keyId: string;
                            name: string | null;
                            nextRotationAt: string | null;
                            policy: {
                                interval: string;
                                source: "key" | "consumer" | "default";
                            } | null;
                            /** @description The active version */
                            version: number;
                        }[];
                        /** @description Keys no rotation policy applies to */
                        withoutPolicy: {
                            /**
                             * Format: date-time
                             * @description When the active version became active
                             */
                            activeSince: string;
                            admin: boolean;
                            /** @description Seconds since activeSince */
                            ageSeconds: number;
                            consumerId: string;
                            /** Format: date-time */
                            createdAt: string;
                            keyId: string;
                            name: string | null;
                            nextRotationAt: string | null;
                            policy: {
                                interval: string;
                                source: "key" | "consumer" | "default";
                            } | null;
                            /** @description The active version */
                            version: number;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRotationJobs: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
                state?: "queued" | "running" | "paused" | "completed" | "cancelled";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            /** Format: date-time */
                            createdAt: string;
                            createdBy: string | null;
                            currentRate: number | null;
                            eta: string | null;
                            failed: number;
                            finishedAt: string | null;
                            gracePeriod: string;
                            id: string;
                            /** @description Keys the selector took when the job was created */
                            matched: number;
                            pending: number;
                            /** @description Keys per second at most */
                            rate: number;
                            reason: string | null;
                            requirePickup: boolean;
                            rotated: number;
                            selector: {
                                all?: boolean;
                                consumerId?: string;
                                metadata?: {
                                    [key: string]: string | number | boolean;
                                };
                                olderThan?: string;
                                prefix?: string;
                                scope?: string;
                            };
                            skipped: number;
                            startedAt: string | null;
                            state: "queued" | "running" | "paused" | "completed" | "cancelled";
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createRotationJob: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description Change nothing; answer which keys match */
                    dryRun?: boolean;
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    gracePeriod: string | number;
                    /** @description Keys per second at most (default 100) */
                    rate?: number;
                    reason?: string;
                    /** @description Skip keys whose clients cannot fetch the new secret by successor pickup (default true): nobody would ever learn it */
                    requirePickup?: boolean;
                    /** @description Which keys to rotate: every field given must match. Admin, revoked and expired keys are never selected. */
                    selector: {
                        /** @description Every key (not with other fields) */
                        all?: boolean;
                        consumerId?: string;
                        /** @description Metadata fields the key must have with exactly these values */
                        metadata?: {
                            [key: string]: string | number | boolean;
                        };
                        /** @description Keys whose active secret is at least this old, e.g. "90d" */
                        olderThan?: string | number;
                        prefix?: string;
                        scope?: string;
                    };
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @enum {boolean} */
                        dryRun: true;
                        keys: {
                            consumerId: string;
                            id: string;
                            name: string | null;
                            skip: string | null;
                            version: number | null;
                        }[];
                        matched: number;
                        /** @description More keys matched than are listed (the first 1000 are) */
                        truncated: boolean;
                        /** @description Selected keys that would be skipped, per reason (e.g. no_successor_pickup) */
                        wouldSkip: {
                            [key: string]: number;
                        };
                    };
                };
            };
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        currentRate: number | null;
                        eta: string | null;
                        failed: number;
                        finishedAt: string | null;
                        gracePeriod: string;
                        id: string;
                        /** @description Keys the selector took when the job was created */
                        matched: number;
                        pending: number;
                        /** @description Keys per second at most */
                        rate: number;
                        reason: string | null;
                        requirePickup: boolean;
                        rotated: number;
                        selector: {
                            all?: boolean;
                            consumerId?: string;
                            metadata?: {
                                [key: string]: string | number | boolean;
                            };
                            olderThan?: string;
                            prefix?: string;
                            scope?: string;
                        };
                        skipped: number;
                        startedAt: string | null;
                        state: "queued" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRotationJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        currentRate: number | null;
                        eta: string | null;
                        failed: number;
                        finishedAt: string | null;
                        gracePeriod: string;
                        id: string;
                        /** @description Keys the selector took when the job was created */
                        matched: number;
                        pending: number;
                        /** @description Keys per second at most */
                        rate: number;
                        reason: string | null;
                        requirePickup: boolean;
                        rotated: number;
                        selector: {
                            all?: boolean;
                            consumerId?: string;
                            metadata?: {
                                [key: string]: string | number | boolean;
                            };
                            olderThan?: string;
                            prefix?: string;
                            scope?: string;
                        };
                        skipped: number;
                        startedAt: string | null;
                        state: "queued" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    cancelRotationJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        currentRate: number | null;
                        eta: string | null;
                        failed: number;
                        finishedAt: string | null;
                        gracePeriod: string;
                        id: string;
                        /** @description Keys the selector took when the job was created */
                        matched: number;
                        pending: number;
                        /** @description Keys per second at most */
                        rate: number;
                        reason: string | null;
                        requirePickup: boolean;
                        rotated: number;
                        selector: {
                            all?: boolean;
                            consumerId?: string;
                            metadata?: {
                                [key: string]: string | number | boolean;
                            };
                            olderThan?: string;
                            prefix?: string;
                            scope?: string;
                        };
                        skipped: number;
                        startedAt: string | null;
                        state: "queued" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRotationJobKeys: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
                state?: "pending" | "rotated" | "skipped" | "failed";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            at: string | null;
                            keyId: string;
                            reason: string | null;
                            state: "pending" | "rotated" | "skipped" | "failed";
                            version: number | null;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pauseRotationJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        currentRate: number | null;
                        eta: string | null;
                        failed: number;
                        finishedAt: string | null;
                        gracePeriod: string;
                        id: string;
                        /** @description Keys the selector took when the job was created */
                        matched: number;
                        pending: number;
                        /** @description Keys per second at most */
                        rate: number;
                        reason: string | null;
                        requirePickup: boolean;
                        rotated: number;
                        selector: {
                            all?: boolean;
                            consumerId?: string;
                            metadata?: {
                                [key: string]: string | number | boolean;
                            };
                            olderThan?: string;
                            prefix?: string;
                            scope?: string;
                        };
                        skipped: number;
                        startedAt: string | null;
                        state: "queued" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    resumeRotationJob: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** Format: date-time */
                        createdAt: string;
                        createdBy: string | null;
                        currentRate: number | null;
                        eta: string | null;
                        failed: number;
                        finishedAt: string | null;
                        gracePeriod: string;
                        id: string;
                        /** @description Keys the selector took when the job was created */
                        matched: number;
                        pending: number;
                        /** @description Keys per second at most */
                        rate: number;
                        reason: string | null;
                        requirePickup: boolean;
                        rotated: number;
                        selector: {
                            all?: boolean;
                            consumerId?: string;
                            metadata?: {
                                [key: string]: string | number | boolean;
                            };
                            olderThan?: string;
                            prefix?: string;
                            scope?: string;
                        };
                        skipped: number;
                        startedAt: string | null;
                        state: "queued" | "running" | "paused" | "completed" | "cancelled";
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRotations: {
        parameters: {
            query?: {
                state?: "active";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            consumerId: string;
                            current: {
                                lastUsedAt: string | null;
                                requests: number;
                                version: number;
                            };
                            currentShare: number | null;
                            /** Format: date-time */
                            graceEndsAt: string;
                            keyId: string;
                            previous: {
                                addresses: {
                                    address: string;
                                    count: number;
                                    /** Format: date-time */
                                    lastSeenAt: string;
                                }[];
                                extendUntil: string | null;
                                lastUsedAt: string | null;
                                /** @description Successor pickups (POST /v1/self/successor) by holders of this version */
                                pickups: {
                                    addresses: {
                                        address: string;
                                        count: number;
                                        /** Format: date-time */
                                        lastAt: string;
                                    }[];
                                    count: number;
                                };
                                requests: number;
                                retireWhenUnusedFor: string | null;
                                version: number;
                            };
                            safeToRetire: boolean;
                            /** Format: date-time */
                            startedAt: string;
                        }[];
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSelf: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Deprecation: components["headers"]["Deprecation"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        allowSuccessorPickup: boolean;
                        consumerId: string;
                        /** @description When this secret stops working (grace end or key expiry); null for never */
                        expiresAt: string | null;
                        keyId: string;
                        scopes: string[];
                        state: "scheduled" | "active" | "grace" | "revoked" | "expired";
                        /** @description A successor is waiting: fetch it with POST /v1/self/successor */
                        successorAvailable: boolean;
                        /** @description A successor made but not active yet (phased activation): fetch it ahead with POST /v1/self/successor?scheduled=true, use it from activatesAt */
                        successorScheduled: {
                            /** Format: date-time */
                            activatesAt: string;
                            version: number;
                        } | null;
                        version: number;
                    };
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateSelf: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description How long the presenting (previous) secret keeps working, ≤ 30d */
        requestBody: {
            content: {
                "application/json": {
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    gracePeriod: string | number;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        previous: {
                            /** Format: date-time */
                            expiresAt: string;
                            version: number;
                        } | null;
                        secret: string;
                        version: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict: problem details, `code` one of `CONSUMER_RESERVED`, `EXTERNAL_ID_TAKEN`, `SECRET_ALREADY_EXISTS`, `DUPLICATE_EXTERNAL_ID`, `KEY_REVOKED`, `KEY_EXPIRED`, `ROTATION_PENDING`, `ROLLBACK_NOT_POSSIBLE`, `VERSION_ACTIVE`, `VERSION_NOT_SCHEDULED`, `POLICY_NOT_ALLOWED`, `NOT_CURRENT_VERSION`, `CONCURRENT_MODIFICATION`, `ROTATION_JOB_FINISHED` */
            409: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    pickUpSuccessor: {
        parameters: {
            query?: {
                /** @description true: also give a successor that is scheduled but not active yet (phased activation); its activatesAt says from when to use it */
                scheduled?: "true" | "false";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description When the successor starts working: in the future only for a scheduled one (?scheduled=true)
                         */
                        activatesAt: string;
                        /** @description When the successor stops working, or null for never */
                        expiresAt: string | null;
                        previous: {
                            expiresAt: string | null;
                            version: number;
                        };
                        /** @description The successor secret: store it, and use it from now on */
                        secret: string;
                        version: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    reportUsage: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    addresses?: {
                        address: string;
                        count: number;
                        /** Format: date-time */
                        firstAt: string;
                        keyId: string;
                        /** Format: date-time */
                        lastAt: string;
                        version: number;
                    }[];
                    usage: {
                        count: number;
                        keyId: string;
                        /**
                         * Format: date-time
                         * @description start of the minute
                         */
                        minute: string;
                        outcome: string;
                        version: number;
                    }[];
                };
            };
        };
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        accepted: number;
                        addresses: number;
                        /** @description rows of unknown versions or future minutes */
                        rejected: number;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getVerifierSnapshot: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        keys: {
                            admin: boolean;
                            consumerId: string;
                            expiresAt: string | null;
                            id: string;
                            prefix: string;
                            revokedAt: string | null;
                            scopes: string[];
                            versions: {
                                /** Format: date-time */
                                activatesAt: string;
                                /** @description SHA-256 of the secret, lowercase hex */
                                digest: string;
                                expiresAt: string | null;
                                graceStartsAt: string | null;
                                imported: boolean;
                                revokedAt: string | null;
                                version: number;
                            }[];
                        }[];
                        seq: number;
                    };
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    verifyKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description The address of the client that sent the key: counted per version (who still uses the old one) */
                    clientIp?: string;
                    key: string;
                    scopes?: string[];
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        code: "VALID" | "MALFORMED" | "NOT_FOUND" | "REVOKED" | "EXPIRED" | "NOT_YET_ACTIVE" | "INSUFFICIENT_SCOPE" | "RATE_LIMITED" | "DISABLED";
                        consumerId: string | null;
                        deprecated: boolean;
                        expiresAt: string | null;
                        keyId: string | null;
                        scopes: string[];
                        valid: boolean;
                        version: number | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhooks: {
        parameters: {
            query?: {
                consumerId?: string;
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            consumerId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            description: string | null;
                            disabledReason: string | null;
                            enabled: boolean;
                            events: string[];
                            failingSince: string | null;
                            id: string;
                            previousSecretExpiresAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            url: string;
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    consumerId?: string | null;
                    description?: string | null;
                    enabled?: boolean;
                    /** @description Event types to receive: key.created, key.rotated, key.rolled_back, key.revoked, key.version.expiring, key.version.still_in_use, key.version.retired, key.version.revoked, key.version.activated, key.version.cancelled, key.compromised, alert.raised */
                    events: string[];
                    /** @description http(s) URL the events are POSTed to */
                    url: string;
                };
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The signing secret (whsec_…), shown this once */
                        secret: string;
                        webhook: {
                            consumerId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            description: string | null;
                            disabledReason: string | null;
                            enabled: boolean;
                            events: string[];
                            failingSince: string | null;
                            id: string;
                            previousSecretExpiresAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            url: string;
                        };
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        description: string | null;
                        disabledReason: string | null;
                        enabled: boolean;
                        events: string[];
                        failingSince: string | null;
                        id: string;
                        previousSecretExpiresAt: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        url: string;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deleted: boolean;
                        id: string;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateWebhook: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    consumerId?: string | null;
                    description?: string | null;
                    enabled?: boolean;
                    /** @description Event types to receive: key.created, key.rotated, key.rolled_back, key.revoked, key.version.expiring, key.version.still_in_use, key.version.retired, key.version.revoked, key.version.activated, key.version.cancelled, key.compromised, alert.raised */
                    events?: string[];
                    /** @description http(s) URL the events are POSTed to */
                    url?: string;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        consumerId: string | null;
                        /** Format: date-time */
                        createdAt: string;
                        description: string | null;
                        disabledReason: string | null;
                        enabled: boolean;
                        events: string[];
                        failingSince: string | null;
                        id: string;
                        previousSecretExpiresAt: string | null;
                        /** Format: date-time */
                        updatedAt: string;
                        url: string;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listWebhookDeliveries: {
        parameters: {
            query?: {
                /** @description nextCursor of the previous page */
                cursor?: string;
                /** @description 1 to 200, default 50 */
                limit?: string;
                status?: "pending" | "delivered" | "failed";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        data: {
                            attempts: number;
                            /** Format: date-time */
                            createdAt: string;
                            deliveredAt: string | null;
                            /** @description Also the webhook-id header: the same on every attempt */
                            eventId: string;
                            eventType: string;
                            id: string;
                            lastAttemptAt: string | null;
                            lastError: string | null;
                            lastResponseStatus: number | null;
                            nextAttemptAt: string | null;
                            status: "pending" | "delivered" | "failed";
                        }[];
                        nextCursor: string | null;
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    retryWebhookDelivery: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                deliveryId: string;
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Accepted */
            202: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        attempts: number;
                        /** Format: date-time */
                        createdAt: string;
                        deliveredAt: string | null;
                        /** @description Also the webhook-id header: the same on every attempt */
                        eventId: string;
                        eventType: string;
                        id: string;
                        lastAttemptAt: string | null;
                        lastError: string | null;
                        lastResponseStatus: number | null;
                        nextAttemptAt: string | null;
                        status: "pending" | "delivered" | "failed";
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    rotateWebhookSecret: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @description A duration: "30s", "15m", "2h", "7d" or a number of seconds */
                    overlap?: string | number;
                };
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    Sunset: components["headers"]["Sunset"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description The signing secret (whsec_…), shown this once */
                        secret: string;
                        webhook: {
                            consumerId: string | null;
                            /** Format: date-time */
                            createdAt: string;
                            description: string | null;
                            disabledReason: string | null;
                            enabled: boolean;
                            events: string[];
                            failingSince: string | null;
                            id: string;
                            previousSecretExpiresAt: string | null;
                            /** Format: date-time */
                            updatedAt: string;
                            url: string;
                        };
                    };
                };
            };
            /** @description Bad Request: problem details, `code` one of `VALIDATION_FAILED`, `MALFORMED_JSON`, `INVALID_DURATION`, `INVALID_SECRET`, `INVALID_CURSOR`, `INVALID_IDEMPOTENCY_KEY`, `INVALID_WEBHOOK_URL`, `WEBHOOK_URL_NOT_ALLOWED`, `UNKNOWN_EVENT_TYPE` */
            400: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unauthorized: problem details, `code` one of `UNAUTHORIZED`, `CLIENT_UNAUTHORIZED`, `SECRET_REVOKED`, `SECRET_EXPIRED`, `LEAK_SIGNATURE_INVALID`, `KEY_MISSING`, `KEY_INVALID` */
            401: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "WWW-Authenticate": components["headers"]["WWW-Authenticate"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Forbidden: problem details, `code` one of `FORBIDDEN`, `INSUFFICIENT_SCOPE`, `ROUTE_NOT_ALLOWED`, `SUCCESSOR_PICKUP_DISABLED` */
            403: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Not Found: problem details, `code` one of `NOT_FOUND`, `CONSUMER_NOT_FOUND`, `KEY_NOT_FOUND`, `VERSION_NOT_FOUND`, `ALERT_NOT_FOUND`, `AUDIT_SIGNING_OFF`, `SUCCESSOR_NOT_AVAILABLE`, `WEBHOOK_NOT_FOUND`, `DELIVERY_NOT_FOUND`, `ROTATION_JOB_NOT_FOUND` */
            404: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Payload Too Large: problem details, `code` one of `PAYLOAD_TOO_LARGE` */
            413: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Unsupported Media Type: problem details, `code` one of `UNSUPPORTED_MEDIA_TYPE` */
            415: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Request Header Fields Too Large: problem details, `code` one of `HEADERS_TOO_LARGE` */
            431: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Internal Server Error: problem details, `code` one of `INTERNAL` */
            500: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Service Unavailable: problem details, `code` one of `STORE_UNAVAILABLE`, `RATE_LIMIT_UNAVAILABLE`, `STORE_BUSY`, `STALE_CACHE`, `SHUTTING_DOWN` */
            503: {
                headers: {
                    "Cache-Control": components["headers"]["Cache-Control"];
                    "Retry-After": components["headers"]["Retry-After"];
                    "X-Request-Id": components["headers"]["X-Request-Id"];
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
