import { createRequire } from "node:module";
import type { CompiledQuery } from "kysely";
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

// ---- statements sent together (issue 10: a round trip costs about as much CPU as its work) -------------
//
// node-postgres sends one statement per round trip. On this kind of host the socket writes and
// wake-ups of a round trip cost the node and the database about as much CPU as the statement
// itself, so a write transaction's statements are sent in as few round trips as their data
// dependencies allow, as one extended-protocol pipeline each (Parse/Bind/Execute per statement,
// one Sync): the server runs them in order, each with its own snapshot (READ COMMITTED), and
// skips the rest after a failing one. Three ways in, through Kysely's `executeQuery`:
// - `begin` is held and sent with the transaction's first statement;
// - `held(q)`: a write whose result nobody reads is held and sent with the next statement
//   (its error, if any, is that statement's error);
// - `pipelined([q1, q2, …])`: statements sent together, answered as one result per statement.

const require = createRequire(import.meta.url);
// node-postgres' own row parser (its type parsers included) and value serializer
const PgResult = require("pg/lib/result.js") as new () => PgResultLike;
const pgUtils = require("pg/lib/utils.js") as { prepareValue(v: unknown): unknown };

interface PgResultLike {
  command: string | null;
  rowCount: number | null;
  rows: unknown[];
  addFields(fields: unknown[]): void;
  parseRow(fields: unknown[]): unknown;
  addRow(row: unknown): void;
  addCommandComplete(msg: unknown): void;
}

/** The texts Kysely's query hands the client for the two forms; never sent as such. */
const HOLD = "\u0000keyroll:held";
const PIPELINE = "\u0000keyroll:pipelined";

/**
 * `q`, to be sent with the transaction's next statement instead of on its own. Answers no rows;
 * `onRows`, when given, gets its rows once it ran (not if the pipeline fails).
 */
export function held(q: CompiledQuery, onRows?: (rows: unknown[]) => void): CompiledQuery {
  return { ...q, sql: HOLD, parameters: [onRows === undefined ? q : { ...q, onRows }] };
}

/** `qs` sent together; the answer's `rows` are one node-postgres result per statement, in order. */
export function pipelined(qs: readonly CompiledQuery[]): CompiledQuery {
  return { ...qs[0]!, sql: PIPELINE, parameters: [...qs] };
}

interface Statement {
  readonly text: string;
  readonly values: readonly unknown[];
  readonly onRows?: ((rows: unknown[]) => void) | undefined;
}

interface Connection {
  stream: { cork?: () => void; uncork?: () => void };
  parsedStatements: Record<string, string>;
  submittedNamedStatements: Record<string, string>;
  parse(q: { text: string; name: string }): void;
  bind(q: { portal: string; statement: string; values: unknown[] }): void;
  describe(q: { type: "P"; name: string }): void;
  execute(q: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(msg: string): void;
}

/**
 * Statements sent as one pipeline: a node-postgres "submittable" (it writes its own protocol
 * messages and receives the answers). Named statements are parsed once per connection, as
 * node-postgres does for a query with a name.
 */
class Pipeline {
  private readonly results: PgResultLike[] = [];
  private current: PgResultLike | null = null;
  private rowError: unknown;
  /** Named statements this pipeline parses, with their position. */
  private readonly parsing: Array<{ name: string; text: string; at: number }> = [];
  private done = false;

  constructor(
    private readonly statements: ReadonlyArray<Statement & { name: string | undefined }>,
    private readonly onParseUnknown: () => void,
    private readonly callback: (err: unknown, results?: PgResultLike[]) => void,
  ) {}

