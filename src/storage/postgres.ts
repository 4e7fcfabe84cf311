// The Database contract over PostgreSQL with postgres.js: one pool, statements sent as named
// prepared statements, transactions with sql.begin (READ COMMITTED: use {{FOR_UPDATE}} or an
// atomic `SET n = n + 1` for read-modify-write). int8 and numeric come back as JS numbers,
// bytea as Uint8Array, exactly as from SQLite.
import { redactUrl } from './connection-string.ts';
import postgres from 'postgres';
import { isReadStatement, rewriteSql } from './dialect.ts';
import { assertOpen, TxScope, type TxState } from './tx-scope.ts';
import type { Database, Queryable, Row, RunResult, SqlValue, Tx } from './types.ts';

export interface PostgresOptions {
  /** Pool size. Default 10. */
  max?: number;
  /** Close a connection after this many milliseconds; 0 or less keeps it. */
  maxLifetimeMs?: number;
  /** Seconds to wait for a connection. Default 10. */
  connectTimeoutSec?: number;
}

type Sql = postgres.Sql<Record<string, unknown>>;
type Client = postgres.Sql<Record<string, unknown>> | postgres.TransactionSql<Record<string, unknown>>;

const NO_PARAMS: SqlValue[] = [];

function parseInt8(text: string): number {
  const n = Number(text);
  // IDs and timestamps fit in 2^53; a silent rounding would corrupt them, so fail instead.
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 value ${text} does not fit in a JS number`);
  return n;
}

const TYPES = {
  int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: parseInt8 },
  numeric: { to: 1700, from: [1700], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) },
  // Plain Uint8Array (not Buffer), as bun:sqlite returns BLOBs.
  bytea: {
    to: 17,
    from: [17],
    serialize: (x: Uint8Array) => '\\x' + x.toHex(),
    parse: (x: string) => Uint8Array.fromHex(x.slice(2)),
  },
};

function bind(params: readonly SqlValue[] | undefined): SqlValue[] {
  if (params === undefined || params.length === 0) return NO_PARAMS;
  let out: SqlValue[] | undefined;
  for (let i = 0; i < params.length; i++) {
    if (typeof params[i] === 'boolean') {
      out ??= params.slice();
      out[i] = params[i] ? 1 : 0;
    }
  }
  return out ?? (params as SqlValue[]);
}

function query(q: Client, sql: string, params: readonly SqlValue[] | undefined) {
  return q.unsafe(rewriteSql(sql, 'postgres'), bind(params) as postgres.ParameterOrJSON<never>[], { prepare: true });
}

async function all<T>(q: Client, sql: string, params?: readonly SqlValue[]): Promise<T[]> {
  return (await query(q, sql, params)) as unknown as T[];
}

async function get<T>(q: Client, sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
  const rows = await query(q, sql, params);
  return rows[0] as T | undefined;
}

async function run(q: Client, sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
  const res = await query(q, sql, params);
  return { changes: res.count ?? 0 };
}

async function exec(q: Client, sql: string): Promise<void> {
  // The simple query protocol runs several `;`-separated statements in one round trip.
  await q.unsafe(rewriteSql(sql, 'postgres')).simple();
}

/** Opens a pool and checks that the server answers; errors say what was tried and what to do. */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Database> {
  const hasSslMode = /[?&]sslmode=/.test(url);
  const sql = postgres(url, {
    max: opts.max !== undefined && opts.max > 0 ? opts.max : 10,
    max_lifetime: opts.maxLifetimeMs !== undefined && opts.maxLifetimeMs > 0 ? opts.maxLifetimeMs / 1000 : null,
    connect_timeout: opts.connectTimeoutSec ?? 10,
    // As lib/pq (Dendrite): use TLS when the server offers it, unless the URL says otherwise.
    ...(hasSslMode ? {} : { ssl: 'prefer' as const }),
    prepare: true,
    fetch_types: false,
    onnotice: () => {},
    types: TYPES,
    connection: { application_name: 'dendrite' },
  }) as unknown as Sql;
  try {
    await sql.unsafe('SELECT 1');
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {});
    throw explainConnectError(err, url);
  }
  return new PostgresDatabase(sql);
}

class PostgresDatabase implements Database {
  readonly dialect = 'postgres' as const;
  private readonly scope = new TxScope();

  constructor(private readonly sql: Sql) {}

  all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    if (this.scope.inOpenTx() && !isReadStatement(sql)) this.scope.assertNoOpenTx('all');
    return all<T>(this.sql, sql, params);
  }

  get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    if (this.scope.inOpenTx() && !isReadStatement(sql)) this.scope.assertNoOpenTx('get');
    return get<T>(this.sql, sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    this.scope.assertNoOpenTx('run');
    return run(this.sql, sql, params);
  }

  async exec(sql: string): Promise<void> {
    this.scope.assertNoOpenTx('exec');
    return exec(this.sql, sql);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    this.scope.assertNotNested();
    const state: TxState = { open: true };
    try {
      const result = await this.sql.begin((t) => this.scope.run(state, () => fn(new PostgresTx(t, state))));
      return result as T;
    } finally {
      state.open = false;
    }
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 });
  }
}

class PostgresTx implements Queryable {
  constructor(
    private readonly t: postgres.TransactionSql<Record<string, unknown>>,
    private readonly state: TxState,
  ) {}

  async all<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T[]> {
    assertOpen(this.state);
    return all<T>(this.t, sql, params);
  }

  async get<T = Row>(sql: string, params?: readonly SqlValue[]): Promise<T | undefined> {
    assertOpen(this.state);
    return get<T>(this.t, sql, params);
  }

  async run(sql: string, params?: readonly SqlValue[]): Promise<RunResult> {
    assertOpen(this.state);
    return run(this.t, sql, params);
  }

  async exec(sql: string): Promise<void> {
    assertOpen(this.state);
    return exec(this.t, sql);
  }
}

/** Hides the password of a connection string for messages and logs. */
function explainConnectError(err: unknown, url: string): Error {
  const e = err as { code?: string; message?: string };
  const where = redactUrl(url);
  let u: URL | undefined;
  try {
    u = new URL(url);
  } catch {}
  const host = u ? `${u.hostname || 'localhost'}:${u.port || 5432}` : where;
  const dbName = u ? decodeURIComponent(u.pathname.slice(1)) || '(the user name)' : '?';
  const user = u ? decodeURIComponent(u.username) || '(the OS user)' : '?';
  let msg: string;
  switch (e.code) {
    case 'ECONNREFUSED':
      msg = `nothing accepts connections at ${host}: is PostgreSQL running and listening there? Fix the host/port in the connection string or start the server.`;
      break;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      msg = `the host name of ${host} cannot be resolved: fix the host in the connection string.`;
      break;
    case 'CONNECT_TIMEOUT':
      msg = `no answer from ${host} in time: check that the server is up and that no firewall drops the connection.`;
      break;
    case '3D000':
      msg = `the database "${dbName}" does not exist: create it (for example \`createdb -h ${u?.hostname ?? 'HOST'} -U ${user} ${dbName}\`) or fix the connection string.`;
      break;
    case '28P01':
    case '28000':
      msg = `the server refused user "${user}": check the user name and password in the connection string, and pg_hba.conf. (${e.message ?? ''})`;
      break;
    default:
      msg = `${e.message ?? String(err)}${e.code ? ` (${e.code})` : ''}`;
  }
  return new Error(`cannot use PostgreSQL database ${where}: ${msg}`, { cause: err });
}
