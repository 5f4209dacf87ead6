import { FormatRegistry, type Static, Type } from "@sinclair/typebox";
import { TypeCompiler } from "@sinclair/typebox/compiler";
import type { FastifyInstance } from "fastify";
import { KeyrollError } from "../../core/errors.js";
import { importProblem } from "../../core/secret.js";
import type { ImportInput, ImportRow, KeyImportService } from "../../services/key-import.js";
import { MAX_IMPORT_ROWS } from "../../services/key-import.js";
import type { RouteDeps } from "../deps.js";
import { problem } from "../errors.js";
import { duration, time } from "../input.js";
import { errorResponses, Problem } from "../schemas.js";
import { CreateKeyFields } from "./keys.js";

/** One row of an import: the fields of `POST /v1/keys` and `externalId`. */
export const ImportKeyRow = Type.Object(
  {
    externalId: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "Your own id of this key, unique among keys: a re-run finds the key made the first time",
    }),
    ...CreateKeyFields,
  },
  { additionalProperties: false },
);

const ImportResult = Type.Object({
  index: Type.Integer({ description: "The row's position in the request, from 0" }),
  status: Type.Union([
    Type.Literal("created"),
    Type.Literal("existing"),
    Type.Literal("failed"),
    Type.Literal("not_committed"),
  ]),
  keyId: Type.Union([Type.String(), Type.Null()]),
  externalId: Type.Union([Type.String(), Type.Null()]),
  secret: Type.Optional(Type.String({ description: "Only for a key created now with a generated secret" })),
  error: Type.Optional(Problem),
});

const ImportResponse = Type.Object({
  committed: Type.Boolean({ description: "False when any row failed (nothing was written) or on a dry run" }),
  dryRun: Type.Boolean(),
  created: Type.Integer(),
  existing: Type.Integer(),
  failed: Type.Integer(),
  results: Type.Array(ImportResult),
});

// NDJSON rows are checked here rather than by Fastify's Ajv, so the compiler needs the one format
// the row schema uses: an RFC 3339 time, as Ajv's "date-time" takes it
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
FormatRegistry.Set("date-time", (v) => RFC3339.test(v) && !Number.isNaN(Date.parse(v)));
const rowCheck = TypeCompiler.Compile(ImportKeyRow);

/** A row of the body as the service takes it, or the first reason it is not one. */
function readRow(value: unknown): ImportInput {
  const v = value as Partial<Record<string, unknown>> | null;
  const externalId = typeof v?.externalId === "string" ? v.externalId : undefined;
  // a secret of the wrong form is INVALID_SECRET, as on POST /v1/keys, not a schema failure
  const problem = typeof v?.secret === "string" ? importProblem(v.secret) : undefined;
  if (problem) return { error: new KeyrollError("INVALID_SECRET", `secret ${problem}`), externalId };
  if (!rowCheck.Check(value)) {
    const e = rowCheck.Errors(value).First();
    const where = e?.path ? e.path.slice(1) || "row" : "row";
    return {
      error: new KeyrollError("VALIDATION_FAILED", `${where}: ${e?.message ?? "not a valid key row"}`),
      externalId,
    };
  }
  const r = value as Static<typeof ImportKeyRow>;
  try {
    const row: ImportRow = {
      ...r,
      expiresAt: time(r.expiresAt, "expiresAt") ?? null,
      rateLimit:
        r.rateLimit == null
          ? r.rateLimit
          : { limit: r.rateLimit.limit, periodMs: duration(r.rateLimit.period, "rateLimit.period") },
    };
    return { row };
  } catch (err) {
    if (err instanceof KeyrollError) return { error: err, externalId: r.externalId };
    throw err;
  }
}

/** The lines of an NDJSON body, each read as JSON (a line that is not JSON is that row's error). */
function ndjsonRows(body: string): unknown[] {
  const out: unknown[] = [];
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    if (out.length >= MAX_IMPORT_ROWS)
      throw new KeyrollError("VALIDATION_FAILED", `at most ${MAX_IMPORT_ROWS} keys a request`);
    try {
      out.push(JSON.parse(line));
    } catch {
      out.push(NOT_JSON);
    }
  }
  return out;
}

