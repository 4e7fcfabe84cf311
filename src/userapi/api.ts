// The user API: accounts, devices and access tokens, profiles, account data, user-interactive
// auth sessions, registration tokens, one-time tokens, and push (rules, pushers, notifications
// and their unread counts). The only file other components import.
// Every method takes and returns plain JSON, so the same interface works in process (monolith)
// and over the internal HTTP adapter (polylith, src/rpc/adapter.ts). The adapter delivers a null
// result as undefined, so callers test "no value" (`== null`, `!x`) rather than `=== null`.
import type { Requester } from '../http/env.ts';

/** Account kinds, as Dendrite's account types: guests get numeric localparts and fewer rights. */
export type AccountKind = 'user' | 'guest' | 'admin' | 'appservice';

export interface Account {
  userId: string;
  localpart: string;
  kind: AccountKind;
  createdTs: number;
  deactivated: boolean;
  /** The application service that registered this account, for kind 'appservice'. */
  appserviceId?: string;
}

export interface CreateAccountRequest {
  localpart: string;
  /** Plain password, hashed here; or an already computed hash (from `hashPassword`). */
  password?: string;
  passwordHash?: string;
  kind: AccountKind;
  appserviceId?: string;
  /** Initial display name; the localpart when not given (guests get none). */
  displayName?: string;
}

export interface Device {
  deviceId: string;
  userId: string;
  displayName?: string;
  createdTs: number;
  lastSeenTs?: number;
  lastSeenIp?: string;
  lastSeenUserAgent?: string;
}

export interface CreateDeviceRequest {
  userId: string;
  /** Reused when it names an existing device of the user: its old access token stops working. */
  deviceId?: string;
  displayName?: string;
  ip?: string;
  userAgent?: string;
}

/** Where a request came from, to keep a device's last-seen IP, time and user agent. */
export interface SeenFrom {
  ip?: string;
  userAgent?: string;
}

/** A user's profile as the spec's GET /profile/{userId} returns it. */
export type Profile = Record<string, unknown> & { displayname?: string; avatar_url?: string };

export interface AccountDataSnapshot {
  global: Record<string, Record<string, unknown>>;
  rooms: Record<string, Record<string, Record<string, unknown>>>;
}

/** Published on the OutputClientData stream (src/bus/streams.ts) whenever account data changes. */
export interface OutputClientData {
  userId: string;
  /** '' for global account data. */
  roomId: string;
  type: string;
}

/**
 * Key of a UIA session's data under which the client API records the registration token it
 * reserved: the use is completed with the registration, or given back when the session expires.
 */
export const RESERVED_TOKEN_KEY = 'registration_token';

/** A user-interactive authentication session (Client-Server API, "User-Interactive Authentication API"). */
export interface UiaSession {
  id: string;
  /** What the session authorises (method and path); a session cannot be reused for another. */
  operation: string;
  completed: string[];
  /** The user the completed stages authenticated, once a stage identified one. */
  userId?: string;
  /** Parameters remembered between requests (registration keeps its username, device…). */
  data: Record<string, unknown>;
  createdTs: number;
}

export interface RegistrationToken {
  token: string;
  /** null: unlimited. */
  usesAllowed: number | null;
  pending: number;
  completed: number;
  /** Milliseconds since the epoch; null: never expires. */
  expiryTime: number | null;
  valid: boolean;
}

export interface NewRegistrationToken {
  /** Chosen by the server (`length` characters) when absent. */
  token?: string;
  length?: number;
  usesAllowed?: number | null;
  expiryTime?: number | null;
}


// Push (Client-Server API, "Push Notifications"): rules, pushers, notifications and their counts.

/** The kinds of push rules, in the order they are evaluated ("Push Rules"). */
export const PUSH_RULE_KINDS = ['override', 'content', 'room', 'sender', 'underride'] as const;
export type PushRuleKind = (typeof PUSH_RULE_KINDS)[number];

/** A condition of an override or underride rule (push_condition.yaml). Unknown kinds never match. */
export interface PushCondition {
  kind: string;
  key?: string;
  pattern?: string;
  is?: string;
  value?: string | number | boolean | null;
  [extra: string]: unknown;
}

/** `notify`, a historical `dont_notify`/`coalesce` (kept as set, ignored when evaluating), or a tweak. */
export type PushAction = string | { set_tweak: string; value?: unknown; [extra: string]: unknown };

/** A rule as GET /pushrules returns it (push_rule.yaml). */
export interface PushRule {
  rule_id: string;
  default: boolean;
  enabled: boolean;
  actions: PushAction[];
  conditions?: PushCondition[];
  pattern?: string;
}

/** The `global` ruleset (push_ruleset.yaml): every kind, in evaluation order within each. */
export type PushRuleset = Record<PushRuleKind, PushRule[]>;

export interface SetPushRuleRequest {
  userId: string;
  kind: PushRuleKind;
  ruleId: string;
  /** The request body: actions, and conditions (override/underride) or pattern (content). */
  rule: { actions: unknown; conditions?: unknown; pattern?: unknown };
  /** User-defined rule IDs of the same kind to place the rule next to. */
  before?: string;
  after?: string;
}

