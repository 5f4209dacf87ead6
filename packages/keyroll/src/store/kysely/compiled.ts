import type { Compilable, CompiledQuery } from "kysely";

// Statements of one shape compiled once (issue 10). Kysely builds and compiles a query's operation
// tree on every call, ≈ 8–10 % of a node's CPU under rotations; the rotation's statements have one
// shape each, so their text is compiled once, from the same builder code, and each call only binds
// its values. The builder stays the one source of truth for tables and columns: it is called once
// with placeholder arguments, and each placeholder must come out as parameters of the compiled
// statement (a builder that branches on an argument's value, or inlines it, is refused there).

const ARG = "\u0000keyroll:arg:";
/** Shapes kept per process: a bound on what a caller keying by data could make us hold. */
const MAX_SHAPES = 200;

interface Template {
  readonly query: CompiledQuery;
  /** For each parameter: the argument's index, or a constant the builder put there itself. */
  readonly slots: ReadonlyArray<number | { readonly value: unknown }>;
}

const templates = new Map<string, Template>();

function templateOf(compiled: CompiledQuery, arity: number): Template {
  const seen = new Set<number>();
  const slots = compiled.parameters.map((p) => {
    if (typeof p === "string" && p.startsWith(ARG)) {
      const i = Number(p.slice(ARG.length));
      seen.add(i);
      return i;
    }
    return { value: p };
  });
  if (seen.size !== arity) throw new Error("a precompiled statement must bind each of its arguments");
  if (compiled.sql.includes(ARG)) throw new Error("a precompiled statement inlined an argument");
  return { query: compiled, slots };
}

/**
 * The statement `build(placeholders)` compiles to, bound to `args`: compiled the first time `shape`
 * is asked for, reused after. `shape` names the statement, its dialect and anything its text
 * depends on (a column list); `build` must pass its arguments only as values.
 * @example compiledOnce(`postgres:key`, [id], ([id]) => db.selectFrom("keys").selectAll().where("id", "=", id))
 */
export function compiledOnce(
  shape: string,
  args: readonly unknown[],
  build: (placeholders: readonly string[]) => Compilable,
): CompiledQuery {
  let t = templates.get(shape);
  if (t === undefined) {
    t = templateOf(build(args.map((_, i) => `${ARG}${i}`)).compile(), args.length);
    if (templates.size < MAX_SHAPES) templates.set(shape, t);
  }
  // no plugin is installed on the store's Kysely instances, so the template's query node and id,
  // which only plugins read, are shared by every execution
  return { ...t.query, parameters: t.slots.map((s) => (typeof s === "number" ? args[s] : s.value)) };
}

/**
 * `db.insertInto(table).values(row)` compiled once per dialect and column list: the columns are
 * the row mapper's (`versionRow`, …), those whose value is not undefined, as Kysely's `values` does.
 */
export function insertRowOnce(
  dialect: string,
  table: string,
  row: Readonly<Record<string, unknown>>,
  build: (row: Record<string, string>) => Compilable,
): CompiledQuery {
  const columns = Object.keys(row).filter((c) => row[c] !== undefined);
  return compiledOnce(
    `${dialect}:insert:${table}:${columns.join(",")}`,
    columns.map((c) => row[c]),
    (ps) => build(Object.fromEntries(columns.map((c, i) => [c, ps[i]!]))),
  );
}
