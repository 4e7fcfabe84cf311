// The user API: accounts, devices and access tokens, profiles, account data, user-interactive
// auth sessions, registration tokens and one-time tokens. The only file other components import.
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
] as const satisfies readonly (keyof UserApi)[];
