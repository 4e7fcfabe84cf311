// Push as a server runs it: the real room server, the user API with its push consumers started,
// the client API's routes (and, when asked, the sync API's) on one Matrix app, over the database
// of a forEachDatabase run and an in-process bus. Requests are made in process.
import { tmpdir } from 'node:os';
import type { Hono } from 'hono';
import { openBus } from '../../../../src/bus/open.ts';
import { STREAM, STREAMS } from '../../../../src/bus/streams.ts';
import type { Bus } from '../../../../src/bus/types.ts';
import { authenticateWithUserapi, createClientapi, type ClientapiComponent } from '../../../../src/clientapi/index.ts';
import { createApp } from '../../../../src/http/app.ts';
import type { Env } from '../../../../src/http/env.ts';
import { buildRoomserver, type Roomserver } from '../../../../src/roomserver/index.ts';
import type { Base } from '../../../../src/setup/base.ts';
import { stderrLogger } from '../../../../src/setup/logger.ts';
import { openDatabase } from '../../../../src/storage/open.ts';
import type { OutputReceiptEvent } from '../../../../src/syncapi/api.ts';
import { buildSyncapi, migrateSyncapi, type SyncapiComponent } from '../../../../src/syncapi/index.ts';
import { buildUserapiComponent, migrateUserapi, type UserapiComponent } from '../../../../src/userapi/index.ts';
import { type DatabaseTestContext, databaseOptions } from '../../../helpers/databases.ts';
import { OPEN_REGISTRATION, SERVER, call, registerUser, testConfig, type TestUser } from '../../clientapi/harness.ts';

export { SERVER, call, type TestUser };

export interface PushHarness {
  app: Hono<Env>;
  rs: Roomserver;
  userapi: UserapiComponent;
  bus: Bus;
  sync?: SyncapiComponent;
  close(): Promise<void>;
}

const SIGNING_KEY = { keyId: 'ed25519:test', seed: new Uint8Array(32).fill(5) };
let prefixes = 0;

export async function pushHarness(dbc: DatabaseTestContext, opts: { sync?: boolean } = {}): Promise<PushHarness> {
  const db = dbc.db();
  const log = stderrLogger(process.env.PUSH_TEST_LOG === '1' ? 'debug' : 'error', 'test');
  const bus = await openBus(
    { addresses: [], storage_path: '', topic_prefix: `PushTest${prefixes++}`, in_memory: true, disable_tls_validation: false, credentials_path: '' },
    log,
  );
  await bus.ensureStreams(STREAMS);
  await migrateUserapi(db);
  const rs = await buildRoomserver({ db, bus, log, serverName: SERVER, signingKey: SIGNING_KEY });
  const userapi = buildUserapiComponent({ db, serverName: SERVER, bcryptCost: 4, bus, log, roomserver: rs, pushRetryDelaysMs: [50, 100] });
  await userapi.start();
  const base: Base = {
    config: testConfig({ clientApi: OPEN_REGISTRATION }),
    serverName: SERVER,
    log,
    bus,
    signingKey: SIGNING_KEY,
    openDatabase: () => openDatabase(databaseOptions(dbc.connectionString()), databaseOptions(''), tmpdir()),
  };
  const clientapi: ClientapiComponent = createClientapi(base, { userapi: userapi.api, roomserver: rs });
  const matrix = createApp(log);
  const deps = { authenticate: authenticateWithUserapi(userapi.api), log, maxBodyBytes: 1 << 20 };
  clientapi.mountRoutes!(matrix, deps);
  let sync: SyncapiComponent | undefined;
  if (opts.sync) {
    await migrateSyncapi(db);
    sync = await buildSyncapi({ db, serverName: SERVER, bus, log, roomserver: rs, userapi: userapi.api, presence: { inbound: false, outbound: false } });
    await sync.start!();
    sync.mountRoutes!(matrix, deps);
  }
  return {
    app: matrix.app,
    rs,
    userapi,
    bus,
    sync,
    async close() {
      await sync?.close();
      await clientapi.close();
      await userapi.close();
      await rs.close();
      await bus.close();
    },
  };
}