  submit(con: Connection): Error | null {
    let values: unknown[][];
    try {
      values = this.statements.map((s) => s.values.map((v) => pgUtils.prepareValue(v)));
    } catch (err) {
      return err as Error;
    }
    con.stream.cork?.();
    try {
      this.statements.forEach((s, i) => {
        const name = s.name ?? "";
        const known =
          s.name !== undefined &&
          (con.parsedStatements[s.name] !== undefined || con.submittedNamedStatements[s.name] !== undefined);
        if (!known) {
          con.parse({ text: s.text, name });
          if (s.name !== undefined) {
            con.submittedNamedStatements[s.name] = s.text;
            this.parsing.push({ name: s.name, text: s.text, at: i });
          }
        }
        con.bind({ portal: "", statement: name, values: values[i]! });
        con.describe({ type: "P", name: "" });
        con.execute({ portal: "", rows: 0 });
      });
      con.sync();
    } finally {
      con.stream.uncork?.();
    }
    this.con = con;
    return null;
  }

  private con: Connection | undefined;

  handleRowDescription(msg: { fields: unknown[] }): void {
    this.current = new PgResult();
    this.current.addFields(msg.fields);
  }

  handleDataRow(msg: { fields: unknown[] }): void {
    if (this.rowError !== undefined || this.current === null) return;
    try {
      this.current.addRow(this.current.parseRow(msg.fields));
    } catch (err) {
      this.rowError = err;
    }
  }

  handleCommandComplete(msg: unknown): void {
    const r = this.current ?? new PgResult();
    r.addCommandComplete(msg);
    this.results.push(r);
    this.current = null;
  }

  handleEmptyQuery(): void {
    this.results.push(this.current ?? new PgResult());
    this.current = null;
  }

  handlePortalSuspended(): void {}

  handleCopyInResponse(con: Connection): void {
    con.sendCopyFail("no COPY in a pipeline");
  }

  handleCopyData(): void {}

  /** The statement at `failedAt` failed (or none, when undefined): settle what was parsed. */
  private settleParsed(failedAt: number | undefined): void {
    const con = this.con;
    if (con === undefined) return;
    for (const p of this.parsing) {
      delete con.submittedNamedStatements[p.name];
      if (failedAt === undefined || p.at < failedAt) con.parsedStatements[p.name] = p.text;
      // the failing statement's own Parse may or may not have been accepted: its name is not
      // used again on this connection
      else if (p.at === failedAt) this.onParseUnknown();
    }
  }

  handleError(err: unknown): void {
    if (this.done) return;
    this.done = true;
    // statements answer in order: the failing one is the first without a result
    this.settleParsed(this.results.length);
    this.callback(err);
  }

  handleReadyForQuery(): void {
    if (this.done) return;
    this.done = true;
    this.settleParsed(undefined);
    if (this.rowError !== undefined) this.callback(this.rowError);
    else this.callback(null, this.results);
  }
}

const isTxEnd = (text: string) => text === "commit" || text === "rollback";

/**
 * A node-postgres client that sends `query(text, values)` calls (the form Kysely uses) as named
 * prepared statements when {@link statementName} names them, holds a transaction's `begin` and
 * {@link held} writes to send them with its next statement, and sends {@link pipelined}
 * statements together; everything else as it is.
 */
export class PreparingClient extends pg.Client {
  /**
   * Bumped when the server says a prepared statement's result type changed (another node's
   * migration altered a table under it), or when a pipeline failed on a statement it was parsing:
   * this connection then prepares fresh names.
   */
  private generation = 0;
  /** Statements held for the next round trip (a `begin`, writes nobody reads the result of). */
  private pending: Statement[] = [];
  /** Between a held `begin` and its `commit` or `rollback`. */
  private inTransaction = false;
  /** The held `begin` has not reached the server yet. */
  private beginHeld = false;

  private nameOf(text: string): string | undefined {
    const name = statementName(text);
    if (name === undefined) return undefined;
    return this.generation === 0 ? name : `${name}g${this.generation}`;
  }

