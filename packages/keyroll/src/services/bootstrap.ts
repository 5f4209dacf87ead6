import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import type { ConsumerRecord, KeyRecord } from "../core/model.js";
import { DEFAULT_PREFIX, generateSecret, importProblem } from "../core/secret.js";
import { buildVersion } from "../core/version.js";
import { createCommit } from "./commit.js";
import { type ServiceDeps, systemActor } from "./deps.js";

/** Shortest bootstrap admin key accepted from configuration. */
export const MIN_BOOTSTRAP_KEY_LENGTH = 32;

/**
 * On an empty database, creates the reserved admin consumer and the first admin key (scope
 * `admin`), from `bootstrapSecret` when given. Returns the secret only when it generated one, so
 * the caller can print it once; returns `undefined` when an admin key already exists.
 */
export async function ensureAdminKey(
  deps: ServiceDeps,
  bootstrapSecret: string | undefined,
): Promise<{ keyId: string; generatedSecret: string | undefined } | undefined> {
  if (bootstrapSecret !== undefined) {
    const problem = importProblem(bootstrapSecret);
    if (problem || bootstrapSecret.length < MIN_BOOTSTRAP_KEY_LENGTH) {
      throw new KeyrollError(
        "INVALID_SECRET",
        `KEYROLL_BOOTSTRAP_ADMIN_KEY must be ${MIN_BOOTSTRAP_KEY_LENGTH}-256 printable characters without spaces`,
      );
    }
  }
  const secret = bootstrapSecret ?? generateSecret(DEFAULT_PREFIX);
  const created = await createCommit(deps)(systemActor("bootstrap"), async ({ tx, now, changed, audit }) => {
    // checked under the writers' lock: nodes starting together on one empty database make one admin
    await tx.serialize();
    if ((await tx.countAdminKeys()) > 0) return undefined;
    const consumer: ConsumerRecord = {
      id: newId("con", now),
      name: "keyroll-admin",
      externalId: null,
      metadata: { reserved: true },
      system: true,
      createdAt: now,
      deletedAt: null,
    };
    const key: KeyRecord = {
      id: newId("key", now),
      consumerId: consumer.id,
      name: "bootstrap admin key",
      scopes: ["admin"],
      prefix: DEFAULT_PREFIX,
      metadata: {},
      createdAt: now,
      expiresAt: null,
      revokedAt: null,
      admin: true,
      allowSuccessorPickup: true,
    };
    const imported = bootstrapSecret !== undefined;
    await tx.insertConsumer(consumer, now);
    await tx.insertKey(key, now);
    await tx.insertVersion(
      buildVersion({
        keyId: key.id,
        version: 1,
        secret,
        imported,
        now,
        activatesAt: now,
        storedState: "active",
      }),
    );
    changed("key.created", { keyId: key.id, consumerId: consumer.id });
    audit("admin.bootstrapped", key.id, {
      consumerId: consumer.id,
      scopes: key.scopes,
      version: 1,
      fromConfig: imported,
    });
    return key.id;
  });
  if (created === undefined) return undefined;
  return { keyId: created, generatedSecret: bootstrapSecret === undefined ? secret : undefined };
}
