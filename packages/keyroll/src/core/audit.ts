import { hash } from "node:crypto";

/** The hash before the first entry of the audit chain. */
export const GENESIS_HASH = "0".repeat(64);

/** JSON with object keys sorted, so the same entry always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}

/**
 * The hash of an audit entry chained to its predecessor: changing, removing or reordering any
 * entry changes every hash after it.
 */
export function chainHash(
  prevHash: string,
  entry: {
    id: string;
    at: number;
    actor: string | null;
    action: string;
    targetId: string | null;
    data: unknown;
  },
): string {
  return hash("sha256", `${prevHash}\n${canonicalJson(entry)}`, "hex");
}
