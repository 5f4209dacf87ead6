import type { Generated } from "kysely";
import type { RotationJobTables } from "./rotation-jobs.js";

// Row shapes as the database holds them: snake_case, times in epoch ms, JSON as text (SQLite) or jsonb.

export interface ConsumersTable {
  id: string;
  name: string;
  external_id: string | null;
  metadata: unknown;
  system: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface KeysTable {
  id: string;
  consumer_id: string;
  name: string | null;
  scopes: unknown;
  prefix: string;
  metadata: unknown;
  admin: number;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  rate_limit: number | null;
  rate_limit_period_ms: number | null;
  allow_successor_pickup: number;
  /** The caller's own id of the key (bulk import), unique; null for most keys. Since 0012. */
  external_id?: string | null;
}

export interface KeyVersionsTable {
  key_id: string;
  version: number;
  digest: string;
  start: string;
  imported: number;
  state: string;
  created_at: number;
  activates_at: number;
  grace_starts_at: number | null;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
  checksum_exempt_prefix: string | null;
  retire_when_unused_ms: number | null;
  extend_max_at: number | null;
  extend_step_ms: number | null;
  retired_reason: string | null;
  public_key: string | null;
}

export interface ChangesTable {
  seq: Generated<number>;
  op: string;
  key_id: string | null;
  consumer_id: string | null;
  created_at: number;
}

/** PostgreSQL only: a change committed but not yet given its feed position (decision 0012). */
export interface PendingChangesTable {
  id: Generated<number>;
  ticket: number;
  ord: number;
  op: string;
  key_id: string | null;
  consumer_id: string | null;
  created_at: number;
}

/** PostgreSQL only: an audit entry committed but not yet chained (decision 0012). */
export interface PendingAuditTable {
  id: Generated<number>;
  ticket: number;
  ord: number;
  audit_id: string;
  at: number;
  actor: string | null;
  action: string;
  target_id: string | null;
  data: unknown;
  /** Entry format and the format-1 fields of `audit_log` (migration 0008). */
  v: Generated<number>;
  actor_type: "admin" | "key" | "system" | null;
  actor_version: number | null;
  actor_rule: string | null;
  request_id: string | null;
  address: string | null;
  diff: unknown;
}

export interface IdempotencyKeysTable {
  key_id: string;
  key_hash: string;
  request_hash: string;
  response: unknown;
  sealed_secret: string;
  created_at: number;
}

export interface AuditLogTable {
  seq: Generated<number>;
  id: string;
  at: number;
  actor: string | null;
  action: string;
  target_id: string | null;
  data: unknown;
  /** Null until the entry is linked into the chain. */
  prev_hash: string | null;
  hash: string | null;
  /** Entry format (0: written before migration 0008). */
  v: Generated<number>;
  actor_type: "admin" | "key" | "system" | null;
  actor_version: number | null;
  actor_rule: string | null;
  request_id: string | null;
  address: string | null;
  diff: unknown;
}

export interface AuditSinksTable {
  name: string;
  seq: number;
  checkpoint_seq: number;
  updated_at: number;
}

export interface AuditCheckpointsTable {
  seq: number;
  hash: string;
  at: number;
  key_id: string;
  signature: string;
}

export interface UsageMinutesTable {
  key_id: string;
  version: number;
  minute: number;
  outcome: string;
  count: number;
}

export interface UsageHoursTable {
  key_id: string;
  version: number;
  hour: number;
  outcome: string;
  count: number;
}

export interface VersionAddressesTable {
  key_id: string;
  version: number;
  address: string;
  first_seen_at: number;
  last_seen_at: number;
  count: number;
}

export interface AlertsTable {
  id: string;
  kind: string;
  dedupe_key: string;
  key_id: string | null;
  consumer_id: string | null;
  version: number | null;
  address: string | null;
  message: string;
  data: unknown;
  count: number;
  created_at: number;
  last_seen_at: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
}

export interface SealedSuccessorsTable {
  key_id: string;
  version: number;
  successor_version: number;
  enc: string;
  ciphertext: string;
  created_at: number;
}

export interface SuccessorPickupsTable {
  key_id: string;
  version: number;
  address: string;
  count: number;
  first_at: number;
  last_at: number;
}

/** Rotation policies of keys, consumers and the global default (migration 0009). */
export interface RotationPoliciesTable {
  scope: "key" | "consumer" | "default";
  target_id: string;
  policy: string;
  updated_at: number;
}

/** The rotations policies made, one per key and planned switch time (migration 0009). */
export interface PolicyRotationsTable {
  key_id: string;
  due_at: number;
  version: number;
  created_at: number;
}

/** The policy tables (migration 0009), kept apart from `Database` so that edit stays one line. */
export interface PolicyTables {
  rotation_policies: RotationPoliciesTable;
  policy_rotations: PolicyRotationsTable;
}

export interface Database extends WebhookTables, PolicyTables, RotationJobTables {
  consumers: ConsumersTable;
  keys: KeysTable;
  key_versions: KeyVersionsTable;
  changes: ChangesTable;
  pending_changes: PendingChangesTable;
  pending_audit: PendingAuditTable;
  idempotency_keys: IdempotencyKeysTable;
  audit_log: AuditLogTable;
  audit_checkpoints: AuditCheckpointsTable;
  audit_sinks: AuditSinksTable;
  usage_minutes: UsageMinutesTable;
  usage_hours: UsageHoursTable;
  version_addresses: VersionAddressesTable;
  alerts: AlertsTable;
  sealed_successors: SealedSuccessorsTable;
  successor_pickups: SuccessorPickupsTable;
  nodes: NodesTable;
}

/** One running node (server or gateway) and what it last said of itself (0011). */
export interface NodesTable {
  id: string;
  kind: string;
  address: string;
  version: string;
  started_at: number;
  last_seen_at: number;
  feed_seq: number;
  last_revocation_at: number | null;
}

export interface WebhooksTable {
  id: string;
  url: string;
  events: unknown;
  consumer_id: string | null;
  enabled: number;
  description: string | null;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: number | null;
  disabled_reason: string | null;
  failing_since: number | null;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface WebhookEventsTable {
  id: string;
  type: string;
  key_id: string | null;
  consumer_id: string | null;
  body: string;
  created_at: number;
}

export interface WebhookDeliveriesTable {
  seq: Generated<number>;
  id: string;
  event_id: string;
  webhook_id: string;
  order_key: string;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface ConsumerContactsTable {
  consumer_id: string;
  contacts: unknown;
  updated_at: number;
}

export interface MailDeliveriesTable {
  id: string;
  event_id: string;
  consumer_id: string;
  recipient: string;
  recipient_name: string | null;
  status: string;
  attempts: number;
  next_attempt_at: number | null;
  last_attempt_at: number | null;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

export interface NotificationMarksTable {
  subject: string;
  at: number;
}

/** The notification tables (migration 0005), kept apart from `Database` so that edit stays one line. */
export interface WebhookTables {
  webhooks: WebhooksTable;
  webhook_events: WebhookEventsTable;
  webhook_deliveries: WebhookDeliveriesTable;
  notification_marks: NotificationMarksTable;
  consumer_contacts: ConsumerContactsTable;
  mail_deliveries: MailDeliveriesTable;
}
