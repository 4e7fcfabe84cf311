// Subject and address handling shared by both buses: NATS subject wildcards (`*` one token,
// `>` the rest), Dendrite's per-room input subject, names NATS accepts, and the parsing of
// jetstream.addresses (websocket URLs always with an explicit port).
import { describe, expect, test } from 'bun:test';
import { checkFilter, consumerSettings, subjectMatches } from '../../../src/bus/message.ts';
import { natsServers } from '../../../src/bus/nats/connect.ts';
import { openBus } from '../../../src/bus/open.ts';
import { inputRoomEventSubject } from '../../../src/bus/streams.ts';
import { freePort } from '../../helpers/buses.ts';

describe('subjects', () => {
  test('NATS wildcard matching', () => {
    expect(subjectMatches('A.b', 'A.b')).toBe(true);
    expect(subjectMatches('A.*', 'A.b')).toBe(true);
    expect(subjectMatches('A.*', 'A.b.c')).toBe(false);
    expect(subjectMatches('A.*', 'A')).toBe(false);
    expect(subjectMatches('A.>', 'A.b.c')).toBe(true);
    expect(subjectMatches('A.>', 'A')).toBe(false);
    expect(subjectMatches('A.*.c', 'A.b.c')).toBe(true);
    expect(subjectMatches('A.*.c', 'A.b.d')).toBe(false);
    expect(subjectMatches('A', 'A.b')).toBe(false);
  });

  test('InputRoomEvent subject per room: every non-alphanumeric becomes _', () => {
    expect(inputRoomEventSubject('!abc-DEF.1:example.org')).toBe('InputRoomEvent._abc_DEF_1_example_org');
    expect(inputRoomEventSubject('!x*>:y')).toBe('InputRoomEvent._x___y');
  });

  test('filters must lie inside their stream; names must be NATS names', () => {
    expect(() => checkFilter('InputRoomEvent', 'InputRoomEvent.>')).not.toThrow();
    expect(() => checkFilter('InputRoomEvent', 'OutputRoomEvent')).toThrow(/not inside stream/);
    expect(() => consumerSettings({ stream: 'S', durable: 'bad.name' })).toThrow(/invalid durable/);
    expect(consumerSettings({ stream: 'S', durable: 'ok' })).toEqual({ ackWaitMs: 30_000, maxInFlight: 1 });
  });
});

describe('jetstream.addresses', () => {
  test('TCP addresses pass through; websocket ones get an explicit port', () => {
    expect(natsServers(['nats://10.0.0.1:4222'])).toEqual({ scheme: 'tcp', servers: ['nats://10.0.0.1:4222'] });
    expect(natsServers(['ws://nats.local'])).toEqual({ scheme: 'ws', servers: ['ws://nats.local:80'] });
    expect(natsServers(['wss://nats.local'])).toEqual({ scheme: 'ws', servers: ['wss://nats.local:443'] });
    expect(natsServers(['ws://127.0.0.1:9222'])).toEqual({ scheme: 'ws', servers: ['ws://127.0.0.1:9222'] });
    expect(() => natsServers(['nats://a:1', 'ws://b:2'])).toThrow(/one transport/);
    expect(() => natsServers(['http://a:1'])).toThrow(/unsupported address/);
  });

  test('an unreachable NATS address fails with the address and what to do', async () => {
    const port = freePort();
    const opts = { addresses: [`nats://127.0.0.1:${port}`], storage_path: '', topic_prefix: 'X', in_memory: false, disable_tls_validation: false, credentials_path: '' };
    const err = await openBus(opts).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).toContain(`nats://127.0.0.1:${port}`);
    expect(err?.message).toContain('jetstream.addresses');
    expect(err?.message).toContain('nats-server -js');
  });
});
