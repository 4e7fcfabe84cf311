// /sync under load (issue "Sync"), over real HTTP on loopback:
//   1. 100 clients long-poll /sync in one room while one client sends 1,000 messages one after
//      another: the delay from each send's response to each client's sync response carrying it
//      (p50, p99; target p50 < 5 ms, p99 < 25 ms);
//   2. the server's extra RSS while 1,000 /sync requests wait (target < 60 MB);
//   3. the initial sync of a user in 100 rooms of 100 events each (target < 300 ms).
//
//   bun bench/sync.ts [runs=3] [sqlite|postgres] [binary]
//
// The server runs in its own process: by default this file with --serve (the user API with
// push, room server, key server, client API and sync API over one database and the in-process
// bus, as the monolith assembles them); with `binary`, bin/dendrite from ./build.sh. Each run
// starts a fresh server; the table shows the median of the runs.
import { listen } from '../src/setup/serve.ts';
import { stderrLogger } from '../src/setup/logger.ts';
import { freshDatabase, type DatabaseKind } from '../test/helpers/databases.ts';
import { syncHarness } from '../test/unit/syncapi/harness.ts';
import { median, percentile, rssKb, startBinary } from './lib/server.ts';

if (process.argv[2] === '--serve') await serve(process.argv[3] as DatabaseKind);
else await main();

async function serve(kind: DatabaseKind) {
  const fresh = await freshDatabase(kind);
  const { openDatabase } = await import('../src/storage/open.ts');
  const { databaseOptions } = await import('../test/helpers/databases.ts');
  const db = await openDatabase(databaseOptions(fresh.connectionString), databaseOptions(''), '/tmp');
  const ctx = { kind, db: () => db, connectionString: () => fresh.connectionString, options: () => databaseOptions(fresh.connectionString) };
  // SYNC_BENCH_NO_KEYSERVER=1 / SYNC_BENCH_NO_PUSH=1 leave those components out, to see the
  // sync API's own share.
  const h = await syncHarness(ctx, { keyserver: process.env.SYNC_BENCH_NO_KEYSERVER !== '1', push: process.env.SYNC_BENCH_NO_PUSH !== '1' });
  const listener = listen(h.app, { bind: '127.0.0.1:0', maxRequestBodySize: 1 << 20 }, stderrLogger('error', 'bench'));
  console.log(JSON.stringify({ url: listener.url }));
  // SIGUSR2: collect garbage, then report how many syncs wait (so RSS readings compare live memory).
  process.on('SIGUSR2', () => {
    Bun.gc(true);
    console.error(JSON.stringify({ waiting: h.sync.ctx.notifier.waiting() }));
  });
  process.on('SIGTERM', async () => {
    await listener.stop();
    await h.close();
    await db.close();
    await fresh.cleanup();
    process.exit(0);
  });
}

interface Server {
  url: string;
  pid: number;
  /** Syncs waiting at the server's last SIGUSR2 report (-1: not known, the binary has none). */
  waiting: number;
  /** Whether SIGUSR2 makes it collect garbage and report (our --serve process only). */
  reports: boolean;
  stop(): Promise<void>;
}

async function startServer(kind: DatabaseKind): Promise<Server> {
  // SYNC_BENCH_PROFILE=dir writes a CPU profile of the server (markdown) there.
  const prof = process.env.SYNC_BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-md', `--cpu-prof-dir=${process.env.SYNC_BENCH_PROFILE}`] : [];
  const proc = Bun.spawn(['bun', ...prof, import.meta.path, '--serve', kind], { stdout: 'pipe', stderr: 'pipe' });
  const server: Server = {
    url: '',
    pid: proc.pid,
    waiting: -1,
    reports: true,
    async stop() {
      proc.kill('SIGTERM');
      await proc.exited;
    },
  };
  // The server's stderr goes on to ours; its `waiting` reports are kept.
  void (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of proc.stderr) {
      const text = decoder.decode(chunk);
      for (const m of text.matchAll(/\{"waiting":(\d+)\}/g)) server.waiting = Number(m[1]);
      process.stderr.write(text.replace(/\{"waiting":\d+\}\n?/g, ''));
    }
  })();
  const reader = proc.stdout.getReader();
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) throw new Error('bench server exited');
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  server.url = (JSON.parse(text.split('\n')[0]!) as { url: string }).url;
  return server;
}

