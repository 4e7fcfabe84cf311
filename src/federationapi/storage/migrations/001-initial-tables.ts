// The first schema of the federation API: every table it owns.
import type { Migration } from '../../../storage/types.ts';
import { DESTINATIONS_SCHEMA } from '../destinations.ts';
import { DEVICE_LIST_STREAMS_SCHEMA } from '../device-list-streams.ts';
import { INBOUND_TXNS_SCHEMA } from '../inbound-txns.ts';
import { JOINED_HOSTS_SCHEMA } from '../joined-hosts.ts';
import { QUEUE_EDUS_SCHEMA } from '../queue-edus.ts';
import { QUEUE_PDUS_SCHEMA } from '../queue-pdus.ts';
import { SERVER_KEYS_SCHEMA } from '../server-keys.ts';

export const initialTables: Migration = {
  version: 1,
  name: 'initial tables',
  up: [
    SERVER_KEYS_SCHEMA,
    INBOUND_TXNS_SCHEMA,
    JOINED_HOSTS_SCHEMA,
    QUEUE_PDUS_SCHEMA,
    QUEUE_EDUS_SCHEMA,
    DESTINATIONS_SCHEMA,
    DEVICE_LIST_STREAMS_SCHEMA,
  ].join(';\n'),
};
