import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { assertMetadata } from "../core/metadata.js";
import type { ConsumerRecord } from "../core/model.js";
import { planKeyRevoke } from "../core/rotation.js";
import type { StoreTx } from "../store/types.js";
import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";

/** Input of `create`. */
export interface CreateConsumerInput {
  name: string;
  externalId?: string | null | undefined;
  metadata?: Record<string, unknown> | undefined;
}

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

  return {
    async create(input: CreateConsumerInput, actor: Actor): Promise<ConsumerRecord> {
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
        changed("consumer.created", { keyId: null, consumerId: consumer.id });
        audit("consumer.created", consumer.id, { name: consumer.name, externalId: consumer.externalId });
      });
      return consumer;
    },

    async get(id: string): Promise<ConsumerRecord> {
      const c = await store.getConsumer(id);
      if (!c || c.deletedAt !== null)
        throw new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${id} does not exist`);
      return c;
    },

    async list(limit: number, after?: string): Promise<ConsumerRecord[]> {
      return store.listConsumers({ limit, after });
    },

    async update(
      id: string,
      patch: {
        name?: string | undefined;
        externalId?: string | null | undefined;
        metadata?: Record<string, unknown> | undefined;
      },
      actor: Actor,
    ): Promise<ConsumerRecord> {
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
        await tx.updateConsumer(id, patch, now);
        changed("consumer.updated", { keyId: null, consumerId: id });
        audit("consumer.updated", id, {
          fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined),
        });
        return (await tx.getConsumer(id))!;
      });
    },

    /** Deletes a consumer and revokes every version of every key it has, in one transaction. */
    async remove(id: string, actor: Actor): Promise<{ id: string; deleted: true; revokedKeys: number }> {
      const revoked = await commit(actor, async ({ tx, now, changed, audit }) => {
        const c = await mustGet(tx, id);
        if (c.system) throw new KeyrollError("CONSUMER_RESERVED", "the admin consumer cannot be deleted");
        let n = 0;
        for (const keyId of await tx.listKeyIdsOfConsumer(id)) {
          const k = await tx.lockKey(keyId);
          if (!k) continue;
          const patches = planKeyRevoke(k.versions, now);
          if (k.key.revokedAt === null) {
            await tx.updateKey(keyId, { revokedAt: now }, now);
            n++;
          }
          await tx.patchVersions(keyId, patches);
          changed("key.revoked", { keyId, consumerId: id });
        }
        await tx.updateConsumer(id, { deletedAt: now }, now);
        changed("consumer.deleted", { keyId: null, consumerId: id });
        audit("consumer.deleted", id, { revokedKeys: n });
        return n;
      });
      return { id, deleted: true, revokedKeys: revoked };
    },
  };
}

/** The consumer service's interface. */
export type ConsumerService = ReturnType<typeof createConsumerService>;
