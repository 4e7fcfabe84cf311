// The room server's API: the only file other components import. It owns the room DAG, the state
// at every event and the event JSON (stored once, here). Writers (client API, later federation)
// submit events; readers (sync, federation sender, push, appservices) follow the OutputRoomEvent
// stream and fetch bodies in batches with eventsByNid/eventsById.
import type { JsonObject, PduJson } from '../protocol/event.ts';

/** An event to be built by the room server: it picks prev_events, auth_events and depth. */
export interface EventPrototype {
  type: string;
  stateKey?: string;
  content: JsonObject;
  /** m.room.redaction target (the room server places it per room version). */
  redacts?: string;
}

/** A stored event as readers see it. Redacted events come back already pruned. */
export interface StoredEvent {
  /** The room server's numeric event ID: compact, increasing with storage order. */
  nid: number;
  eventId: string;
  roomId: string;
  roomVersion: string;
  json: PduJson;
  /** Set when a valid redaction has pruned `json`: the redaction's event ID. */
  redactedBecause?: string;
}

export interface SendEventRequest {
  roomId: string;
  sender: string;
  event: EventPrototype;
  /** The sending device's transaction, echoed to that device in /sync as unsigned.transaction_id. */
  txn?: { deviceId: string; txnId: string };
  /** origin_server_ts to use (application services' `ts` parameter); now by default. */
  originServerTs?: number;
  /**
   * Makes the send idempotent for its sender: a later request with the same sender and key stores
   * nothing and answers the first one's event, for a day. The key is the caller's to scope (the
   * client API's name the device, the endpoint and its path parameters, the room among them).
   */
  idempotencyKey?: string;
}

export interface CreateRoomRequest {
  roomVersion: string;
  creator: string;
  /** m.room.create content; the room server adds `creator` (v1–10) and `room_version`. */
  createContent: JsonObject;
  /** Sent in order after the create event, as the creator unless `sender` is given. */
  initialEvents: (EventPrototype & { sender?: string })[];
}

export interface Membership {
  membership: string;
  eventId: string;
  nid: number;
}

export interface PublicRoomsRequest {
  limit?: number;
  since?: string;
  /** Matched against name, topic and canonical alias, case-insensitively. */
  filter?: string;
  /** m.space or null (= rooms without a type). */
  roomTypes?: (string | null)[];
}

export interface PublicRoom {
  room_id: string;
  num_joined_members: number;
  world_readable: boolean;
  guest_can_join: boolean;
  name?: string;
  topic?: string;
  avatar_url?: string;
  canonical_alias?: string;
  join_rule?: string;
  room_type?: string;
}

export interface PublicRoomsResponse {
  chunk: PublicRoom[];
  next_batch?: string;
  prev_batch?: string;
  total_room_count_estimate: number;
}

/**
 * An event built by another server (federation: /send, joins, backfill), already checked for
 * format, content hash and signatures by the caller (Server-Server API, "Checks performed on
 * receipt of a PDU", steps 1–3); the room server does the auth checks (steps 4–6).
 */
export interface InputRoomEvent {
  /** 'new': live, may move the forward extremities, published; 'old': backfilled history, stored
   *  with its state but extremities untouched, published as old_room_event; 'outlier': no state,
   *  no place in the DAG yet (auth chains, the state of a room being joined). */
  kind: 'new' | 'old' | 'outlier';
  pdu: PduJson;
  /** 'new' events: the server to send the event on as; absent when it must not be sent on. */
  sendAsServer?: string;
  /** Needed when the room is not known yet (the events of a room being joined). */
  roomVersion?: string;
  /** The state before the event as event IDs (all stored), when its prev events are not known. */
  stateBefore?: string[];
  /**
   * 'new' events with `stateBefore` only: our own join that another server accepted (send_join).
   * Whatever this server knew of the room is out of date (none of its users were in it), so the
   * event becomes the room's only forward extremity, the state after it the current state, and
   * it is not checked against the old current state (no soft failure).
   */
  resetsRoom?: boolean;
}

/**
 * A membership event of one of our users in a room this server is not in (Server-Server API,
 * "Inviting to a room", "Leaving Rooms (Rejecting Invites)", "Knocking upon a room"): an invite
 * another server asked us to sign, or the leave or knock we sent through a resident server.
 */
export interface OutOfBandMembershipRequest {
  /** Checked by the caller (format, hashes, signatures); `unsigned` is kept (invite_room_state, knock_room_state). */
  pdu: PduJson;
  roomVersion: string;
}

export interface InputRoomEventResult {
  eventId: string;
  /** Absent when nothing was stored ('missing'). */
  nid?: number;
  /** 'missing': auth or prev events are not stored yet; fetch `missing` and send the event again. */
  status: 'accepted' | 'rejected' | 'soft_failed' | 'duplicate' | 'missing';
  /** Why the auth rules rejected it, or why it soft-failed. */
  reason?: string;
  missing?: string[];
}

