// The room server's schema changes, in order. Each table's CREATE TABLE lives in its own file.
import type { Migration } from '../../../storage/types.ts';
import { initialTables } from './001-initial-tables.ts';
import { idempotencyKeys } from './002-idempotency-keys.ts';

export const ROOMSERVER_MIGRATIONS: Migration[] = [initialTables, idempotencyKeys];
