// What the push parts share: built once by index.ts from the user API's context.
import type { Bus } from '../../bus/types.ts';
import type { Logger } from '../../setup/logger.ts';
import type { Database } from '../../storage/types.ts';
import type { BoundedMap } from './bounded-map.ts';
import type { RoomFacts, PushRoomserver } from './room-facts.ts';
import type { RuleStore } from './rule-store.ts';
import type { PushSender } from './sender.ts';
import type { ThreadResolver } from './threads.ts';

export interface PushContext {
  db: Database;
  serverName: string;
  bus: Bus;
  log: Logger;
  now: () => number;
  rules: RuleStore;
  sender: PushSender;
  /** Absent in a user API without a room server: then no events are evaluated. */
  roomserver?: PushRoomserver;
  rooms?: RoomFacts;
  threads?: ThreadResolver;
  /**
   * (localpart, room ID) pairs known to have no unread notification (readKey), so the sender of
   * a message costs no query: only the room events consumer inserts notifications, and it
   * forgets a pair before it inserts one for it.
   */
  allRead: BoundedMap<string, true>;
}

export const readKey = (localpart: string, roomId: string): string => `${localpart}\u0000${roomId}`;
