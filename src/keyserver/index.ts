// createKeyserver: the key server component over its own tables. Other components reach it only
// through api.ts; its public routes are the client API's key, cross-signing and backup endpoints.
import type { Subscription } from '../bus/types.ts';
import type { Base, Component } from '../setup/base.ts';
import type { Logger } from '../setup/logger.ts';
import { runMigrations } from '../storage/migrations.ts';
import type { Database } from '../storage/types.ts';
import type { KeyserverApi, KeyserverFederation } from './api.ts';
import { claimLocalKeys } from './claims.ts';
import { consumeRemoteDeviceLists } from './consumers/remote-device-lists.ts';
import { consumeRoomMemberships } from './consumers/room-memberships.ts';
import type { KeyserverContext, KeyserverRoomserver, KeyserverUserapi } from './context.ts';
import { keyChanges } from './device-lists.ts';
import { userDevicesChanged } from './devices.ts';
import { queryLocalKeys } from './query.ts';
import { mountKeyserver } from './routes.ts';
import { selectMaxPosition } from './storage/device-list-changes.ts';
import { selectUnusedAlgorithms } from './storage/fallback-keys.ts';
import { KEYSERVER_MIGRATIONS } from './storage/migrations/index.ts';
import { oneTimeKeyCounts } from './uploads.ts';
import type { DeviceKeyChecks } from './validate.ts';

export interface KeyserverDeps {
  userapi: KeyserverUserapi;
  /** Without it, device-list changes reach only the user who made them. */
  roomserver?: KeyserverRoomserver;
  /** Without it, users of other servers are reported under `failures`. */
  federation?: KeyserverFederation;
  /**
   * Reads the device-list position out of a /sync token, for GET /keys/changes. The sync API
   * defines its tokens; without this only bare positions (decimal numbers) are understood.
   */
  positionOf?: (syncToken: string) => number | undefined;
  /**
   * 'verify' (default): device keys must be 32-byte keys and carry a valid signature by the
   * device's own ed25519 key. 'structure': only their JSON shape and owner are checked, as
   * Synapse and Dendrite do; SyTest's tests upload placeholder keys and signatures.
   */
  deviceKeyChecks?: DeviceKeyChecks;
}

export function buildKeyserverApi(ctx: KeyserverContext): KeyserverApi {
  const fallbackKeyTypes = async (userId: string, deviceId: string) =>
    (await selectUnusedAlgorithms(ctx.db, userId, deviceId)).map((r) => r.algorithm);
  return {
    userDevicesChanged: (userId) => userDevicesChanged(ctx, userId),
    deviceListPosition: () => selectMaxPosition(ctx.db),
    keyChanges: (viewer, from, to) => keyChanges(ctx, viewer, from, to),
    oneTimeKeyCounts: (userId, deviceId) => oneTimeKeyCounts(ctx, userId, deviceId),
    unusedFallbackKeyTypes: fallbackKeyTypes,
    keyCounts: async (userId, deviceId) => {
      const [oneTimeKeys, types] = await Promise.all([oneTimeKeyCounts(ctx, userId, deviceId), fallbackKeyTypes(userId, deviceId)]);
      return { oneTimeKeys, fallbackKeyTypes: types };
    },
    queryLocalKeys: (requester, deviceKeys) => queryLocalKeys(ctx, requester, deviceKeys),
    claimLocalKeys: (request) => claimLocalKeys(ctx, request),
  };
}

export function barePosition(token: string): number | undefined {
  return /^[0-9]{1,15}$/.test(token) ? Number(token) : undefined;
}

export async function migrateKeyserver(db: Database, log?: Logger): Promise<void> {
  await runMigrations(db, 'keyserver', KEYSERVER_MIGRATIONS, log);
}

export async function createKeyserver(base: Base, deps: KeyserverDeps): Promise<Component<KeyserverApi>> {
  const log = base.log.child('keyserver');
  const db = await base.openDatabase(base.config.key_server.database);
  await migrateKeyserver(db, log);
  const ctx: KeyserverContext = {
    db,
    bus: base.bus,
    log,
    serverName: base.serverName,
    userapi: deps.userapi,
    roomserver: deps.roomserver,
    federation: deps.federation,
    deviceKeyChecks: deps.deviceKeyChecks ?? 'verify',
    now: Date.now,
  };
  let memberships: Subscription | undefined;
  let remoteLists: Subscription[] = [];
  return {
    api: buildKeyserverApi(ctx),
    mountRoutes(app, routerDeps) {
      mountKeyserver(app, routerDeps, { ...ctx, positionOf: deps.positionOf ?? barePosition });
    },
    async start() {
      // Memberships matter only where there are rooms.
      if (deps.roomserver) memberships = await consumeRoomMemberships(ctx);
      // Other servers' device lists come only over federation.
      if (deps.federation) remoteLists = await consumeRemoteDeviceLists(ctx);
    },
    async close() {
      await memberships?.stop();
      await Promise.all(remoteLists.map((s) => s.stop()));
      await db.close();
    },
  };
}
