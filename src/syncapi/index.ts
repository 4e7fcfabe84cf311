// createSyncapi: the sync API component. It follows the room server's OutputRoomEvent stream and
// the ephemeral streams into its own tables, serves /sync and the room history endpoints, and
// accepts typing, receipts, read markers, presence and to-device messages (publishing them on the
// bus and consuming them itself, so other processes can follow).
import type { Bus, Subscription } from '../bus/types.ts';
import { Membership } from '../protocol/constants.ts';
import type { Base, Component } from '../setup/base.ts';
import type { Logger } from '../setup/logger.ts';
import { runMigrations } from '../storage/migrations.ts';
import type { Database } from '../storage/types.ts';
import type { SyncApi } from './api.ts';
import { startClientDataConsumer } from './consumers/client-data.ts';
import { startKeyChangesConsumer } from './consumers/key-changes.ts';
import { startNotificationDataConsumer } from './consumers/notification-data.ts';
import { startPresenceConsumer } from './consumers/presence.ts';
import { startReceiptsConsumer } from './consumers/receipts.ts';
import { startRoomEventsConsumer } from './consumers/room-events.ts';
import { startSendToDeviceConsumer } from './consumers/send-to-device.ts';
import { startTypingConsumer } from './consumers/typing.ts';
import type { SyncRoomserver, SyncUserapi, SyncapiContext } from './context.ts';
import { type SyncapiRouteParts, mountSyncapi } from './routes.ts';
import { selectLocalMemberships } from './storage/current-room-state.ts';
import { selectLastChange } from './storage/memberships.ts';
import { selectAllPeeks } from './storage/peeks.ts';
import { selectRoomPositions } from './storage/output-room-events.ts';
import { SYNCAPI_MIGRATIONS } from './storage/migrations/index.ts';
import { selectPositions } from './storage/stream-positions.ts';
import { deleteTxnsBefore } from './storage/to-device-txns.ts';
import type { KeyserverApi } from '../keyserver/api.ts';
import { NO_DEVICE_LISTS, deviceListsFromKeyserver } from './streams/device-lists.ts';
import { EventCache } from './sync/event-cache.ts';
import { FilterLookup } from './sync/filter-lookup.ts';
import { HistoryCache } from './sync/history-cache.ts';
import { SyncHandler } from './sync/handler.ts';
import { IgnoredUsers } from './sync/ignored-users.ts';
import { LazyMembers } from './sync/lazy-members.ts';
import { Notifier } from './sync/notifier.ts';
import { Peeks } from './sync/peeks.ts';
import { PresenceUpdates } from './sync/presence-updates.ts';
import { ConsumerProgress } from './sync/progress.ts';
import { RecentEvents } from './sync/recent-events.ts';
import { formatSyncToken, type StreamKey } from './sync/token.ts';
import { TypingState } from './sync/typing-state.ts';
import { UnreadCounts } from './sync/unread-counts.ts';

export interface SyncapiDeps {
  roomserver: SyncRoomserver;
  userapi: SyncUserapi;
  /** device_lists and key counts in /sync; without it they are left out. */
  keyserver?: Pick<KeyserverApi, 'deviceListPosition' | 'keyChanges' | 'keyCounts'>;
}

export interface SyncapiParts extends SyncapiDeps {
  db: Database;
  serverName: string;
  bus: Bus;
  log: Logger;
  presence: { inbound: boolean; outbound: boolean };
  /** Event bodies kept in memory (default 10,000). */
  eventCacheSize?: number;
  now?: () => number;
}

export interface SyncapiComponent extends Component<SyncApi> {
  /** For tests and benchmarks: the shared parts. */
  readonly ctx: SyncapiContext;
}

const DAY_MS = 24 * 3600_000;

export async function migrateSyncapi(db: Database, log?: Logger): Promise<void> {
  await runMigrations(db, 'syncapi', SYNCAPI_MIGRATIONS, log);
}

