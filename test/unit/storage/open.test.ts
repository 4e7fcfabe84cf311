// openDatabase (src/storage/open.ts): Dendrite's connection_string forms (dendrite-INSTALL.md,
// "Configuration"), the global.database fallback, clear errors, and one shared pool per
// connection string, counted by reference. No Matrix spec section: this is deployment config.
import { describe, expect, test } from 'bun:test';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConnectionString } from '../../../src/storage/connection-string.ts';
import { openDatabase } from '../../../src/storage/open.ts';
import { databaseOptions, forEachDatabase } from '../../helpers/databases.ts';

const none = databaseOptions('');

describe('connection strings', () => {
  test('file:, file:///, plain paths and :memory: resolve against the config folder', () => {
    expect(parseConnectionString('file:userapi.db', '/etc/dendrite')).toEqual({ kind: 'sqlite', path: '/etc/dendrite/userapi.db' });
    expect(parseConnectionString('file:./data/x.db?_busy_timeout=5000', '/c')).toEqual({ kind: 'sqlite', path: '/c/data/x.db' });
    expect(parseConnectionString('file:///var/lib/d/x.db', '/c')).toEqual({ kind: 'sqlite', path: '/var/lib/d/x.db' });
    expect(parseConnectionString('file://localhost/var/x%20y.db', '/c')).toEqual({ kind: 'sqlite', path: '/var/x y.db' });
    expect(parseConnectionString('file:/abs/x.db', '/c')).toEqual({ kind: 'sqlite', path: '/abs/x.db' });
    expect(parseConnectionString('  dendrite.db ', '/c')).toEqual({ kind: 'sqlite', path: '/c/dendrite.db' });
    expect(parseConnectionString(':memory:', '/c')).toEqual({ kind: 'sqlite', path: ':memory:' });
    expect(parseConnectionString('postgresql://u:p@db/dendrite?sslmode=disable', '/c')).toEqual({
      kind: 'postgres',
      url: 'postgresql://u:p@db/dendrite?sslmode=disable',
    });
  });

  test('bad strings are refused with what to write instead, without leaking passwords', () => {
    expect(() => parseConnectionString('', '/c')).toThrow(/empty database connection_string: use file:NAME\.db/);
    expect(() => parseConnectionString('mysql://u:secret@h/db', '/c')).toThrow(/unsupported .*mysql:\/\/u:\*\*\*@h\/db.*postgres:\/\//);
    expect(() => parseConnectionString('mysql://u:secret@h/db', '/c')).not.toThrow(/secret/);
    expect(() => parseConnectionString('host=db user=d password=secret dbname=x', '/c')).toThrow(/key=value .*not supported/);
    expect(() => parseConnectionString('host=db password=secret', '/c')).not.toThrow(/secret/);
    expect(() => parseConnectionString('file://otherhost/x.db', '/c')).toThrow(/must be local/);
    expect(() => parseConnectionString('file:', '/c')).toThrow(/no file name/);
    expect(() => parseConnectionString('postgres://u:secret@[bad/db', '/c')).toThrow(/not a valid URL/);
  });
});

describe('openDatabase', () => {
  test('creates the parent folders of a SQLite file, and uses global.database when the component has none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-open-'));
    try {
      const db = await openDatabase(databaseOptions(''), databaseOptions('file:nested/deeper/global.db'), dir);
      await db.exec('CREATE TABLE t (k TEXT)');
      await db.close();
      expect(existsSync(join(dir, 'nested/deeper/global.db'))).toBe(true);
      const own = await openDatabase(databaseOptions('file:own.db'), databaseOptions('file:nested/deeper/global.db'), dir);
      await own.close();
      expect(existsSync(join(dir, 'own.db'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no connection string anywhere: says which keys to set', async () => {
    await expect(openDatabase(none, none, '/tmp')).rejects.toThrow(/global\.database\.connection_string/);
  });

  test('unreachable PostgreSQL: the error names the address and what to do', async () => {
    await expect(openDatabase(databaseOptions('postgres://dendrite:secret@127.0.0.1:1/dendrite'), none, '/tmp')).rejects.toThrow(
      /cannot use PostgreSQL database postgres:\/\/dendrite:\*\*\*@127\.0\.0\.1:1\/dendrite: nothing accepts connections at 127\.0\.0\.1:1: is PostgreSQL running/,
    );
  });

  test('an open that is still resolving keeps the shared database alive through another user\'s close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-open-'));
    try {
      const opts = databaseOptions('file:race.db');
      const a = await openDatabase(opts, none, dir);
      const pending = openDatabase(opts, none, dir);
      await a.close();
      const b = await pending;
      expect(await b.get('SELECT 1 AS one')).toEqual({ one: 1 });
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a :memory: database is never shared', async () => {
    const a = await openDatabase(databaseOptions(':memory:'), none, '/tmp');
    const b = await openDatabase(databaseOptions(':memory:'), none, '/tmp');
    await a.exec('CREATE TABLE only_in_a (k TEXT)');
    await expect(b.all('SELECT * FROM only_in_a')).rejects.toThrow();
    await Promise.all([a.close(), b.close()]);
  });
});

