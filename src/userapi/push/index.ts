// Push notifications in the user API (Client-Server API, "Push Notifications"): push rules kept
// as account data, pushers, and, with a room server, the consumers that evaluate every new
// room event for the room's local members, count notifications, read them on receipts and send
// pushes to gateways.
import { STREAM } from '../../bus/streams.ts';
import type { Bus, Subscription } from '../../bus/types.ts';
import type { Logger } from '../../setup/logger.ts';
import type { Database } from '../../storage/types.ts';
import type { OutputRoomEvent } from '../../roomserver/api.ts';
import type { UserApi } from '../api.ts';
import { deleteReadBefore, deleteRoomNotifications } from '../storage/notifications.ts';
import { deletePusher } from '../storage/pushers.ts';
import { BoundedMap } from './bounded-map.ts';
import type { PushContext } from './context.ts';
import { notificationMethods } from './notifications-api.ts';
import { notifyEvent } from './notify-event.ts';
import { pusherMethods } from './pushers-api.ts';
import { consumeReceipts } from './receipts.ts';
import { type PushRoomserver, RoomFacts } from './room-facts.ts';
import { copyRulesOnJoin } from './room-upgrades.ts';
import { RuleStore } from './rule-store.ts';
import { pushRuleMethods } from './rules-api.ts';
import { PushSender } from './sender.ts';
import { ThreadResolver } from './threads.ts';

export type { PushRoomserver };

export const ROOM_EVENTS_DURABLE = 'UserAPIPushRoomEvents';
/** How long read notifications stay listed by GET /notifications. */
const KEEP_READ_MS = 30 * 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;
/** (user, room) pairs remembered as having nothing unread: a few megabytes at most. */
const ALL_READ_PAIRS = 50_000;

export type PushMethods = Pick<
  UserApi,
  | 'getPushRules'
  | 'setPushRule'
  | 'deletePushRule'
  | 'setPushRuleEnabled'
  | 'setPushRuleActions'
  | 'getPushers'
  | 'setPusher'
  | 'getNotifications'
  | 'notificationCounts'
>;

export interface PushParts {
  db: Database;
  serverName: string;
  bus: Bus;
  log: Logger;
  now: () => number;
  /** Where the rules live: the user API's own account data methods. */
  accountData: Pick<UserApi, 'getAccountData' | 'setAccountData'>;
  localpart: (userId: string) => string;
  roomserver?: PushRoomserver;
  disableTlsValidation: boolean;
  /** For tests: how soon failed pushes are retried. */
  retryDelaysMs?: readonly number[];
}

export interface Push {
  methods: PushMethods;
  /** Starts the consumers (only with a room server) and the pruning of old notifications. */
  start(): Promise<void>;
  /** Resolves when no push is queued or in flight (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export function createPush(parts: PushParts): Push {
  const { db, log } = parts;
  const ctx: PushContext = {
    db,
    serverName: parts.serverName,
    bus: parts.bus,
    log,
    now: parts.now,
    rules: new RuleStore(parts.accountData),
    sender: new PushSender({
      log,
      disableTlsValidation: parts.disableTlsValidation,
      retryDelaysMs: parts.retryDelaysMs,
      onRejected: (r) => db.transaction((tx) => deletePusher(tx, parts.localpart(r.userId), r.appId, r.pushkey)).then(() => undefined),
    }),
    roomserver: parts.roomserver,
    rooms: parts.roomserver ? new RoomFacts(parts.roomserver) : undefined,
    threads: parts.roomserver ? new ThreadResolver(parts.roomserver) : undefined,
    allRead: new BoundedMap(ALL_READ_PAIRS),
  };
  const subs: Subscription[] = [];
  let pruner: ReturnType<typeof setInterval> | undefined;

  async function onRoomEvent(msg: OutputRoomEvent): Promise<void> {
    if (msg.kind === 'purge_room') {
      ctx.rooms!.forget(msg.roomId);
      await db.transaction((tx) => deleteRoomNotifications(tx, msg.roomId));
    } else if (msg.kind === 'new_room_event') {
      await notifyEvent(ctx, msg);
      await copyRulesOnJoin(ctx, msg);
    }
  }

  return {
    methods: {
      ...pushRuleMethods(ctx.rules, parts.localpart),
      ...pusherMethods(db, parts.localpart, parts.now),
      ...notificationMethods(db, parts.localpart),
    },
    async start() {
      if (parts.roomserver) {
        subs.push(await parts.bus.consume({ stream: STREAM.OutputRoomEvent, durable: ROOM_EVENTS_DURABLE }, (m) => onRoomEvent(m.json<OutputRoomEvent>())));
        subs.push(await consumeReceipts(ctx));
      }
      pruner = setInterval(() => {
        db.transaction((tx) => deleteReadBefore(tx, parts.now() - KEEP_READ_MS)).catch((error) => log.warn('pruning notifications failed', { error }));
      }, PRUNE_EVERY_MS);
      pruner.unref?.();
    },
    idle: () => ctx.sender.idle(),
    async stop() {
      clearInterval(pruner);
      for (const s of subs.splice(0)) await s.stop();
      await ctx.sender.close();
    },
  };
}