export const v3 = (path: string) => `/_matrix/client/v3${path}`;
export const enc = encodeURIComponent;

/** Polls until `check` returns a value other than undefined/false, or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

export function client(h: PushHarness) {
  let marker: { a: TestUser; b: TestUser; roomId: string } | undefined;
  const c = {
    register: (stem = 'p') => registerUser(h.app, 'sUp3rs3kr1t', stem),
    async createRoom(user: TestUser, body: Record<string, unknown> = {}): Promise<string> {
      const r = await call(h.app, 'POST', v3('/createRoom'), body, user.token);
      if (r.status !== 200) throw new Error(`createRoom failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.room_id as string;
    },
    async join(user: TestUser, roomId: string): Promise<void> {
      const r = await call(h.app, 'POST', v3(`/join/${enc(roomId)}`), {}, user.token);
      if (r.status !== 200) throw new Error(`join failed: ${r.status} ${JSON.stringify(r.body)}`);
    },
    async invite(user: TestUser, roomId: string, userId: string): Promise<void> {
      const r = await call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/invite`), { user_id: userId }, user.token);
      if (r.status !== 200) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`);
    },
    /** A public room of `owner` that every one of `others` has joined. */
    async roomWith(owner: TestUser, ...others: TestUser[]): Promise<string> {
      const roomId = await c.createRoom(owner, { preset: 'public_chat' });
      for (const u of others) await c.join(u, roomId);
      return roomId;
    },
    async send(user: TestUser, roomId: string, content: Record<string, unknown>, type = 'm.room.message'): Promise<string> {
      const txn = `t${Math.random().toString(36).slice(2)}`;
      const r = await call(h.app, 'PUT', v3(`/rooms/${enc(roomId)}/send/${enc(type)}/${txn}`), content, user.token);
      if (r.status !== 200) throw new Error(`send failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.event_id as string;
    },
    text: (user: TestUser, roomId: string, body: string, extra: Record<string, unknown> = {}) =>
      c.send(user, roomId, { msgtype: 'm.text', body, ...extra }),
    async putState(user: TestUser, roomId: string, type: string, content: Record<string, unknown>, stateKey = ''): Promise<string> {
      const r = await call(h.app, 'PUT', v3(`/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`), content, user.token);
      if (r.status !== 200) throw new Error(`state failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.event_id as string;
    },
    /** A receipt as the sync API publishes it (the bus contract the user API follows). */
    async receipt(user: TestUser, roomId: string, eventId: string, opts: { type?: string; threadId?: string } = {}): Promise<void> {
      const msg: OutputReceiptEvent = { roomId, userId: user.userId, receiptType: opts.type ?? 'm.read', eventId, ts: Date.now() };
      if (opts.threadId !== undefined) msg.threadId = opts.threadId;
      await h.bus.publish(STREAM.OutputReceiptEvent, msg, { room_id: roomId });
    },
    counts: async (user: TestUser, roomId: string) => (await h.userapi.api.notificationCounts(user.userId, [roomId]))[roomId]!,
    /** Waits until the room's counts for `user` are as given. */
    async countsBecome(user: TestUser, roomId: string, notification_count: number, highlight_count: number) {
      return eventually(async () => {
        const got = await c.counts(user, roomId);
        return got.notification_count === notification_count && got.highlight_count === highlight_count ? got : undefined;
      }, `${user.userId}'s counts in ${roomId} to be ${notification_count}/${highlight_count} (now ${JSON.stringify(await c.counts(user, roomId))})`);
    },
    /**
     * Waits until the user API has evaluated every event sent so far: its room event consumer
     * takes events strictly in order, so once a later marker message (in a room of two users
     * kept for this) is notified, the earlier events are done.
     */
    async settle(): Promise<void> {
      marker ??= await (async () => {
        const [a, b] = [await c.register('marker'), await c.register('marker')];
        return { a, b, roomId: await c.roomWith(a, b) };
      })();
      const id = await c.text(marker.a, marker.roomId, 'marker');
      await eventually(async () => (await h.userapi.api.getNotifications(marker!.b.userId, { limit: 1 })).notifications[0]?.event_id === id, 'the marker');
    },
  };
  return c;
}
