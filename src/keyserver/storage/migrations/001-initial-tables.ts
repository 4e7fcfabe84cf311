// The first schema of the key server: every table it owns.
import type { Migration } from '../../../storage/types.ts';
import { BACKUP_KEYS_SCHEMA } from '../backup-keys.ts';
import { BACKUP_VERSIONS_SCHEMA } from '../backup-versions.ts';
import { CROSS_SIGNING_KEYS_SCHEMA } from '../cross-signing-keys.ts';
import { CROSS_SIGNING_SIGS_SCHEMA } from '../cross-signing-sigs.ts';
import { DEVICE_KEYS_SCHEMA } from '../device-keys.ts';
import { DEVICE_LIST_CHANGES_SCHEMA } from '../device-list-changes.ts';
import { FALLBACK_KEYS_SCHEMA } from '../fallback-keys.ts';
import { ONE_TIME_KEYS_SCHEMA } from '../one-time-keys.ts';

export const initialTables: Migration = {
  version: 1,
  name: 'initial tables',
  up: [
    DEVICE_KEYS_SCHEMA,
    ONE_TIME_KEYS_SCHEMA,
    FALLBACK_KEYS_SCHEMA,
    CROSS_SIGNING_KEYS_SCHEMA,
    CROSS_SIGNING_SIGS_SCHEMA,
    DEVICE_LIST_CHANGES_SCHEMA,
    BACKUP_VERSIONS_SCHEMA,
    BACKUP_KEYS_SCHEMA,
  ].join(';\n'),
};
