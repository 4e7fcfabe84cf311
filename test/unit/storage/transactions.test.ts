// Transactions of the storage contract (src/storage/types.ts `Database.transaction`): commit,
// rollback, no nesting, isolation, and the SQLite writer queue under concurrency.
// No Matrix spec section: STYLE.md "Storage" ("Writes happen inside db.transaction").
import { beforeAll, expect, test } from 'bun:test';
import { openSqlite } from '../../../src/storage/sqlite.ts';
import type { Database } from '../../../src/storage/types.ts';
import { forEachDatabase } from '../../helpers/databases.ts';

const counterValue = async (db: Database, id = 'c') =>
  (await db.get<{ n: number }>('SELECT n FROM counters WHERE id = $1', [id]))?.n;

forEachDatabase('storage transactions', (ctx) => {
  beforeAll(async () => {
    await ctx.db().exec('CREATE TABLE counters (id TEXT PRIMARY KEY, n BIGINT NOT NULL); CREATE TABLE log (msg TEXT NOT NULL)');
  });

  test('commit: the writes are visible afterwards and the result is returned', async () => {
    const db = ctx.db();
    const result = await db.transaction(async (tx) => {
      await tx.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['commit', 1]);
      await tx.run('UPDATE counters SET n = n + 1 WHERE id = $1', ['commit']);
      return (await tx.get<{ n: number }>('SELECT n FROM counters WHERE id = $1', ['commit']))!.n;
    });
    expect(result).toBe(2);
    expect(await counterValue(db, 'commit')).toBe(2);
  });

  test('rollback: a throw undoes every write and the error reaches the caller', async () => {
    const db = ctx.db();
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['rolled', 1]);
        await tx.exec("INSERT INTO log (msg) VALUES ('rolled')");
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await counterValue(db, 'rolled')).toBeUndefined();
    expect(await db.all("SELECT msg FROM log WHERE msg = 'rolled'")).toEqual([]);
    // A failing statement rolls back the statements before it too.
    await expect(
      db.transaction(async (tx) => {
        await tx.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['rolled2', 1]);
        await tx.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['rolled2', 2]);
      }),
    ).rejects.toThrow();
    expect(await counterValue(db, 'rolled2')).toBeUndefined();
  });

  test('nesting is rejected clearly, and so is a write through db inside a transaction', async () => {
    const db = ctx.db();
    await expect(db.transaction(async () => db.transaction(async () => 1))).rejects.toThrow(/do not nest/);
    await expect(
      db.transaction(async () => db.run('INSERT INTO log (msg) VALUES ($1)', ['via db'])),
    ).rejects.toThrow(/use tx\.run\(\)/);
    await expect(db.transaction(async () => db.exec('DELETE FROM log'))).rejects.toThrow(/use tx\.exec\(\)/);
    // A read through db inside a transaction is allowed (another component sharing the database).
    expect(await db.transaction(async () => db.get('SELECT 1 AS one'))).toEqual({ one: 1 });
    // After all that the database still takes transactions.
    expect(await db.transaction(async (tx) => tx.get('SELECT 2 AS two'))).toEqual({ two: 2 });
  });

  test('a tx used after its transaction ended throws', async () => {
    const db = ctx.db();
    let leaked: { run(sql: string): Promise<unknown> } | undefined;
    await db.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.run('DELETE FROM log')).rejects.toThrow(/after its transaction ended/);
  });

  test('a read outside a transaction does not see the uncommitted write of an open one', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['iso', 0]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let written!: () => void;
    const wrote = new Promise<void>((r) => (written = r));
    const writer = db.transaction(async (tx) => {
      await tx.run('UPDATE counters SET n = 1 WHERE id = $1', ['iso']);
      written();
      await gate;
    });
    await wrote;
    expect(await counterValue(db, 'iso')).toBe(0);
    release();
    await writer;
    expect(await counterValue(db, 'iso')).toBe(1);
  });

  test('reads outside transactions follow each commit (no stale snapshot)', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['fresh', 0]);
    for (let i = 1; i <= 5; i++) {
      expect(await counterValue(db, 'fresh')).toBe(i - 1);
      await db.transaction((tx) => tx.run('UPDATE counters SET n = $1 WHERE id = $2', [i, 'fresh']));
      expect(await counterValue(db, 'fresh')).toBe(i);
    }
  });

  test('200 concurrent read-modify-write transactions give the exact count', async () => {
    const db = ctx.db();
    await db.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['race', 0]);
    const one = () =>
      db.transaction(async (tx) => {
        // {{FOR_UPDATE}} locks the row on PostgreSQL; SQLite transactions are serial anyway.
        const row = await tx.get<{ n: number }>('SELECT n FROM counters WHERE id = $1 {{FOR_UPDATE}}', ['race']);
        await Promise.resolve(); // yield, so other transactions would interleave if they could
        await tx.run('UPDATE counters SET n = $1 WHERE id = $2', [row!.n + 1, 'race']);
      });
    const results = await Promise.allSettled(Array.from({ length: 200 }, one));
    const failures = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failures).toEqual([]);
    expect(await counterValue(db, 'race')).toBe(200);
  });

  test('standalone writes from many callers at once all land', async () => {
    const db = ctx.db();
    await Promise.all(Array.from({ length: 300 }, (_, i) => db.run('INSERT INTO log (msg) VALUES ($1)', [`w${i}`])));
    expect(await db.get("SELECT count(*) AS c FROM log WHERE msg LIKE 'w%'")).toEqual({ c: 300 });
  });
});

test('SQLite statement cache: evicting statements keeps results right', async () => {
  const db = openSqlite(':memory:', { statementCacheSize: 2 });
  try {
    await db.exec('CREATE TABLE kv (k TEXT PRIMARY KEY, v BIGINT NOT NULL)');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) {
        await db.run(`INSERT INTO kv (k, v) VALUES ($1, $2) ON CONFLICT (k) DO UPDATE SET v = kv.v + ${i + 1} - ${i}`, [`k${i}`, 1]);
        expect(await db.get(`SELECT v + ${i} - ${i} AS v FROM kv WHERE k = $1`, [`k${i}`])).toEqual({ v: round + 1 });
      }
    }
  } finally {
    await db.close();
  }
});

test('SQLite :memory: works, and reads wait for an open transaction instead of seeing it', async () => {
  const db = openSqlite(':memory:');
  try {
    await db.exec('CREATE TABLE counters (id TEXT PRIMARY KEY, n BIGINT NOT NULL)');
    await db.run('INSERT INTO counters (id, n) VALUES ($1, $2)', ['m', 0]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const writer = db.transaction(async (tx) => {
      await tx.run('UPDATE counters SET n = 1 WHERE id = $1', ['m']);
      await gate;
    });
    const read = counterValue(db, 'm');
    release();
    await writer;
    expect(await read).toBe(1); // it ran after the commit, never in the middle
    await Promise.all(
      Array.from({ length: 50 }, () =>
        db.transaction(async (tx) => {
          const r = await tx.get<{ n: number }>('SELECT n FROM counters WHERE id = $1', ['m']);
          await Promise.resolve();
          await tx.run('UPDATE counters SET n = $1 WHERE id = $2', [r!.n + 1, 'm']);
        }),
      ),
    );
    expect(await counterValue(db, 'm')).toBe(51);
  } finally {
    await db.close();
  }
});
