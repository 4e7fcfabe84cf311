// roomserver_event_types: event type strings <-> numeric IDs (NIDs), so state entries are three
// integers. NIDs are handed out by the room server itself (the only writer; see ../nid-map.ts),
// so an event's whole transaction can be sent without waiting for RETURNING. The auth-relevant
// types get fixed NIDs 1–7, as in Dendrite, so the hottest lookups never miss.

export const EVENT_TYPES_SCHEMA = `
CREATE TABLE IF NOT EXISTS roomserver_event_types (
  event_type_nid {{INT64_PK}},
  event_type TEXT NOT NULL UNIQUE
);
INSERT INTO roomserver_event_types (event_type_nid, event_type) VALUES
  (1, 'm.room.create'), (2, 'm.room.power_levels'), (3, 'm.room.join_rules'),
  (4, 'm.room.third_party_invite'), (5, 'm.room.member'), (6, 'm.room.redaction'),
  (7, 'm.room.history_visibility')
  ON CONFLICT DO NOTHING`;

/** The pre-seeded NIDs (must match the INSERT above). */
export const SEEDED_TYPES: ReadonlyMap<string, number> = new Map([
  ['m.room.create', 1],
  ['m.room.power_levels', 2],
  ['m.room.join_rules', 3],
  ['m.room.third_party_invite', 4],
  ['m.room.member', 5],
  ['m.room.redaction', 6],
  ['m.room.history_visibility', 7],
]);