/** bin/dendrite on a fresh data folder (PostgreSQL: a fresh database). */
async function startBinaryServer(kind: DatabaseKind): Promise<Server> {
  const fresh = kind === 'postgres' ? await freshDatabase('postgres') : undefined;
  const b = await startBinary({ database: fresh?.connectionString });
  return {
    url: b.url,
    pid: b.pid,
    waiting: -1,
    reports: false,
    async stop() {
      await b.stop();
      await fresh?.cleanup();
    },
  };
}

interface User {
  userId: string;
  token: string;
}

function api(url: string) {
  const call = async (method: string, path: string, token?: string, body?: unknown, signal?: AbortSignal) => {
    const res = await fetch(`${url}/_matrix/client/v3${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
    const json = (await res.json()) as Record<string, any>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  let n = 0;
  return {
    call,
    async register(stem: string): Promise<User> {
      const r = await call('POST', '/register', undefined, { username: `${stem}${n++}`, password: 'bench-password-1', auth: { type: 'm.login.dummy' } });
      return { userId: r.user_id, token: r.access_token };
    },
    sync: (u: User, q: string, signal?: AbortSignal) => call('GET', `/sync?${q}`, u.token, undefined, signal),
    send: (u: User, roomId: string, txn: string, body: string) =>
      call('PUT', `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${txn}`, u.token, { msgtype: 'm.text', body }),
  };
}

/** Scenario 1: delays from send response to sync response, in ms. */
async function latency(url: string, clients = 100, messages = 1000): Promise<number[]> {
  const a = api(url);
  const sender = await a.register('sender');
  const { room_id: roomId } = await a.call('POST', '/createRoom', sender.token, { preset: 'public_chat' });
  const users: User[] = [];
  for (let i = 0; i < clients; i++) users.push(await a.register('client'));
  for (const u of users) await a.call('POST', `/join/${encodeURIComponent(roomId)}`, u.token, {});
  // Clients upload their filter once and sync with its ID, as real clients do.
  const filterFor = async (u: User) =>
    (await a.call('POST', `/user/${encodeURIComponent(u.userId)}/filter`, u.token, { room: { timeline: { limit: 100 } } })).filter_id as string;
  const sentAt = new Map<string, number>();
  const received: { eventId: string; at: number }[] = [];
  let done = false;
  let ready = 0;
  const loops = users.map(async (u) => {
    const filter = await filterFor(u);
    let since = (await a.sync(u, `filter=${filter}`)).next_batch as string;
    ready++;
    let seen = 0;
    while (!done && seen < messages) {
      // The time the response arrives (its headers), before this process parses it.
      const res = await fetch(`${url}/_matrix/client/v3/sync?filter=${filter}&timeout=30000&since=${encodeURIComponent(since)}`, {
        headers: { Authorization: `Bearer ${u.token}` },
      });
      const at = performance.now();
      const body = (await res.json()) as Record<string, any>;
      since = body.next_batch;
      for (const ev of body.rooms?.join?.[roomId]?.timeline?.events ?? []) {
        if (ev.type !== 'm.room.message') continue;
        received.push({ eventId: ev.event_id, at });
        seen++;
      }
    }
  });
  // Every client has its token before the first message (else its initial sync carries it).
  while (ready < clients) await Bun.sleep(10);
  await Bun.sleep(200);
  for (let i = 0; i < messages; i++) {
    const { event_id } = await a.send(sender, roomId, `m${i}`, `message ${i}`);
    sentAt.set(event_id, performance.now());
  }
  await Promise.race([Promise.all(loops), Bun.sleep(60_000)]);
  done = true;
  // A sync response may beat the send's own response: that delay counts as 0.
  return received.map((r) => Math.max(0, r.at - (sentAt.get(r.eventId) ?? r.at)));
}

/**
 * Scenario 2: extra RSS (MB) of the server while `n` syncs wait, and how many did wait. The
 * requests go out on raw sockets: fetch keeps at most 256 connections to one host.
 */
async function waitingRss(server: Server, n = 1000): Promise<{ mb: number; waiting: number }> {
  const a = api(server.url);
  const users: User[] = [];
  for (let i = 0; i < 100; i++) users.push(await a.register('waiter'));
  const tokens = await Promise.all(users.map(async (u) => (await a.sync(u, 'timeout=0')).next_batch as string));
  const settle = async () => {
    if (server.reports) process.kill(server.pid, 'SIGUSR2');
    await Bun.sleep(1000);
  };
  await settle();
  const before = rssKb(server.pid);
  const { hostname, port } = new URL(server.url);
  const sockets = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const u = users[i % users.length]!;
      const socket = await Bun.connect({ hostname, port: Number(port), socket: { data() {} } });
      socket.write(
        `GET /_matrix/client/v3/sync?timeout=60000&since=${encodeURIComponent(tokens[i % users.length]!)} HTTP/1.1\r\n` +
          `Host: ${hostname}\r\nAuthorization: Bearer ${u.token}\r\n\r\n`,
      );
      return socket;
    }),
  );
  await Bun.sleep(2000);
  await settle();
  const during = rssKb(server.pid);
  const waiting = server.waiting;
  for (const s of sockets) s.end();
  await Bun.sleep(500);
  return { mb: (during - before) / 1024, waiting };
}

/** Scenario 3: initial sync (ms) of a user in 100 rooms with 100 events each, median of 3. */
async function initialSync(url: string, rooms = 100, events = 100): Promise<{ first: number; median: number; bytes: number }> {
  const a = api(url);
  const user = await a.register('big');
  for (let r = 0; r < rooms; r++) {
    const { room_id } = await a.call('POST', '/createRoom', user.token, { preset: 'private_chat', name: `room ${r}` });
    // createRoom writes 7 events here (create, member, power levels, join rules, history
    // visibility, guest access, name); messages make up the rest.
    for (let i = 7; i < events; i++) await a.send(user, room_id, `r${r}e${i}`, `message ${i} in room ${r}`);
  }
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/_matrix/client/v3/sync`, { headers: { Authorization: `Bearer ${user.token}` } });
    const text = await res.text();
    times.push(performance.now() - t0);
    bytes = text.length;
    const body = JSON.parse(text);
    if (Object.keys(body.rooms.join).length !== rooms) throw new Error(`initial sync has ${Object.keys(body.rooms.join).length} rooms`);
  }
  return { first: times[0]!, median: median(times), bytes };
}

