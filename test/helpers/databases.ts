// Storage tests run once per backend, each run on a fresh empty database:
//
//   forEachDatabase('receipts table', (ctx) => {
//     beforeAll(() => runMigrations(ctx.db(), 'syncapi', migrations));
//     test('…', async () => { await ctx.db().run(…); });
//   });
//
// declares `receipts table [sqlite]` and `receipts table [postgres]`. SQLite gets a file in a
// temporary folder; PostgreSQL a `CREATE DATABASE` with a unique name on TEST_POSTGRES_URL
// (default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards. When PostgreSQL
// cannot be reached its cases are skipped with one printed line, unless REQUIRE_ALL_BACKENDS=1
// (CI), where they fail. Integration tests use freshDatabase() to point a whole server at one.
import { afterAll, afterEach, beforeAll, beforeEach, describe, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseOptions } from '../../src/config/types.ts';
import { openDatabase } from '../../src/storage/open.ts';
import type { Database } from '../../src/storage/types.ts';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface FreshDatabase {
  /** A connection string for config's `database.connection_string`. */
  readonly connectionString: string;
  /** Drops the database (PostgreSQL) or removes its folder (SQLite). */
  cleanup(): Promise<void>;
}

export interface DatabaseTestContext {
  readonly kind: DatabaseKind;
  /** The database of the current run (opened before the tests, closed after). */
  db(): Database;
  /** Its connection string, to open more connections or start a server on it. */
  connectionString(): string;
  /** DatabaseOptions for that connection string. */
  options(): DatabaseOptions;
}

const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REQUIRE_ALL = process.env.REQUIRE_ALL_BACKENDS === '1';
const NAME_PREFIX = 'dendrite_test_';
let counter = 0;

export function databaseOptions(connectionString: string): DatabaseOptions {
  return { connection_string: connectionString, max_open_conns: 10, max_idle_conns: 2, conn_max_lifetime: -1 };
}

async function withAdmin<T>(fn: (admin: Database) => Promise<T>): Promise<T> {
  const admin = await openDatabase(databaseOptions(ADMIN_URL), databaseOptions(''), tmpdir());
  try {
    return await fn(admin);
  } finally {
    await admin.close();
  }
}

/** Why PostgreSQL cannot be used, or null when it answers. Checked once per test process. */
const postgresProblem: string | null = await withAdmin(async () => null).catch((err: Error) => err.message);
if (postgresProblem !== null && !REQUIRE_ALL) {
  console.warn(`[databases] PostgreSQL cases skipped (set REQUIRE_ALL_BACKENDS=1 to fail instead): ${postgresProblem}`);
}

/**
 * Whether PostgreSQL cases should run: when it answers, or when CI requires every backend (then
 * an unreachable server fails the cases instead of skipping them).
 */
export const postgresAvailable = (): boolean => postgresProblem === null || REQUIRE_ALL;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let swept = false;

/** Drops test databases left by test processes that died before their cleanup ran. */
async function sweepLeftovers(admin: Database): Promise<void> {
  if (swept) return;
  swept = true;
  const rows = await admin.all<{ datname: string }>('SELECT datname FROM pg_database WHERE datname LIKE $1', [`${NAME_PREFIX}%`]);
  for (const { datname } of rows) {
    const pid = Number(datname.slice(NAME_PREFIX.length).split('_')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !pidAlive(pid)) {
      await admin.exec(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`).catch(() => {});
    }
  }
}

export async function freshDatabase(kind: DatabaseKind): Promise<FreshDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-db-'));
    return {
      connectionString: `file:${join(dir, 'test.db')}`,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (postgresProblem !== null) throw new Error(`PostgreSQL is not usable: ${postgresProblem}`);
  const name = `${NAME_PREFIX}${process.pid}_${Date.now().toString(36)}_${counter++}`;
  await withAdmin(async (admin) => {
    await sweepLeftovers(admin);
    await admin.exec(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    cleanup: () => withAdmin((admin) => admin.exec(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  };
}

export interface ForEachDatabaseOptions {
  /** 'run' (default): one database per backend, shared by its tests. 'test': one per test. */
  fresh?: 'run' | 'test';
}

export function forEachDatabase(
  title: string,
  body: (ctx: DatabaseTestContext) => void,
  opts: ForEachDatabaseOptions = {},
): void {
  for (const kind of ['sqlite', 'postgres'] as const) {
    const name = `${title} [${kind}]`;
    if (kind === 'postgres' && postgresProblem !== null) {
      if (REQUIRE_ALL) {
        describe(name, () => {
          test('PostgreSQL is reachable (REQUIRE_ALL_BACKENDS=1)', () => {
            throw new Error(`PostgreSQL is required but not usable: ${postgresProblem}`);
          });
        });
      } else {
        describe.skip(name, () => body(unavailable(kind)));
      }
      continue;
    }
    describe(name, () => {
      let current: { fresh: FreshDatabase; db: Database } | undefined;
      const setUp = async () => {
        const fresh = await freshDatabase(kind);
        const db = await openDatabase(databaseOptions(fresh.connectionString), databaseOptions(''), tmpdir());
        current = { fresh, db };
      };
      const tearDown = async () => {
        const c = current;
        current = undefined;
        if (c === undefined) return;
        await c.db.close();
        await c.fresh.cleanup();
      };
      if (opts.fresh === 'test') {
        beforeEach(setUp);
        afterEach(tearDown);
      } else {
        beforeAll(setUp);
        afterAll(tearDown);
      }
      const need = () => {
        if (current === undefined) throw new Error('ctx.db() is only available inside tests and hooks of forEachDatabase');
        return current;
      };
      body({
        kind,
        db: () => need().db,
        connectionString: () => need().fresh.connectionString,
        options: () => databaseOptions(need().fresh.connectionString),
      });
    });
  }
}

function unavailable(kind: DatabaseKind): DatabaseTestContext {
  const fail = (): never => {
    throw new Error(`${kind} is not available`);
  };
  return { kind, db: fail, connectionString: fail, options: fail };
}
