// Child process for migrations.test.ts: runs one component's migrations against the given
// connection string, as a second server process starting at the same time would, and prints
// the versions it applied as JSON.
import { tmpdir } from 'node:os';
import { runMigrations } from '../../../src/storage/migrations.ts';
import { openDatabase } from '../../../src/storage/open.ts';

const connectionString = process.argv[2]!;
const startAt = Number(process.argv[3]);
const opts = { connection_string: connectionString, max_open_conns: 2, max_idle_conns: 1, conn_max_lifetime: -1 };
const db = await openDatabase(opts, opts, tmpdir());
try {
  // Both children start migrating at the same moment, once their databases are open.
  await Bun.sleep(Math.max(0, startAt - Date.now()));
  const applied = await runMigrations(db, 'zeta', [
    {
      version: 1,
      name: 'slow table',
      up: async (tx) => {
        await tx.exec('CREATE TABLE zeta_runs (pid BIGINT NOT NULL)');
        // Hold the transaction open: the other process has read "nothing applied" by now and
        // must notice, once it gets the lock, that version 1 is done.
        await Bun.sleep(300);
      },
    },
    { version: 2, name: 'insert', up: async (tx) => void (await tx.run('INSERT INTO zeta_runs (pid) VALUES ($1)', [process.pid])) },
  ]);
  console.log(JSON.stringify(applied));
} finally {
  await db.close();
}