/** Builds the component over a database whose sync API tables are migrated. */
export async function buildSyncapi(parts: SyncapiParts): Promise<SyncapiComponent> {
  const notifier = new Notifier();
  const ctx: SyncapiContext = {
    db: parts.db,
    serverName: parts.serverName,
    bus: parts.bus,
    log: parts.log,
    roomserver: parts.roomserver,
    userapi: parts.userapi,
    presence: parts.presence,
    events: new EventCache(parts.roomserver, parts.eventCacheSize),
    recent: new RecentEvents(),
    histories: new HistoryCache(),
    unread: new UnreadCounts(),
    peeks: new Peeks(),
    notifier,
    typing: new TypingState((roomId, pos) => {
      notifier.setPosition('typing', pos);
      notifier.wakeRoom(roomId);
    }),
    ignored: new IgnoredUsers(parts.userapi),
    lazyMembers: new LazyMembers(),
    progress: new ConsumerProgress(),
    deviceLists: parts.keyserver ? deviceListsFromKeyserver(parts.keyserver) : NO_DEVICE_LISTS,
    now: parts.now ?? Date.now,
  };
  await loadNotifier(ctx);
  const routeParts: SyncapiRouteParts = {
    handler: new SyncHandler(ctx),
    filters: new FilterLookup(ctx),
    presence: new PresenceUpdates(ctx),
  };
  const subs: Subscription[] = [];
  let sweeper: ReturnType<typeof setInterval> | undefined;
  return {
    ctx,
    api: {
      currentToken: async () => formatSyncToken(await routeParts.handler.currentToken()),
    },
    mountRoutes(app, deps) {
      mountSyncapi(app, deps, ctx, routeParts);
    },
    async start() {
      subs.push(await startRoomEventsConsumer(ctx));
      subs.push(await startClientDataConsumer(ctx));
      subs.push(await startReceiptsConsumer(ctx));
      subs.push(await startTypingConsumer(ctx));
      subs.push(await startSendToDeviceConsumer(ctx));
      subs.push(await startPresenceConsumer(ctx));
      subs.push(await startNotificationDataConsumer(ctx));
      if (parts.keyserver) subs.push(await startKeyChangesConsumer(ctx));
      // Clients retry a to-device transaction within seconds; a day of memory is plenty.
      sweeper = setInterval(() => {
        ctx.db.transaction((tx) => deleteTxnsBefore(tx, ctx.now() - DAY_MS)).catch((error) => ctx.log.warn('to-device txn sweep failed', { error }));
      }, 3600_000);
      (sweeper as { unref?: () => void }).unref?.();
    },
    async close() {
      if (sweeper !== undefined) clearInterval(sweeper);
      for (const s of subs.splice(0)) await s.stop();
      ctx.typing.close();
    },
  };
}

/** The notifier starts from the committed positions and the local users' joined rooms. */
async function loadNotifier(ctx: SyncapiContext): Promise<void> {
  for (const [stream, pos] of await selectPositions(ctx.db)) ctx.notifier.setPosition(stream as StreamKey, pos);
  ctx.notifier.setPosition('deviceList', await ctx.deviceLists.latest());
  for (const [roomId, pos] of await selectRoomPositions(ctx.db)) ctx.notifier.roomEvent(roomId, pos, false);
  ctx.notifier.membershipChangedAt(await selectLastChange(ctx.db));
  await ctx.peeks.load(ctx);
  for (const p of await selectAllPeeks(ctx.db)) ctx.notifier.addRoomMember(p.roomId, p.userId);
  const suffix = `:${ctx.serverName}`;
  for (const m of await selectLocalMemberships(ctx.db, suffix, [Membership.Join])) {
    if (m.userId.endsWith(suffix)) ctx.notifier.addRoomMember(m.roomId, m.userId);
  }
}

export async function createSyncapi(base: Base, deps: SyncapiDeps): Promise<Component<SyncApi>> {
  const log = base.log.child('syncapi');
  const db = await base.openDatabase(base.config.sync_api.database);
  await migrateSyncapi(db, log);
  const component = await buildSyncapi({
    ...deps,
    db,
    serverName: base.serverName,
    bus: base.bus,
    log,
    presence: { inbound: base.config.global.presence.enable_inbound, outbound: base.config.global.presence.enable_outbound },
  });
  return {
    api: component.api,
    mountRoutes: component.mountRoutes,
    start: component.start,
    async close() {
      await component.close();
      await db.close();
    },
  };
}
