import { parentPort } from "node:worker_threads";
import { generateWithKeys, makeNewVersion, type NewVersionInput } from "../core/rotation-secret.js";
import { successorPublicKey } from "../core/successor.js";

// A thread of the successor key pool (services/keypair-pool.ts): derives the public key of each
// secret it is sent (`secrets`), generates new keys' secrets with their digests and public keys
// (`generate`: one prefix a key; these secrets go back, the import answers them once), or makes a
// bulk rotation's new versions (`versions`: the secret made here stays here, only the version
// record and the sealed box go back), and answers in the same order. Nothing here logs or keeps a
// secret.

parentPort?.on(
  "message",
  (m: { id: number; secrets?: string[]; generate?: string[]; versions?: NewVersionInput[] }) => {
    let out: unknown[] | undefined;
    let error: string | undefined;
    try {
      if (m.versions !== undefined)
        out = m.versions.map((input) => {
          const { secret: _, ...made } = makeNewVersion(input);
          return { ...made, secret: null };
        });
      else if (m.generate !== undefined) out = m.generate.map(generateWithKeys);
      else out = (m.secrets ?? []).map(successorPublicKey);
    } catch (err) {
      error = (err as Error).message;
    }
    parentPort!.postMessage({ id: m.id, out, error });
  },
);
