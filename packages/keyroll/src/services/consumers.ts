import { auditDiff } from "../core/audit.js";
import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { assertMetadata } from "../core/metadata.js";
import type { ConsumerRecord } from "../core/model.js";
import { planKeyRevoke } from "../core/rotation.js";
import type { Contact } from "../store/kysely/webhooks.js";
import type { StoreTx } from "../store/types.js";
import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import { iso, keyEvent } from "./events.js";

/** Input of `create`. */
export interface CreateConsumerInput {
  name: string;
  externalId?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
  /** Who hears about this consumer's keys by mail. */
  contacts?: Contact[] | undefined;
}

/** A consumer with its contacts. */
export type ConsumerWithContacts = ConsumerRecord & { contacts: Contact[] };

/** Use cases on consumers: create, read, list, update, delete (which revokes every key). */
export function createConsumerService(deps: ServiceDeps) {
  const { store, clock } = deps;
  const commit = createCommit(deps);

  async function mustGet(tx: StoreTx, id: string): Promise<ConsumerRecord> {
    // a deletion waits for keys being added to it, and then revokes them too
    const c = await tx.lockConsumer(id, "update");
    if (!c || c.deletedAt !== null)
      throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${id} does not exist`);
    return c;
  }

  async function withContacts(cs: ConsumerRecord[]): Promise<ConsumerWithContacts[]> {
    const byId = await store.webhooks.contactsOf(cs.map((c) => c.id));
    return cs.map((c) => ({ ...c, contacts: byId.get(c.id) ?? [] }));
  }

  return {
    async create(input: CreateConsumerInput, actor: Actor): Promise<ConsumerWithContacts> {
      assertMetadata(input.metadata);
      const now = clock.now();
      const consumer: ConsumerRecord = {
        id: newId("con", now),
        name: input.name,
        externalId: input.externalId ?? null,
        metadata: input.metadata ?? {},
        system: false,
        createdAt: now,
        deletedAt: null,
      };
      await commit(actor, async ({ tx, changed, audit }) => {
        if (consumer.externalId !== null && (await tx.findConsumerByExternalId(consumer.externalId))) {
          throw new KeyrollError("EXTERNAL_ID_TAKEN", "another consumer has this externalId");
        }
        await tx.insertConsumer(consumer, now);
        if (input.contacts?.length) await tx.webhooks.setContacts(consumer.id, input.contacts, now);
        changed("consumer.created", { keyId: null, consumerId: consumer.id });
        audit("consumer.created", consumer.id, {
          name: consumer.name,
          externalId: consumer.externalId,
          metadata: consumer.metadata,
        });
      });
      return { ...consumer, contacts: input.contacts ?? [] };
    },

    async get(id: string): Promise<ConsumerWithContacts> {
      const c = await store.getConsumer(id);
      if (!c || c.deletedAt !== null)
        throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${id} does not exist`);
      return (await withContacts([c]))[0]!;
    },

    async list(limit: number, after?: string): Promise<ConsumerWithContacts[]> {
      return withContacts(await store.listConsumers({ limit, after }));
    },

    async update(
      id: string,
      patch: {
        name?: string | undefined;
        externalId?: string | null | undefined;
        metadata?: Record<string, unknown> | undefined;
        contacts?: Contact[] | undefined;
      },
      actor: Actor,
    ): Promise<ConsumerWithContacts> {
      assertMetadata(patch.metadata);
      return commit(actor, async ({ tx, now, changed, audit }) => {
        const c = await mustGet(tx, id);
        if (c.system) throw new KeyrollError("CONSUMER_RESERVED", "the admin consumer cannot be changed");
        if (
          patch.externalId !== undefined &&
          patch.externalId !== null &&
          patch.externalId !== c.externalId
        ) {
          const other = await tx.findConsumerByExternalId(patch.externalId);
          if (other && other.id !== id)
            throw new KeyrollError("EXTERNAL_ID_TAKEN", "another consumer has this externalId");
        }
        const { contacts, ...fields } = patch;
        await tx.updateConsumer(id, fields, now);
        if (contacts !== undefined) await tx.webhooks.setContacts(id, contacts, now);
        changed("consumer.updated", { keyId: null, consumerId: id });
        audit(
          "consumer.updated",
          id,
          { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) },
          auditDiff(c, patch, ["name", "externalId", "metadata"]),
        );
        return (await tx.getConsumer(id))!;
      }).then(async (c) => (await withContacts([c]))[0]!);
    },

    /** Deletes a consumer and revokes every version of every key it has, in one transaction. */
    async remove(id: string, actor: Actor): Promise<{ id: string; deleted: true; revokedKeys: number }> {
      const revoked = await commit(actor, async (w) => {
        const { tx, now, changed, audit } = w;
        const c = await mustGet(tx, id);
        if (c.system) throw new KeyrollError("CONSUMER_RESERVED", "the admin consumer cannot be deleted");
        let n = 0;
        const revokedKeyIds: string[] = [];
        for (const keyId of await tx.listKeyIdsOfConsumer(id)) {
          const k = await tx.lockKey(keyId);
          if (!k) continue;
          const patches = planKeyRevoke(k.versions, now);
          if (k.key.revokedAt === null) {
            await tx.updateKey(keyId, { revokedAt: now }, now);
            revokedKeyIds.push(keyId);
            keyEvent(w, "key.revoked", k.key, { revokedAt: iso(now), reason: "consumer deleted" });
            n++;
          }
          await tx.patchVersions(keyId, patches);
          changed("key.revoked", { keyId, consumerId: id });
        }
        await tx.updateConsumer(id, { deletedAt: now }, now);
        changed("consumer.deleted", { keyId: null, consumerId: id });
        audit("consumer.deleted", id, { revokedKeys: n, revokedKeyIds });
        return n;
      });
      return { id, deleted: true, revokedKeys: revoked };
    },
  };
}

/** The consumer service's interface. */
export type ConsumerService = ReturnType<typeof createConsumerService>;
