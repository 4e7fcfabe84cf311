// The first schema of the user API: every table it owns.
import type { Migration } from '../../../storage/types.ts';
import { ACCOUNT_DATAS_SCHEMA } from '../account-datas.ts';
import { ACCOUNTS_SCHEMA } from '../accounts.ts';
import { DEVICES_SCHEMA } from '../devices.ts';
import { ONE_TIME_TOKENS_SCHEMA } from '../one-time-tokens.ts';
import { PROFILES_SCHEMA } from '../profiles.ts';
import { REGISTRATION_TOKENS_SCHEMA } from '../registration-tokens.ts';
import { SEQUENCES_SCHEMA } from '../sequences.ts';
import { UIA_SESSIONS_SCHEMA } from '../uia-sessions.ts';

export const initialTables: Migration = {
  version: 1,
  name: 'initial tables',
  up: [
    ACCOUNTS_SCHEMA,
    DEVICES_SCHEMA,
    PROFILES_SCHEMA,
    ACCOUNT_DATAS_SCHEMA,
    UIA_SESSIONS_SCHEMA,
    REGISTRATION_TOKENS_SCHEMA,
    ONE_TIME_TOKENS_SCHEMA,
    SEQUENCES_SCHEMA,
  ].join(';\n'),
};
