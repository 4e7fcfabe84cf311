// The sync API: what other components may import. It serves /sync and the history endpoints from
// its own indexes (positions, NIDs, memberships; never event JSON) and owns the ephemeral streams.
// The bus messages below are the contracts of the streams it publishes and consumes, so that in a
// polylith other components (federation) can follow them or feed them.

/** Published on OutputTypingEvent (subject OutputTypingEvent), header room_id. */
export interface OutputTypingEvent {
  roomId: string;
  userId: string;
  typing: boolean;
  /** How long the typing lasts unless renewed (Client-Server API, "Typing Notifications"). */
  timeoutMs: number;
}

/** Published on OutputReceiptEvent, header room_id. */
export interface OutputReceiptEvent {
  roomId: string;
  userId: string;
  /** m.read or m.read.private (m.fully_read is account data, not a receipt). */
  receiptType: string;
  eventId: string;
  /** "main", a thread root's event ID, or absent for an unthreaded receipt. */
  threadId?: string;
  ts: number;
}

/** Published on OutputSendToDeviceEvent, header user_id (the recipient). */
export interface OutputSendToDeviceEvent {
  sender: string;
  /** The recipient; other servers' users are for the federation sender. */
  userId: string;
  /** A device ID of the recipient; '*' is expanded by the sender before publishing. */
  deviceId: string;
  type: string;
  content: Record<string, unknown>;
}

/** Published on OutputPresenceEvent, header user_id. */
export interface OutputPresenceEvent {
  userId: string;
  presence: 'online' | 'offline' | 'unavailable';
  statusMsg?: string | null;
  lastActiveTs: number;
}

/**
 * Consumed from OutputNotificationData (header user_id): a room's unread counts for a user, as
 * computed by whoever evaluates push rules (the user API). The sync API only relays them.
 */
export interface OutputNotificationData {
  userId: string;
  roomId: string;
  notificationCount: number;
  highlightCount: number;
}

/**
 * The streams of a sync token, in the order of its positions:
 * `s<pdu>_<typing>_<receipt>_<invite>_<to_device>_<account_data>_<device_list>_<notification>_<presence>`.
 */
export const SYNC_TOKEN_STREAMS = [
  'pdu',
  'typing',
  'receipt',
  'invite',
  'toDevice',
  'accountData',
  'deviceList',
  'notification',
  'presence',
] as const;

/** The device-list position of a sync token (GET /keys/changes takes `from`/`to` as sync tokens). */
export function deviceListPositionOf(syncToken: string): number | undefined {
  const parts = /^s\d+(?:_\d+)*$/.test(syncToken) ? syncToken.slice(1).split('_') : [];
  const i = SYNC_TOKEN_STREAMS.indexOf('deviceList');
  if (parts.length === 0) return undefined;
  return parts.length > i ? Number(parts[i]) : 0;
}

export interface SyncApi {
  /** The current position of every sync stream, as a `since` token (tests, benchmarks). */
  currentToken(): Promise<string>;
}

export const SYNCAPI_METHODS = ['currentToken'] as const satisfies readonly (keyof SyncApi)[];
