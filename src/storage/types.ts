// The one storage contract, over bun:sqlite and PostgreSQL (postgres.js).
// SQL is written once: positional parameters `$1, $2, …` (translated for SQLite), standard
// `INSERT … ON CONFLICT … DO UPDATE`, `RETURNING`. Integer columns come back as JS numbers on
// both engines; flags are stored as INTEGER 0/1 (SQLite has no boolean type).

export type SqlValue = string | number | bigint | boolean | null | Uint8Array;
export type Row = Record<string, unknown>;

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number;
}

/** Statements that may run on the database or inside a transaction. */
export interface Queryable {
  /** All rows of a SELECT (or of a statement with RETURNING). */
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]>;
  /** The first row, or undefined. */
  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined>;
  /** A statement whose rows are not needed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult>;
  /** DDL or several statements separated by `;` with no parameters. */
  exec(sql: string): Promise<void>;
}

export type Tx = Queryable;

export interface Database extends Queryable {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * Runs fn in one transaction: committed when fn resolves, rolled back when it throws.
   * On SQLite every write transaction goes through a single writer queue, so concurrent
   * callers wait their turn instead of seeing "database is locked".
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One numbered schema change of a component. */
export interface Migration {
  version: number;
  name: string;
  /** SQL for both engines; may use the dialect macros documented in src/storage/dialect.ts. */
  up: string | ((tx: Tx, dialect: Database['dialect']) => Promise<void>);
}
