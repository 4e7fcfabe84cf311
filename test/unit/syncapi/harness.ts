// The sync API as a server runs it: the real user API, room server and client API over the
// database of a forEachDatabase run, the in-process bus, the client API's and the sync API's
// routes on one Matrix app, requests made in process with app.request(). `restartSync()` builds
// a new sync API over the same database, as a restarted process would.
import { tmpdir } from 'node:os';
import type { Hono } from 'hono';
import { authenticateWithUserapi, createClientapi, type ClientapiComponent } from '../../../src/clientapi/index.ts';
import { createApp } from '../../../src/http/app.ts';
import type { Env } from '../../../src/http/env.ts';
import type { KeyserverApi } from '../../../src/keyserver/api.ts';
import { createKeyserver } from '../../../src/keyserver/index.ts';
import { buildRoomserver, type Roomserver } from '../../../src/roomserver/index.ts';
import { deviceListPositionOf } from '../../../src/syncapi/api.ts';
import type { Base, Component } from '../../../src/setup/base.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { selectByEventId } from '../../../src/syncapi/storage/output-room-events.ts';
import { buildSyncapi, migrateSyncapi, type SyncapiComponent } from '../../../src/syncapi/index.ts';
import type { UserApi } from '../../../src/userapi/api.ts';
import { buildUserapiComponent, type UserapiComponent } from '../../../src/userapi/index.ts';
import { openDatabase } from '../../../src/storage/open.ts';
import { type DatabaseTestContext, databaseOptions } from '../../helpers/databases.ts';
import { type AppOptions, OPEN_REGISTRATION, SERVER, call, registerUser, testConfig, type TestUser } from '../clientapi/harness.ts';
import { userapiHarness, type UserapiHarness } from '../userapi/harness.ts';

export { SERVER, call, registerUser, type TestUser };

export interface SyncHarness {
  app: Hono<Env>;
  rs: Roomserver;
  users: UserapiHarness;
  /** The user API (with push running when asked: notification counts reach /sync). */
  userapi: UserApi;
  sync: SyncapiComponent;
  /** Stops the sync API and builds a new one over the same database and bus. */
  restartSync(): Promise<void>;
  close(): Promise<void>;
}

const SIGNING_KEY = { keyId: 'ed25519:test', seed: new Uint8Array(32).fill(9) };

export interface SyncHarnessOptions extends AppOptions {
  presence?: boolean;
  /** Also run the real key server (device lists and key counts in /sync). */
  keyserver?: boolean;
  /**
   * Push rules evaluated by the user API, so unread counts reach /sync. Off by default: the
   * counts follow a message by a few milliseconds, and tests of other sections would see rooms
   * come back for their counts alone.
   */
  push?: boolean;
}

export async function syncHarness(dbc: DatabaseTestContext, opts: SyncHarnessOptions = {}): Promise<SyncHarness> {
  const db = dbc.db();
  const users = await userapiHarness(db);
  const log = stderrLogger('error', 'test');
  const config = testConfig({ clientApi: OPEN_REGISTRATION, ...opts });
  const rs = await buildRoomserver({ db, bus: users.bus, log, serverName: SERVER, signingKey: SIGNING_KEY });
  // A user API that evaluates push rules on the room server's events, as the server runs it.
  const userComp: UserapiComponent = buildUserapiComponent({
    db,
    serverName: SERVER,
    bcryptCost: 4,
    bus: users.bus,
    log,
    roomserver: opts.push ? rs : undefined,
  });
  await userComp.start();
  const userapi = userComp.api;
  const base: Base = {
    config,
    serverName: SERVER,
    log,
    bus: users.bus,
    signingKey: SIGNING_KEY,
    // The real opener: the same connection string shares the test database's pool.
    openDatabase: () => openDatabase(databaseOptions(dbc.connectionString()), databaseOptions(''), tmpdir()),
  };
  let keyserver: Component<KeyserverApi> | undefined;
  if (opts.keyserver) {
    keyserver = await createKeyserver(base, { userapi: userapi, roomserver: rs, deviceKeyChecks: 'structure', positionOf: deviceListPositionOf });
    await keyserver.start!();
  }
  const clientapi: ClientapiComponent = createClientapi(base, { userapi: userapi, roomserver: rs, keyserver: keyserver?.api });
  await migrateSyncapi(db);
  const presence = opts.presence ?? true;
  let sync!: SyncapiComponent;
  let app!: Hono<Env>;

  async function startSync() {
    sync = await buildSyncapi({
      db,
      serverName: SERVER,
      bus: users.bus,
      log,
      roomserver: rs,
      userapi: userapi,
      keyserver: keyserver?.api,
      presence: { inbound: presence, outbound: presence },
    });
    await sync.start!();
    const matrix = createApp(log);
    const deps = { authenticate: authenticateWithUserapi(userapi), log, maxBodyBytes: 1 << 20 };
    clientapi.mountRoutes!(matrix, deps);
    keyserver?.mountRoutes!(matrix, deps);
    sync.mountRoutes!(matrix, deps);
    app = matrix.app;
  }

  await startSync();
  return {
    get app() {
      return app;
    },
    rs,
    users,
    userapi,
    get sync() {
      return sync;
    },
    async restartSync() {
      await sync.close();
      await startSync();
    },
    async close() {
      await sync.close();
      await clientapi.close();
      await keyserver?.close();
      await userComp.close();
      await rs.close();
      await users.close();
    },
  };
}