/** A pusher as GET /pushers returns it (pusher.yaml). */
export interface Pusher {
  pushkey: string;
  kind: string;
  app_id: string;
  app_display_name: string;
  device_display_name: string;
  profile_tag?: string;
  lang: string;
  data: Record<string, unknown>;
}

/** The body of POST /pushers/set; `kind: null` deletes the pusher. */
export interface SetPusherRequest {
  pushkey: string;
  kind: string | null;
  app_id: string;
  app_display_name?: string;
  device_display_name?: string;
  profile_tag?: string;
  lang?: string;
  data?: Record<string, unknown>;
  append?: boolean;
}

/** A stored notification (GET /notifications), without its event: callers fetch that by ID. */
export interface NotificationEntry {
  room_id: string;
  event_id: string;
  /** When the notification was made, in milliseconds. */
  ts: number;
  actions: PushAction[];
  read: boolean;
  highlight: boolean;
  /** Thread root, or '' for the main timeline. */
  threadId: string;
}

export interface NotificationPage {
  notifications: NotificationEntry[];
  /** The `from` of the next page; absent on the last one. */
  nextToken?: string;
}

export interface UnreadCounts {
  notification_count: number;
  highlight_count: number;
}

/**
 * A room's unread counts for /sync (Client-Server API, "Receiving notifications"). The top-level
 * counts cover the whole room; with unread_thread_notifications a client gets `main` as the room's
 * unread_notifications and `threads` as its unread_thread_notifications.
 */
export interface RoomNotificationCounts extends UnreadCounts {
  /** The main timeline alone. */
  main: UnreadCounts;
  /** Per thread root; only threads with unread notifications are listed. */
  threads: Record<string, UnreadCounts>;
}

export interface UserApi {
  // Accounts
  /** Throws M_USER_IN_USE when the localpart is taken (deactivated accounts keep theirs). */
  createAccount(req: CreateAccountRequest): Promise<Account>;
  /** null when the user is not a local account. */
  getAccount(userId: string): Promise<Account | null>;
  isLocalpartAvailable(localpart: string): Promise<boolean>;
  /** A free numeric localpart, for guests and registrations without a username. */
  nextNumericLocalpart(): Promise<string>;
  /** bcrypt at user_api.bcrypt_cost; lets callers remember a password without keeping it. */
  hashPassword(password: string): Promise<string>;
  /** The account when the password matches (deactivated ones too: callers decide), else null. */
  verifyPassword(userId: string, password: string): Promise<Account | null>;
  /** With logoutDevices, every device but `keepDeviceId` is deleted. */
  setPassword(req: { userId: string; password: string; logoutDevices: boolean; keepDeviceId?: string }): Promise<void>;
  /** Deletes every device and token; the localpart stays taken. `erase` also clears profile and account data. */
  deactivateAccount(userId: string, opts?: { erase?: boolean }): Promise<void>;
  isAdmin(userId: string): Promise<boolean>;

  // Devices and access tokens
  createDevice(req: CreateDeviceRequest): Promise<{ deviceId: string; accessToken: string }>;
  /** Runs on every authenticated request: answered from a cache after the first lookup. */
  queryAccessToken(token: string, seen?: SeenFrom): Promise<Requester | null>;
  listDevices(userId: string): Promise<Device[]>;
  getDevice(userId: string, deviceId: string): Promise<Device | null>;
  /** false when the user has no such device. */
  updateDevice(userId: string, deviceId: string, update: { displayName?: string | null }): Promise<boolean>;
  /** Deletes devices and their tokens; unknown IDs are ignored. Returns the IDs deleted. */
  deleteDevices(userId: string, deviceIds: string[]): Promise<string[]>;
  /** Deletes every device of the user except `keepDeviceId`. Returns the IDs deleted. */
  deleteAllDevices(userId: string, keepDeviceId?: string): Promise<string[]>;

  // Profiles
  /** null when the user is not a local account. */
  getProfile(userId: string): Promise<Profile | null>;
  /** Throws M_NOT_FOUND for unknown users, M_PROFILE_TOO_LARGE past 64 KiB. */
  setProfileField(userId: string, field: string, value: unknown): Promise<void>;
  deleteProfileField(userId: string, field: string): Promise<void>;

  // Account data
  /** roomId '' is global account data. null when never set. */
  getAccountData(userId: string, roomId: string, type: string): Promise<Record<string, unknown> | null>;
  /** Stores and publishes an OutputClientData message. */
  setAccountData(userId: string, roomId: string, type: string, content: Record<string, unknown>): Promise<void>;
  allAccountData(userId: string): Promise<AccountDataSnapshot>;

