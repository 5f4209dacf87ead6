import type { Clock } from "../core/clock.js";
import type { LeakKeys } from "../core/leaks.js";
import type { KeyWithVersions } from "../core/model.js";
import type { AccessPolicy } from "../core/route-rules.js";
import type { VerifyResult } from "../core/verify.js";
import type { AuditService } from "../services/audit.js";
import type { ConsumerService } from "../services/consumers.js";
import type { Logger } from "../services/deps.js";
import type { FeedService } from "../services/feed.js";
import type { IncidentService, LeakAction } from "../services/incidents.js";
import type { KeyImportService } from "../services/key-import.js";
import type { KeyService } from "../services/keys.js";
import type { NodeView } from "../services/nodes.js";
import type { PolicyService } from "../services/policies.js";
import type { RateLimiter } from "../services/rate-limit.js";
import type { RotationJobService } from "../services/rotation-jobs.js";
import type { SelfService } from "../services/self.js";
import type { UsageService } from "../services/usage.js";
import type { WebhookService } from "../services/webhooks.js";
import type { Verifier } from "../verifier/index.js";
import type { createMetrics, StoreStatsSource } from "./metrics.js";
import type { VerifyBody } from "./verify-body.js";
import type { keyView } from "./views.js";

/** What the HTTP app is built from. */
export interface AppDeps {
  readonly consumers: ConsumerService;
  readonly keys: KeyService;
  readonly verifier: Verifier;
  readonly clock: Clock;
  readonly logger: Logger & { child?: unknown };
  /** A pino instance for Fastify's own logging, or false. */
  readonly fastifyLogger?: unknown;
  readonly strict?: boolean;
  readonly maxStalenessMs?: number;
  readonly bodyLimitBytes?: number;
  readonly version?: string;
  /** True while this node holds the leader lock for background work. */
  readonly isLeader?: () => boolean;
  /** Usage reads and alerts. */
  readonly usage?: UsageService;
  /** Rate limits of keys and route rules (default: local, per node). */
  readonly limiter?: RateLimiter;
  /** Route rules, key header and rotation docs of `GET /v1/authorize`. */
  readonly accessPolicy?: AccessPolicy;
  /** `GET /v1/authorize` without a gateway key. */
  readonly authorizeOpen?: boolean;
  /** The `/v1/self` calls of client keys (successor pickup). */
  readonly self?: SelfService;
  /** The snapshot, change stream and usage intake of in-process verifiers. */
  readonly feed?: FeedService;
  /** Heartbeat of idle change streams (default 5 s). */
  readonly changesHeartbeatMs?: number;
  /** True once the node is stopping: `/readyz` answers 503 and every answer carries `Connection: close`. */
  readonly draining?: () => boolean;
  /** The store's wait time, queue length and pool use, for /metrics. */
  readonly storeStats?: StoreStatsSource;
  /** The audit log: reads, verification, the checkpoint public key. */
  readonly audit?: AuditService;
  /** Webhook endpoints and deliveries. */
  readonly webhooks?: WebhookService;
  /** Rotation policies and the key-age report. */
  readonly policies?: PolicyService;
  /** Bulk rotation jobs. */
  readonly rotationJobs?: RotationJobService;
  /** Emergency rotations, the digest lookup and leak reports (decision 0018). */
  readonly incidents?: IncidentService;
  /** The nodes that run (their heartbeats), and this node's id once it beats. */
  readonly nodes?: { list(): Promise<NodeView[]>; selfId(): string | undefined };
  /** Leak reports: what they do to a key, and the scanner keys whose signatures they may carry. */
  readonly leaks?: { action: LeakAction; keys: LeakKeys };
  /** Bulk create and import of keys (`POST /v1/keys/import`). */
  readonly keyImports?: KeyImportService;
  /** The built dashboard (packages/web's Vite output) served at /ui; none: /ui answers 404. */
  readonly uiDir?: string;
}

/** What every route module gets: the app's deps and the pieces the app builds once. */
export interface RouteDeps extends AppDeps {
  readonly metrics: ReturnType<typeof createMetrics>;
  /** A key as the API shows it, with its versions' states at the current time. */
  readonly keyView: (k: KeyWithVersions) => ReturnType<typeof keyView>;
  /** The limiter in use (AppDeps' or a local one). */
  readonly limiter: RateLimiter;
  /**
   * The one decision of `POST /v1/verify` for a valid body: the verifier's answer with the key's rate
   * limit applied. The route and the fast path both call it, so they cannot decide differently.
   */
  readonly decideVerify: (body: VerifyBody) => VerifyResult | Promise<VerifyResult>;
}
