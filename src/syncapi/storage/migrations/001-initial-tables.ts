// The first schema of the sync API: every table it owns.
import type { Migration } from '../../../storage/types.ts';
import { ACCOUNT_DATA_SCHEMA } from '../account-data.ts';
import { CURRENT_ROOM_STATE_SCHEMA } from '../current-room-state.ts';
import { FILTERS_SCHEMA } from '../filters.ts';
import { INVITES_SCHEMA } from '../invites.ts';
import { MEMBERSHIPS_SCHEMA } from '../memberships.ts';
import { NOTIFICATION_DATA_SCHEMA } from '../notification-data.ts';
import { OUTPUT_ROOM_EVENTS_SCHEMA } from '../output-room-events.ts';
import { PRESENCE_SCHEMA } from '../presence.ts';
import { RECEIPTS_SCHEMA } from '../receipts.ts';
import { SEND_TO_DEVICE_SCHEMA } from '../send-to-device.ts';
import { STATE_DELTAS_SCHEMA } from '../state-deltas.ts';
import { STREAM_POSITIONS_SCHEMA } from '../stream-positions.ts';
import { TO_DEVICE_TXNS_SCHEMA } from '../to-device-txns.ts';

export const initialTables: Migration = {
  version: 1,
  name: 'initial tables',
  up: [
    STREAM_POSITIONS_SCHEMA,
    OUTPUT_ROOM_EVENTS_SCHEMA,
    CURRENT_ROOM_STATE_SCHEMA,
    STATE_DELTAS_SCHEMA,
    MEMBERSHIPS_SCHEMA,
    INVITES_SCHEMA,
    RECEIPTS_SCHEMA,
    SEND_TO_DEVICE_SCHEMA,
    TO_DEVICE_TXNS_SCHEMA,
    PRESENCE_SCHEMA,
    FILTERS_SCHEMA,
    ACCOUNT_DATA_SCHEMA,
    NOTIFICATION_DATA_SCHEMA,
  ].join(';\n'),
};
