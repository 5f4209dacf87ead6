import { KeyrollError } from "../core/errors.js";
import { newId } from "../core/ids.js";
import { assertMetadata } from "../core/metadata.js";
import type { KeyRecord, Millis, VersionRecord } from "../core/model.js";
import { rateLimitProblem } from "../core/rate-limit.js";
import {
  DEFAULT_PREFIX,
  digestSecret,
  generateSecret,
  importProblem,
  isValidPrefix,
} from "../core/secret.js";
import { buildVersion } from "../core/version.js";
import { createCommit } from "./commit.js";
import type { Actor, ServiceDeps } from "./deps.js";
import { createKeyPairPool } from "./keypair-pool.js";
import type { CreateKeyInput } from "./keys.js";

/** Keys one import request may carry. */
export const MAX_IMPORT_ROWS = 10_000;

/** One row of an import: the fields of `POST /v1/keys` and the caller's own id of the key. */
export interface ImportRow extends CreateKeyInput {
  externalId: string;
}

/** A row as the HTTP layer hands it over: its input, or why it could not even be read. */
export type ImportInput = { row: ImportRow } | { error: KeyrollError; externalId?: string | undefined };

/** What became of one row. */
export interface ImportRowResult {
  readonly index: number;
  /** `created`: made now; `existing`: a key with this externalId was there already (no new secret);
   * `failed`: this row is wrong; `not_committed`: this row was fine, another one was not. */
  readonly status: "created" | "existing" | "failed" | "not_committed";
  readonly keyId: string | null;
  readonly externalId: string | null;
  /** Only for a key created now with a generated secret: shown this once. */
  readonly secret?: string;
  readonly error?: KeyrollError;
}

/** The outcome of one import request: committed as a whole, or not at all. */
export interface ImportOutcome {
  readonly committed: boolean;
  readonly dryRun: boolean;
  readonly created: number;
  readonly existing: number;
  readonly failed: number;
  readonly results: ImportRowResult[];
}

interface Prepared {
  readonly index: number;
  readonly row: ImportRow;
  /** Filled in for rows to create: the secret (generated or given), the key and its version 1. */
  made?: { secret: string; generated: boolean; key: KeyRecord; version: VersionRecord };
  existingKeyId?: string;
  error?: KeyrollError;
}

/** The checks of `POST /v1/keys` that need no database, for one row; throws the first problem. */
function checkRow(row: ImportRow, now: Millis): void {
  assertMetadata(row.metadata);
  const rl = row.rateLimit == null ? undefined : rateLimitProblem(row.rateLimit);
  if (rl !== undefined) throw new KeyrollError("VALIDATION_FAILED", `rateLimit: ${rl}`);
  if (!isValidPrefix(row.prefix ?? DEFAULT_PREFIX)) {
    throw new KeyrollError(
      "VALIDATION_FAILED",
      "prefix must be 1-16 chars of [a-z0-9_], starting with [a-z0-9]",
    );
  }
  if (row.expiresAt != null && row.expiresAt <= now) {
    throw new KeyrollError("VALIDATION_FAILED", "expiresAt must be in the future");
  }
  if (row.secret !== undefined) {
    const problem = importProblem(row.secret);
    if (problem) throw new KeyrollError("INVALID_SECRET", `secret ${problem}`);
  }
}

/**
 * Bulk create and import (`POST /v1/keys/import`, decision 0019): up to 10 000 keys in one
 * transaction. A row whose `externalId` some key carries already is answered `existing` with that
 * key and no secret, so a re-run of the same file creates nothing twice. A request with any bad
 * row commits nothing, and every row's answer says why. One audit entry and one change-feed row
 * per created key's node reload, in a few multi-row statements.
 * @example const out = await imports.importKeys([{ row: { consumerId, externalId: "acme-1" } }], actor);
 */
