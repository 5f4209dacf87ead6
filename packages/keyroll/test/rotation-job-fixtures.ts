// Many keys fast, for the bulk rotation tests and bench/rotation-jobs.ts: written through the
// store's own transaction API (keys, versions, feed rows and audit entries, as `keys.create`
// writes them minus the webhook outbox), a thousand keys per transaction.
import { newId } from "../src/core/ids.js";
import type { ConsumerRecord, KeyRecord } from "../src/core/model.js";
import { DEFAULT_PREFIX, generateSecret } from "../src/core/secret.js";
import { buildVersion } from "../src/core/version.js";
import type { Store } from "../src/store/types.js";

/** Creates a consumer with `n` keys (version 1 each, successor pickup on); returns their ids. */
export async function seedKeys(
  store: Store,
  n: number,
  opts: { name?: string; metadata?: Record<string, unknown>; perTransaction?: number } = {},
): Promise<{ consumerId: string; keyIds: string[] }> {
  const now = Date.now();
  const consumer: ConsumerRecord = {
    id: newId("con", now),
    name: opts.name ?? "fleet",
    externalId: null,
    metadata: {},
    system: false,
    createdAt: now,
    deletedAt: null,
  };
  const actor = { type: "system" as const, rule: "test-seed" };
  await store.transaction(async (tx) => {
    await tx.insertConsumer(consumer, now);
    await tx.appendChange({ op: "consumer.created", keyId: null, consumerId: consumer.id, at: now });
    await tx.appendAudit({
      id: newId("aud", now),
      at: now,
      actor,
      action: "consumer.created",
      targetId: consumer.id,
      requestId: null,
      address: null,
      data: { name: consumer.name },
      diff: null,
    });
  });
  const keyIds: string[] = [];
  const per = opts.perTransaction ?? 1000;
  for (let done = 0; done < n; done += per) {
    await store.transaction(async (tx) => {
      for (let i = done; i < Math.min(n, done + per); i++) {
        const at = Date.now();
        const key: KeyRecord = {
          id: newId("key", at),
          consumerId: consumer.id,
          name: `fleet-${i}`,
          scopes: ["read"],
          prefix: DEFAULT_PREFIX,
          metadata: opts.metadata ?? {},
          createdAt: at,
          expiresAt: null,
          revokedAt: null,
          admin: false,
          allowSuccessorPickup: true,
        };
        const secret = generateSecret(DEFAULT_PREFIX);
        await tx.insertKey(key, at);
        await tx.insertVersion(
          buildVersion({
            keyId: key.id,
            version: 1,
            secret,
            imported: false,
            now: at,
            activatesAt: at,
            storedState: "active",
          }),
        );
        await tx.appendChange({ op: "key.created", keyId: key.id, consumerId: consumer.id, at });
        await tx.appendAudit({
          id: newId("aud", at),
          at,
          actor,
          action: "key.created",
          targetId: key.id,
          requestId: null,
          address: null,
          data: { consumerId: consumer.id, version: 1 },
          diff: null,
        });
        keyIds.push(key.id);
      }
    });
  }
  return { consumerId: consumer.id, keyIds };
}