  // User-interactive auth sessions (shared by every client API process through the database)
  createUiaSession(req: { operation: string; data?: Record<string, unknown> }): Promise<UiaSession>;
  /** null when unknown or expired. */
  getUiaSession(sessionId: string): Promise<UiaSession | null>;
  /** Adds a completed stage (once) and, when given, the user it authenticated. */
  completeUiaStage(sessionId: string, stage: string, userId?: string): Promise<UiaSession>;
  /** Merges keys into the session's data. */
  updateUiaSessionData(sessionId: string, data: Record<string, unknown>): Promise<void>;
  deleteUiaSession(sessionId: string): Promise<void>;

  // Registration tokens (Client-Server API, "Token-authenticated registration")
  createRegistrationToken(req: NewRegistrationToken): Promise<RegistrationToken>;
  getRegistrationToken(token: string): Promise<RegistrationToken | null>;
  listRegistrationTokens(): Promise<RegistrationToken[]>;
  updateRegistrationToken(token: string, update: { usesAllowed?: number | null; expiryTime?: number | null }): Promise<RegistrationToken | null>;
  deleteRegistrationToken(token: string): Promise<void>;
  /** Counts a use as pending when the token is valid now; false otherwise. */
  reserveRegistrationToken(token: string): Promise<boolean>;
  /** Turns a pending use into a completed one (registration finished). */
  completeRegistrationToken(token: string): Promise<void>;
  /** Gives back a pending use (the session that reserved it expired). */
  releaseRegistrationToken(token: string): Promise<void>;


  // Push rules (Client-Server API, "Push Rules: API"), kept as m.push_rules account data
  /** The user's `global` ruleset: their own rules and the server-default ones. */
  getPushRules(userId: string): Promise<PushRuleset>;
  /** Creates or updates a user-defined rule. M_INVALID_PARAM for bad IDs or bodies, M_UNKNOWN (400) for an unknown before/after. */
  setPushRule(req: SetPushRuleRequest): Promise<void>;
  /** M_NOT_FOUND for unknown rules; server-default rules cannot be deleted (M_INVALID_PARAM). */
  deletePushRule(userId: string, kind: PushRuleKind, ruleId: string): Promise<void>;
  setPushRuleEnabled(userId: string, kind: PushRuleKind, ruleId: string, enabled: boolean): Promise<void>;
  setPushRuleActions(userId: string, kind: PushRuleKind, ruleId: string, actions: unknown): Promise<void>;

  // Pushers (Client-Server API, "Client behaviour")
  getPushers(userId: string): Promise<Pusher[]>;
  /** Creates, updates or (kind null) deletes; the pusher goes when `deviceId` is deleted. */
  setPusher(userId: string, deviceId: string | null, req: SetPusherRequest): Promise<void>;

  // Notifications
  /** Newest first; `from` is a previous page's nextToken; `only: 'highlight'` filters. */
  getNotifications(userId: string, opts: { from?: string | null; limit?: number | null; only?: string | null }): Promise<NotificationPage>;
  /** Unread counts of the given rooms (rooms without any are listed with zeros). */
  notificationCounts(userId: string, roomIds: string[]): Promise<Record<string, RoomNotificationCounts>>;

  // One-time tokens
  /** m.login.token (Client-Server API, "POST /login/get_token"). */
  createLoginToken(userId: string, ttlMs?: number): Promise<{ token: string; expiresInMs: number }>;
  /** The user ID, once; null when unknown, used or expired. */
  consumeLoginToken(token: string): Promise<string | null>;
  /** Nonce for the shared-secret registration (Synapse admin API), valid 60 s. */
  createRegistrationNonce(): Promise<string>;
  /** true once per nonce, while it is fresh. */
  consumeRegistrationNonce(nonce: string): Promise<boolean>;
}

export const USERAPI_METHODS = [
  'createAccount',
  'getAccount',
  'isLocalpartAvailable',
  'nextNumericLocalpart',
  'hashPassword',
  'verifyPassword',
  'setPassword',
  'deactivateAccount',
  'isAdmin',
  'createDevice',
  'queryAccessToken',
  'listDevices',
  'getDevice',
  'updateDevice',
  'deleteDevices',
  'deleteAllDevices',
  'getProfile',
  'setProfileField',
  'deleteProfileField',
  'getAccountData',
  'setAccountData',
  'allAccountData',
  'createUiaSession',
  'getUiaSession',
  'completeUiaStage',
  'updateUiaSessionData',
  'deleteUiaSession',
  'createRegistrationToken',
  'getRegistrationToken',
  'listRegistrationTokens',
  'updateRegistrationToken',
  'deleteRegistrationToken',
  'reserveRegistrationToken',
  'completeRegistrationToken',
  'releaseRegistrationToken',
  'createLoginToken',
  'consumeLoginToken',
  'createRegistrationNonce',
  'consumeRegistrationNonce',
  'getPushRules',
  'setPushRule',
  'deletePushRule',
  'setPushRuleEnabled',
  'setPushRuleActions',
  'getPushers',
  'setPusher',
  'getNotifications',
  'notificationCounts',
] as const satisfies readonly (keyof UserApi)[];
