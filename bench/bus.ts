// Bus throughput on every implementation: publish awaiting each ack, publish with 256 acks in
// flight, and consume+ack with maxInFlight 1 (strict order, as the room consumers run) and 64.
// Each figure is the median of 3 runs. Run: bun bench/bus.ts [--n 20000]
// NATS over TCP uses 127.0.0.1:4222; NATS over websocket starts its own nats-server.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../src/bus/nats/connect.ts';
import { openBus } from '../src/bus/open.ts';
import type { Bus, StreamDef } from '../src/bus/types.ts';
import type { JetStreamOptions } from '../src/config/types.ts';
import { stderrLogger } from '../src/setup/logger.ts';

const argN = process.argv.indexOf('--n');
const N = argN > 0 ? Number(process.argv[argN + 1]) : 20_000;
const RUNS = 3;
const STREAM: StreamDef = { name: 'BenchEvents', storage: 'file', maxAgeMs: 0 };
// About the size of an OutputRoomEvent for a short message.
const PAYLOAD = { type: 'new_room_event', event: { type: 'm.room.message', content: { body: 'x'.repeat(120) } } };
const log = stderrLogger('error', 'bench');

const opts = (addresses: string[], storage_path: string, topic_prefix: string, in_memory = false): JetStreamOptions => ({
  addresses,
  storage_path,
  topic_prefix,
  in_memory,
  disable_tls_validation: false,
  credentials_path: '',
});

const freePort = () => {
  const s = Bun.listen({ hostname: '127.0.0.1', port: 0, socket: { data() {} } });
  const p = s.port;
  s.stop(true);
  return p;
};

async function startWsServer(): Promise<{ url: string; stop(): Promise<void> } | undefined> {
  const bin = Bun.which('nats-server') ?? '/usr/sbin/nats-server';
  if (!(await Bun.file(bin).exists())) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'bench-nats-'));
  const ws = freePort();
  writeFileSync(join(dir, 'c.conf'), `listen: 127.0.0.1:${freePort()}\njetstream { store_dir: "${dir}/js" }\nwebsocket { host: 127.0.0.1, port: ${ws}, no_tls: true }\n`);
  const proc = Bun.spawn([bin, '-c', join(dir, 'c.conf')], { stdout: 'ignore', stderr: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await Bun.connect({ hostname: '127.0.0.1', port: ws, socket: { data() {} } }).then(
      (s) => (s.end(), true),
      () => false,
    );
    if (up) break;
    await Bun.sleep(50);
  }
  return {
    url: `ws://127.0.0.1:${ws}`,
    stop: async () => {
      proc.kill();
      await proc.exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pubAwaitEach(bus: Bus, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await bus.publish(STREAM.name, PAYLOAD);
}

async function pubWindow(bus: Bus, n: number, window = 256): Promise<void> {
  const inflight = new Set<Promise<unknown>>();
  for (let i = 0; i < n; i++) {
    const p = bus.publish(STREAM.name, PAYLOAD).finally(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= window) await Promise.race(inflight);
  }
  await Promise.all(inflight);
}

async function consumeAll(bus: Bus, durable: string, n: number, maxInFlight: number): Promise<void> {
  let got = 0;
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const sub = await bus.consume({ stream: STREAM.name, durable, maxInFlight }, async () => {
    if (++got === n) done();
  });
  await all;
  await sub.stop();
}

/** One run: fresh bus and stream; returns msg/s for each measure. */
async function run(o: JetStreamOptions): Promise<number[]> {
  const bus = await openBus(o, log);
  await bus.ensureStreams([STREAM]);
  for (const d of ['C1', 'C64']) await (await bus.consume({ stream: STREAM.name, durable: d }, async () => {})).stop();
  const rate = async (n: number, f: () => Promise<void>) => {
    const t = performance.now();
    await f();
    return n / ((performance.now() - t) / 1000);
  };
  const nAwait = Math.min(N, 5000);
  const r1 = await rate(nAwait, () => pubAwaitEach(bus, nAwait));
  const r2 = await rate(N, () => pubWindow(bus, N));
  const total = nAwait + N; // both consumers see every message published above
  const r3 = await rate(total, () => consumeAll(bus, 'C1', total, 1));
  const r4 = await rate(total, () => consumeAll(bus, 'C64', total, 64));
  await bus.close();
  return [r1, r2, r3, r4];
}

async function dropStreams(o: JetStreamOptions): Promise<void> {
  const nc = await connectNats(o, 'bench cleanup');
  const jsm = await jetstreamManager(nc);
  for await (const si of jsm.streams.list()) if (si.config.name.startsWith(o.topic_prefix)) await jsm.streams.delete(si.config.name);
  await nc.close();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const ws = await startWsServer();
const cases: { name: string; make(i: number): JetStreamOptions; cleanup?(o: JetStreamOptions): Promise<void> }[] = [
  { name: 'in-process, memory', make: () => opts([], '', 'Bench', true) },
  { name: 'in-process, file', make: () => opts([], mkdtempSync(join(tmpdir(), 'bench-bus-')), 'Bench'), cleanup: async (o) => rmSync(o.storage_path, { recursive: true, force: true }) },
  { name: 'NATS TCP', make: (i) => opts(['nats://127.0.0.1:4222'], '', `Bench${Date.now()}x${i}_`), cleanup: dropStreams },
];
if (ws) cases.push({ name: 'NATS websocket', make: (i) => opts([ws.url], '', `Bench${Date.now()}x${i}_`), cleanup: dropStreams });

const header = ['bus', 'publish, await each', 'publish, 256 in flight', 'consume+ack, 1 in flight', 'consume+ack, 64 in flight'];
const rows: string[][] = [];
for (const c of cases) {
  const results: number[][] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const o = c.make(i);
      try {
        results.push(await run(o));
      } finally {
        await c.cleanup?.(o);
      }
    }
  } catch (err) {
    rows.push([c.name, `unavailable: ${(err as Error).message.slice(0, 80)}`]);
    continue;
  }
  rows.push([c.name, ...[0, 1, 2, 3].map((k) => `${Math.round(median(results.map((r) => r[k] as number))).toLocaleString('en')} msg/s`)]);
}
await ws?.stop();

console.log(`\nbus throughput, ${N.toLocaleString('en')} messages of ${JSON.stringify(PAYLOAD).length} B (5,000 for "await each"), median of ${RUNS} runs\n`);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
