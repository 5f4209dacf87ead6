import pg from "pg";

// Named prepared statements for the store's hot queries: PostgreSQL parses and analyses a named
// statement once per connection, and after a few executions plans it once too, instead of for every
// execution (node-postgres sends every parameterised query as an unnamed statement, which the server
// parses, analyses and plans each time). Kysely compiles the same SQL text for the same query shape,
// so the text is the statement's identity. Measured in bench/README.md (bench:writes CPU columns).

/** Distinct statement texts named per process; past it, new texts go unnamed (one-off, bulk shapes). */
const MAX_NAMED = 400;
/** Longer texts (multi-row inserts of many rows) are not worth keeping prepared. */
const MAX_TEXT = 4_000;

const names = new Map<string, string>();

/** The name of a statement worth preparing, or undefined to send it unnamed. */
export function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known !== undefined) return known;
  if (text.length > MAX_TEXT || names.size >= MAX_NAMED) return undefined;
  // DML and queries only: DDL and session commands (migrations, SET, LISTEN) go unnamed
  if (!/^\s*(select|insert|update|delete|with)\b/i.test(text)) return undefined;
  const name = `kr${names.size.toString(36)}`;
  names.set(text, name);
  return name;
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * A node-postgres client that sends `query(text, values)` calls (the form Kysely uses) as named
 * prepared statements when {@link statementName} names them; everything else as it is.
 */
export class PreparingClient extends pg.Client {
  /**
   * Bumped when the server says a prepared statement's result type changed (another node's
   * migration altered a table under it): this connection then prepares fresh names.
   */
  private generation = 0;

  override query(...args: unknown[]): never {
    const [text, values, cb] = args;
    const base = super.query as unknown as QueryFn;
    if (typeof text === "string" && Array.isArray(values) && cb === undefined) {
      const name = statementName(text);
      if (name !== undefined) {
        const out = base.call(this, {
          name: this.generation === 0 ? name : `${name}g${this.generation}`,
          text,
          values,
        }) as Promise<unknown>;
        return out.catch((err: unknown) => {
          // 0A000 "cached plan must not change result type": the statement fails once, in its
          // transaction; later ones on this connection are prepared again under new names
          if ((err as { code?: unknown }).code === "0A000") this.generation++;
          throw err;
        }) as never;
      }
    }
    return base.apply(this, args) as never;
  }
}
