// What the sync API's parts share: built once by index.ts (or by a test) and handed to the
// consumers, the sync streams and the route files.
import type { Bus } from '../bus/types.ts';
import type { RoomserverApi } from '../roomserver/api.ts';
import type { Logger } from '../setup/logger.ts';
import type { Database } from '../storage/types.ts';
import type { UserApi } from '../userapi/api.ts';
import type { DeviceListSource } from './streams/device-lists.ts';
import type { EventCache } from './sync/event-cache.ts';
import type { HistoryCache } from './sync/history-cache.ts';
import type { IgnoredUsers } from './sync/ignored-users.ts';
import type { LazyMembers } from './sync/lazy-members.ts';
import type { Notifier } from './sync/notifier.ts';
import type { Peeks } from './sync/peeks.ts';
import type { ConsumerProgress } from './sync/progress.ts';
import type { RecentEvents } from './sync/recent-events.ts';
import type { TypingState } from './sync/typing-state.ts';
import type { UnreadCounts } from './sync/unread-counts.ts';

/** The room server calls the sync API makes: event bodies and, rarely, state from its snapshots. */
export type SyncRoomserver = Pick<RoomserverApi, 'eventsByNid' | 'eventsById' | 'stateAfterEvent' | 'membership' | 'stateEvent' | 'resolveAlias'>;

/** The user API calls: account data (content lives there), devices (to-device `*`), per-thread unread counts. */
export type SyncUserapi = Pick<UserApi, 'getAccountData' | 'setAccountData' | 'allAccountData' | 'listDevices' | 'notificationCounts'>;

export interface SyncapiContext {
  db: Database;
  serverName: string;
  bus: Bus;
  log: Logger;
  roomserver: SyncRoomserver;
  userapi: SyncUserapi;
  /** global.presence.enable_inbound/outbound: with both off, presence is off here. */
  presence: { inbound: boolean; outbound: boolean };
  events: EventCache;
  /** The last events of active rooms, for woken long-polls. */
  recent: RecentEvents;
  /** Syncing users' membership histories between requests. */
  histories: HistoryCache;
  unread: UnreadCounts;
  peeks: Peeks;
  notifier: Notifier;
  typing: TypingState;
  ignored: IgnoredUsers;
  lazyMembers: LazyMembers;
  progress: ConsumerProgress;
  deviceLists: DeviceListSource;
  now: () => number;
}

export const presenceEnabled = (ctx: SyncapiContext): boolean => ctx.presence.inbound || ctx.presence.outbound;

export const isLocalUser = (ctx: SyncapiContext, userId: string): boolean => userId.endsWith(`:${ctx.serverName}`);
