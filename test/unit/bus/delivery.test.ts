// The bus contract (src/bus/types.ts), on every implementation: JetStream-shaped durable pull
// consumers with explicit ack (JetStream "AckExplicit", ack_wait, max_ack_pending), delivery in
// publish order per subject, and filter subjects with NATS wildcards.
import { expect, test } from 'bun:test';
import { inputRoomEventSubject, STREAMS } from '../../../src/bus/streams.ts';
import { forEachBus } from '../../helpers/buses.ts';
import { collect, gate, text } from './collect.ts';

const quiet = (ms: number) => Bun.sleep(ms);

forEachBus('bus delivery', (ctx) => {
  test('publish resolves with the stream seq; a durable pull consumer gets subject, headers, data', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    await bus.ensureStreams(STREAMS); // safe to call twice
    const c = collect();
    const sub = await bus.consume({ stream: 'OutputRoomEvent', durable: 'SyncAPI' }, c.handler);
    const a = await bus.publish('OutputRoomEvent', { type: 'm.room.message', n: 1 }, { room_id: '!a:x', event_type: 'new' });
    const b = await bus.publish('OutputRoomEvent', 'plain text');
    const d = await bus.publish('OutputRoomEvent', new Uint8Array([0, 1, 255]));
    expect(b.seq).toBe(a.seq + 1);
    expect(d.seq).toBe(b.seq + 1);
    const got = await c.until(3);
    await sub.stop();
    expect(got.map((m) => m.seq)).toEqual([a.seq, b.seq, d.seq]);
    expect(got.every((m) => m.subject === `${bus.prefix}OutputRoomEvent` && m.deliveryCount === 1)).toBe(true);
    expect(got[0]?.json()).toEqual({ type: 'm.room.message', n: 1 });
    expect(got[0]?.headers).toEqual({ room_id: '!a:x', event_type: 'new' });
    expect(got[1] && text(got[1])).toBe('plain text');
    expect([...(got[2]?.data ?? [])]).toEqual([0, 1, 255]);
  });

  test('headers-only messages (empty body) and header checks behave the same everywhere', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    // A memory stream and a file stream: Dendrite sends typing and receipts as headers only.
    for (const stream of ['OutputTypingEvent', 'OutputReceiptEvent']) {
      const c = collect();
      const sub = await bus.consume({ stream, durable: 'HeadersOnly' }, c.handler);
      await bus.publish(stream, new Uint8Array(0), { user_id: '@a:x', typing: 'true', timeout_ms: '30000' });
      const [m] = await c.until(1);
      await sub.stop();
      expect(m?.data.length).toBe(0);
      expect(m?.headers).toEqual({ user_id: '@a:x', typing: 'true', timeout_ms: '30000' });
    }
    await expect(bus.publish('OutputTypingEvent', '', { 'bad name': 'x' })).rejects.toThrow(/invalid header/);
    await expect(bus.publish('OutputTypingEvent', '', { ok: 'two\nlines' })).rejects.toThrow(/invalid header/);
    await expect(bus.publish('OutputTypingEvent.*', '')).rejects.toThrow(/invalid subject/);
    await expect(bus.publish('NoSuchStream', '')).rejects.toThrow(/ensureStreams/);
  });

  test('ensureStreams updates a changed definition in place', async () => {
    const bus = ctx.bus;
    const def = { name: 'TestChanging', storage: 'file' as const, maxAgeMs: 0 };
    await bus.ensureStreams([def]);
    const c = collect();
    const sub = await bus.consume({ stream: def.name, durable: 'D' }, c.handler);
    await bus.ensureStreams([{ ...def, maxAgeMs: 3_600_000 }]);
    await bus.publish(def.name, { after: 'update' });
    await c.until(1);
    await sub.stop();
    expect(c.got[0]?.json()).toEqual({ after: 'update' });
  });

  test('a message is not acknowledged before its handler finishes: past ackWait it is delivered again', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const hold = gate();
    const c = collect(() => hold.promise);
    const sub = await bus.consume({ stream: 'OutputClientData', durable: 'slow', ackWaitMs: 1000 }, c.handler);
    await bus.publish('OutputClientData', { x: 1 });
    try {
      const [first] = await c.until(1);
      const [, again] = await c.until(2, 5000); // the first handler is still running
      expect(again?.seq).toBe(first?.seq as number);
      expect(again?.deliveryCount).toBe(2);
    } finally {
      hold.open();
    }
    await quiet(1500); // acknowledged now: no third delivery after another ackWait
    await sub.stop();
    expect(c.got.length).toBe(2);
  });

  test('a handler that throws gets the message again with deliveryCount 2', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const c = collect((m) => {
      if (m.deliveryCount === 1) throw new Error('transient failure (expected in this test)');
    });
    const sub = await bus.consume({ stream: 'OutputReceiptEvent', durable: 'flaky' }, c.handler);
    const { seq } = await bus.publish('OutputReceiptEvent', { r: 1 });
    const got = await c.until(2, 5000);
    await quiet(400);
    await sub.stop();
    expect(got.map((m) => [m.seq, m.deliveryCount])).toEqual([
      [seq, 1],
      [seq, 2],
    ]);
  });

  test('a failing message holds back later ones when maxInFlight is 1 (order kept)', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const c = collect((m) => {
      if (m.json<{ i: number }>().i === 0 && m.deliveryCount === 1) throw new Error('first try fails (expected)');
    });
    const sub = await bus.consume({ stream: 'OutputKeyChangeEvent', durable: 'keys' }, c.handler);
    await Promise.all([0, 1, 2].map((i) => bus.publish('OutputKeyChangeEvent', { i })));
    await c.until(4, 5000);
    await sub.stop();
    expect(c.got.map((m) => m.json<{ i: number }>().i)).toEqual([0, 0, 1, 2]);
  });

  test('order per subject under load: 1,000 messages on two rooms, each delivered once, in order', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const rooms = ['!alpha:example.org', '!beta:example.org'];
    const c = collect();
    const sub = await bus.consume({ stream: 'InputRoomEvent', durable: 'RoomserverInput' }, c.handler);
    const pubs = [];
    for (let i = 0; i < 1000; i++) pubs.push(bus.publish(inputRoomEventSubject(rooms[i % 2] as string), { i }));
    const seqs = (await Promise.all(pubs)).map((r) => r.seq);
    expect(new Set(seqs).size).toBe(1000);
    await c.until(1000, 20_000);
    await quiet(200);
    await sub.stop();
    expect(c.got.length).toBe(1000);
    for (const room of rooms) {
      const subject = bus.prefix + inputRoomEventSubject(room);
      const idx = c.got.filter((m) => m.subject === subject).map((m) => m.json<{ i: number }>().i);
      expect(idx.length).toBe(500);
      expect(idx).toEqual([...idx].sort((x, y) => x - y));
    }
    const delivered = c.got.map((m) => m.seq);
    expect(delivered).toEqual([...delivered].sort((x, y) => x - y));
  });

  test('maxInFlight bounds the messages handed out at once', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const hold = gate();
    const c = collect(() => hold.promise);
    const sub = await bus.consume({ stream: 'OutputSendToDeviceEvent', durable: 'std', maxInFlight: 4 }, c.handler);
    await Promise.all(Array.from({ length: 10 }, (_, i) => bus.publish('OutputSendToDeviceEvent', { i })));
    try {
      await c.until(4);
      await quiet(300);
      expect(c.got.length).toBe(4);
    } finally {
      hold.open();
    }
    await c.until(10);
    await sub.stop();
    expect(c.got.map((m) => m.json<{ i: number }>().i).sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  test('filterSubject: one durable per room sees only its room; a wildcard sees all', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const [ra, rb] = ['!a:one.example', '!b:two.example'];
    const a = collect();
    const b = collect();
    const all = collect();
    const subs = [
      await bus.consume({ stream: 'InputRoomEvent', durable: 'RoomA', filterSubject: inputRoomEventSubject(ra) }, a.handler),
      await bus.consume({ stream: 'InputRoomEvent', durable: 'RoomB', filterSubject: inputRoomEventSubject(rb) }, b.handler),
      await bus.consume({ stream: 'InputRoomEvent', durable: 'Everything', filterSubject: 'InputRoomEvent.>' }, all.handler),
    ];
    for (let i = 0; i < 20; i++) await bus.publish(inputRoomEventSubject(i % 3 === 0 ? ra : rb), { i });
    await a.until(7);
    await b.until(13);
    await all.until(20);
    await quiet(200);
    for (const s of subs) await s.stop();
    expect(a.got.map((m) => m.json<{ i: number }>().i)).toEqual([0, 3, 6, 9, 12, 15, 18]);
    expect(b.got.length).toBe(13);
    expect(b.got.every((m) => m.subject === bus.prefix + inputRoomEventSubject(rb))).toBe(true);
    expect(all.got.length).toBe(20);
  });

  test("changing a durable consumer's settings keeps its position and its messages", async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    const first = collect();
    const s1 = await bus.consume({ stream: 'InputRoomEvent', durable: 'Changing' }, first.handler);
    await bus.publish('InputRoomEvent.r1', { i: 0 });
    await first.until(1);
    await s1.stop();
    await bus.publish('InputRoomEvent.r1', { i: 1 });
    const second = collect();
    const s2 = await bus.consume({ stream: 'InputRoomEvent', durable: 'Changing', maxInFlight: 8, ackWaitMs: 5000 }, second.handler);
    await bus.publish('InputRoomEvent.r1', { i: 2 });
    await second.until(2);
    await s2.stop();
    const third = collect();
    const s3 = await bus.consume({ stream: 'InputRoomEvent', durable: 'Changing', filterSubject: 'InputRoomEvent.r1' }, third.handler);
    await bus.publish('InputRoomEvent.r2', { i: 3 });
    await bus.publish('InputRoomEvent.r1', { i: 4 });
    await third.until(1);
    await Bun.sleep(200);
    await s3.stop();
    expect(second.got.map((m) => m.json<{ i: number }>().i)).toEqual([1, 2]);
    expect(third.got.map((m) => m.json<{ i: number }>().i)).toEqual([4]);
  });

  test('interest retention: a message published while no durable consumer wants it is not kept', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams(STREAMS);
    await bus.publish('OutputNotificationData', { lost: true });
    const c = collect();
    const sub = await bus.consume({ stream: 'OutputNotificationData', durable: 'late' }, c.handler);
    await bus.publish('OutputNotificationData', { kept: true });
    await c.until(1);
    await quiet(200);
    await sub.stop();
    expect(c.got.map((m) => m.json())).toEqual([{ kept: true }]);
  });
});