export function createKeyImportService(deps: ServiceDeps, opts: { threads?: number } = {}) {
  const { store, clock } = deps;
  const commit = createCommit(deps);
  const keyPairs = createKeyPairPool({ size: opts.threads });

  return {
    async importKeys(
      inputs: readonly ImportInput[],
      actor: Actor,
      opts: { dryRun?: boolean } = {},
    ): Promise<ImportOutcome> {
      if (inputs.length > MAX_IMPORT_ROWS) {
        throw new KeyrollError("VALIDATION_FAILED", `at most ${MAX_IMPORT_ROWS} keys a request`);
      }
      const dryRun = opts.dryRun ?? false;
      const now = clock.now();
      const prepared: Prepared[] = [];
      const seenExternal = new Set<string>();
      for (let index = 0; index < inputs.length; index++) {
        const input = inputs[index]!;
        if ("error" in input) {
          prepared.push({
            index,
            row: { consumerId: "", externalId: input.externalId ?? "" },
            error: input.error,
          });
          continue;
        }
        const p: Prepared = { index, row: input.row };
        prepared.push(p);
        try {
          checkRow(input.row, now);
          if (seenExternal.has(input.row.externalId)) {
            throw new KeyrollError(
              "DUPLICATE_EXTERNAL_ID",
              `externalId ${JSON.stringify(input.row.externalId)} appears on an earlier row of this import`,
            );
          }
        } catch (err) {
          if (!(err instanceof KeyrollError)) throw err;
          p.error = err;
        }
        seenExternal.add(input.row.externalId);
      }

      // keys a previous run made are not made again (nor are their secrets generated again)
      const known = new Map(
        (await store.keysByExternalId([...seenExternal])).map((k) => [k.externalId, k] as const),
      );
      const seenSecret = new Set<string>();
      // in row order: key ids are made in this order
      const fresh: Array<{ p: Prepared; secret: string; digest: string; publicKey: string | null }> = [];
      const givenAt: number[] = [];
      const generatedAt: number[] = [];
      for (const p of prepared) {
        if (p.error || known.has(p.row.externalId)) continue;
        const given = p.row.secret;
        if (given === undefined) {
          generatedAt.push(fresh.length);
          fresh.push({ p, secret: "", digest: "", publicKey: null });
          continue;
        }
        const digest = digestSecret(given);
        if (seenSecret.has(digest)) {
          p.error = new KeyrollError(
            "SECRET_ALREADY_EXISTS",
            "this secret appears on an earlier row of this import",
          );
          continue;
        }
        seenSecret.add(digest);
        givenAt.push(fresh.length);
        fresh.push({ p, secret: given, digest, publicKey: null });
      }
      if (dryRun) {
        // a dry run writes nothing and answers no secret: no key pairs, and a generated row gets a
        // secret only so that its records are built and its row checked as the others are
        for (const i of generatedAt) {
          const f = fresh[i]!;
          f.secret = generateSecret(f.p.row.prefix ?? DEFAULT_PREFIX);
          f.digest = digestSecret(f.secret);
        }
      } else {
        // on the threads (the bulk of the work, decisions 0023 and 0031): the successor key pairs
        // of given secrets, and generated secrets with their digests and key pairs
        const [publicKeys, generated] = await Promise.all([
          keyPairs.publicKeys(givenAt.map((i) => fresh[i]!.secret)),
          keyPairs.generated(generatedAt.map((i) => fresh[i]!.p.row.prefix ?? DEFAULT_PREFIX)),
        ]);
        for (let j = 0; j < givenAt.length; j++) fresh[givenAt[j]!]!.publicKey = publicKeys[j]!;
        for (let j = 0; j < generatedAt.length; j++) {
          const f = fresh[generatedAt[j]!]!;
          [f.secret, f.digest, f.publicKey] = generated[j]!;
        }
      }
      for (let i = 0; i < fresh.length; i++) {
        const { p, secret, digest, publicKey } = fresh[i]!;
        const r = p.row;
        const keyId = newId("key", now);
        p.made = {
          secret,
          generated: r.secret === undefined,
          version: buildVersion({
            keyId,
            version: 1,
            secret,
            imported: r.secret !== undefined,
            now,
            activatesAt: now,
            storedState: "active",
            publicKey,
            digest,
          }),
          key: {
            id: keyId,
            consumerId: r.consumerId,
            name: r.name ?? null,
            scopes: [...new Set(r.scopes ?? [])],
            prefix: r.prefix ?? DEFAULT_PREFIX,
            metadata: r.metadata ?? {},
            createdAt: now,
            expiresAt: r.expiresAt ?? null,
            revokedAt: null,
            admin: false,
            rateLimit: r.rateLimit ?? null,
            allowSuccessorPickup: r.allowSuccessorPickup ?? true,
            externalId: r.externalId,
          },
        };
      }

      const committed = await commit(actor, async (w) => {
        const { tx } = w;
        for (const p of prepared) {
          p.existingKeyId = undefined;
          if (p.made) p.error = undefined;
        }
        // what the database says now, under the transaction: another import may have run meanwhile
        const rows = prepared.filter((p) => !p.error);
        const existing = new Map(
          (await tx.keysByExternalId(rows.map((p) => p.row.externalId))).map(
            (k) => [k.externalId, k] as const,
          ),
        );
        const toMake: Prepared[] = [];
        for (const p of rows) {
          const k = existing.get(p.row.externalId);
          if (k === undefined) {
            if (p.made) toMake.push(p);
            else
              p.error = new KeyrollError(
                "CONCURRENT_MODIFICATION",
                "the key changed concurrently; retry the import",
              );
          } else if (k.consumerId !== p.row.consumerId) {
            p.error = new KeyrollError(
              "EXTERNAL_ID_TAKEN",
              `externalId ${JSON.stringify(p.row.externalId)} belongs to a key of another consumer`,
            );
          } else p.existingKeyId = k.id;
        }
        const consumers = new Map(
          (await tx.lockConsumers([...new Set(toMake.map((p) => p.row.consumerId))])).map(
            (c) => [c.id, c] as const,
          ),
        );
        // only a given secret can already be in use: a generated one is 190 fresh random bits (were
        // one ever to match, the digest's unique index fails the request as a concurrent change)
        const taken = new Set(
          await tx.existingDigests(
            toMake.filter((p) => !p.made!.generated).map((p) => p.made!.version.digest),
          ),
        );
        for (const p of toMake) {
          const c = consumers.get(p.row.consumerId);
          if (!c || c.deletedAt !== null) {
            p.error = new KeyrollError("CONSUMER_NOT_FOUND", `consumer ${p.row.consumerId} does not exist`);
          } else if (c.system) {
            p.error = new KeyrollError(
              "FORBIDDEN",
              "admin keys are not imported in bulk: create them one by one",
            );
          } else if (taken.has(p.made!.version.digest)) {
            p.error = new KeyrollError("SECRET_ALREADY_EXISTS", "this secret is already in use by a key");
          }
        }
        if (dryRun || prepared.some((p) => p.error)) return false;
        if (toMake.length === 0) return true;
        await tx.insertKeys(
          toMake.map((p) => p.made!.key),
          w.now,
        );
        await tx.insertVersions(toMake.map((p) => p.made!.version));
        for (const p of toMake) {
          w.changed("key.created", { keyId: p.made!.key.id, consumerId: p.row.consumerId });
          w.created(p.made!.key, p.made!.version);
        }
        // one entry for the request: a million audit entries would bury every other one
        w.audit("key.bulk_imported", null, {
          created: toMake.length,
          existing: rows.length - toMake.length,
          keys: toMake.map((p) => ({
            id: p.made!.key.id,
            consumerId: p.row.consumerId,
            externalId: p.row.externalId,
            imported: !p.made!.generated,
          })),
        });
        return true;
      });

      let created = 0;
      let existingCount = 0;
      let failed = 0;
      const results = prepared.map((p): ImportRowResult => {
        const externalId = p.row.externalId === "" ? null : p.row.externalId;
        if (p.error) {
          failed++;
          return { index: p.index, status: "failed", keyId: null, externalId, error: p.error };
        }
        if (p.existingKeyId) {
          existingCount++;
          return { index: p.index, status: "existing", keyId: p.existingKeyId, externalId };
        }
        if (!committed) {
          return { index: p.index, status: "not_committed", keyId: null, externalId };
        }
        created++;
        return {
          index: p.index,
          status: "created",
          keyId: p.made!.key.id,
          externalId,
          ...(p.made!.generated && { secret: p.made!.secret }),
        };
      });
      deps.logger.info(
        { created, existing: existingCount, failed, committed: committed && !dryRun, dryRun },
        "keys imported",
      );
      return { committed: committed && !dryRun, dryRun, created, existing: existingCount, failed, results };
    },
    /** Stops the key pair threads. */
    close: () => keyPairs.close(),
  };
}

/** The bulk import service's interface. */
export type KeyImportService = ReturnType<typeof createKeyImportService>;
