// The federation API: the only file other components import. It serves /_matrix/federation and
// /_matrix/key, keeps other servers' signing keys, checks their signed requests, takes their
// transactions in, and sends ours out. Other components reach other servers through it.
// Every method takes and returns plain JSON, so it works in process and over the internal API.
import type { ClaimedKeys, QueryKeysResponse } from '../keyserver/api.ts';
import type { PublicRoomsResponse } from '../roomserver/api.ts';

/** A request from another server, as far as its X-Matrix signature covers it. */
export interface SignedRequest {
  method: string;
  /** The request target as received: path and query. */
  uri: string;
  /** The Authorization header; undefined when absent. */
  authorization: string | undefined;
  /** The parsed JSON body; undefined when there is none. */
  content?: unknown;
}

/** GET /_matrix/federation/v1/user/devices/{userId} (user_devices.yaml). */
export interface UserDevicesResponse {
  user_id: string;
  stream_id: number;
  devices: { device_id: string; keys?: Record<string, unknown>; device_display_name?: string }[];
  master_key?: Record<string, unknown>;
  self_signing_key?: Record<string, unknown>;
}

/** Options of POST /_matrix/federation/v1/publicRooms (public_rooms.yaml). */
export interface RemotePublicRoomsRequest {
  limit?: number;
  since?: string;
  filter?: { generic_search_term?: string; room_types?: (string | null)[] };
  include_all_networks?: boolean;
  third_party_instance_id?: string;
}

export interface FederationApi {
  /** Checks another server's signed request (X-Matrix); its origin, or M_UNAUTHORIZED (401/400). */
  verifyRequest(req: SignedRequest): Promise<{ origin: string }>;
  /** Servers with a joined member in the room, as the room's current state says (us included). */
  joinedHosts(roomId: string): Promise<string[]>;

  // Other servers, asked on behalf of our components. Errors come back as MatrixErrors with the
  // remote errcode and status; an unreachable server is M_UNKNOWN with status 502.
  /** POST /user/keys/query to `server` (the key server's remote /keys/query). */
  queryKeys(server: string, deviceKeys: Record<string, string[]>, timeoutMs: number): Promise<QueryKeysResponse>;
  /** POST /user/keys/claim to `server`. */
  claimKeys(server: string, oneTimeKeys: Record<string, Record<string, string>>, timeoutMs: number): Promise<{ one_time_keys: ClaimedKeys }>;
  /** GET /user/devices/{userId} on the user's server. */
  userDevices(userId: string): Promise<UserDevicesResponse>;
  /** GET /query/profile on the user's server; `field` limits the answer to one field. */
  queryProfile(userId: string, field?: string): Promise<Record<string, unknown>>;
  /** GET /query/directory on the alias's server. */
  queryDirectory(alias: string): Promise<{ room_id: string; servers: string[] }>;
  /** POST /publicRooms on `server`. */
  publicRooms(server: string, req: RemotePublicRoomsRequest): Promise<PublicRoomsResponse>;

  // Taking part in rooms this server is not in, for our users (Server-Server API, "Joining
  // Rooms", "Inviting to a room", "Leaving Rooms", "Knocking upon a room"). `servers` are tried in
  // order; the resident's refusal (M_FORBIDDEN, M_INCOMPATIBLE_ROOM_VERSION…) comes back as it is.
  /** make_join and send_join through one of `servers`; resolves once our join is stored here. */
  performJoin(req: MembershipRequest): Promise<{ roomId: string; eventId: string }>;
  /** Rejects an invite or retracts a knock through a resident server (make_leave, send_leave). */
  performLeave(req: MembershipRequest): Promise<{ eventId: string }>;
  /** make_knock and send_knock through one of `servers`. */
  performKnock(req: MembershipRequest): Promise<{ eventId: string }>;
  /** Invites another server's user to a room we are in: their server countersigns, then it goes in. */
  performInvite(req: { roomId: string; sender: string; target: string; content: Record<string, unknown> }): Promise<{ eventId: string }>;
  /**
   * History before `fromEventIds` from the servers in the room (/backfill), stored as 'old' events
   * (published as old_room_event). Resolves with the IDs stored, oldest first; empty when none had more.
   */
  backfill(req: { roomId: string; fromEventIds: string[]; limit: number }): Promise<{ eventIds: string[] }>;
}

export interface MembershipRequest {
  roomId: string;
  /** Our user. */
  userId: string;
  /** Servers to go through, in order (via, server_name, the alias's or inviter's server). */
  servers: string[];
  /** Content of the member event besides `membership` (reason, displayname, avatar_url, custom keys). */
  content: Record<string, unknown>;
}

export const FEDERATIONAPI_METHODS = [
  'verifyRequest',
  'joinedHosts',
  'queryKeys',
  'claimKeys',
  'userDevices',
  'queryProfile',
  'queryDirectory',
  'publicRooms',
  'performJoin',
  'performLeave',
  'performKnock',
  'performInvite',
  'backfill',
] as const satisfies readonly (keyof FederationApi)[];

/**
 * Published on the InputDeviceListUpdate stream (header user_id) for every m.device_list_update
 * EDU another server sends us (Server-Server API, "Device Management"). The key server should
 * consume it: apply the update to its copy of the remote user's device list when `prev_id` are
 * all known, else resync with GET /user/devices/{userId} (FederationApi.userDevices), and record
 * a device-list change so local users sharing a room with `user_id` are told in /sync.
 */
export interface InputDeviceListUpdate {
  /** The server that sent the EDU (the user's server: checked). */
  origin: string;
  user_id: string;
  device_id: string;
  device_display_name?: string;
  stream_id: number;
  prev_id?: number[];
  deleted?: boolean;
  keys?: Record<string, unknown>;
}

/**
 * Published on the InputSigningKeyUpdate stream (header user_id) for every m.signing_key_update
 * EDU (Server-Server API, "End-to-End Encryption"). The key server should store the remote
 * user's new master / self-signing keys and record a device-list change for them.
 */
export interface InputSigningKeyUpdate {
  origin: string;
  user_id: string;
  master_key?: Record<string, unknown>;
  self_signing_key?: Record<string, unknown>;
}
