// In-process bus specifics that the shared contract tests cannot see: interest retention
// actually frees the log file, sequence numbers survive trimming and restarts, one process owns
// a storage_path, and memory streams on the file bus start empty after a restart.
import { afterEach, beforeEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessBus } from '../../../src/bus/inprocess/bus.ts';
import { LogStore } from '../../../src/bus/inprocess/log-store.ts';
import { BUS_LOG_FILE, openBus } from '../../../src/bus/open.ts';
import { STREAMS } from '../../../src/bus/streams.ts';
import type { Bus } from '../../../src/bus/types.ts';
import type { JetStreamOptions } from '../../../src/config/types.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { collect } from './collect.ts';

const log = stderrLogger('error', 'bus');
let dir: string;
let opts: JetStreamOptions;
const open = (): Promise<Bus> => openBus(opts, log);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bus-inproc-'));
  opts = { addresses: [], storage_path: dir, topic_prefix: 'Dendrite', in_memory: false, disable_tls_validation: false, credentials_path: '' };
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Rows left in the log file for a stream (read after the bus is closed). */
function rowsIn(stream: string): number[] {
  const store = new LogStore(join(dir, BUS_LOG_FILE));
  try {
    return store.read(stream, 0, 100_000).map((m) => m.seq);
  } finally {
    store.close();
  }
}

describe('in-process bus, file', () => {
  test('opens an InProcessBus whose log is under jetstream.storage_path', async () => {
    const bus = await open();
    expect(bus).toBeInstanceOf(InProcessBus);
    expect(bus.kind).toBe('inprocess');
    await bus.close();
    expect(await Bun.file(join(dir, BUS_LOG_FILE)).exists()).toBe(true);
  });

  test('a second bus on the same storage_path is refused with a clear error', async () => {
    const bus = await open();
    await expect(open()).rejects.toThrow(/in use by another process/);
    await bus.close();
    await (await open()).close(); // free again once the owner closed it
  });

  test('interest retention: messages every durable consumer acked leave the file; unacked ones stay', async () => {
    const bus = await open();
    await bus.ensureStreams(STREAMS);
    const fast = collect();
    const slow = collect();
    const s1 = await bus.consume({ stream: 'OutputRoomEvent', durable: 'Fast' }, fast.handler);
    const s2 = await bus.consume({ stream: 'OutputRoomEvent', durable: 'Slow', filterSubject: 'OutputRoomEvent.b' }, slow.handler);
    await s2.stop(); // Slow exists but reads nothing
    for (let i = 0; i < 20; i++) await bus.publish(i < 10 ? 'OutputRoomEvent.a' : 'OutputRoomEvent.b', { i });
    await fast.until(20);
    await Bun.sleep(1300); // trimming is lazy: at most once a second
    await s1.stop();
    await bus.close();
    // 1..10 went to Fast only and were acked; 11..20 wait for Slow.
    expect(rowsIn('DendriteOutputRoomEvent')).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  test('sequence numbers keep rising across a restart even when the log was emptied', async () => {
    let bus = await open();
    await bus.ensureStreams(STREAMS);
    const c = collect();
    const sub = await bus.consume({ stream: 'OutputReceiptEvent', durable: 'R' }, c.handler);
    for (let i = 0; i < 5; i++) await bus.publish('OutputReceiptEvent', { i });
    await bus.publish('OutputReceiptEvent', { nobody: 'wants' }).catch(() => {});
    await c.until(5);
    await sub.stop();
    await bus.close(); // close trims: the file holds no message now
    expect(rowsIn('DendriteOutputReceiptEvent')).toEqual([]);
    bus = await open();
    await bus.ensureStreams(STREAMS);
    expect((await bus.publish('OutputReceiptEvent', { after: true })).seq).toBe(7);
    await bus.close();
  });

  test('memory streams on the file bus start empty after a restart; file streams do not', async () => {
    let bus = await open();
    await bus.ensureStreams(STREAMS);
    await (await bus.consume({ stream: 'OutputTypingEvent', durable: 'T' }, async () => {})).stop();
    await (await bus.consume({ stream: 'OutputKeyChangeEvent', durable: 'K' }, async () => {})).stop();
    await bus.publish('OutputTypingEvent', { typing: true });
    await bus.publish('OutputKeyChangeEvent', { key: true });
    await bus.close();
    bus = await open();
    await bus.ensureStreams(STREAMS);
    const t = collect();
    const k = collect();
    const st = await bus.consume({ stream: 'OutputTypingEvent', durable: 'T' }, t.handler);
    const sk = await bus.consume({ stream: 'OutputKeyChangeEvent', durable: 'K' }, k.handler);
    await k.until(1);
    await Bun.sleep(100);
    await st.stop();
    await sk.stop();
    await bus.close();
    expect(t.got.length).toBe(0);
    expect(k.got.map((m) => m.json())).toEqual([{ key: true }]);
  });

  test('a file stream with maxAge drops old messages from reads and from the file', async () => {
    const def = { name: 'TestAged', storage: 'file' as const, maxAgeMs: 500 };
    const bus = await open();
    await bus.ensureStreams([def]);
    await (await bus.consume({ stream: def.name, durable: 'A' }, async () => {})).stop();
    for (let i = 0; i < 3; i++) await bus.publish(def.name, { old: i });
    await Bun.sleep(700);
    await bus.publish(def.name, { old: false });
    const c = collect();
    const sub = await bus.consume({ stream: def.name, durable: 'A' }, c.handler);
    await c.until(1);
    await Bun.sleep(100);
    await sub.stop();
    await bus.close();
    expect(c.got.map((m) => m.json())).toEqual([{ old: false }]);
    expect(rowsIn('DendriteTestAged')).toEqual([]);
  });

  test('draining a backlog with handlers that never wait still lets timers and I/O run', async () => {
    const bus = await open();
    await bus.ensureStreams(STREAMS);
    await (await bus.consume({ stream: 'OutputRoomEvent', durable: 'Backlog' }, async () => {})).stop();
    await Promise.all(Array.from({ length: 5000 }, (_, i) => bus.publish('OutputRoomEvent', { i })));
    let handled = 0;
    let handledWhenTimerFired = -1;
    setTimeout(() => (handledWhenTimerFired = handled), 0);
    const c = collect(() => {
      handled++;
    });
    const sub = await bus.consume({ stream: 'OutputRoomEvent', durable: 'Backlog' }, c.handler);
    await c.until(5000);
    await sub.stop();
    await bus.close();
    expect(handledWhenTimerFired).toBeGreaterThanOrEqual(0);
    expect(handledWhenTimerFired).toBeLessThan(5000);
  });

  test('one durable is consumed by one subscription at a time in a process', async () => {
    const bus = await open();
    await bus.ensureStreams(STREAMS);
    const sub = await bus.consume({ stream: 'OutputRoomEvent', durable: 'Once' }, async () => {});
    await expect(bus.consume({ stream: 'OutputRoomEvent', durable: 'Once' }, async () => {})).rejects.toThrow(/already being consumed/);
    await sub.stop();
    await (await bus.consume({ stream: 'OutputRoomEvent', durable: 'Once' }, async () => {})).stop();
    await bus.close();
  });
});
