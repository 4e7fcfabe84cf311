// What every route file of the client API is given: the config, the other components' APIs and
// the user-interactive auth helper. Built once by index.ts.
import type { Config } from '../config/types.ts';
import type { FederationApi } from '../federationapi/api.ts';
import type { KeyserverApi } from '../keyserver/api.ts';
import type { RoomserverApi } from '../roomserver/api.ts';
import type { Logger } from '../setup/logger.ts';
import type { UserApi } from '../userapi/api.ts';
import type { Uia } from './uia/index.ts';

/** Rooms and users of other servers: membership handshakes, remote profiles, aliases, directories. */
export type ClientapiFederation = Pick<
  FederationApi,
  'performJoin' | 'performLeave' | 'performKnock' | 'performInvite' | 'queryProfile' | 'queryDirectory' | 'publicRooms'
>;

/** The key server hears of device changes: device lists and keys of deleted devices. */
export type ClientapiKeyserver = Pick<KeyserverApi, 'userDevicesChanged'>;

/** The room server calls the account endpoints make: profile changes and deactivation. */
export type ClientapiRoomserver = Pick<RoomserverApi, 'roomsForUser' | 'stateEvent' | 'sendEvent'>;

/** The room server calls the room endpoints make (create, membership, send, state, directory). */
export type RoomsRoomserver = ClientapiRoomserver &
  Pick<
    RoomserverApi,
    | 'createRoom'
    | 'sentEvent'
    | 'roomVersion'
    | 'currentState'
    | 'stateAfterEvent'
    | 'membership'
    | 'joinedMembers'
    | 'eventsById'
    | 'eventAtTimestamp'
    | 'setAlias'
    | 'resolveAlias'
    | 'removeAlias'
    | 'aliasCreator'
    | 'aliasesForRoom'
    | 'setVisibility'
    | 'visibility'
    | 'publicRooms'
    | 'forget'
    | 'upgradeRoom'
  >;

/** Whether a room server handed to the client API offers everything the room endpoints call. */
export function hasRoomsApi(rs: ClientapiRoomserver | undefined): rs is RoomsRoomserver {
  return rs !== undefined && typeof (rs as Partial<RoomsRoomserver>).createRoom === 'function';
}

export interface ClientapiContext {
  config: Config;
  serverName: string;
  userapi: UserApi;
  /** Absent in a process without a room server (tests of the account endpoints alone). */
  roomserver?: ClientapiRoomserver;
  /** The same room server when it offers the room endpoints' calls; they are mounted only then. */
  rooms?: RoomsRoomserver;
  /** Absent in a process without end-to-end encryption keys (tests of the account endpoints alone). */
  keyserver?: ClientapiKeyserver;
  /** Absent when federation is disabled (global.disable_federation) or in tests without it. */
  federation?: ClientapiFederation;
  uia: Uia;
  log: Logger;
}

/** The context of a room endpoint: `rooms` is there (routes.ts mounts them only then). */
export type RoomsContext = ClientapiContext & { rooms: RoomsRoomserver };
