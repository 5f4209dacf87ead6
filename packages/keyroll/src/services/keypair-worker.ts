import { parentPort } from "node:worker_threads";
import { successorPublicKey } from "../core/successor.js";

// A thread of the successor key pool (services/keypair-pool.ts): derives the public key of each
// secret it is sent and answers with them in the same order. Nothing here logs or keeps a secret.

parentPort?.on("message", (m: { id: number; secrets: string[] }) => {
  let keys: string[] | undefined;
  let error: string | undefined;
  try {
    keys = m.secrets.map(successorPublicKey);
  } catch (err) {
    error = (err as Error).message;
  }
  parentPort!.postMessage({ id: m.id, keys, error });
});
