// The bus contract (src/bus/types.ts): "a durable consumer resumes after a restart from its
// last acknowledged message", at least once: nothing acknowledged comes back, nothing
// unacknowledged is lost, even when the consuming process is killed (JetStream AckExplicit).
import { expect } from 'bun:test';
import { resolve } from 'node:path';
import { STREAMS } from '../../../src/bus/streams.ts';
import { forEachBus } from '../../helpers/buses.ts';
import { collect } from './collect.ts';

const CHILD = resolve(import.meta.dir, 'fixtures/consume-no-ack.ts');
const NOT_DURABLE = 'the in-memory bus keeps nothing once closed or killed, by design';

/** Runs the child consumer until it has received `n` messages, then kills it with SIGKILL. */
async function crashingConsumer(opts: unknown, args: Record<string, unknown>, n: number): Promise<string[]> {
  const proc = Bun.spawn([process.execPath, CHILD, JSON.stringify(opts), JSON.stringify({ ...args, n })], {
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const lines: string[] = [];
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buf = '';
  const deadline = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  try {
    while (!lines.includes('all')) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`child exited early: ${await new Response(proc.stderr as ReadableStream).text()}`);
      buf += decoder.decode(value, { stream: true });
      const parts = buf.split('\n');
      buf = parts.pop() as string;
      lines.push(...parts);
    }
  } finally {
    clearTimeout(deadline);
    proc.kill('SIGKILL');
    await proc.exited;
  }
  expect(proc.signalCode).toBe('SIGKILL');
  return lines.filter((l) => l.startsWith('got '));
}

forEachBus('bus durability', (ctx) => {
  const durableTest = ctx.testIf(ctx.durable, NOT_DURABLE);

  durableTest('resume after restart from the last ack: no acked message again, no message lost', async () => {
    await ctx.bus.ensureStreams(STREAMS);
    const first = collect((m) => {
      if (m.json<{ i: number }>().i >= 6) throw new Error('not done with this one (expected)');
    });
    const opts = { stream: 'OutputRoomEvent', durable: 'SyncAPIRoomServerConsumer', maxInFlight: 10 };
    const sub = await ctx.bus.consume(opts, first.handler);
    const published: number[] = [];
    for (let i = 0; i < 10; i++) published.push((await ctx.bus.publish('OutputRoomEvent', { i })).seq);
    await first.until(10);
    await sub.stop();
    // Published while nobody consumes: the durable consumer's interest keeps them.
    for (let i = 10; i < 13; i++) published.push((await ctx.bus.publish('OutputRoomEvent', { i })).seq);

    const bus = await ctx.restart();
    await bus.ensureStreams(STREAMS);
    const second = collect();
    const sub2 = await bus.consume(opts, second.handler);
    published.push((await bus.publish('OutputRoomEvent', { i: 13 })).seq);
    await second.until(8, 10_000);
    await Bun.sleep(300);
    await sub2.stop();
    const got = second.got.map((m) => m.json<{ i: number }>().i).sort((a, b) => a - b);
    expect(got).toEqual([6, 7, 8, 9, 10, 11, 12, 13]);
    // The failed ones were delivered before the restart; those published later were not.
    for (const m of second.got) {
      if (m.json<{ i: number }>().i < 10) expect(m.deliveryCount).toBeGreaterThanOrEqual(2);
      else expect(m.deliveryCount).toBe(1);
    }
    expect(second.got.map((m) => m.seq).sort((a, b) => a - b)).toEqual(published.slice(6));
  });

  durableTest('messages unacked when the consuming process is killed (SIGKILL) are delivered again', async () => {
    await ctx.bus.ensureStreams(STREAMS);
    const args = { stream: 'OutputSendToDeviceEvent', durable: 'SendToDevice', ackWaitMs: 2000, maxInFlight: 5 };
    // Create the durable first: interest retention keeps only what a consumer wants.
    await (await ctx.bus.consume(args, async () => {})).stop();
    const seqs: number[] = [];
    for (let i = 0; i < 5; i++) seqs.push((await ctx.bus.publish('OutputSendToDeviceEvent', { i })).seq);
    let childGot: string[] = [];
    const bus = await ctx.restart(async () => {
      childGot = await crashingConsumer(ctx.options, args, 5);
    });
    expect(childGot).toEqual(seqs.map((s) => `got ${s}`));
    await bus.ensureStreams(STREAMS);
    const c = collect();
    const sub = await bus.consume(args, c.handler);
    await c.until(5, 10_000);
    await Bun.sleep(200);
    await sub.stop();
    expect(c.got.map((m) => m.seq)).toEqual(seqs);
    expect(c.got.every((m) => m.deliveryCount >= 2)).toBe(true);
  });

  durableTest('an acknowledged publish is in the log even when the publisher is killed right after', async () => {
    await ctx.bus.ensureStreams(STREAMS);
    await (await ctx.bus.consume({ stream: 'OutputClientData', durable: 'AccountData' }, async () => {})).stop();
    const bus = await ctx.restart(async () => {
      const script = `
        import { openBus } from ${JSON.stringify(resolve(import.meta.dir, '../../../src/bus/open.ts'))};
        import { STREAMS } from ${JSON.stringify(resolve(import.meta.dir, '../../../src/bus/streams.ts'))};
        const bus = await openBus(${JSON.stringify(ctx.options)});
        await bus.ensureStreams(STREAMS);
        for (let i = 0; i < 50; i++) await bus.publish('OutputClientData', { i });
        process.kill(process.pid, 'SIGKILL');`;
      const proc = Bun.spawn([process.execPath, '--eval', script], { stdout: 'ignore', stderr: 'pipe' });
      await proc.exited;
      expect(proc.signalCode).toBe('SIGKILL');
    });
    await bus.ensureStreams(STREAMS);
    const c = collect();
    const sub = await bus.consume({ stream: 'OutputClientData', durable: 'AccountData' }, c.handler);
    await c.until(50);
    await sub.stop();
    expect(c.got.map((m) => m.json<{ i: number }>().i)).toEqual([...Array(50).keys()]);
  });
});