forEachDatabase('openDatabase on a real database', (ctx) => {
  test('a target that cannot be opened gives a clear error', async () => {
    if (ctx.kind === 'postgres') {
      const url = new URL(ctx.connectionString());
      url.pathname = '/no_such_database_here';
      await expect(openDatabase(databaseOptions(url.toString()), none, '/tmp')).rejects.toThrow(
        /the database "no_such_database_here" does not exist: create it \(for example `createdb/,
      );
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'dendrite-open-'));
      mkdirSync(join(dir, 'a-folder.db'));
      await expect(openDatabase(databaseOptions('file:a-folder.db'), none, dir)).rejects.toThrow(/cannot open SQLite database .*a-folder\.db/);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the same connection string shares one pool, counted by reference, closed by its last user', async () => {
    // A connection string of our own (not ctx.db()'s), so only a and b hold it.
    let cs: string;
    let dir: string | undefined;
    if (ctx.kind === 'postgres') {
      const url = new URL(ctx.connectionString());
      url.searchParams.set('application_name', 'share_test');
      cs = url.toString();
    } else {
      dir = mkdtempSync(join(tmpdir(), 'dendrite-share-'));
      cs = `file:${join(dir, 'shared.db')}`;
    }
    const opts = { ...databaseOptions(cs), max_open_conns: 2 };
    const a = await openDatabase(opts, none, '/tmp');
    const b = await openDatabase(opts, none, '/tmp');
    try {
      // One underlying database: b knows that a's transaction is open in this call chain.
      await expect(a.transaction(async () => b.run('CREATE TABLE nope (k TEXT)'))).rejects.toThrow(/use tx\.run\(\)/);
      await a.exec('CREATE TABLE IF NOT EXISTS shared_t (k TEXT)');
      if (ctx.kind === 'postgres') {
        // Six concurrent queries over both handles still use at most the pool's 2 connections.
        await Promise.all([a, b, a, b, a, b].map((h) => h.get('SELECT pg_sleep(0.05)')));
        expect(await backends(ctx, 'share_test')).toBe(2);
      }
      await a.close();
      await a.close(); // a second close does not take b's reference
      await expect(a.get('SELECT 1')).rejects.toThrow(/database is closed/);
      await b.run("INSERT INTO shared_t (k) VALUES ('still open')");
      expect(await b.all('SELECT k FROM shared_t')).toEqual([{ k: 'still open' }]);
      if (ctx.kind === 'postgres') expect(await backends(ctx, 'share_test')).toBeGreaterThan(0);
      else expect(existsSync(join(dir!, 'shared.db-wal'))).toBe(true);
    } finally {
      await a.close();
      await b.close();
    }
    // The last close really closed it: no server connections / SQLite removed its WAL file.
    if (ctx.kind === 'postgres') {
      for (let i = 0; i < 50 && (await backends(ctx, 'share_test')) > 0; i++) await Bun.sleep(20);
      expect(await backends(ctx, 'share_test')).toBe(0);
    } else {
      expect(existsSync(join(dir!, 'shared.db-wal'))).toBe(false);
    }
    // Opening again afterwards starts a new pool on the same data.
    const c = await openDatabase(opts, none, '/tmp');
    expect(await c.all('SELECT k FROM shared_t')).toEqual([{ k: 'still open' }]);
    await c.close();
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });
});

async function backends(ctx: { db(): { get<T>(sql: string, p?: string[]): Promise<T | undefined> } }, app: string): Promise<number> {
  const row = await ctx.db().get<{ c: number }>('SELECT count(*) AS c FROM pg_stat_activity WHERE application_name = $1', [app]);
  return row!.c;
}