const NOT_JSON = Symbol("not JSON");

/** Request bodies of an import may be this large (10 000 rows of up to a few hundred bytes each). */
const IMPORT_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * `POST /v1/keys/import`: bulk create and import, NDJSON or `{"keys": [...]}` (decision 0019). Rows
 * are checked one by one, so every bad row gets its own error, and the request commits as a whole
 * or not at all.
 */
export function registerKeyImportRoutes(
  app: FastifyInstance,
  deps: RouteDeps & { keyImports?: KeyImportService },
): void {
  const imports = deps.keyImports;
  if (!imports) return;
  // NDJSON is read only here: an encapsulated context, so no other route accepts it
  void app.register(async (scoped) => {
    scoped.addContentTypeParser(
      "application/x-ndjson",
      { parseAs: "string", bodyLimit: IMPORT_BODY_LIMIT },
      (_req, body, done) => done(null, body),
    );
    scoped.post<{ Body: { keys?: unknown[] } | string; Querystring: { dryRun?: "true" | "false" } }>(
      "/v1/keys/import",
      {
        config: { scope: "keys:write" },
        bodyLimit: IMPORT_BODY_LIMIT,
        // rows are checked one by one below, so that each bad row gets its own answer
        attachValidation: true,
        schema: {
          operationId: "importKeys",
          tags: ["keys"],
          summary: "Create or import up to 10 000 keys in one transaction (NDJSON or JSON)",
          description:
            "Each row takes the fields of POST /v1/keys plus `externalId`. A row whose `externalId` a key of the same consumer already carries is answered `existing` (no new secret), so a re-run is safe. Any bad row: nothing is committed, and each row's result says why. `secret` comes back only for generated secrets.",
          querystring: Type.Object(
            {
              dryRun: Type.Optional(
                Type.Union([Type.Literal("true"), Type.Literal("false")], {
                  description: "Check every row and answer as the import would, writing nothing",
                }),
              ),
            },
            { additionalProperties: false },
          ),
          body: {
            content: {
              "application/json": {
                schema: Type.Object(
                  { keys: Type.Array(ImportKeyRow, { maxItems: MAX_IMPORT_ROWS }) },
                  { additionalProperties: false },
                ),
              },
              "application/x-ndjson": {
                schema: Type.String({ description: "One key row (as in `keys` of the JSON form) a line" }),
              },
            },
          },
          response: { 200: ImportResponse, ...errorResponses() },
        },
      },
      async (req) => {
        // a bad query string is the whole request's error; a bad body is looked at row by row
        const ctx = (req.validationError as { validationContext?: string } | undefined)?.validationContext;
        if (req.validationError && ctx !== "body") throw req.validationError;
        let raw: unknown[];
        if (typeof req.body === "string") raw = ndjsonRows(req.body);
        else if (
          req.body !== null &&
          typeof req.body === "object" &&
          Array.isArray(req.body.keys) &&
          Object.keys(req.body).length === 1
        )
          raw = req.body.keys;
        else throw new KeyrollError("VALIDATION_FAILED", 'the body must be {"keys": [...]} or NDJSON');
        if (raw.length > MAX_IMPORT_ROWS)
          throw new KeyrollError("VALIDATION_FAILED", `at most ${MAX_IMPORT_ROWS} keys a request`);
        const inputs = raw.map((v) =>
          v === NOT_JSON
            ? { error: new KeyrollError("MALFORMED_JSON", "this line is not valid JSON") }
            : readRow(v),
        );
        const out = await imports.importKeys(inputs, req.actor!, { dryRun: req.query.dryRun === "true" });
        return {
          ...out,
          results: out.results.map((r) => ({
            index: r.index,
            status: r.status,
            keyId: r.keyId,
            externalId: r.externalId,
            ...(r.secret !== undefined && { secret: r.secret }),
            ...(r.error !== undefined && { error: problem(r.error.code, r.error.message) }),
          })),
        };
      },
    );
  });
}
