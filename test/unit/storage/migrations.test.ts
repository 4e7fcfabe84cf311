// runMigrations (src/storage/migrations.ts): each numbered migration applied once, in order, in
// its own transaction; resumable; a too-new schema refused; two processes at once apply each
// migration once. No Matrix spec section: STYLE.md "Storage" ("Migrations are numbered files").
import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMigrations } from '../../../src/storage/migrations.ts';
import { openSqlite } from '../../../src/storage/sqlite.ts';
import type { Database, Migration } from '../../../src/storage/types.ts';
import { forEachDatabase } from '../../helpers/databases.ts';

const m1: Migration = { version: 1, name: 'create notes', up: 'CREATE TABLE notes (id {{SERIAL_PK}}, body TEXT NOT NULL)' };
const m2: Migration = { version: 2, name: 'add author', up: 'ALTER TABLE notes ADD COLUMN author TEXT' };
const m3: Migration = {
  version: 3,
  name: 'seed a note',
  up: async (tx, dialect) => {
    await tx.run('INSERT INTO notes (body, author) VALUES ($1, $2)', [`hello from ${dialect}`, 'seed']);
  },
};

const versions = async (db: Database, component: string) =>
  (await db.all<{ version: number }>('SELECT version FROM schema_migrations WHERE component = $1 ORDER BY version', [component])).map(
    (r) => r.version,
  );

forEachDatabase('schema migrations', (ctx) => {
  test('applied once, in order, whatever order they are listed in; names and times recorded', async () => {
    const db = ctx.db();
    expect(await runMigrations(db, 'alpha', [m2, m1])).toEqual([1, 2]);
    expect(await runMigrations(db, 'alpha', [m1, m2])).toEqual([]);
    expect(await versions(db, 'alpha')).toEqual([1, 2]);
    const row = await db.get<{ name: string; applied_ts: number }>(
      'SELECT name, applied_ts FROM schema_migrations WHERE component = $1 AND version = $2',
      ['alpha', 2],
    );
    expect(row!.name).toBe('add author');
    expect(Math.abs(row!.applied_ts - Date.now())).toBeLessThan(60_000);
  });

  test('resumes where it stopped: only the new migration runs (a function migration gets the dialect)', async () => {
    const db = ctx.db();
    expect(await runMigrations(db, 'alpha', [m1, m2, m3])).toEqual([3]);
    expect(await db.all('SELECT body, author FROM notes')).toEqual([{ body: `hello from ${ctx.kind}`, author: 'seed' }]);
    expect(await runMigrations(db, 'alpha', [m1, m2, m3])).toEqual([]);
    expect(await db.get('SELECT count(*) AS c FROM notes')).toEqual({ c: 1 });
  });

  test('components keep separate version lists', async () => {
    const db = ctx.db();
    const other: Migration = { version: 1, name: 'beta table', up: 'CREATE TABLE beta_things (k TEXT PRIMARY KEY)' };
    expect(await runMigrations(db, 'beta', [other])).toEqual([1]);
    expect(await versions(db, 'beta')).toEqual([1]);
    expect(await versions(db, 'alpha')).toEqual([1, 2, 3]);
  });

  test('a failing migration is rolled back with its record, names the component, and stops the later ones', async () => {
    const db = ctx.db();
    const bad: Migration[] = [
      { version: 1, name: 'ok', up: 'CREATE TABLE gamma_a (k TEXT)' },
      {
        version: 2,
        name: 'half done',
        up: "CREATE TABLE gamma_b (k TEXT); INSERT INTO gamma_a (k) VALUES ('x'); INSERT INTO no_such_table VALUES (1)",
      },
      { version: 3, name: 'after', up: 'CREATE TABLE gamma_c (k TEXT)' },
    ];
    await expect(runMigrations(db, 'gamma', bad)).rejects.toThrow(/gamma: migration 2 \(half done\) failed/);
    expect(await versions(db, 'gamma')).toEqual([1]);
    expect(await db.all('SELECT k FROM gamma_a')).toEqual([]);
    await expect(db.all('SELECT k FROM gamma_b')).rejects.toThrow();
    await expect(db.all('SELECT k FROM gamma_c')).rejects.toThrow();
    // Fixed code resumes from version 2.
    bad[1] = { version: 2, name: 'fixed', up: 'CREATE TABLE gamma_b (k TEXT)' };
    expect(await runMigrations(db, 'gamma', bad)).toEqual([2, 3]);
  });

  test('refuses a database newer than the code, naming component and versions', async () => {
    const db = ctx.db();
    await runMigrations(db, 'delta', [{ version: 1, name: 'a', up: 'CREATE TABLE delta_a (k TEXT)' }, { version: 2, name: 'b', up: 'CREATE TABLE delta_b (k TEXT)' }]);
    const old = [{ version: 1, name: 'a', up: 'CREATE TABLE delta_a (k TEXT)' }];
    await expect(runMigrations(db, 'delta', old)).rejects.toThrow(/delta: the database has schema version 2, but this build knows versions up to 1/);
  });

  test('rejects a broken list: duplicate or non-positive versions', async () => {
    const db = ctx.db();
    await expect(runMigrations(db, 'eps', [m1, { ...m2, version: 1 }])).rejects.toThrow(/eps: migration version 1 is listed twice/);
    await expect(runMigrations(db, 'eps', [{ ...m1, version: 0 }])).rejects.toThrow(/positive integer/);
  });

  test('two processes starting at once apply each migration exactly once', async () => {
    const startAt = String(Date.now() + 1000);
    const child = () =>
      Bun.spawn([process.execPath, join(import.meta.dir, 'migrate-child.ts'), ctx.connectionString(), startAt], {
        stdout: 'pipe',
        stderr: 'pipe',
      });
    const procs = [child(), child()];
    const outs = await Promise.all(
      procs.map(async (p) => {
        const [code, out, err] = await Promise.all([p.exited, new Response(p.stdout).text(), new Response(p.stderr).text()]);
        expect({ code, err }).toEqual({ code: 0, err: '' });
        return JSON.parse(out) as number[];
      }),
    );
    expect(outs.flat().sort()).toEqual([1, 2]);
    expect(await ctx.db().get('SELECT count(*) AS c FROM zeta_runs')).toEqual({ c: 1 });
    expect(await versions(ctx.db(), 'zeta')).toEqual([1, 2]);
  });
});

test('a fresh SQLite file gets the schema_migrations table on first run', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-mig-'));
  const db = openSqlite(join(dir, 'solo.db'));
  try {
    expect(await runMigrations(db, 'solo', [])).toEqual([]);
    expect(await db.all('SELECT * FROM schema_migrations')).toEqual([]);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
