// Other servers' users' device lists and cross-signing keys (storage/remote-devices.ts).
import type { Migration } from '../../../storage/types.ts';
import { REMOTE_DEVICES_SCHEMA } from '../remote-devices.ts';

export const remoteDevices: Migration = { version: 2, name: 'remote device lists', up: REMOTE_DEVICES_SCHEMA };
