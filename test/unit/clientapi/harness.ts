// The client API as a server sees it: a real user API over the database of a forEachDatabase
// run, the client API's routes mounted on the Matrix app, requests made in process with
// app.request(). Several configurations can share one user API (and so one token cache).
import type { Hono } from 'hono';
import { authenticateWithUserapi, createClientapi } from '../../../src/clientapi/index.ts';
import type { ClientapiRoomserver } from '../../../src/clientapi/context.ts';
import type { Config } from '../../../src/config/types.ts';
import { configDefaults } from '../../../src/config/defaults.ts';
import { createApp } from '../../../src/http/app.ts';
import type { Env } from '../../../src/http/env.ts';
import { createRateLimiter } from '../../../src/http/rate-limit.ts';
import type { Base } from '../../../src/setup/base.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import type { UserApi } from '../../../src/userapi/api.ts';
import { SERVER, type UserapiHarness } from '../userapi/harness.ts';

export { SERVER };

type ClientApiConfig = Partial<Config['client_api']>;

export interface AppOptions {
  clientApi?: ClientApiConfig;
  global?: Partial<Config['global']>;
  defaultRoomVersion?: string;
  roomserver?: ClientapiRoomserver;
  rateLimit?: { threshold: number };
}

/** The defaults of a fresh config with the given client_api and global keys changed. */
export function testConfig(opts: AppOptions = {}): Config {
  // Defaults as written in dendrite.yaml; the few keys the client API reads are plain values.
  const config = structuredClone(configDefaults()) as unknown as Config;
  config.global.server_name = SERVER;
  Object.assign(config.global, opts.global ?? {});
  Object.assign(config.client_api, { open_registration_confirmed: false }, opts.clientApi ?? {});
  if (opts.defaultRoomVersion !== undefined) config.room_server.default_room_version = opts.defaultRoomVersion;
  config.user_api.bcrypt_cost = 4;
  return config;
}

export const OPEN_REGISTRATION: ClientApiConfig = {
  registration_disabled: false,
  open_registration_confirmed: true,
  guests_disabled: false,
  registration_shared_secret: 'reg_secret',
};

export function clientApp(h: UserapiHarness, opts: AppOptions = { clientApi: OPEN_REGISTRATION }): Hono<Env> {
  const config = testConfig(opts);
  const log = stderrLogger('error', 'test');
  const base: Base = {
    config,
    serverName: SERVER,
    log,
    bus: h.bus,
    signingKey: { keyId: 'ed25519:test', seed: new Uint8Array(32) },
    openDatabase: () => Promise.reject(new Error('the client API opens no database')),
  };
  const clientapi = createClientapi(base, { userapi: h.api, roomserver: opts.roomserver });
  const matrix = createApp(log);
  clientapi.mountRoutes!(matrix, {
    authenticate: authenticateWithUserapi(h.api),
    log,
    maxBodyBytes: 1 << 20,
    rateLimiter: opts.rateLimit
      ? createRateLimiter({ enabled: true, threshold: opts.rateLimit.threshold, cooloff_ms: 60_000, exempt_user_ids: [] })
      : undefined,
  });
  return matrix.app;
}

export interface Call {
  status: number;
  // biome-ignore lint: response bodies are checked field by field
  body: any;
  headers: Headers;
}

/** A JSON request to the app; `token` goes in the Authorization header. */
export async function call(app: Hono<Env>, method: string, path: string, body?: unknown, token?: string): Promise<Call> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await app.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

export interface TestUser {
  userId: string;
  localpart: string;
  password: string;
  token: string;
  deviceId: string;
}

let n = 0;
/** Registers a user through POST /register with m.login.dummy, as SyTest does. */
export async function registerUser(app: Hono<Env>, password = 'sUp3rs3kr1t', stem = 'u'): Promise<TestUser> {
  const localpart = `${stem}-${process.pid}-${n++}`;
  const r = await call(app, 'POST', '/_matrix/client/v3/register', { auth: { type: 'm.login.dummy' }, username: localpart, password });
  if (r.status !== 200) throw new Error(`register failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { userId: r.body.user_id, localpart, password, token: r.body.access_token, deviceId: r.body.device_id };
}

export const uniqueName = (stem = 'name') => `${stem}-${process.pid}-${n++}`;

/** Logs in again as `user` (SyTest's matrix_login_again_with_user). */
export async function login(app: Hono<Env>, user: TestUser, extra: Record<string, unknown> = {}) {
  const r = await call(app, 'POST', '/_matrix/client/v3/login', {
    type: 'm.login.password',
    identifier: { type: 'm.id.user', user: user.userId },
    password: user.password,
    ...extra,
  });
  if (r.status !== 200) throw new Error(`login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...user, token: r.body.access_token as string, deviceId: r.body.device_id as string };
}

export type { UserApi };
