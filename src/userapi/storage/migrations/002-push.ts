// Push: pushers and notifications (push rules themselves are m.push_rules account data).
import type { Migration } from '../../../storage/types.ts';
import { NOTIFICATIONS_SCHEMA } from '../notifications.ts';
import { PUSHERS_SCHEMA } from '../pushers.ts';

export const pushTables: Migration = {
  version: 2,
  name: 'push: pushers and notifications',
  up: [PUSHERS_SCHEMA, NOTIFICATIONS_SCHEMA].join(';\n'),
};
