// The Database contract over bun:sqlite. A file database gets two connections:
// - the writer: every write and every transaction, one at a time through the writer queue, so
//   concurrent callers never interleave inside someone else's transaction and "database is
//   locked" never reaches them (busy_timeout still covers another process on the same file);
// - the reader (read-only): plain reads outside a transaction while a transaction holds the
//   writer; in WAL mode it sees the last committed state and never waits for the writer. Reads
//   while the writer is free go to the writer, whose page cache is warm.
// A `:memory:` database cannot be shared between connections, so it has one connection and
// reads outside a transaction wait in the writer queue too (never seeing uncommitted rows).
// A file database that keeps writing gets a third connection, on a worker thread, that does the
// WAL checkpoints (checkpointer.ts).
import { Database as BunDatabase, type Statement } from 'bun:sqlite';
import { type Checkpointer, FALLBACK_AUTOCHECKPOINT, startCheckpointer } from './checkpointer.ts';
import { rewriteSql } from './dialect.ts';
import { assertOpen, TxScope, type TxState } from './tx-scope.ts';
import type { Database, Queryable, Row, RunResult, SqlValue, Tx } from './types.ts';

export interface SqliteOptions {
  /** How long a statement waits for another process's lock. Default 10 s. */
  busyTimeoutMs?: number;
  /** Prepared statements kept per database. Default 1000. */
  statementCacheSize?: number;
  /** Checkpoint on a worker thread once the database keeps writing (file databases). Default true. */
  backgroundCheckpoints?: boolean;
}

/** Write transactions before the checkpointer thread starts: a database that hardly writes (a
 *  test, a CLI command) never pays for the thread. */
const CHECKPOINTER_AFTER_WRITES = 256;

interface Prepared {
  text: string;
  writer: Statement;
  /** Same statement on the reader connection, prepared on first read-only use. */
  reader: Statement | null;
  /** Pure read: may go to the reader connection. */
  readOnly: boolean;
}

const NO_PARAMS: SqlValue[] = [];
const TX_CONTROL = /^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/** Booleans become 0/1; everything else binds as is (Uint8Array as BLOB, bigint as INTEGER). */
function bind(params: readonly SqlValue[] | undefined): SqlValue[] {
  if (params === undefined || params.length === 0) return NO_PARAMS;
  let out: SqlValue[] | undefined;
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    if (typeof v === 'boolean') {
      out ??= params.slice();
      out[i] = v ? 1 : 0;
    }
  }
  return out ?? (params as SqlValue[]);
}

/** FIFO mutex. release() hands the lock straight to the next waiter so no one can barge in. */
class WriterQueue {
  private busy = false;
  private readonly waiters: (() => void)[] = [];

  tryAcquire(): boolean {
    if (this.busy) return false;
    this.busy = true;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy = false;
  }

  /** Runs fn holding the lock; synchronously when the lock is free. */
  with<T>(fn: () => T): T | Promise<T> {
    if (this.tryAcquire()) {
      try {
        return fn();
      } finally {
        this.release();
      }
    }
    return this.acquire().then(() => {
      try {
        return fn();
      } finally {
        this.release();
      }
    });
  }
}

export function openSqlite(path: string, opts: SqliteOptions = {}): Database {
  return new SqliteDatabase(path, opts);
}

class SqliteDatabase implements Database {
  readonly dialect = 'sqlite' as const;
  private readonly writer: BunDatabase;
  private readonly reader: BunDatabase | null;
  private readonly cache = new Map<string, Prepared>();
  private readonly cacheSize: number;
  private readonly queue = new WriterQueue();
  private readonly scope = new TxScope();
  private closed = false;
  private writes = 0;
  private checkpointer: Promise<Checkpointer | undefined> | undefined;
  private readonly checkpointPath: string | undefined;

  constructor(path: string, opts: SqliteOptions) {
    const busy = opts.busyTimeoutMs ?? 10_000;
    this.cacheSize = opts.statementCacheSize ?? 1000;
    const memory = path === ':memory:' || path === '';
    this.checkpointPath = memory || opts.backgroundCheckpoints === false ? undefined : path;
    this.writer = new BunDatabase(path, { create: true, readwrite: true });
    try {
      // WAL lets the reader run beside the writer; NORMAL syncs at checkpoints only, which
      // keeps commits durable against a process crash (not against power loss), as Dendrite.
      if (!memory) this.writer.run('PRAGMA journal_mode = WAL');
      this.writer.run('PRAGMA synchronous = NORMAL');
      this.writer.run(`PRAGMA busy_timeout = ${busy}`);
      this.writer.run('PRAGMA foreign_keys = ON');
      this.reader = memory ? null : new BunDatabase(path, { readonly: true });
      this.reader?.run(`PRAGMA busy_timeout = ${busy}`);
    } catch (err) {
      this.writer.close();
      throw err;
    }
  }

