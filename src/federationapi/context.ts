// What every part of the federation API is given, built once by index.ts. No module keeps any
// of this in a top-level variable, so tests build the component the same way with parts swapped.
import type { Bus } from '../bus/types.ts';
import type { KeyserverApi } from '../keyserver/api.ts';
import { serverNameOf } from '../protocol/identifiers.ts';
import type { RoomserverApi } from '../roomserver/api.ts';
import type { Logger } from '../setup/logger.ts';
import type { Database } from '../storage/types.ts';
import type { UserApi } from '../userapi/api.ts';
import type { AclCache } from './acl.ts';
import type { FederationClient } from './client/client.ts';
import type { KeyRing } from './keys/key-ring.ts';
import type { Notary } from './keys/notary.ts';
import type { OurKeys } from './keys/our-keys.ts';

/** What the federation API asks of the room server. */
export type FederationRoomserver = Pick<
  RoomserverApi,
  | 'inputRoomEvents'
  | 'inputOutOfBandMembership'
  | 'eventTemplate'
  | 'roomVersion'
  | 'currentState'
  | 'stateEvent'
  | 'stateAfterEvent'
  | 'stateBeforeEvent'
  | 'membership'
  | 'roomsForUser'
  | 'joinedMembers'
  | 'eventsById'
  | 'eventsByNid'
  | 'latestEvents'
  | 'resolveAlias'
  | 'publicRooms'
>;

export type FederationUserapi = Pick<UserApi, 'getProfile' | 'listDevices' | 'getAccountData'>;
export type FederationKeyserver = Pick<KeyserverApi, 'queryLocalKeys' | 'claimLocalKeys'>;

/** Told when a server proves it is up (it sent us a signed request), so its queue can resume. */
export interface LivenessListener {
  serverIsAlive(serverName: string): void;
}

export interface FederationContext {
  db: Database;
  bus: Bus;
  log: Logger;
  serverName: string;
  ourKeys: OurKeys;
  keyRing: KeyRing;
  notary: Notary;
  client: FederationClient;
  acl: AclCache;
  roomserver: FederationRoomserver;
  userapi: FederationUserapi;
  keyserver: FederationKeyserver;
  /** global.presence.enable_inbound: presence EDUs from other servers are passed on. */
  presenceInbound: boolean;
  liveness?: LivenessListener;
  now: () => number;
}

/** Whether a user ID belongs to this server. */
export const isLocal = (ctx: { serverName: string }, userId: string): boolean => serverNameOf(userId) === ctx.serverName;
