// Opening a component's database, and how components use it.
//
//   const db = await openDatabase(cfg.sync_api.database, cfg.global.database, cfg.config_dir, log);
//   await runMigrations(db, 'syncapi', migrations);              // src/storage/migrations.ts
//   const row = await db.get<{ pos: number }>('SELECT pos FROM syncapi_receipts WHERE room_id = $1', [roomId]);
//   await db.transaction(async (tx) => {                         // all writes of one step together
//     await tx.run('INSERT INTO t (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = excluded.v', [k, v]);
//     return tx.get<{ id: number }>('INSERT INTO u (k) VALUES ($1) RETURNING id', [k]);
//   });
//   await db.close();
//
// Rules (see src/storage/types.ts and the macros in src/storage/dialect.ts):
// - Inside db.transaction use `tx`, never `db`: writes through `db` and nested transactions
//   throw (on SQLite they would wait for themselves). Reads through `db` see committed data.
// - Don't call other components from inside a transaction; keep transactions short.
// - Results: integers as numbers, BLOB/BYTEA as Uint8Array, NULL as null, no row as undefined.
//
// The same connection string opened twice in one process gives one shared pool (PostgreSQL,
// Dendrite's "global database pool") or one writer queue (SQLite file), counted by reference
// and closed when its last user closes. That registry is process-wide on purpose: it is keyed by
// the connection string, so tests with their own databases never meet.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseOptions } from '../config/types.ts';
import type { Logger } from '../setup/logger.ts';
import { parseConnectionString, redactUrl, type DatabaseTarget } from './connection-string.ts';
import { openSqlite } from './sqlite.ts';
import type { Database, Row, RunResult, SqlValue, Tx } from './types.ts';

interface Shared {
  db: Promise<Database>;
  /** Counted when an open starts (not when it resolves), so a close cannot slip in between. */
  refs: number;
}

const shared = new Map<string, Shared>();

export async function openDatabase(
  opts: DatabaseOptions,
  fallback: DatabaseOptions,
  baseDir: string,
  log?: Logger,
): Promise<Database> {
  const chosen = opts.connection_string?.trim() ? opts : fallback;
  if (!chosen.connection_string?.trim()) {
    throw new Error("no database configured: set this component's database.connection_string, or global.database.connection_string");
  }
  const target = parseConnectionString(chosen.connection_string, baseDir);
  if (target.kind === 'sqlite' && target.path === ':memory:') return openSqlite(':memory:');
  const key = target.kind === 'sqlite' ? `sqlite:${target.path}` : `postgres:${target.url}`;
  let entry = shared.get(key);
  if (entry === undefined) {
    const created: Shared = { db: openTarget(target, chosen), refs: 0 };
    shared.set(key, created);
    created.db.catch(() => shared.get(key) === created && shared.delete(key));
    entry = created;
  }
  const e = entry;
  e.refs++;
  let db: Database;
  try {
    db = await e.db;
  } catch (err) {
    e.refs--;
    throw err;
  }
  log?.debug('database opened', { target: describeTarget(target), users: e.refs });
  return new DatabaseHandle(db, () => {
    if (--e.refs > 0) return Promise.resolve();
    if (shared.get(key) === e) shared.delete(key);
    log?.debug('database closed', { target: describeTarget(target) });
    return db.close();
  });
}

async function openTarget(target: DatabaseTarget, opts: DatabaseOptions): Promise<Database> {
  if (target.kind === 'postgres') {
    // Loaded only when used: a SQLite-only server (the Raspberry Pi default) saves its memory.
    const { openPostgres } = await import('./postgres.ts');
    // max_idle_conns has no postgres.js equivalent: idle connections stay until closed.
    return openPostgres(target.url, { max: opts.max_open_conns, maxLifetimeMs: opts.conn_max_lifetime });
  }
  try {
    mkdirSync(dirname(target.path), { recursive: true });
    return openSqlite(target.path);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot open SQLite database ${target.path}: ${why}. Check that the folder is writable and the file is a SQLite database.`, {
      cause: err,
    });
  }
}

function describeTarget(t: DatabaseTarget): string {
  return t.kind === 'sqlite' ? `file:${t.path}` : redactUrl(t.url);
}

/** One user's reference to a shared database; close() gives up this reference only. */
class DatabaseHandle implements Database {
  private closed = false;

  constructor(
    private readonly db: Database,
    private readonly release: () => Promise<void>,
  ) {}

  get dialect(): Database['dialect'] {
    return this.db.dialect;
  }

  // Errors come back as rejected promises, like every other failure of these methods.
  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    return this.closed ? closedError() : this.db.all<T>(sql, params);
  }

  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    return this.closed ? closedError() : this.db.get<T>(sql, params);
  }

  run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    return this.closed ? closedError() : this.db.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.closed ? closedError() : this.db.exec(sql);
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.closed ? closedError() : this.db.transaction(fn);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release();
  }
}

function closedError(): Promise<never> {
  return Promise.reject(new Error('database is closed'));
}
