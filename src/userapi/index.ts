// createUserapi: the user API component over its own tables. Other components reach it only
// through api.ts (in process, or over the internal HTTP adapter in a polylith). With a room
// server it also follows the room event and receipt streams for push notifications.
import type { Bus } from '../bus/types.ts';
import { notFound } from '../http/errors.ts';
import type { Component, Base } from '../setup/base.ts';
import type { Logger } from '../setup/logger.ts';
import { runMigrations } from '../storage/migrations.ts';
import type { Database } from '../storage/types.ts';
import { accountDataMethods } from './account-data.ts';
import { accountMethods } from './accounts.ts';
import type { UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import { deviceMethods } from './devices.ts';
import { oneTimeTokenMethods } from './one-time-tokens.ts';
import { profileMethods } from './profiles.ts';
import { type PushRoomserver, createPush } from './push/index.ts';
import { registrationTokenMethods } from './registration-tokens.ts';
import { USERAPI_MIGRATIONS } from './storage/migrations/index.ts';
import { TokenCache } from './token-cache.ts';
import { uiaMethods } from './uia-sessions.ts';
import { localpartOf } from './user-id.ts';

/** The room server calls the user API makes: push rules need rooms' members and state. */
export type UserapiRoomserver = PushRoomserver;

export interface UserapiParts {
  db: Database;
  serverName: string;
  bcryptCost: number;
  bus: Bus;
  log: Logger;
  /** Without it no room events are evaluated for push (tests of accounts alone). */
  roomserver?: UserapiRoomserver;
  /** user_api.push_gateway_disable_tls_validation */
  pushGatewayDisableTlsValidation?: boolean;
  /** For tests: how soon failed pushes are retried. */
  pushRetryDelaysMs?: readonly number[];
  /** For tests that move time; Date.now by default. */
  now?: () => number;
}

export interface UserapiComponent extends Component<UserApi> {
  start(): Promise<void>;
  /** Resolves when no push to a gateway is queued or in flight (tests). */
  pushesIdle(): Promise<void>;
}

/** Builds the component over a database whose user API tables are migrated. */
export function buildUserapiComponent(parts: UserapiParts): UserapiComponent {
  const ctx: UserapiContext = {
    db: parts.db,
    serverName: parts.serverName,
    bcryptCost: parts.bcryptCost,
    bus: parts.bus,
    log: parts.log,
    tokens: new TokenCache(),
    now: parts.now ?? Date.now,
  };
  const accountData = accountDataMethods(ctx);
  const push = createPush({
    db: parts.db,
    serverName: parts.serverName,
    bus: parts.bus,
    log: parts.log,
    now: ctx.now,
    accountData,
    localpart: (userId) => {
      const lp = localpartOf(userId, parts.serverName);
      if (lp === null) throw notFound(`${userId} is not a user of this server`);
      return lp;
    },
    roomserver: parts.roomserver,
    disableTlsValidation: parts.pushGatewayDisableTlsValidation ?? false,
    retryDelaysMs: parts.pushRetryDelaysMs,
  });
  const api: UserApi = {
    ...accountMethods(ctx),
    ...deviceMethods(ctx),
    ...profileMethods(ctx),
    ...accountData,
    ...uiaMethods(ctx),
    ...registrationTokenMethods(ctx),
    ...oneTimeTokenMethods(ctx),
    ...push.methods,
  };
  return {
    api,
    start: () => push.start(),
    pushesIdle: () => push.idle(),
    close: () => push.stop(),
  };
}

/** The API alone, for callers that run no consumers (tests of accounts, devices, profiles). */
export function buildUserapi(parts: UserapiParts): UserApi {
  return buildUserapiComponent(parts).api;
}

export async function migrateUserapi(db: Database, log?: Logger): Promise<void> {
  await runMigrations(db, 'userapi', USERAPI_MIGRATIONS, log);
}

export interface UserapiDeps {
  roomserver?: UserapiRoomserver;
}

export async function createUserapi(base: Base, deps: UserapiDeps = {}): Promise<Component<UserApi>> {
  const log = base.log.child('userapi');
  const db = await base.openDatabase(base.config.user_api.account_database);
  await migrateUserapi(db, log);
  const component = buildUserapiComponent({
    db,
    serverName: base.serverName,
    bcryptCost: base.config.user_api.bcrypt_cost,
    bus: base.bus,
    log,
    roomserver: deps.roomserver,
    pushGatewayDisableTlsValidation: base.config.user_api.push_gateway_disable_tls_validation,
  });
  return {
    api: component.api,
    start: () => component.start(),
    async close() {
      await component.close();
      await db.close();
    },
  };
}
