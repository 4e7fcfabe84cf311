// The client API's schema changes, applied in order by runMigrations(db, 'clientapi', migrations).
import type { Migration } from '../../../storage/types.ts';
import { TXN_IDS_SCHEMA } from '../txn-ids.ts';

export const CLIENTAPI_MIGRATIONS: Migration[] = [{ version: 1, name: 'transaction IDs', up: TXN_IDS_SCHEMA }];
