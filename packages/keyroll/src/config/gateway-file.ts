import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type AccessPolicy, readAccessPolicy } from "../core/route-rules.js";
import { ConfigError } from "./index.js";

/** A gateway config file as read: the access policy, and the raw object for the caller's own fields. */
export interface GatewayFile {
  readonly policy: AccessPolicy;
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * Reads a gateway config file (YAML, of which JSON is a subset): the access policy shared by
 * `keyroll gateway --config` and `GET /v1/authorize` (`KEYROLL_GATEWAY_CONFIG`). Every problem,
 * YAML syntax included, is reported at once in one `ConfigError`; `check` adds the caller's.
 * @example const { policy } = readGatewayFile("gateway.yaml")
 */
export function readGatewayFile(
  path: string,
  known: readonly string[] = [],
  check?: (raw: Record<string, unknown>, problems: string[]) => void,
): GatewayFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError([`${path}: cannot read (${(err as NodeJS.ErrnoException).code ?? "error"})`]);
  }
  // loaded only when a file is read: a start without one does not pay for the parser
  const { parseDocument } = createRequire(import.meta.url)("yaml") as typeof import("yaml");
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0)
    throw new ConfigError(doc.errors.map((e) => `${path}: ${e.message.split("\n")[0]}`));
  const value: unknown = doc.toJS() ?? {};
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new ConfigError([`${path}: must be a mapping of settings`]);
  const raw = value as Record<string, unknown>;
  const problems: string[] = [];
  const policy = readAccessPolicy(raw, problems, known);
  check?.(raw, problems);
  if (problems.length > 0) throw new ConfigError(problems.map((p) => `${path}: ${p}`));
  return { policy, raw };
}