export interface RoomserverApi {
  /** Builds, signs, authorises and stores an event in a room we are in; resolves once stored. */
  sendEvent(req: SendEventRequest): Promise<{ eventId: string; nid: number }>;
  /** The event an earlier sendEvent of `sender` with this idempotency key stored, if any. */
  sentEvent(sender: string, idempotencyKey: string): Promise<{ eventId: string; nid: number } | null>;
  /** Creates a room: the create event, then initialEvents, atomically and in order. */
  createRoom(req: CreateRoomRequest): Promise<{ roomId: string }>;
  /** Events from other servers, processed in order (each in its room's queue). */
  inputRoomEvents(events: InputRoomEvent[]): Promise<InputRoomEventResult[]>;
  /**
   * Stores an out-of-band membership event: it cannot be authorised here (its auth events are on
   * other servers), so it is kept as an outlier that becomes the user's membership in our view of
   * the room (created with `roomVersion` when unknown), and is published as a new_room_event that
   * changes only that member's state, so sync shows the invite, the rejection or the knock.
   */
  inputOutOfBandMembership(req: OutOfBandMembershipRequest): Promise<InputRoomEventResult>;
  /**
   * The event `sender` would send now in a room we are in, unsigned and not stored, after the
   * auth rules allowed it against the current state (M_FORBIDDEN otherwise): the template of
   * make_join, make_leave and make_knock for another server's user, or the invite we have the
   * invited server sign. A restricted join gets join_authorised_via_users_server when one of our
   * users can vouch (as sendEvent does). Carries `origin` and `origin_server_ts`.
   */
  eventTemplate(req: { roomId: string; sender: string; event: EventPrototype }): Promise<{ roomVersion: string; event: PduJson }>;

  /** null when the room is unknown to this server. */
  roomVersion(roomId: string): Promise<string | null>;
  currentState(roomId: string, filter?: { types?: string[] }): Promise<StoredEvent[]>;
  stateEvent(roomId: string, type: string, stateKey: string): Promise<StoredEvent | null>;
  /** The state after `eventId` (including it, if it is a state event). null when unknown. */
  stateAfterEvent(eventId: string, filter?: { types?: string[] }): Promise<StoredEvent[] | null>;
  /** The state before `eventId` (federation's /state and /state_ids). null when unknown or an outlier. */
  stateBeforeEvent(eventId: string, filter?: { types?: string[] }): Promise<StoredEvent[] | null>;
  membership(roomId: string, userId: string): Promise<Membership | null>;
  /** Rooms where the user's current membership is one of `memberships`. */
  roomsForUser(userId: string, memberships: string[]): Promise<{ roomId: string; membership: string; eventId: string }[]>;
  joinedMembers(roomId: string): Promise<string[]>;
  eventsById(eventIds: string[]): Promise<StoredEvent[]>;
  eventsByNid(nids: number[]): Promise<StoredEvent[]>;
  latestEvents(roomId: string): Promise<{ eventIds: string[]; depth: number }>;
  /** The closest event to `ts` in direction `dir` ('f' after, 'b' before). */
  eventAtTimestamp(roomId: string, ts: number, dir: 'f' | 'b'): Promise<{ eventId: string; originServerTs: number } | null>;

  setAlias(alias: string, roomId: string, creator: string): Promise<void>;
  resolveAlias(alias: string): Promise<{ roomId: string; servers: string[] } | null>;
  removeAlias(alias: string): Promise<{ roomId: string; creator: string } | null>;
  aliasCreator(alias: string): Promise<string | null>;
  aliasesForRoom(roomId: string): Promise<string[]>;

  setVisibility(roomId: string, visibility: 'public' | 'private'): Promise<void>;
  visibility(roomId: string): Promise<'public' | 'private'>;
  publicRooms(req: PublicRoomsRequest): Promise<PublicRoomsResponse>;

  forget(roomId: string, userId: string): Promise<void>;
  isForgotten(roomId: string, userId: string): Promise<boolean>;
  /** Rooms v-upgrade (Client-Server "Room Upgrades"): tombstone, new room, copied state. */
  upgradeRoom(roomId: string, userId: string, newVersion: string): Promise<{ replacementRoom: string }>;
}

export const ROOMSERVER_METHODS = [
  'sendEvent',
  'sentEvent',
  'createRoom',
  'inputRoomEvents',
  'inputOutOfBandMembership',
  'eventTemplate',
  'roomVersion',
  'currentState',
  'stateEvent',
  'stateAfterEvent',
  'stateBeforeEvent',
  'membership',
  'roomsForUser',
  'joinedMembers',
  'eventsById',
  'eventsByNid',
  'latestEvents',
  'eventAtTimestamp',
  'setAlias',
  'resolveAlias',
  'removeAlias',
  'aliasCreator',
  'aliasesForRoom',
  'setVisibility',
  'visibility',
  'publicRooms',
  'forget',
  'isForgotten',
  'upgradeRoom',
] as const satisfies readonly (keyof RoomserverApi)[];

/**
 * Messages on the OutputRoomEvent stream, in the order the room server stored them.
 * State deltas are given as event IDs against the room's previous current state.
 */
export type OutputRoomEvent =
  | {
      kind: 'new_room_event';
      roomId: string;
      roomVersion: string;
      event: StoredEvent;
      /** Current state changes this event caused (usually itself, for a state event). */
      addsStateEventIds: string[];
      removesStateEventIds: string[];
      latestEventIds: string[];
      txn?: { deviceId: string; txnId: string };
      /** Whether to send it to other servers in the room, and as which server. */
      sendAsServer?: string;
      /** m.room.history_visibility in force for this event. */
      historyVisibility: string;
    }
  | {
      /** A backfilled event ('old' input): history before what readers have, no state change. */
      kind: 'old_room_event';
      roomId: string;
      roomVersion: string;
      event: StoredEvent;
      /** m.room.history_visibility in force for this event. */
      historyVisibility: string;
    }
  | {
      kind: 'redacted_event';
      roomId: string;
      redactedEventId: string;
      redactionEventId: string;
    }
  | { kind: 'purge_room'; roomId: string };
