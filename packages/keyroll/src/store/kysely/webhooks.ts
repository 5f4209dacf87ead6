import type { Insertable, Selectable } from "kysely";
import { CompiledQuery, type Kysely, sql } from "kysely";
import type { Database, WebhookDeliveriesTable, WebhooksTable } from "./schema.js";

// Webhook endpoints and the notification outbox: shared queries for every dialect.

type Db = Kysely<Database>;
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v));
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : num(v));
const json = (v: unknown): unknown => (typeof v === "string" ? JSON.parse(v) : v);

/** A webhook endpoint as stored. `secret` (and `previousSecret`) are the signing secrets themselves. */
export interface WebhookRecord {
  readonly id: string;
  readonly url: string;
  readonly events: readonly string[];
  readonly consumerId: string | null;
  readonly enabled: boolean;
  readonly description: string | null;
  readonly secret: string;
  readonly previousSecret: string | null;
  readonly previousSecretExpiresAt: number | null;
  readonly disabledReason: string | null;
  readonly failingSince: number | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What a webhook write may change. */
export type WebhookPatch = Partial<
  Pick<
    WebhookRecord,
    | "url"
    | "events"
    | "consumerId"
    | "enabled"
    | "description"
    | "secret"
    | "previousSecret"
    | "previousSecretExpiresAt"
    | "disabledReason"
    | "failingSince"
  >
>;

/** Someone at a consumer who hears about its keys by mail. */
export interface Contact {
  readonly email: string;
  readonly name?: string | undefined;
}

/** A mail due now: the event it tells of and whom it goes to. */
export interface DueMail {
  readonly id: string;
  readonly eventId: string;
  readonly consumerId: string;
  readonly recipient: string;
  readonly recipientName: string | null;
  readonly attempts: number;
  readonly body: string;
}

/** An event to put in the outbox: its body is the exact JSON every endpoint receives. */
export interface EventInput {
  readonly id: string;
  readonly type: string;
  readonly keyId: string | null;
  readonly consumerId: string | null;
  readonly body: string;
  readonly at: number;
}

export type DeliveryStatus = "pending" | "delivered" | "failed";

/** One event's delivery to one endpoint. */
export interface DeliveryRecord {
  readonly id: string;
  readonly seq: number;
  readonly eventId: string;
  readonly eventType: string;
  readonly webhookId: string;
  readonly orderKey: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly lastAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly createdAt: number;
  readonly deliveredAt: number | null;
}

/** A delivery due now, with what sending it takes. */
export interface DueDelivery extends DeliveryRecord {
  readonly body: string;
  readonly webhook: WebhookRecord;
}

/** The outcome of one attempt, as the delivery row keeps it. */
export interface AttemptResult {
  readonly at: number;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: number | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

export function toWebhook(r: WebhooksTable): WebhookRecord {
  return {
    id: r.id,
    url: r.url,
    events: json(r.events) as string[],
    consumerId: r.consumer_id,
    enabled: num(r.enabled) === 1,
    description: r.description,
    secret: r.secret,
    previousSecret: r.previous_secret,
    previousSecretExpiresAt: numOrNull(r.previous_secret_expires_at),
    disabledReason: r.disabled_reason,
    failingSince: numOrNull(r.failing_since),
    createdAt: num(r.created_at),
    updatedAt: num(r.updated_at),
  };
}

function toDelivery(r: Selectable<WebhookDeliveriesTable> & { type: string }): DeliveryRecord {
  return {
    id: r.id,
    seq: num(r.seq),
    eventId: r.event_id,
    eventType: r.type,
    webhookId: r.webhook_id,
    orderKey: r.order_key,
    status: r.status as DeliveryStatus,
    attempts: num(r.attempts),
    nextAttemptAt: numOrNull(r.next_attempt_at),
    lastAttemptAt: numOrNull(r.last_attempt_at),
    lastStatus: numOrNull(r.last_status),
    lastError: r.last_error,
    createdAt: num(r.created_at),
    deliveredAt: numOrNull(r.delivered_at),
  };
}

function patchRow(patch: WebhookPatch): Partial<WebhooksTable> {
  const row: Partial<WebhooksTable> = {};
  if (patch.url !== undefined) row.url = patch.url;
  if (patch.events !== undefined) row.events = JSON.stringify(patch.events);
  if (patch.consumerId !== undefined) row.consumer_id = patch.consumerId;
  if (patch.enabled !== undefined) row.enabled = patch.enabled ? 1 : 0;
  if (patch.description !== undefined) row.description = patch.description;
  if (patch.secret !== undefined) row.secret = patch.secret;
  if (patch.previousSecret !== undefined) row.previous_secret = patch.previousSecret;
  if (patch.previousSecretExpiresAt !== undefined)
    row.previous_secret_expires_at = patch.previousSecretExpiresAt;
  if (patch.disabledReason !== undefined) row.disabled_reason = patch.disabledReason;
  if (patch.failingSince !== undefined) row.failing_since = patch.failingSince;
  return row;
}

/** An event's `webhook_events` row (both the read-then-insert path and PostgreSQL's one statement). */
const eventRow = (e: EventInput): Insertable<Database["webhook_events"]> => ({
  id: e.id,
  type: e.type,
  key_id: e.keyId,
  consumer_id: e.consumerId,
  body: e.body,
  created_at: e.at,
});

/**
 * Puts events in the outbox as `appendEvent` does, in order, in a constant number of statements whatever their
 * number: one read of the endpoints that may want any of them, one of the contacts (only when
 * an event's type is in `mailTypes`), then one multi-row insert each of events, deliveries and
 * mails (chunked past 1 000 rows). Returns how many deliveries and mails in all.
 */
async function appendEvents(
  db: Db,
  events: readonly EventInput[],
  opts: { mailTypes?: readonly string[] | undefined } = {},
): Promise<number> {
  if (events.length === 0) return 0;
  const consumers = [...new Set(events.map((e) => e.consumerId).filter((c): c is string => c !== null))];
  const hooks = (
    await db
      .selectFrom("webhooks")
      .selectAll()
      .where("deleted_at", "is", null)
      .where("enabled", "=", 1)
      .where((eb) =>
        consumers.length === 0
          ? eb("consumer_id", "is", null)
          : eb.or([eb("consumer_id", "is", null), eb("consumer_id", "in", consumers)]),
      )
      .orderBy("id")
      .execute()
  ).map(toWebhook);
  const mailed = opts.mailTypes ?? [];
  const mailConsumers = [
    ...new Set(
      events
        .filter((e) => e.consumerId !== null && mailed.includes(e.type))
        .map((e) => e.consumerId as string),
    ),
  ];
  const contactsOf = new Map<string, Contact[]>();
  if (mailConsumers.length > 0) {
    const rows = await db
      .selectFrom("consumer_contacts")
      .select(["consumer_id", "contacts"])
      .where("consumer_id", "in", mailConsumers)
      .execute();
    for (const r of rows) contactsOf.set(r.consumer_id, json(r.contacts) as Contact[]);
  }
  const eventRows: Array<Insertable<Database["webhook_events"]>> = [];
  const deliveryRows: Array<Insertable<Database["webhook_deliveries"]>> = [];
  const mailRows: Array<Insertable<Database["mail_deliveries"]>> = [];
  for (const e of events) {
    const to = hooks.filter(
      (w) => w.events.includes(e.type) && (w.consumerId === null || w.consumerId === e.consumerId),
    );
    const contacts =
      e.consumerId !== null && mailed.includes(e.type) ? (contactsOf.get(e.consumerId) ?? []) : [];
    // an event nobody subscribes to is not kept: there is nothing to deliver or replay
    if (to.length === 0 && contacts.length === 0) continue;
    eventRows.push(eventRow(e));
    to.forEach((w, i) => {
      deliveryRows.push({
        // the event's id is unique and time-sortable; one delivery per endpoint
        id: `dlv_${e.id.slice(4)}${i.toString(36).padStart(2, "0")}`,
        event_id: e.id,
        webhook_id: w.id,
        order_key: e.keyId ?? e.consumerId ?? "",
        status: "pending",
        attempts: 0,
        next_attempt_at: e.at,
        last_attempt_at: null,
        last_status: null,
        last_error: null,
        created_at: e.at,
        delivered_at: null,
      });
    });
    contacts.forEach((c, n) => {
      mailRows.push({
        id: `mal_${e.id.slice(4)}${n.toString(36).padStart(2, "0")}`,
        event_id: e.id,
        consumer_id: e.consumerId!,
        recipient: c.email,
        recipient_name: c.name ?? null,
        status: "pending",
        attempts: 0,
        next_attempt_at: e.at,
        last_attempt_at: null,
        last_error: null,
        created_at: e.at,
        delivered_at: null,
      });
    });
  }
  for (let i = 0; i < eventRows.length; i += 1000)
    await db
      .insertInto("webhook_events")
      .values(eventRows.slice(i, i + 1000))
      .execute();
  for (let i = 0; i < deliveryRows.length; i += 1000)
    await db
      .insertInto("webhook_deliveries")
      .values(deliveryRows.slice(i, i + 1000))
      .execute();
  for (let i = 0; i < mailRows.length; i += 1000)
    await db
      .insertInto("mail_deliveries")
      .values(mailRows.slice(i, i + 1000))
      .execute();
  return deliveryRows.length + mailRows.length;
}

const BASE36 = "'0123456789abcdefghijklmnopqrstuvwxyz'";
const digit = (e: string) => `substr(${BASE36}, (${e}) + 1, 1)`;

/**
 * PostgreSQL: `appendEvents` without mail as one statement that joins the events ($1, JSON) with
 * the endpoints in the database instead of reading them first: the same rows (an event only when
 * some endpoint wants it; delivery ids numbered per event in endpoint id order, in base 36 as
 * `appendEvents` does, up to 46 656 endpoints an event), inserted in the same order. Answers `n`,
 * the deliveries made.
 */
const QUEUE_EVENTS_PG = `with e as (
    select * from jsonb_to_recordset($1::jsonb)
      as x(ord integer, id text, type text, key_id text, consumer_id text, body text, created_at bigint)
  ),
  d as (
    select e.ord, e.id as event_id, e.key_id, e.consumer_id, e.created_at, w.id as webhook_id,
           (row_number() over (partition by e.ord order by w.id) - 1)::int as i
      from e join webhooks w
        on w.deleted_at is null and w.enabled = 1 and w.events ? e.type
       and (w.consumer_id is null or w.consumer_id = e.consumer_id)
  ),
  ev as (
    insert into webhook_events (id, type, key_id, consumer_id, body, created_at)
    select e.id, e.type, e.key_id, e.consumer_id, e.body, e.created_at from e
     where exists (select 1 from d where d.ord = e.ord)
     order by e.ord
    returning 1
  ),
  dl as (
    insert into webhook_deliveries (id, event_id, webhook_id, order_key, status, attempts, next_attempt_at,
                                    created_at)
    select 'dlv_' || substr(d.event_id, 5) ||
             case when d.i < 1296 then ${digit("d.i / 36")} || ${digit("d.i % 36")}
                  else ${digit("d.i / 1296")} || ${digit("d.i / 36 % 36")} || ${digit("d.i % 36")} end,
           d.event_id, d.webhook_id, coalesce(d.key_id, d.consumer_id, ''), 'pending', 0, d.created_at,
           d.created_at
      from d order by d.ord, d.i
    returning 1
  )
  select (select count(*) from dl)::int as n`;

/**
 * Sends a write with the transaction's next statement and hands its rows to `onRows` once it ran
 * (PostgreSQL's held writes, postgres/prepared.ts); never called when the transaction fails.
 */
export type HeldWrite = (q: CompiledQuery, onRows: (rows: unknown[]) => void) => Promise<void>;

/** Writes of the webhook part, run inside a store transaction (`tx.webhooks`). */
export function webhookWrites(db: Db, heldWrite?: HeldWrite) {
  return {
    /**
     * `appendEvents` where the count may be known only with the commit: `counted` is called with
     * the deliveries and mails made, at once, or (PostgreSQL, no mail among them) once the
     * transaction's last round trip ran it: one statement joined with the endpoints in the
     * database, sent with the COMMIT, instead of a read of the endpoints first. The count means
     * something only once the transaction committed (PostgreSQL does not call `counted` when it
     * fails; SQLite calls it before the commit).
     */
    async queueEvents(
      events: readonly EventInput[],
      opts: { mailTypes?: readonly string[] | undefined },
      counted: (n: number) => void,
    ): Promise<void> {
      const mailed = opts.mailTypes ?? [];
      if (heldWrite === undefined || events.some((e) => mailed.includes(e.type))) {
        counted(await appendEvents(db, events, opts));
        return;
      }
      if (events.length === 0) return counted(0);
      const rows = events.map((e, ord) => ({ ord, ...eventRow(e) }));
      await heldWrite(CompiledQuery.raw(QUEUE_EVENTS_PG, [JSON.stringify(rows)]), (r) =>
        counted(Number((r[0] as { n?: number } | undefined)?.n ?? 0)),
      );
    },
    async insertWebhook(w: WebhookRecord): Promise<void> {
      await db
        .insertInto("webhooks")
        .values({
          id: w.id,
          url: w.url,
          events: JSON.stringify(w.events),
          consumer_id: w.consumerId,
          enabled: w.enabled ? 1 : 0,
          description: w.description,
          secret: w.secret,
          previous_secret: w.previousSecret,
          previous_secret_expires_at: w.previousSecretExpiresAt,
          disabled_reason: w.disabledReason,
          failing_since: w.failingSince,
          created_at: w.createdAt,
          updated_at: w.updatedAt,
          deleted_at: null,
        })
        .execute();
    },
    async updateWebhook(id: string, patch: WebhookPatch, now: number): Promise<void> {
      await db
        .updateTable("webhooks")
        .set({ ...patchRow(patch), updated_at: now })
        .where("id", "=", id)
        .execute();
    },
    async deleteWebhook(id: string, now: number): Promise<void> {
      await db
        .updateTable("webhooks")
        .set({ deleted_at: now, updated_at: now })
        .where("id", "=", id)
        .execute();
      // nothing more goes to a deleted endpoint
      await db
        .updateTable("webhook_deliveries")
        .set({ status: "failed", next_attempt_at: null, last_error: "endpoint deleted" })
        .where("webhook_id", "=", id)
        .where("status", "=", "pending")
        .execute();
    },
    /**
     * Puts an event in the outbox with one pending delivery per enabled endpoint that subscribes to
     * its type (and, for a consumer's endpoint, concerns that consumer), and one mail per contact
     * when `mail`. Returns how many; an event with none is not stored.
     */
    async appendEvent(e: EventInput, opts: { mail?: boolean } = {}): Promise<number> {
      return appendEvents(db, [e], { mailTypes: opts.mail ? [e.type] : [] });
    },
    /**
     * `appendEvent` for many events, in order, in a constant number of statements whatever their
     * number (see {@link appendEvents}). Returns how many deliveries and mails in all.
     */
    appendEvents: (events: readonly EventInput[], opts: { mailTypes?: readonly string[] | undefined } = {}) =>
      appendEvents(db, events, opts),
    /** Replaces a consumer's contacts. */
    async setContacts(consumerId: string, contacts: readonly Contact[], now: number): Promise<void> {
      await db
        .insertInto("consumer_contacts")
        .values({ consumer_id: consumerId, contacts: JSON.stringify(contacts), updated_at: now })
        .onConflict((oc) =>
          oc.column("consumer_id").doUpdateSet({ contacts: JSON.stringify(contacts), updated_at: now }),
        )
        .execute();
    },
    /** Records `subject` once; true when this call recorded it (false: it was already there). */
    async markOnce(subject: string, at: number): Promise<boolean> {
      const r = await db
        .insertInto("notification_marks")
        .values({ subject, at })
        .onConflict((oc) => oc.column("subject").doNothing())
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
    /** Records `subject` at `at` unless it was recorded less than `minGapMs` before; true when recorded. */
    async markAtMostEvery(subject: string, at: number, minGapMs: number): Promise<boolean> {
      const r = await db
        .insertInto("notification_marks")
        .values({ subject, at })
        .onConflict((oc) =>
          oc
            .column("subject")
            .doUpdateSet({ at: sql<number>`excluded.at` })
            .where("notification_marks.at", "<=", at - minGapMs),
        )
        .executeTakeFirst();
      return Number(r.numInsertedOrUpdatedRows ?? 0) > 0;
    },
  };
}

/** The webhook part of a transaction. */
export type WebhookTx = ReturnType<typeof webhookWrites>;

/** Webhook reads and the delivery worker's bookkeeping, which need no transaction. */
export function webhookStore(db: Db) {
  const deliveries = () =>
    db
      .selectFrom("webhook_deliveries as d")
      .innerJoin("webhook_events as e", "e.id", "d.event_id")
      .selectAll("d")
      .select("e.type");
  return {
    async getWebhook(id: string): Promise<WebhookRecord | undefined> {
      const r = await db
        .selectFrom("webhooks")
        .selectAll()
        .where("id", "=", id)
        .where("deleted_at", "is", null)
        .executeTakeFirst();
      return r ? toWebhook(r) : undefined;
    },
    async listWebhooks(q: { limit: number; after?: string | undefined; consumerId?: string | undefined }) {
      let qb = db.selectFrom("webhooks").selectAll().where("deleted_at", "is", null);
      if (q.consumerId) qb = qb.where("consumer_id", "=", q.consumerId);
      if (q.after) qb = qb.where("id", ">", q.after);
      return (await qb.orderBy("id").limit(q.limit).execute()).map(toWebhook);
    },
    /** An endpoint's deliveries, newest first. */
    async listDeliveries(
      webhookId: string,
      q: { limit: number; before?: string | undefined; status?: DeliveryStatus | undefined },
    ): Promise<DeliveryRecord[]> {
      let qb = deliveries().where("d.webhook_id", "=", webhookId);
      if (q.status) qb = qb.where("d.status", "=", q.status);
      if (q.before) qb = qb.where("d.id", "<", q.before);
      return (await qb.orderBy("d.id", "desc").limit(q.limit).execute()).map(toDelivery);
    },
    async getDelivery(webhookId: string, id: string): Promise<DeliveryRecord | undefined> {
      const r = await deliveries()
        .where("d.webhook_id", "=", webhookId)
        .where("d.id", "=", id)
        .executeTakeFirst();
      return r ? toDelivery(r) : undefined;
    },
    /**
     * Deliveries due at `now` that are the oldest pending one of their endpoint and key, so each
     * key's events reach an endpoint in order; oldest first.
     */
    async dueDeliveries(now: number, limit: number): Promise<DueDelivery[]> {
      const rows = await db
        .selectFrom("webhook_deliveries as d")
        .innerJoin("webhook_events as e", "e.id", "d.event_id")
        .innerJoin("webhooks as w", "w.id", "d.webhook_id")
        .selectAll("d")
        .select(["e.type", "e.body"])
        .where("d.status", "=", "pending")
        .where("d.next_attempt_at", "<=", now)
        .where("w.enabled", "=", 1)
        .where("w.deleted_at", "is", null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("webhook_deliveries as p")
                .select("p.seq")
                .whereRef("p.webhook_id", "=", "d.webhook_id")
                .whereRef("p.order_key", "=", "d.order_key")
                .where("p.status", "=", "pending")
                .whereRef("p.seq", "<", "d.seq"),
            ),
          ),
        )
        .orderBy("d.seq")
        .limit(limit)
        .execute();
      if (rows.length === 0) return [];
      const ids = [...new Set(rows.map((r) => r.webhook_id))];
      const hooks = new Map(
        (await db.selectFrom("webhooks").selectAll().where("id", "in", ids).execute()).map((w) => [
          w.id,
          toWebhook(w),
        ]),
      );
      return rows.map((r) => ({ ...toDelivery(r), body: r.body, webhook: hooks.get(r.webhook_id)! }));
    },
    /** Stores one attempt's outcome; only a pending delivery changes (a retry request may have won). */
    async recordAttempt(id: string, r: AttemptResult): Promise<void> {
      await db
        .updateTable("webhook_deliveries")
        .set({
          status: r.status,
          attempts: r.attempts,
          next_attempt_at: r.nextAttemptAt,
          last_attempt_at: r.at,
          last_status: r.lastStatus,
          last_error: r.lastError,
          delivered_at: r.status === "delivered" ? r.at : null,
        })
        .where("id", "=", id)
        .where("status", "=", "pending")
        .execute();
    },
    /** Sets the endpoint's failing-since stamp (null: it answered); kept when already failing. */
    async setFailing(webhookId: string, since: number | null): Promise<void> {
      let qb = db.updateTable("webhooks").set({ failing_since: since }).where("id", "=", webhookId);
      if (since !== null) qb = qb.where("failing_since", "is", null);
      await qb.execute();
    },
    /** Disables an endpoint; its pending deliveries wait until it is enabled again. */
    async disableWebhook(webhookId: string, reason: string, now: number): Promise<void> {
      await db
        .updateTable("webhooks")
        .set({ enabled: 0, disabled_reason: reason, updated_at: now })
        .where("id", "=", webhookId)
        .execute();
    },
    /** Makes a delivery pending again, due at `now`, with a fresh retry schedule. */
    async retryDelivery(webhookId: string, id: string, now: number): Promise<boolean> {
      const r = await db
        .updateTable("webhook_deliveries")
        .set({ status: "pending", attempts: 0, next_attempt_at: now, delivered_at: null })
        .where("webhook_id", "=", webhookId)
        .where("id", "=", id)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) > 0;
    },
    /** Deliveries pending and failed, over all live endpoints. */
    async deliveryCounts(): Promise<{ pending: number; failed: number }> {
      const rows = await db
        .selectFrom("webhook_deliveries")
        .select(["status", sql<number>`count(*)`.as("n")])
        .where("status", "in", ["pending", "failed"])
        .groupBy("status")
        .execute();
      const mails = await db
        .selectFrom("mail_deliveries")
        .select(["status", sql<number>`count(*)`.as("n")])
        .where("status", "in", ["pending", "failed"])
        .groupBy("status")
        .execute();
      const get = (s: string) =>
        num(rows.find((r) => r.status === s)?.n ?? 0) + num(mails.find((r) => r.status === s)?.n ?? 0);
      return { pending: get("pending"), failed: get("failed") };
    },
    /** The contacts of each of these consumers that has some. */
    async contactsOf(consumerIds: readonly string[]): Promise<Map<string, Contact[]>> {
      if (consumerIds.length === 0) return new Map();
      const rows = await db
        .selectFrom("consumer_contacts")
        .selectAll()
        .where("consumer_id", "in", [...consumerIds])
        .execute();
      return new Map(rows.map((r) => [r.consumer_id, json(r.contacts) as Contact[]]));
    },
    /** Mails due at `now`, oldest first. */
    async dueMails(now: number, limit: number): Promise<DueMail[]> {
      const rows = await db
        .selectFrom("mail_deliveries as m")
        .innerJoin("webhook_events as e", "e.id", "m.event_id")
        .select([
          "m.id",
          "m.event_id",
          "m.consumer_id",
          "m.recipient",
          "m.recipient_name",
          "m.attempts",
          "e.body",
        ])
        .where("m.status", "=", "pending")
        .where("m.next_attempt_at", "<=", now)
        .orderBy("m.created_at")
        .orderBy("m.id")
        .limit(limit)
        .execute();
      return rows.map((r) => ({
        id: r.id,
        eventId: r.event_id,
        consumerId: r.consumer_id,
        recipient: r.recipient,
        recipientName: r.recipient_name,
        attempts: num(r.attempts),
        body: r.body,
      }));
    },
    async recordMailAttempt(id: string, r: Omit<AttemptResult, "lastStatus">): Promise<void> {
      await db
        .updateTable("mail_deliveries")
        .set({
          status: r.status,
          attempts: r.attempts,
          next_attempt_at: r.nextAttemptAt,
          last_attempt_at: r.at,
          last_error: r.lastError,
          delivered_at: r.status === "delivered" ? r.at : null,
        })
        .where("id", "=", id)
        .execute();
    },
    /** Deletes deliveries and mails delivered before `before`, and events nothing refers to any more. */
    async purgeDelivered(before: number): Promise<number> {
      const a = await db
        .deleteFrom("webhook_deliveries")
        .where("status", "=", "delivered")
        .where("delivered_at", "<", before)
        .executeTakeFirst();
      const b = await db
        .deleteFrom("mail_deliveries")
        .where("status", "=", "delivered")
        .where("delivered_at", "<", before)
        .executeTakeFirst();
      await db
        .deleteFrom("webhook_events")
        .where("created_at", "<", before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("webhook_deliveries as d")
                .select("d.seq")
                .whereRef("d.event_id", "=", "webhook_events.id"),
            ),
          ),
        )
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("mail_deliveries as m")
                .select("m.id")
                .whereRef("m.event_id", "=", "webhook_events.id"),
            ),
          ),
        )
        .execute();
      return Number(a.numDeletedRows) + Number(b.numDeletedRows);
    },
    /** The stamps of those of `subjects` that are recorded. */
    async marks(subjects: readonly string[]): Promise<Map<string, number>> {
      if (subjects.length === 0) return new Map();
      const rows = await db
        .selectFrom("notification_marks")
        .selectAll()
        .where("subject", "in", [...subjects])
        .execute();
      return new Map(rows.map((r) => [r.subject, num(r.at)]));
    },
    /** Alerts raised since `since` that no `alert.raised` event has been made for yet. */
    async alertsWithoutNotice(since: number, limit: number) {
      return db
        .selectFrom("alerts as a")
        .leftJoin("notification_marks as m", (j) => j.on(sql<boolean>`m.subject = 'alert:' || a.id`))
        .select(["a.id", "a.kind", "a.key_id", "a.consumer_id", "a.version", "a.message", "a.created_at"])
        .where("a.created_at", ">=", since)
        .where("m.subject", "is", null)
        .orderBy("a.created_at")
        .limit(limit)
        .execute();
    },
  };
}

/** The webhook part of the Store. */
export type WebhookStore = ReturnType<typeof webhookStore>;