  /**
   * Sends `statements` as one pipeline (one round trip, one Sync), after anything held; answers
   * one node-postgres result per statement, or the first failure.
   */
  sendTogether(statements: readonly Statement[]): Promise<PgResultLike[]> {
    const before = this.pending;
    this.pending = [];
    this.beginHeld = false;
    if (statements.some((s) => isTxEnd(s.text))) this.inTransaction = false;
    return this.sendPipeline([...before, ...statements]).then((r) => r.slice(before.length));
  }

  private sendPipeline(statements: readonly Statement[]): Promise<PgResultLike[]> {
    return new Promise((resolve, reject) => {
      const p = new Pipeline(
        statements.map((s) => ({ ...s, name: this.nameOf(s.text) })),
        () => {
          this.generation++;
        },
        (err, results) => {
          if (err === null) {
            for (let i = 0; i < statements.length; i++) statements[i]!.onRows?.(results![i]?.rows ?? []);
            return resolve(results!);
          }
          if ((err as { code?: unknown }).code === "0A000") this.generation++;
          reject(err);
        },
      );
      (super.query as unknown as QueryFn).call(this, p);
    });
  }

  override query(...args: unknown[]): never {
    const [text, values, cb] = args;
    const base = super.query as unknown as QueryFn;
    if (typeof text !== "string" || cb !== undefined || (values !== undefined && !Array.isArray(values))) {
      return base.apply(this, args) as never;
    }
    const params = (values ?? []) as unknown[];
    if (text === "begin" && params.length === 0 && !this.inTransaction) {
      this.inTransaction = true;
      this.beginHeld = true;
      this.pending = [{ text, values: [] }];
      return Promise.resolve({ command: "BEGIN", rowCount: null, rows: [] }) as never;
    }
    if (text === HOLD && this.inTransaction) {
      for (const q of params as Array<CompiledQuery & { onRows?: (rows: unknown[]) => void }>)
        this.pending.push({ text: q.sql, values: q.parameters, onRows: q.onRows });
      return Promise.resolve({ command: null, rowCount: null, rows: [] }) as never;
    }
    if (text === "rollback" && this.inTransaction) {
      this.inTransaction = false;
      this.pending = [];
      // nothing of this transaction reached the server: nothing to roll back there
      if (this.beginHeld) {
        this.beginHeld = false;
        return Promise.resolve({ command: "ROLLBACK", rowCount: null, rows: [] }) as never;
      }
    }
    const own: Statement[] =
      text === HOLD || text === PIPELINE
        ? (params as CompiledQuery[]).map((q) => ({ text: q.sql, values: q.parameters }))
        : [{ text, values: params }];
    // a statement without parameters may be several (a migration's DDL): the simple protocol,
    // after the held ones in a round trip of their own
    const joinable = text === HOLD || text === PIPELINE || params.length > 0 || isTxEnd(text);
    if (isTxEnd(text)) this.inTransaction = false;
    const before = this.pending;
    this.pending = [];
    this.beginHeld = false;
    if (!joinable) {
      if (before.length === 0) return this.single(base, text, values) as never;
      return this.sendPipeline(before).then(() => this.single(base, text, values)) as never;
    }
    if (before.length === 0 && text !== PIPELINE && text !== HOLD)
      return this.single(base, text, values) as never;
    return this.sendPipeline([...before, ...own]).then((results) => {
      if (text === PIPELINE) return { command: null, rowCount: null, rows: results.slice(before.length) };
      return results[results.length - 1];
    }) as never;
  }

  /** One statement on its own, named when {@link statementName} names it. */
  private single(base: QueryFn, text: string, values: unknown): unknown {
    if (Array.isArray(values)) {
      const name = this.nameOf(text);
      if (name !== undefined) {
        const out = base.call(this, { name, text, values }) as Promise<unknown>;
        return out.catch((err: unknown) => {
          // 0A000 "cached plan must not change result type": the statement fails once, in its
          // transaction; later ones on this connection are prepared again under new names
          if ((err as { code?: unknown }).code === "0A000") this.generation++;
          throw err;
        });
      }
    }
    return base.call(this, text, values);
  }
}
