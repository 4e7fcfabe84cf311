// What every route file of the client API is given: the config, the other components' APIs and
// the user-interactive auth helper. Built once by index.ts.
import type { Config } from '../config/types.ts';
import type { RoomserverApi } from '../roomserver/api.ts';
import type { Logger } from '../setup/logger.ts';
import type { UserApi } from '../userapi/api.ts';
import type { Uia } from './uia/index.ts';

/** The room server calls the account endpoints make: profile changes and deactivation. */
export type ClientapiRoomserver = Pick<RoomserverApi, 'roomsForUser' | 'stateEvent' | 'sendEvent'>;

export interface ClientapiContext {
  config: Config;
  serverName: string;
  userapi: UserApi;
  /** Absent in a process without a room server (tests of the account endpoints alone). */
  roomserver?: ClientapiRoomserver;
  uia: Uia;
  log: Logger;
}
