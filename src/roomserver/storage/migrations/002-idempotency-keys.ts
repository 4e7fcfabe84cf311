// Idempotent sends move from the client API's own table (and its own commit per send) into the
// room server's event transaction.
import type { Migration } from '../../../storage/types.ts';
import { IDEMPOTENCY_KEYS_SCHEMA } from '../idempotency-keys.ts';

export const idempotencyKeys: Migration = {
  version: 2,
  name: 'idempotency keys of sends',
  up: IDEMPOTENCY_KEYS_SCHEMA,
};
