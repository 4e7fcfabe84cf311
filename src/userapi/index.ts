// createUserapi: the user API component over its own tables. Other components reach it only
// through api.ts (in process, or over the internal HTTP adapter in a polylith).
import type { Bus } from '../bus/types.ts';
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
import { registrationTokenMethods } from './registration-tokens.ts';
import { USERAPI_MIGRATIONS } from './storage/migrations/index.ts';
import { TokenCache } from './token-cache.ts';
import { uiaMethods } from './uia-sessions.ts';

export interface UserapiParts {
  db: Database;
  serverName: string;
  bcryptCost: number;
  bus: Bus;
  log: Logger;
  /** For tests that move time; Date.now by default. */
  now?: () => number;
}

/** Builds the API over a database whose user API tables are migrated. */
export function buildUserapi(parts: UserapiParts): UserApi {
  const ctx: UserapiContext = {
    db: parts.db,
    serverName: parts.serverName,
    bcryptCost: parts.bcryptCost,
    bus: parts.bus,
    log: parts.log,
    tokens: new TokenCache(),
    now: parts.now ?? Date.now,
  };
  return {
    ...accountMethods(ctx),
    ...deviceMethods(ctx),
    ...profileMethods(ctx),
    ...accountDataMethods(ctx),
    ...uiaMethods(ctx),
    ...registrationTokenMethods(ctx),
    ...oneTimeTokenMethods(ctx),
  };
}

export async function migrateUserapi(db: Database, log?: Logger): Promise<void> {
  await runMigrations(db, 'userapi', USERAPI_MIGRATIONS, log);
}

export async function createUserapi(base: Base): Promise<Component<UserApi>> {
  const log = base.log.child('userapi');
  const db = await base.openDatabase(base.config.user_api.account_database);
  await migrateUserapi(db, log);
  const api = buildUserapi({ db, serverName: base.serverName, bcryptCost: base.config.user_api.bcrypt_cost, bus: base.bus, log });
  return {
    api,
    async close() {
      await db.close();
    },
  };
}
