// Storage layer throughput on both engines, through the Database interface (so it includes
// placeholder translation, the statement cache, the writer queue and the tx guard):
//   bun bench/storage.ts [rounds=3]
// Each round uses a fresh database (test/helpers/databases.ts); the table shows the median.
import { tmpdir } from 'node:os';
import { openDatabase } from '../src/storage/open.ts';
import type { Database } from '../src/storage/types.ts';
import { databaseOptions, freshDatabase, type DatabaseKind } from '../test/helpers/databases.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const SIZES: Record<DatabaseKind, { auto: number; batch: number; reads: number }> = {
  sqlite: { auto: 20_000, batch: 100_000, reads: 100_000 },
  postgres: { auto: 3_000, batch: 20_000, reads: 10_000 },
};
const CONCURRENCY = 64;

type Result = Record<string, number>;

async function rate(n: number, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round(n / ((performance.now() - t0) / 1000));
}

async function round(kind: DatabaseKind): Promise<Result> {
  const fresh = await freshDatabase(kind);
  const db: Database = await openDatabase(databaseOptions(fresh.connectionString), databaseOptions(''), tmpdir());
  const size = SIZES[kind];
  const insert = 'INSERT INTO bench (room_id, ts, body) VALUES ($1, $2, $3)';
  const body = 'x'.repeat(200);
  try {
    await db.exec('CREATE TABLE bench (id {{SERIAL_PK}}, room_id TEXT NOT NULL, ts BIGINT NOT NULL, body TEXT NOT NULL)');
    const r: Result = {};
    r['insert, autocommit (one after another)'] = await rate(size.auto, async () => {
      for (let i = 0; i < size.auto; i++) await db.run(insert, ['!a:x', i, body]);
    });
    r[`insert, autocommit (${CONCURRENCY} in flight)`] = await rate(size.auto, async () => {
      let next = 0;
      const worker = async () => {
        while (next < size.auto) await db.run(insert, ['!b:x', next++, body]);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    });
    r['insert, batched in one transaction'] = await rate(size.batch, () =>
      db.transaction(async (tx) => {
        for (let i = 0; i < size.batch; i++) await tx.run(insert, ['!c:x', i, body]);
      }),
    );
    const max = (await db.get<{ m: number }>('SELECT max(id) AS m FROM bench'))!.m;
    const point = 'SELECT room_id, ts, body FROM bench WHERE id = $1';
    r['point read by primary key (one after another)'] = await rate(size.reads, async () => {
      for (let i = 0; i < size.reads; i++) await db.get(point, [1 + ((i * 7919) % max)]);
    });
    r[`point read by primary key (${CONCURRENCY} in flight)`] = await rate(size.reads, async () => {
      let next = 0;
      const worker = async () => {
        while (next < size.reads) await db.get(point, [1 + ((next++ * 7919) % max)]);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    });
    return r;
  } finally {
    await db.close();
    await fresh.cleanup();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const table = new Map<string, Partial<Record<DatabaseKind, string>>>();
for (const kind of ['sqlite', 'postgres'] as const) {
  const rounds: Result[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(kind));
  } catch (err) {
    console.error(`${kind}: skipped: ${(err as Error).message}`);
    continue;
  }
  for (const key of Object.keys(rounds[0]!)) {
    const row = table.get(key) ?? {};
    row[kind] = `${median(rounds.map((r) => r[key]!)).toLocaleString('en-US')}/s`;
    table.set(key, row);
  }
}

const head = ['operation', 'sqlite', 'postgres'];
const rows = [...table].map(([k, v]) => [k, v.sqlite ?? '-', v.postgres ?? '-']);
const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join(' | ') + ' |';
console.log(`storage bench, median of ${ROUNDS} rounds (bun ${Bun.version})`);
console.log(line(head));
console.log('|' + width.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const r of rows) console.log(line(r));
