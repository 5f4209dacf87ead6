import { KeyrollError } from "./errors.js";

/** Deepest nesting accepted in `metadata`. */
export const MAX_METADATA_DEPTH = 8;
/** Largest `metadata`, serialized. */
export const MAX_METADATA_BYTES = 8 * 1024;

/**
 * True when every string (and object key) in `value` is well-formed Unicode without NUL: what every
 * store can keep exactly (PostgreSQL cannot store NUL; a lone surrogate is not text).
 */
export function isStorableText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === "string") {
      if (v.includes("\u0000") || !v.isWellFormed()) return false;
    } else if (v !== null && typeof v === "object") {
      for (const [k, child] of Object.entries(v)) {
        if (k.includes("\u0000") || !k.isWellFormed()) return false;
        stack.push(child);
      }
    }
  }
  return true;
}

/** Throws VALIDATION_FAILED unless `isStorableText(value)`. */
export function assertStorableText(value: unknown, what: string): void {
  if (!isStorableText(value)) {
    throw new KeyrollError(
      "VALIDATION_FAILED",
      `${what}: strings must be valid Unicode without NUL characters`,
    );
  }
}

/**
 * Refuses metadata nested deeper than `MAX_METADATA_DEPTH` or larger than `MAX_METADATA_BYTES`
 * (iteratively: a hostile document must not overflow the stack while being checked).
 */
export function assertMetadata(metadata: unknown, field = "metadata"): void {
  const stack: Array<{ v: unknown; depth: number }> = [{ v: metadata, depth: 0 }];
  while (stack.length > 0) {
    const { v, depth } = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= MAX_METADATA_DEPTH) {
      throw new KeyrollError(
        "VALIDATION_FAILED",
        `${field} is nested deeper than ${MAX_METADATA_DEPTH} levels`,
        [{ path: `body/${field}`, message: `nested deeper than ${MAX_METADATA_DEPTH} levels` }],
      );
    }
    for (const child of Object.values(v)) stack.push({ v: child, depth: depth + 1 });
  }
  if (Buffer.byteLength(JSON.stringify(metadata ?? {})) > MAX_METADATA_BYTES) {
    throw new KeyrollError("VALIDATION_FAILED", `${field} is larger than ${MAX_METADATA_BYTES} bytes`, [
      { path: `body/${field}`, message: `larger than ${MAX_METADATA_BYTES} bytes` },
    ]);
  }
}
