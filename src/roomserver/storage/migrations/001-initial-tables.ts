// The first schema of the room server: every table it owns.
import type { Migration } from '../../../storage/types.ts';
import { EVENT_STATE_KEYS_SCHEMA } from '../event-state-keys.ts';
import { EVENT_TYPES_SCHEMA } from '../event-types.ts';
import { EVENTS_SCHEMA } from '../events.ts';
import { MEMBERSHIPS_SCHEMA } from '../memberships.ts';
import { OUTPUT_QUEUE_SCHEMA } from '../output-queue.ts';
import { PREVIOUS_EVENTS_SCHEMA } from '../previous-events.ts';
import { PUBLISHED_SCHEMA } from '../published.ts';
import { REDACTIONS_SCHEMA } from '../redactions.ts';
import { ROOM_ALIASES_SCHEMA } from '../room-aliases.ts';
import { ROOMS_SCHEMA } from '../rooms.ts';
import { STATE_BLOCKS_SCHEMA } from '../state-blocks.ts';
import { STATE_SNAPSHOTS_SCHEMA } from '../state-snapshots.ts';

export const initialTables: Migration = {
  version: 1,
  name: 'initial tables',
  up: [
    EVENT_TYPES_SCHEMA,
    EVENT_STATE_KEYS_SCHEMA,
    ROOMS_SCHEMA,
    EVENTS_SCHEMA,
    PREVIOUS_EVENTS_SCHEMA,
    STATE_BLOCKS_SCHEMA,
    STATE_SNAPSHOTS_SCHEMA,
    MEMBERSHIPS_SCHEMA,
    REDACTIONS_SCHEMA,
    ROOM_ALIASES_SCHEMA,
    PUBLISHED_SCHEMA,
    OUTPUT_QUEUE_SCHEMA,
  ].join(';\n'),
};
