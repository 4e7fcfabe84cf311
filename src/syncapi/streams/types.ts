// The pieces of a /sync response and the one interface every sync stream implements. A stream
// adds its part of the response for the positions (from, to] of its own slot in the token
// (from = 0 for an initial sync) and returns the position it got to: usually `to`, less when it
// stopped early (to-device messages are sent in batches).
import type { JsonObject } from '../../protocol/event.ts';
import type { SyncapiContext } from '../context.ts';
import type { Filter } from '../sync/filter.ts';
import type { StreamKey, SyncToken } from '../sync/token.ts';
import type { Histories } from '../sync/visibility.ts';

export interface EventBatch {
  events: JsonObject[];
}

export interface TimelineBatch extends EventBatch {
  limited: boolean;
  prev_batch?: string;
}

export interface JoinedRoom {
  timeline: TimelineBatch;
  state: EventBatch;
  state_after?: EventBatch;
  ephemeral: EventBatch;
  account_data: EventBatch;
  summary?: Record<string, unknown>;
  unread_notifications?: { highlight_count: number; notification_count: number };
  unread_thread_notifications?: Record<string, { highlight_count: number; notification_count: number }>;
}

export interface LeftRoom {
  timeline: TimelineBatch;
  state: EventBatch;
  state_after?: EventBatch;
  account_data: EventBatch;
}

export interface SyncResponse {
  next_batch: string;
  rooms: {
    join: Record<string, JoinedRoom>;
    invite: Record<string, { invite_state: EventBatch }>;
    leave: Record<string, LeftRoom>;
    knock: Record<string, { knock_state: EventBatch }>;
    /** MSC2753: rooms this device peeks into; only present when there are some. */
    peek?: Record<string, JoinedRoom>;
  };
  presence: EventBatch;
  account_data: EventBatch;
  to_device: EventBatch;
  device_lists?: { changed: string[]; left: string[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
}

export interface SyncRequest {
  ctx: SyncapiContext;
  userId: string;
  deviceId: string;
  filter: Filter;
  /** null for an initial sync. */
  since: SyncToken | null;
  to: SyncToken;
  fullState: boolean;
  useStateAfter: boolean;
  now: number;
  histories: Histories;
  ignored: Set<string>;
  response: SyncResponse;
  /** Set by the PDU stream for the streams after it: rooms joined at `to`. */
  joinedRooms: Set<string>;
  /** Rooms joined in this window (or every joined room of an initial sync). */
  newlyJoinedRooms: Set<string>;
}

export interface SyncStream {
  readonly key: StreamKey;
  sync(req: SyncRequest, from: number, to: number): Promise<number>;
}

export function emptyResponse(): SyncResponse {
  return {
    next_batch: '',
    rooms: { join: {}, invite: {}, leave: {}, knock: {} },
    presence: { events: [] },
    account_data: { events: [] },
    to_device: { events: [] },
  };
}

/** The response entry of a joined room, created empty on first use. */
export function joinedRoom(req: SyncRequest, roomId: string): JoinedRoom {
  let room = req.response.rooms.join[roomId];
  if (!room) {
    room = {
      timeline: { events: [], limited: false },
      state: { events: [] },
      ephemeral: { events: [] },
      account_data: { events: [] },
    };
    req.response.rooms.join[roomId] = room;
  }
  return room;
}

/** Whether a response carries anything for the client (an empty one waits for the timeout). */
export function hasContent(r: SyncResponse): boolean {
  const rooms = r.rooms;
  return (
    Object.keys(rooms.join).length > 0 ||
    Object.keys(rooms.invite).length > 0 ||
    Object.keys(rooms.leave).length > 0 ||
    Object.keys(rooms.knock).length > 0 ||
    Object.keys(rooms.peek ?? {}).length > 0 ||
    r.presence.events.length > 0 ||
    r.account_data.events.length > 0 ||
    r.to_device.events.length > 0 ||
    (r.device_lists !== undefined && (r.device_lists.changed.length > 0 || r.device_lists.left.length > 0))
  );
}
