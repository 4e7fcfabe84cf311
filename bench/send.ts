// Messages per second sent by one client, one after another, into one room over HTTP, against
// the compiled binary (issue "Rooms": target 2,000/s on SQLite).
//   ./build.sh && bun bench/send.ts [runs=3] [messages=3000] [postgres://…]
import { median, register, startBinary } from './lib/server.ts';

const RUNS = Number(process.argv[2] ?? 3);
const N = Number(process.argv[3] ?? 3000);
const database = process.argv[4];

async function oneRun(): Promise<number> {
  const server = await startBinary({ database });
  try {
    const { token } = await register(server.url, 'sender');
    const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const created = await fetch(`${server.url}/_matrix/client/v3/createRoom`, { method: 'POST', headers: auth, body: '{}' });
    const { room_id } = (await created.json()) as { room_id: string };
    const room = encodeURIComponent(room_id);
    // Warm up the JIT and caches, then measure.
    for (let i = 0; i < 200; i++) await send(server.url, room, `w${i}`, auth);
    const t0 = performance.now();
    for (let i = 0; i < N; i++) await send(server.url, room, `m${i}`, auth);
    return N / ((performance.now() - t0) / 1000);
  } finally {
    await server.stop();
  }
}

async function send(url: string, room: string, txn: string, headers: Record<string, string>) {
  const res = await fetch(`${url}/_matrix/client/v3/rooms/${room}/send/m.room.message/${txn}`, {
    method: 'PUT',
    headers,
    body: JSON.stringify({ msgtype: 'm.text', body: `message ${txn}` }),
  });
  if (!res.ok) throw new Error(`send ${txn}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

const rates: number[] = [];
for (let i = 0; i < RUNS; i++) rates.push(await oneRun());
console.log(`bench/send.ts: ${N} messages, one client, one room, ${database ? 'PostgreSQL' : 'SQLite'}, ${RUNS} runs`);
console.log(`| messages/s (median) | ${median(rates).toFixed(0)} | runs: ${rates.map((r) => r.toFixed(0)).join(', ')} |`);
