// The storage contract (src/storage/types.ts, dialect.ts): one SQL string, same results on both
// engines. No Matrix spec section: this is the layer every component's tables stand on
// (STYLE.md "Storage").
import { beforeAll, expect, test } from 'bun:test';
import { escapeLike, inList } from '../../../src/storage/dialect.ts';
import { forEachDatabase } from '../../helpers/databases.ts';

forEachDatabase('storage queries', (ctx) => {
  beforeAll(async () => {
    await ctx.db().exec(`
      CREATE TABLE items (
        id {{SERIAL_PK}},
        name TEXT NOT NULL UNIQUE,
        n BIGINT,
        flag SMALLINT NOT NULL DEFAULT 0,
        data {{BLOB}}
      );
      CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL);
    `);
  });

  test('insert, select, update, delete', async () => {
    const db = ctx.db();
    expect(await db.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['crud', 1])).toEqual({ changes: 1 });
    expect(await db.get('SELECT name, n FROM items WHERE name = $1', ['crud'])).toEqual({ name: 'crud', n: 1 });
    expect(await db.run('UPDATE items SET n = n + $1 WHERE name = $2', [41, 'crud'])).toEqual({ changes: 1 });
    expect(await db.all('SELECT n FROM items WHERE name = $1', ['crud'])).toEqual([{ n: 42 }]);
    expect(await db.run('DELETE FROM items WHERE name = $1', ['crud'])).toEqual({ changes: 1 });
    expect(await db.get('SELECT n FROM items WHERE name = $1', ['crud'])).toBeUndefined();
    expect(await db.all('SELECT n FROM items WHERE name = $1', ['crud'])).toEqual([]);
    expect(await db.run('DELETE FROM items WHERE name = $1', ['crud'])).toEqual({ changes: 0 });
  });

  test('a parameter used twice binds the same value; $n inside a string literal stays text', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['rep', 7]);
    const row = await db.get<{ a: string; b: number; c: string }>(
      `SELECT name || '-$1-' || name AS a, n + $2 AS b, '$2' AS c FROM items WHERE name = $1 AND n = $2`,
      ['rep', 7],
    );
    expect(row).toEqual({ a: 'rep-$1-rep', b: 14, c: '$2' });
  });

  test('NULLs go in and come back as null', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO items (name, n, data) VALUES ($1, $2, $3)', ['nulls', null, null]);
    expect(await db.get('SELECT n, data FROM items WHERE name = $1', ['nulls'])).toEqual({ n: null, data: null });
    expect(await db.get('SELECT name FROM items WHERE n IS NULL AND name = $1', ['nulls'])).toEqual({ name: 'nulls' });
  });

  test('bytes round-trip as Uint8Array, including zero bytes and every byte value', async () => {
    const db = ctx.db();
    const bytes = new Uint8Array(256).map((_, i) => i);
    await db.run('INSERT INTO items (name, data) VALUES ($1, $2)', ['bytes', bytes]);
    await db.run('INSERT INTO items (name, data) VALUES ($1, $2)', ['empty-bytes', new Uint8Array(0)]);
    const row = await db.get<{ data: Uint8Array }>('SELECT data FROM items WHERE name = $1', ['bytes']);
    expect(row!.data).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(row!.data)).toBe(false);
    expect(Array.from(row!.data)).toEqual(Array.from(bytes));
    const empty = await db.get<{ data: Uint8Array }>('SELECT data FROM items WHERE name = $1', ['empty-bytes']);
    expect(empty!.data.length).toBe(0);
    // Bytes are comparable in WHERE.
    expect(await db.get('SELECT name FROM items WHERE data = $1', [bytes])).toEqual({ name: 'bytes' });
  });

  test('integers up to 2^53-1 come back as exact numbers (also bigint params, count, sum)', async () => {
    const db = ctx.db();
    const max = Number.MAX_SAFE_INTEGER;
    await db.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['max', max]);
    await db.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['min', -max]);
    await db.run('INSERT INTO items (name, n) VALUES ($1, $2)', ['big', 2n ** 40n]);
    const rows = await db.all<{ name: string; n: number }>(
      "SELECT name, n FROM items WHERE name IN ('max', 'min', 'big') ORDER BY n",
    );
    expect(rows).toEqual([
      { name: 'min', n: -max },
      { name: 'big', n: 2 ** 40 },
      { name: 'max', n: max },
    ]);
    for (const r of rows) expect(typeof r.n).toBe('number');
    const agg = await db.get<{ c: number; s: number }>("SELECT count(*) AS c, sum(n) AS s FROM items WHERE name IN ('min', 'big')");
    expect(agg).toEqual({ c: 2, s: 2 ** 40 - max });
    expect(typeof agg!.c).toBe('number');
    expect(await db.get("SELECT sum(n) AS s FROM items WHERE name IN ('max', 'min')")).toEqual({ s: 0 });
  });

  test('booleans bind as 0/1', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO items (name, flag) VALUES ($1, $2), ($3, $4)', ['t', true, 'f', false]);
    expect(await db.all("SELECT name, flag FROM items WHERE name IN ('t', 'f') ORDER BY name")).toEqual([
      { name: 'f', flag: 0 },
      { name: 't', flag: 1 },
    ]);
    expect(await db.get('SELECT name FROM items WHERE flag = $1 AND name = $2', [true, 't'])).toEqual({ name: 't' });
  });

  test('RETURNING gives the generated id; ids increase', async () => {
    const db = ctx.db();
    const a = await db.get<{ id: number }>('INSERT INTO items (name) VALUES ($1) RETURNING id', ['ret-a']);
    const b = await db.all<{ id: number; name: string }>('INSERT INTO items (name) VALUES ($1) RETURNING id, name', ['ret-b']);
    expect(typeof a!.id).toBe('number');
    expect(b).toEqual([{ id: b[0]!.id, name: 'ret-b' }]);
    expect(b[0]!.id).toBeGreaterThan(a!.id);
    const del = await db.all('DELETE FROM items WHERE name LIKE $1 RETURNING name', ['ret-%']);
    expect(del.length).toBe(2);
  });

  test('ON CONFLICT DO UPDATE upserts; ON CONFLICT DO NOTHING ignores', async () => {
    const db = ctx.db();
    const upsert = 'INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = {{GREATEST}}(kv.v, excluded.v)';
    await db.run(upsert, ['a', 5]);
    await db.run(upsert, ['a', 3]);
    expect(await db.get('SELECT v FROM kv WHERE k = $1', ['a'])).toEqual({ v: 5 });
    await db.run(upsert, ['a', 9]);
    expect(await db.get('SELECT v FROM kv WHERE k = $1', ['a'])).toEqual({ v: 9 });
    const ignored = await db.run('INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT DO NOTHING', ['a', 1]);
    expect(ignored.changes).toBe(0);
    expect(await db.get('SELECT v FROM kv WHERE k = $1', ['a'])).toEqual({ v: 9 });
    const r = await db.get('INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = kv.v + 1 RETURNING v', ['a', 0]);
    expect(r).toEqual({ v: 10 });
  });

  test('{{WITHOUT_ROWID}}: a table keyed by text keeps its key unique and its rows readable', async () => {
    const db = ctx.db();
    await db.exec('CREATE TABLE keyed (a TEXT NOT NULL, b TEXT NOT NULL, v BIGINT NOT NULL, PRIMARY KEY (a, b)) {{WITHOUT_ROWID}}');
    await db.run('INSERT INTO keyed (a, b, v) VALUES ($1, $2, $3)', ['x', 'y', 1]);
    await expect(db.run('INSERT INTO keyed (a, b, v) VALUES ($1, $2, $3)', ['x', 'y', 2])).rejects.toThrow();
    await db.run('INSERT INTO keyed (a, b, v) VALUES ($1, $2, $3)', ['x', 'z', 3]);
    expect(await db.all('SELECT b, v FROM keyed WHERE a = $1 ORDER BY b', ['x'])).toEqual([{ b: 'y', v: 1 }, { b: 'z', v: 3 }]);
    if (db.dialect === 'sqlite') {
      const sql = await db.get<{ sql: string }>("SELECT sql FROM sqlite_schema WHERE name = 'keyed'");
      expect(sql!.sql).toContain('WITHOUT ROWID');
    }
  });

  test('IN lists with inList(), {{ILIKE}} with escapeLike()', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO items (name) VALUES ($1), ($2), ($3)', ['Alice_1', 'alicex1', 'BOB']);
    const rows = await db.all(`SELECT name FROM items WHERE n IS NULL AND name IN (${inList(1, 3)}) ORDER BY name`, ['BOB', 'alicex1', 'nobody']);
    expect(rows).toEqual([{ name: 'BOB' }, { name: 'alicex1' }]);
    const like = await db.all(`SELECT name FROM items WHERE name {{ILIKE}} $1 ESCAPE '\\'`, [`%${escapeLike('ALICE_')}%`]);
    expect(like).toEqual([{ name: 'Alice_1' }]);
  });

  test('errors reject the promise: syntax, constraint, unknown macro, wrong parameter count', async () => {
    const db = ctx.db();
    await expect(db.all('SELEC 1')).rejects.toThrow();
    await db.run('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 1]);
    await expect(db.run('INSERT INTO kv (k, v) VALUES ($1, $2)', ['dup', 2])).rejects.toThrow();
    await expect(db.run('INSERT INTO kv (k, v) VALUES ($1, NULL)', ['nn'])).rejects.toThrow();
    await expect(db.all('SELECT {{NOPE}}')).rejects.toThrow(/unknown SQL macro/);
    await expect(db.get('SELECT v FROM kv WHERE k = $1 AND v = $2', ['dup'])).rejects.toThrow();
    // The database still works afterwards.
    expect(await db.get('SELECT v FROM kv WHERE k = $1', ['dup'])).toEqual({ v: 1 });
  });
});
