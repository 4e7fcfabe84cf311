// Stream limits and naming on every bus: memory streams drop messages older than max_age
// (Dendrite's OutputTypingEvent, 60 s; OutputPresenceEvent, 5 min), and the topic prefix
// (config jetstream.topic_prefix) keeps two homeservers on one NATS server apart.
import { expect, test } from 'bun:test';
import { STREAMS } from '../../../src/bus/streams.ts';
import type { StreamDef } from '../../../src/bus/types.ts';
import { forEachBus } from '../../helpers/buses.ts';
import { collect } from './collect.ts';

const SHORT_LIVED: StreamDef = { name: 'TestShortLived', storage: 'memory', maxAgeMs: 1000 };

forEachBus('bus retention', (ctx) => {
  test('a memory stream drops messages older than maxAge', async () => {
    const bus = ctx.bus;
    await bus.ensureStreams([SHORT_LIVED]);
    await (await bus.consume({ stream: SHORT_LIVED.name, durable: 'typing' }, async () => {})).stop();
    await bus.publish(SHORT_LIVED.name, { old: true });
    await Bun.sleep(2000);
    await bus.publish(SHORT_LIVED.name, { old: false });
    const c = collect();
    const sub = await bus.consume({ stream: SHORT_LIVED.name, durable: 'typing' }, c.handler);
    await c.until(1);
    await Bun.sleep(200);
    await sub.stop();
    expect(c.got.map((m) => m.json())).toEqual([{ old: false }]);
  });

  test('the stream definitions have the storage and max age Dendrite gives them', async () => {
    const byName = Object.fromEntries(STREAMS.map((s) => [s.name, s]));
    expect(byName.OutputTypingEvent).toEqual({ name: 'OutputTypingEvent', storage: 'memory', maxAgeMs: 60_000 });
    expect(byName.OutputPresenceEvent).toEqual({ name: 'OutputPresenceEvent', storage: 'memory', maxAgeMs: 300_000 });
    expect(byName.InputRoomEvent).toEqual({ name: 'InputRoomEvent', storage: 'file', maxAgeMs: 86_400_000 });
    await ctx.bus.ensureStreams(STREAMS);
    // Every stream accepts its bare name and subjects below it.
    for (const s of STREAMS) {
      await (await ctx.bus.consume({ stream: s.name, durable: 'probe' }, async () => {})).stop();
      const a = await ctx.bus.publish(s.name, {});
      const b = await ctx.bus.publish(`${s.name}.sub.subject`, {});
      expect(b.seq).toBe(a.seq + 1);
    }
  });

  ctx.testIf(ctx.shared, 'each in-process bus is its own log; prefixes only matter on a shared NATS server')(
    'the topic prefix isolates two buses on one NATS server',
    async () => {
      const one = ctx.bus;
      const two = await ctx.openWithPrefix('Other');
      await one.ensureStreams(STREAMS);
      await two.ensureStreams(STREAMS);
      const c1 = collect();
      const c2 = collect();
      const s1 = await one.consume({ stream: 'OutputRoomEvent', durable: 'SyncAPI' }, c1.handler);
      const s2 = await two.consume({ stream: 'OutputRoomEvent', durable: 'SyncAPI' }, c2.handler);
      await one.publish('OutputRoomEvent', { from: 'one' });
      await two.publish('OutputRoomEvent', { from: 'two' });
      await c1.until(1);
      await c2.until(1);
      await Bun.sleep(300);
      await s1.stop();
      await s2.stop();
      expect(c1.got.map((m) => [m.subject, m.json()])).toEqual([[`${one.prefix}OutputRoomEvent`, { from: 'one' }]]);
      expect(c2.got.map((m) => [m.subject, m.json()])).toEqual([[`${two.prefix}OutputRoomEvent`, { from: 'two' }]]);
    },
  );
});
