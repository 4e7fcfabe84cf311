// The sync API's schema changes, in order. Each table's CREATE TABLE lives in its own file.
import type { Migration } from '../../../storage/types.ts';
import { initialTables } from './001-initial-tables.ts';
import { peeks } from './002-peeks.ts';

export const SYNCAPI_MIGRATIONS: Migration[] = [initialTables, peeks];
