// roomserver_event_state_keys: state key strings (mostly user IDs) <-> numeric IDs. The empty
// state key has the fixed NID 1. See event-types.ts for how NIDs are handed out.

export const EVENT_STATE_KEYS_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_event_state_keys (
  event_state_key_nid {{INT64_PK}},
  event_state_key TEXT NOT NULL UNIQUE
);
INSERT INTO roomserver_event_state_keys (event_state_key_nid, event_state_key) VALUES (1, '') ON CONFLICT DO NOTHING`;

export const SEEDED_STATE_KEYS: ReadonlyMap<string, number> = new Map([['', 1]]);
