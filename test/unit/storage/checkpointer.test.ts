// SQLite WAL checkpoints on a worker thread (src/storage/checkpointer.ts). No Matrix spec
// section: this is how our storage keeps sends from waiting for fsync. A database that keeps
// writing gets its log copied into the database file without the writer's own checkpoint
// (raised to a far bound); committed rows survive, whichever connection copied them; close()
// ends the thread.
import { expect, test } from 'bun:test';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database as BunDatabase } from 'bun:sqlite';
import { openSqlite } from '../../../src/storage/sqlite.ts';

/** 300 commits of one 3 KB row each: about 600 pages, fewer than SQLite's own 1000-page checkpoint. */
async function writeRows(db: ReturnType<typeof openSqlite>) {
  await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  for (let i = 0; i < 300; i++) await db.transaction((tx) => tx.run('INSERT INTO t (id, body) VALUES ($1, $2)', [i, 'x'.repeat(3000)]));
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await Bun.sleep(20);
  }
  return cond();
}

test('a busy database file is checkpointed by the worker; its rows are all there after close', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-ckpt-'));
  const path = join(dir, 'busy.db');
  const db = openSqlite(path);
  try {
    await writeRows(db);
    // The rows reach the database file itself, not only the log.
    expect(await until(() => statSync(path).size > 300 * 3000, 5000)).toBe(true);
    await db.close();
    const check = new BunDatabase(path, { readonly: true });
    expect(check.query('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 300 });
    check.close();
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without background checkpoints, the same writes stay in the log (the check above can fail)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-ckpt-'));
  const path = join(dir, 'quiet.db');
  const db = openSqlite(path, { backgroundCheckpoints: false });
  try {
    await writeRows(db);
    await Bun.sleep(400);
    expect(statSync(path).size).toBeLessThan(300 * 3000);
  } finally {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
