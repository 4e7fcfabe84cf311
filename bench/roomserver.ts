// Room server throughput: events per second through sendEvent (build, hash, sign, auth, one
// transaction, OutputRoomEvent on an in-process memory bus with one consumer), on both engines:
//   bun bench/roomserver.ts [rounds=3]
// "one room": one sender, each sendEvent awaited before the next (what one HTTP client does).
// "100 rooms": 100 senders side by side, one room each. Each round uses a fresh database; the
// table shows the median of the rounds.
import { tmpdir } from 'node:os';
import { openBus } from '../src/bus/open.ts';
import { STREAM, STREAMS } from '../src/bus/streams.ts';
import type { CreateRoomRequest } from '../src/roomserver/api.ts';
import { buildRoomserver, type Roomserver } from '../src/roomserver/index.ts';
import { stderrLogger } from '../src/setup/logger.ts';
import { openDatabase } from '../src/storage/open.ts';
import { databaseOptions, freshDatabase, type DatabaseKind } from '../test/helpers/databases.ts';

const ROUNDS = Number(process.argv[2] ?? 3);
const SIZES: Record<DatabaseKind, { one: number; many: number }> = {
  sqlite: { one: 5_000, many: 20_000 },
  postgres: { one: 2_000, many: 10_000 },
};
const ROOMS = 100;
const SERVER = 'bench.local';

type Result = Record<string, number>;

const createRequest = (creator: string): CreateRoomRequest => ({
  roomVersion: '10',
  creator,
  createContent: {},
  initialEvents: [
    { type: 'm.room.member', stateKey: creator, content: { membership: 'join' } },
    { type: 'm.room.power_levels', stateKey: '', content: { users: { [creator]: 100 } } },
    { type: 'm.room.join_rules', stateKey: '', content: { join_rule: 'public' } },
    { type: 'm.room.history_visibility', stateKey: '', content: { history_visibility: 'shared' } },
  ],
});

const msg = (i: number) => ({ type: 'm.room.message', content: { msgtype: 'm.text', body: `message number ${i} with a little text in it` } });

async function rate(n: number, fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return Math.round(n / ((performance.now() - t0) / 1000));
}

async function round(kind: DatabaseKind): Promise<Result> {
  const fresh = await freshDatabase(kind);
  const db = await openDatabase(databaseOptions(fresh.connectionString), databaseOptions(''), tmpdir());
  const log = stderrLogger('error', 'bench');
  const bus = await openBus(
    { addresses: [], storage_path: '', topic_prefix: 'Bench', in_memory: true, disable_tls_validation: false, credentials_path: '' },
    log,
  );
  await bus.ensureStreams(STREAMS.filter((s) => s.name === STREAM.OutputRoomEvent));
  let consumed = 0;
  const sub = await bus.consume({ stream: STREAM.OutputRoomEvent, durable: 'bench', maxInFlight: 256 }, async () => {
    consumed++;
  });
  const rs: Roomserver = await buildRoomserver({ db, bus, log, serverName: SERVER, signingKey: { keyId: 'ed25519:b', seed: new Uint8Array(32).fill(1) } });
  const size = SIZES[kind];
  const r: Result = {};
  try {
    const alice = `@alice:${SERVER}`;
    const { roomId } = await rs.createRoom(createRequest(alice));
    for (let i = 0; i < 200; i++) await rs.sendEvent({ roomId, sender: alice, event: msg(i) }); // warm-up
    r['one room, one after another'] = await rate(size.one, async () => {
      for (let i = 0; i < size.one; i++) await rs.sendEvent({ roomId, sender: alice, event: msg(i) });
    });
    const rooms = await Promise.all(
      Array.from({ length: ROOMS }, async (_, i) => {
        const sender = `@user${i}:${SERVER}`;
        return { sender, roomId: (await rs.createRoom(createRequest(sender))).roomId };
      }),
    );
    const per = Math.ceil(size.many / ROOMS);
    r[`${ROOMS} rooms side by side`] = await rate(per * ROOMS, async () => {
      await Promise.all(
        rooms.map(async ({ sender, roomId }) => {
          for (let i = 0; i < per; i++) await rs.sendEvent({ roomId, sender, event: msg(i) });
        }),
      );
    });
    return r;
  } finally {
    await rs.close();
    await sub.stop();
    await bus.close();
    await db.close();
    await fresh.cleanup();
    void consumed;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const table: Record<string, Partial<Record<DatabaseKind, number>>> = {};
for (const kind of ['sqlite', 'postgres'] as const) {
  const rounds: Result[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(kind));
  } catch (err) {
    console.error(`${kind}: ${(err as Error).message}`);
    continue;
  }
  for (const key of Object.keys(rounds[0]!)) (table[key] ??= {})[kind] = median(rounds.map((x) => x[key]!));
}
console.log(`\nroom server, events/s (median of ${ROUNDS})\n`);
console.log(`| ${'case'.padEnd(32)} | ${'sqlite'.padStart(8)} | ${'postgres'.padStart(8)} |`);
console.log(`|${'-'.repeat(34)}|${'-'.repeat(10)}|${'-'.repeat(10)}|`);
for (const [key, v] of Object.entries(table)) {
  console.log(`| ${key.padEnd(32)} | ${String(v.sqlite ?? '-').padStart(8)} | ${String(v.postgres ?? '-').padStart(8)} |`);
}
