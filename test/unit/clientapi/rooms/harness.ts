// The room endpoints as a server runs them: the real user API and room server over the database
// of a forEachDatabase run, the in-process bus, the client API's routes on the Matrix app, and
// requests made in process with app.request(). `restart()` builds a new room server and client
// API over the same database, as a restarted process would.
import { tmpdir } from 'node:os';
import type { Hono } from 'hono';
import { authenticateWithUserapi, createClientapi, type ClientapiComponent } from '../../../../src/clientapi/index.ts';
import { createApp } from '../../../../src/http/app.ts';
import type { Env } from '../../../../src/http/env.ts';
import { createRateLimiter } from '../../../../src/http/rate-limit.ts';
import { buildRoomserver, type Roomserver } from '../../../../src/roomserver/index.ts';
import type { Base } from '../../../../src/setup/base.ts';
import { stderrLogger } from '../../../../src/setup/logger.ts';
import { openDatabase } from '../../../../src/storage/open.ts';
import { type DatabaseTestContext, databaseOptions } from '../../../helpers/databases.ts';
import { userapiHarness, type UserapiHarness } from '../../userapi/harness.ts';
import { type AppOptions, OPEN_REGISTRATION, SERVER, call, registerUser, testConfig, type TestUser } from '../harness.ts';

export { SERVER, call, registerUser, type TestUser };

export interface RoomsHarness {
  app: Hono<Env>;
  rs: Roomserver;
  users: UserapiHarness;
  /** A new room server and client API over the same database (the user API is kept). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const SIGNING_KEY = { keyId: 'ed25519:test', seed: new Uint8Array(32).fill(7) };

export async function roomsHarness(dbc: DatabaseTestContext, opts: AppOptions = {}): Promise<RoomsHarness> {
  const db = dbc.db();
  const users = await userapiHarness(db);
  const log = stderrLogger('error', 'test');
  const config = testConfig({ clientApi: OPEN_REGISTRATION, ...opts });
  let rs!: Roomserver;
  let clientapi!: ClientapiComponent;
  let app!: Hono<Env>;

  async function start() {
    rs = await buildRoomserver({ db, bus: users.bus, log, serverName: SERVER, signingKey: SIGNING_KEY });
    const base: Base = {
      config,
      serverName: SERVER,
      log,
      bus: users.bus,
      signingKey: SIGNING_KEY,
      // The real opener: the same connection string shares the test database's pool.
      openDatabase: () => openDatabase(databaseOptions(dbc.connectionString()), databaseOptions(''), tmpdir()),
    };
    clientapi = createClientapi(base, { userapi: users.api, roomserver: rs });
    const matrix = createApp(log);
    clientapi.mountRoutes!(matrix, {
      authenticate: authenticateWithUserapi(users.api),
      log,
      maxBodyBytes: 1 << 20,
      rateLimiter: opts.rateLimit
        ? createRateLimiter({ enabled: true, threshold: opts.rateLimit.threshold, cooloff_ms: 60_000, exempt_user_ids: [] })
        : undefined,
    });
    app = matrix.app;
  }

  async function stop() {
    await clientapi.close();
    await rs.close();
  }

  await start();
  return {
    get app() {
      return app;
    },
    get rs() {
      return rs;
    },
    users,
    async restart() {
      await stop();
      await start();
    },
    async close() {
      await stop();
      await users.close();
    },
  };
}

const v3 = (path: string) => `/_matrix/client/v3${path}`;
const enc = encodeURIComponent;

/** Small request helpers over the harness's current app. */
export function client(h: RoomsHarness) {
  return {
    call: (method: string, path: string, body?: unknown, token?: string) => call(h.app, method, path, body, token),
    async createRoom(user: TestUser, body: Record<string, unknown> = {}): Promise<string> {
      const r = await call(h.app, 'POST', v3('/createRoom'), body, user.token);
      if (r.status !== 200) throw new Error(`createRoom failed: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.room_id as string;
    },
    join: (user: TestUser, roomIdOrAlias: string, body: Record<string, unknown> = {}) => call(h.app, 'POST', v3(`/join/${enc(roomIdOrAlias)}`), body, user.token),
    leave: (user: TestUser, roomId: string) => call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/leave`), {}, user.token),
    invite: (user: TestUser, roomId: string, userId: string) => call(h.app, 'POST', v3(`/rooms/${enc(roomId)}/invite`), { user_id: userId }, user.token),
    send: (user: TestUser, roomId: string, content: Record<string, unknown>, txnId: string, type = 'm.room.message') =>
      call(h.app, 'PUT', v3(`/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txnId)}`), content, user.token),
    putState: (user: TestUser, roomId: string, type: string, content: Record<string, unknown>, stateKey = '') =>
      call(h.app, 'PUT', v3(`/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`), content, user.token),
    getState: (user: TestUser, roomId: string, type: string, stateKey = '') =>
      call(h.app, 'GET', v3(`/rooms/${enc(roomId)}/state/${enc(type)}/${enc(stateKey)}`), undefined, user.token),
  };
}

export { v3, enc };