const v3 = (path: string) => `/_matrix/client/v3${path}`;
const enc = encodeURIComponent;

/**
 * Request helpers over the harness's current app, in the style of SyTest's `_synced` helpers:
 * each returns once the sync API has indexed the events it caused.
 */
export function client(h: SyncHarness) {
  const c = {
    call: (method: string, path: string, body?: unknown, token?: string) => call(h.app, method, path, body, token),
    register: (stem = 's') => registerUser(h.app, 'sUp3rs3kr1t', stem),
    async createRoom(user: TestUser, body: Record<string, unknown> = {}): Promise<string> {
      const r = await call(h.app, 'POST', v3('/createRoom'), body, user.token);
      if (r.status !== 200) throw new Error(`createRoom failed: ${r.status} ${JSON.stringify(r.body)}`);
      const roomId = r.body.room_id as string;
      for (const id of (await h.rs.latestEvents(roomId)).eventIds) await c.indexed(id);
      return roomId;
    },
    async join(user: TestUser, roomId: string): Promise<string> {
      const r = await call(h.app, 'POST', v3(`/join/${enc(roomId)}`), {}, user.token);
      if (r.status !== 200) throw new Error(`join failed: ${r.status} ${JSON.stringify(r.body)}`);
      const eventId = (await h.rs.membership(roomId, user.userId))!.eventId;
      await c.indexed(eventId);
      return eventId;
    },
    async leave(user: TestUser, roomId: string): Promise<void> {
      const r = await call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/leave`), {}, user.token);
      if (r.status !== 200) throw new Error(`leave failed: ${r.status} ${JSON.stringify(r.body)}`);
      await c.indexed((await h.rs.membership(roomId, user.userId))!.eventId);
    },
    async invite(user: TestUser, roomId: string, userId: string): Promise<void> {
      const r = await call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/invite`), { user_id: userId }, user.token);
      if (r.status !== 200) throw new Error(`invite failed: ${r.status} ${JSON.stringify(r.body)}`);
      await c.indexed((await h.rs.membership(roomId, userId))!.eventId);
    },
    async send(user: TestUser, roomId: string, content: Record<string, unknown>, opts: { type?: string; txnId?: string } = {}): Promise<string> {
      const txn = opts.txnId ?? `t${Math.random().toString(36).slice(2)}`;
      const r = await call(h.app, 'PUT', v3(`/rooms/${enc(roomId)}/send/${enc(opts.type ?? 'm.room.message')}/${enc(txn)}`), content, user.token);
      if (r.status !== 200) throw new Error(`send failed: ${r.status} ${JSON.stringify(r.body)}`);
      await c.indexed(r.body.event_id);
      return r.body.event_id as string;
    },
    text: (user: TestUser, roomId: string, body: string, txnId?: string) => c.send(user, roomId, { msgtype: 'm.text', body }, { txnId }),
    async putState(user: TestUser, roomId: string, type: string, content: Record<string, unknown>, stateKey = ''): Promise<string> {
      const r = await call(h.app, 'PUT', v3(`/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`), content, user.token);
      if (r.status !== 200) throw new Error(`state failed: ${r.status} ${JSON.stringify(r.body)}`);
      await c.indexed(r.body.event_id);
      return r.body.event_id as string;
    },
    async filter(user: TestUser, filter: unknown): Promise<string> {
      const r = await call(h.app, 'POST', v3(`/user/${enc(user.userId)}/filter`), filter, user.token);
      if (r.status !== 200) throw new Error(`filter failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.filter_id as string;
    },
    /** GET /sync with query parameters; fails the test on a non-200 answer. */
    // biome-ignore lint: response bodies are checked field by field
    async sync(user: TestUser, params: Record<string, string | number | boolean> = {}): Promise<any> {
      const q = new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]));
      const r = await call(h.app, 'GET', v3(`/sync?${q}`), undefined, user.token);
      if (r.status !== 200) throw new Error(`sync failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    /** Waits until our room-event consumer has indexed the event (tests only). */
    async indexed(eventId: string): Promise<void> {
      for (let i = 0; i < 400; i++) {
        if (await selectByEventId(h.sync.ctx.db, eventId)) return;
        await Bun.sleep(5);
      }
      throw new Error(`event ${eventId} never reached the sync API`);
    },
  };
  return c;
}

export { v3, enc };
