// Numbered schema changes per component, recorded in `schema_migrations`. Each migration runs
// in its own transaction together with its record, so it is applied exactly once, in order, and
// a crash leaves either all of it or none. On PostgreSQL every step takes one advisory lock
// first, so processes starting at the same time (polylith) apply each migration once; on SQLite
// the writer's BEGIN IMMEDIATE does the same across processes.
//
//   export const migrations: Migration[] = [
//     { version: 1, name: 'create receipts', up: `CREATE TABLE syncapi_receipts (id {{SERIAL_PK}}, …)` },
//     { version: 2, name: 'backfill', up: async (tx, dialect) => { … } },
//   ];
//   await runMigrations(db, 'syncapi', migrations);
import type { Logger } from '../setup/logger.ts';
import type { Database, Migration, Tx } from './types.ts';

/** Any fixed number: all components' migrations share the lock (they are quick). */
const ADVISORY_LOCK_KEY = 7_305_281_449;

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS schema_migrations (
  component TEXT NOT NULL,
  version BIGINT NOT NULL,
  name TEXT NOT NULL,
  applied_ts BIGINT NOT NULL,
  PRIMARY KEY (component, version)
)`;

/** Applies the migrations the database lacks; returns the versions applied now. */
export async function runMigrations(
  db: Database,
  component: string,
  migrations: readonly Migration[],
  log?: Logger,
): Promise<number[]> {
  const list = checkList(component, migrations);
  const known = list.length > 0 ? list[list.length - 1]!.version : 0;

  const applied = await db.transaction(async (tx) => {
    await lock(tx, db.dialect);
    await tx.exec(CREATE_TABLE);
    return appliedVersions(tx, component);
  });
  const tooNew = [...applied].filter((v) => v > known).sort((a, b) => a - b);
  if (tooNew.length > 0) {
    throw new Error(
      `${component}: the database has schema version${tooNew.length > 1 ? 's' : ''} ${tooNew.join(', ')}, ` +
        `but this build knows versions up to ${known}. A newer release has used this database: run that release ` +
        `(or restore a backup taken before the upgrade). Refusing to start rather than risk damaging the data.`,
    );
  }

  const done: number[] = [];
  for (const m of list) {
    if (applied.has(m.version)) continue;
    const ran = await db.transaction(async (tx) => {
      await lock(tx, db.dialect);
      // Another process may have applied it while we waited for the lock.
      if ((await appliedVersions(tx, component)).has(m.version)) return false;
      try {
        if (typeof m.up === 'string') await tx.exec(m.up);
        else await m.up(tx, db.dialect);
      } catch (err) {
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`${component}: migration ${m.version} (${m.name}) failed: ${why}`, { cause: err });
      }
      await tx.run('INSERT INTO schema_migrations (component, version, name, applied_ts) VALUES ($1, $2, $3, $4)', [
        component,
        m.version,
        m.name,
        Date.now(),
      ]);
      return true;
    });
    if (ran) {
      done.push(m.version);
      log?.info('schema migration applied', { component, version: m.version, name: m.name });
    }
  }
  return done;
}

function checkList(component: string, migrations: readonly Migration[]): Migration[] {
  const list = [...migrations].sort((a, b) => a.version - b.version);
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!.version;
    if (!Number.isSafeInteger(v) || v < 1) throw new Error(`${component}: migration version ${v} must be a positive integer`);
    if (i > 0 && list[i - 1]!.version === v) throw new Error(`${component}: migration version ${v} is listed twice`);
  }
  return list;
}

async function lock(tx: Tx, dialect: Database['dialect']): Promise<void> {
  // Transaction-scoped: released by COMMIT/ROLLBACK, whichever pooled connection ran it.
  if (dialect === 'postgres') await tx.get(`SELECT pg_advisory_xact_lock(${ADVISORY_LOCK_KEY})`);
}

async function appliedVersions(tx: Tx, component: string): Promise<Set<number>> {
  const rows = await tx.all<{ version: number }>('SELECT version FROM schema_migrations WHERE component = $1', [component]);
  return new Set(rows.map((r) => r.version));
}
