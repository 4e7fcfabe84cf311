// The key server's API: end-to-end encryption keys of local devices (device keys, one-time and
// fallback keys), cross-signing keys and their signatures, server-side key backups, and the
// device-list stream that tells clients whose devices changed. The only file other components
// import. Every method takes and returns plain JSON, so it works in process and over the internal
// HTTP adapter (src/rpc/adapter.ts).
import type { UserDevicesResponse } from '../federationapi/api.ts';

/** A device's published keys as `/keys/query` returns them (Client-Server API, "Device keys"). */
export type DeviceKeysJson = Record<string, unknown> & {
  user_id: string;
  device_id: string;
  algorithms: string[];
  keys: Record<string, string>;
  signatures: Record<string, Record<string, string>>;
};

/** A cross-signing key (Client-Server API, "Cross-signing"; definitions/cross_signing_key.yaml). */
export type CrossSigningKeyJson = Record<string, unknown> & {
  user_id: string;
  usage: string[];
  keys: Record<string, string>;
  signatures?: Record<string, Record<string, string>>;
};

/** The body of POST /keys/query, and of the federation's /user/keys/query. */
export interface QueryKeysResponse {
  device_keys: Record<string, Record<string, DeviceKeysJson>>;
  master_keys?: Record<string, CrossSigningKeyJson>;
  self_signing_keys?: Record<string, CrossSigningKeyJson>;
  user_signing_keys?: Record<string, CrossSigningKeyJson>;
  failures?: Record<string, Record<string, unknown>>;
}

/** `one_time_keys` of POST /keys/claim: user -> device -> `<algorithm>:<key id>` -> key. */
export type ClaimedKeys = Record<string, Record<string, Record<string, unknown>>>;

/** Users whose device lists changed between two positions of the device-list stream, for one viewer. */
export interface DeviceListChanges {
  /** Users sharing a room with the viewer whose devices or cross-signing keys changed, or who now share one. */
  changed: string[];
  /** Users with whom the viewer no longer shares any room. */
  left: string[];
}

/**
 * Published on the OutputKeyChangeEvent stream (src/bus/streams.ts) after every change of the
 * device-list stream, in position order, so that sync can wake the clients who care. `kind`
 * 'keys' is a change of `userId`'s devices or keys; 'join' and 'leave' are `userId`'s membership
 * of `roomId` changing (the key server records these from OutputRoomEvent because "now share a
 * room" and "left" are device-list changes too).
 */
export interface OutputKeyChangeEvent {
  position: number;
  userId: string;
  kind: 'keys' | 'join' | 'leave';
  roomId?: string;
  /** Set when only this user may learn of the change (user-signing keys and their signatures are private). */
  onlyFor?: string;
}

export interface KeyserverApi {
  // Devices (called by the client API after the user API created, renamed or deleted devices)
  /**
   * The user's set of devices (or a device's name) changed. Keys of devices the user API no
   * longer has are deleted with their one-time and fallback keys, and one device-list change is
   * recorded, so the users who share a room with `userId` (and `userId`'s other devices) refetch.
   */
  userDevicesChanged(userId: string): Promise<void>;

  // Sync (device_lists, device_one_time_keys_count, device_unused_fallback_key_types)
  /** The newest position of the device-list stream; sync keeps it in its tokens. */
  deviceListPosition(): Promise<number>;
  /** What `viewer` must be told about positions in (from, to]. */
  keyChanges(viewer: string, from: number, to: number): Promise<DeviceListChanges>;
  /** Unclaimed one-time keys of a device, per algorithm (absent algorithms: 0). */
  oneTimeKeyCounts(userId: string, deviceId: string): Promise<Record<string, number>>;
  /** Algorithms for which the device has a fallback key that no claim has returned yet. */
  unusedFallbackKeyTypes(userId: string, deviceId: string): Promise<string[]>;
  /** Both of the above in one call, the shape of the sync API's DeviceListSource.keyCounts. */
  keyCounts(userId: string, deviceId: string): Promise<{ oneTimeKeys: Record<string, number>; fallbackKeyTypes: string[] }>;

  // Federation (answers for other servers' /user/keys/query and /user/keys/claim)
  /** Keys of local users only. `requester` decides which signatures are visible (a remote user: none of ours). */
  queryLocalKeys(requester: string, deviceKeys: Record<string, string[]>): Promise<QueryKeysResponse>;
  /** Claims one-time (else fallback) keys of local devices, each key handed out once. */
  claimLocalKeys(oneTimeKeys: Record<string, Record<string, string>>): Promise<ClaimedKeys>;
}

export const KEYSERVER_METHODS = [
  'userDevicesChanged',
  'deviceListPosition',
  'keyChanges',
  'oneTimeKeyCounts',
  'unusedFallbackKeyTypes',
  'keyCounts',
  'queryLocalKeys',
  'claimLocalKeys',
] as const satisfies readonly (keyof KeyserverApi)[];

/**
 * How the key server reaches other servers' keys (federation's /user/keys/query and /claim).
 * Optional: without it remote users are reported under `failures`.
 */
export interface KeyserverFederation {
  queryKeys(server: string, deviceKeys: Record<string, string[]>, timeoutMs: number): Promise<QueryKeysResponse>;
  claimKeys(server: string, oneTimeKeys: Record<string, Record<string, string>>, timeoutMs: number): Promise<{ one_time_keys: ClaimedKeys }>;
  /** GET /user/devices/{userId} on the user's server: a remote user's whole device list (resyncs). */
  userDevices?(userId: string): Promise<UserDevicesResponse>;
}
