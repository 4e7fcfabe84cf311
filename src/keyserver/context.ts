// What every part of the key server is given: its database, the bus, and the slices of other
// components' APIs it calls. Built once by index.ts.
import type { Bus } from '../bus/types.ts';
import type { RoomserverApi } from '../roomserver/api.ts';
import type { Logger } from '../setup/logger.ts';
import type { Database } from '../storage/types.ts';
import type { UserApi } from '../userapi/api.ts';
import type { KeyserverFederation } from './api.ts';
import type { DeviceKeyChecks } from './validate.ts';

/** Devices (names, which exist) and the UIA sessions and password check of /keys/device_signing/upload. */
export type KeyserverUserapi = Pick<
  UserApi,
  'listDevices' | 'getDevice' | 'verifyPassword' | 'createUiaSession' | 'getUiaSession' | 'completeUiaStage' | 'deleteUiaSession'
>;

/** Who shares a room with whom, for the device-list stream. */
export type KeyserverRoomserver = Pick<RoomserverApi, 'roomsForUser' | 'joinedMembers'>;

export interface KeyserverContext {
  db: Database;
  bus: Bus;
  log: Logger;
  serverName: string;
  userapi: KeyserverUserapi;
  /** Absent in a process without rooms (tests of keys alone): then only a user's own changes are reported. */
  roomserver?: KeyserverRoomserver;
  federation?: KeyserverFederation;
  /** 'verify' unless configured otherwise (validate.ts). */
  deviceKeyChecks?: DeviceKeyChecks;
  now: () => number;
}
