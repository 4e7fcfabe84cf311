// The key server's schema changes, in order. Each table's CREATE TABLE lives in its own file.
import type { Migration } from '../../../storage/types.ts';
import { initialTables } from './001-initial-tables.ts';
import { remoteDevices } from './002-remote-devices.ts';

export const KEYSERVER_MIGRATIONS: Migration[] = [initialTables, remoteDevices];
