// A room server as tests use it: built over the database of a forEachDatabase run, with a real
// in-process bus (memory mode) and a durable consumer that records every OutputRoomEvent.
import { openBus } from '../../../src/bus/open.ts';
import { STREAM, STREAMS } from '../../../src/bus/streams.ts';
import type { Bus, Subscription } from '../../../src/bus/types.ts';
import type { JsonObject } from '../../../src/protocol/event.ts';
import type { CreateRoomRequest, EventPrototype, OutputRoomEvent } from '../../../src/roomserver/api.ts';
import type { ServerKeyLookup } from '../../../src/roomserver/context.ts';
import { buildRoomserver, type Roomserver } from '../../../src/roomserver/index.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import type { Database } from '../../../src/storage/types.ts';

export const SERVER = 'rs.test';
export const KEY_ID = 'ed25519:rs1';
export const SEED = new Uint8Array(32).fill(7);

export const user = (name: string, server = SERVER) => `@${name}:${server}`;

export interface Harness {
  readonly rs: Roomserver;
  readonly bus: Bus;
  /** Every OutputRoomEvent received so far, in stream order. */
  readonly got: OutputRoomEvent[];
  /** Waits until at least n messages arrived. */
  until(n: number, timeoutMs?: number): Promise<OutputRoomEvent[]>;
  /** Resolves once everything processed so far has reached `got`: the bus delivers in the
   *  macrotask after a publish commits, and this consumer acknowledges at once. */
  settled(): Promise<OutputRoomEvent[]>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  keys?: ServerKeyLookup;
  cacheBytes?: number;
  now?: () => number;
  /** An existing bus (its OutputRoomEvent consumer is created here). */
  bus?: Bus;
}

export async function openHarness(db: Database, opts: HarnessOptions = {}): Promise<Harness> {
  const log = stderrLogger('error', 'roomserver-test');
  const bus =
    opts.bus ??
    (await openBus(
      { addresses: [], storage_path: '', topic_prefix: 'Test', in_memory: true, disable_tls_validation: false, credentials_path: '' },
      log,
    ));
  await bus.ensureStreams(STREAMS.filter((s) => s.name === STREAM.OutputRoomEvent));
  const got: OutputRoomEvent[] = [];
  let waiters: { n: number; resolve(): void }[] = [];
  const sub: Subscription = await bus.consume({ stream: STREAM.OutputRoomEvent, durable: 'roomserver-test' }, async (m) => {
    got.push(m.json<OutputRoomEvent>());
    waiters = waiters.filter((w) => (got.length >= w.n ? (w.resolve(), false) : true));
  });
  const rs = await buildRoomserver({
    db,
    bus,
    log,
    serverName: SERVER,
    signingKey: { keyId: KEY_ID, seed: SEED },
    keys: opts.keys,
    cacheBytes: opts.cacheBytes,
    now: opts.now,
  });
  const until = async (n: number, timeoutMs = 5000) => {
    if (got.length < n) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => waiters.push({ n, resolve })),
        new Promise<void>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`expected ${n} OutputRoomEvent messages, got ${got.length}`)), timeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    return got;
  };
  const settled = async () => {
    await rs.idle();
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    return got;
  };
  return {
    rs,
    bus,
    got,
    until,
    settled,
    close: async () => {
      await rs.close();
      await sub.stop();
      if (!opts.bus) await bus.close();
    },
  };
}

/** The initial events POST /createRoom sends for a preset (Client-Server API, "Creation"). */
export function roomRequest(
  version: string,
  creator: string,
  opts: {
    joinRule?: string | JsonObject;
    users?: JsonObject;
    extra?: CreateRoomRequest['initialEvents'];
    history?: string;
    createContent?: JsonObject;
  } = {},
): CreateRoomRequest {
  const joinRules: JsonObject = typeof opts.joinRule === 'object' ? opts.joinRule : { join_rule: opts.joinRule ?? 'public' };
  // v12 creators have infinite power and must not be listed in `users`.
  const users: JsonObject = opts.users ?? (version === '12' ? {} : { [creator]: 100 });
  return {
    roomVersion: version,
    creator,
    createContent: opts.createContent ?? {},
    initialEvents: [
      { type: 'm.room.member', stateKey: creator, content: { membership: 'join' } },
      { type: 'm.room.power_levels', stateKey: '', content: { users, users_default: 0, events_default: 0, state_default: 50 } },
      { type: 'm.room.join_rules', stateKey: '', content: joinRules },
      { type: 'm.room.history_visibility', stateKey: '', content: { history_visibility: opts.history ?? 'shared' } },
      ...(opts.extra ?? []),
    ],
  };
}

export const ALL_VERSIONS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];

export const member = (userId: string, membership: string, extra: JsonObject = {}): EventPrototype => ({
  type: 'm.room.member',
  stateKey: userId,
  content: { membership, ...extra },
});

export const message = (body: string): EventPrototype => ({ type: 'm.room.message', content: { msgtype: 'm.text', body } });
