// The federation API's schema changes, in order. Each table's CREATE TABLE lives in its own file.
import type { Migration } from '../../../storage/types.ts';
import { initialTables } from './001-initial-tables.ts';

export const FEDERATIONAPI_MIGRATIONS: Migration[] = [initialTables];