  private prepared(sql: string): Prepared {
    let p = this.cache.get(sql);
    if (p !== undefined) return p;
    if (this.closed) throw new Error('database is closed');
    const text = rewriteSql(sql, 'sqlite');
    const writer = this.writer.prepare(text);
    p = { text, writer, reader: null, readOnly: writer.readonly && !TX_CONTROL.test(text) };
    if (this.cache.size >= this.cacheSize) {
      // Map order is insertion order: drop the oldest.
      const [oldKey, old] = this.cache.entries().next().value!;
      this.cache.delete(oldKey);
      old.writer.finalize();
      old.reader?.finalize();
    }
    this.cache.set(sql, p);
    return p;
  }

  private readerStatement(p: Prepared): Statement {
    return (p.reader ??= this.reader!.prepare(p.text));
  }

  /** Runs a read outside a transaction. */
  private read<T>(sql: string, fn: (s: Statement) => T): T | Promise<T> {
    const p = this.prepared(sql);
    if (!p.readOnly) {
      this.scope.assertNoOpenTx('all/get');
      return this.queue.with(() => fn(p.writer));
    }
    // The writer connection when no transaction holds it: it has the pages it just wrote in its
    // cache, whereas in WAL mode the reader drops its whole cache after every commit by another
    // connection and reads the pages back from the file (on a send, several reads follow writes).
    if (this.queue.tryAcquire()) {
      try {
        return fn(p.writer);
      } finally {
        this.queue.release();
      }
    }
    if (this.reader !== null) return fn(this.readerStatement(p));
    // :memory: — one connection: wait for open transactions, unless we are inside ours.
    if (this.scope.inOpenTx()) return fn(p.writer);
    return this.queue.with(() => fn(p.writer));
  }

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    const args = bind(params);
    return (await this.read(sql, (s) => s.all(...args))) as T[];
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    const args = bind(params);
    return ((await this.read(sql, (s) => s.get(...args))) ?? undefined) as T | undefined;
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    this.scope.assertNoOpenTx('run');
    const args = bind(params);
    const p = this.prepared(sql);
    const result = await this.queue.with(() => ({ changes: p.writer.run(...args).changes }));
    this.wrote();
    return result;
  }

  async exec(sql: string): Promise<void> {
    this.scope.assertNoOpenTx('exec');
    const text = rewriteSql(sql, 'sqlite');
    await this.queue.with(() => void this.writer.run(text));
    this.wrote();
  }

  /** Counts writes; starts the checkpointer thread once the database proves busy. */
  private wrote(): void {
    if (++this.writes !== CHECKPOINTER_AFTER_WRITES || this.checkpointPath === undefined || this.closed) return;
    this.checkpointer = startCheckpointer(this.checkpointPath).then(async (c) => {
      if (c && this.closed) {
        await c.stop();
        return undefined;
      }
      // Without the worker, SQLite's own checkpoints (every 1000 pages) stay as they were.
      if (c) this.writer.run(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT}`);
      return c;
    });
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.scope.assertNotNested();
    if (this.closed) throw new Error('database is closed');
    await this.queue.acquire();
    const state: TxState = { open: true };
    try {
      // IMMEDIATE takes the file's write lock now, so another process cannot make this
      // transaction fail half-way with SQLITE_BUSY on its first write.
      this.prepared('BEGIN IMMEDIATE').writer.run();
      try {
        const result = await this.scope.run(state, () => fn(new SqliteTx(this, state)));
        this.prepared('COMMIT').writer.run();
        this.wrote();
        return result;
      } catch (err) {
        if (this.writer.inTransaction) this.prepared('ROLLBACK').writer.run();
        throw err;
      }
    } finally {
      state.open = false;
      this.queue.release();
    }
  }

  /** Used by SqliteTx: statements on the writer connection, which the transaction holds. */
  statement(sql: string): Statement {
    return this.prepared(sql).writer;
  }

  execInTx(sql: string): void {
    this.writer.run(rewriteSql(sql, 'sqlite'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const checkpointer = this.checkpointer;
    this.checkpointer = undefined;
    await (await checkpointer)?.stop();
    // Let the running transaction and queued writers finish first.
    await this.queue.acquire();
    this.closed = true;
    for (const p of this.cache.values()) {
      p.writer.finalize();
      p.reader?.finalize();
    }
    this.cache.clear();
    this.reader?.close();
    this.writer.close();
    this.queue.release();
  }
}

class SqliteTx implements Queryable {
  constructor(
    private readonly db: SqliteDatabase,
    private readonly state: TxState,
  ) {}

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    assertOpen(this.state);
    return this.db.statement(sql).all(...bind(params)) as T[];
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    assertOpen(this.state);
    return (this.db.statement(sql).get(...bind(params)) ?? undefined) as T | undefined;
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    assertOpen(this.state);
    return { changes: this.db.statement(sql).run(...bind(params)).changes };
  }

  async exec(sql: string): Promise<void> {
    assertOpen(this.state);
    this.db.execInTx(sql);
  }
}