async function main() {
  const runs = Number(process.argv[2] ?? 3);
  const kind = (process.argv[3] ?? 'sqlite') as DatabaseKind;
  const binary = process.argv[4] === 'binary';
  const rows: Record<string, number[]> = {};
  const add = (k: string, v: number) => (rows[k] ??= []).push(v);
  for (let run = 0; run < runs; run++) {
    const server = binary ? await startBinaryServer(kind) : await startServer(kind);
    try {
      // RSS first, on a fresh server whose heap has not grown yet.
      if (!process.env.SYNC_BENCH_ONLY_LATENCY) {
        const rss = await waitingRss(server);
        add('syncs waiting during the RSS reading', rss.waiting);
        add('extra RSS, 1,000 waiting syncs (MB)', rss.mb);
      }
      const delays = await latency(server.url);
      add('deliveries (of 100,000)', delays.length);
      add('delay send -> sync, p50 (ms)', percentile(delays, 50));
      add('delay send -> sync, p90 (ms)', percentile(delays, 90));
      add('delay send -> sync, p99 (ms)', percentile(delays, 99));
      add('delay send -> sync, max (ms)', percentile(delays, 100));
      if (process.env.SYNC_BENCH_ONLY_LATENCY) continue;
      const init = await initialSync(server.url);
      add('initial sync, 100 rooms x 100 events, first (ms)', init.first);
      add('initial sync, 100 rooms x 100 events, median of 3 (ms)', init.median);
      add('initial sync response (KB)', init.bytes / 1024);
      console.error(`run ${run + 1}/${runs}:`, Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, v.at(-1)])));
    } finally {
      await server.stop();
    }
  }
  console.log(`bench/sync.ts: ${kind}, ${binary ? 'bin/dendrite' : 'components assembled here'}, ${runs} runs, median`);
  for (const [k, v] of Object.entries(rows)) console.log(`  ${k.padEnd(58)} ${median(v).toFixed(1)}`);
}
