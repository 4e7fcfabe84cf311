// The redaction algorithm, one generation per set of room versions (room-versions.ts `redaction`):
//   v1  rooms 1–5   content/rooms/fragments/v1-redactions.md
//   v6  rooms 6–7   v6-redactions.md: m.room.aliases loses its `aliases`
//   v8  room 8      rooms/v8.md "Redactions": join_rules also keeps `allow`
//   v9  rooms 9–10  v9-redactions.md: m.room.member also keeps `join_authorised_via_users_server`
//   v11 rooms 11–12 v11-redactions.md: top-level `origin`, `membership`, `prev_state` no longer kept;
//       create keeps all content; power_levels keeps `invite`; redaction keeps `redacts`;
//       member keeps `third_party_invite.signed`.
// The result decides signatures and reference hashes (event IDs), so it must match other servers
// byte for byte: everything not listed is dropped, `unsigned` included.

import { EventType } from './constants.ts';
import type { JsonObject, PduJson } from './event.ts';
import type { RedactionRules, RoomVersion } from './room-versions.ts';

const TOP_LEVEL_V1 = new Set([
  'event_id',
  'type',
  'room_id',
  'sender',
  'state_key',
  'content',
  'hashes',
  'signatures',
  'depth',
  'prev_events',
  'prev_state',
  'auth_events',
  'origin',
  'origin_server_ts',
  'membership',
]);
const TOP_LEVEL_V11 = new Set([...TOP_LEVEL_V1].filter((k) => k !== 'origin' && k !== 'membership' && k !== 'prev_state'));

/** Content keys kept per event type; `true` keeps the whole content. */
type ContentRules = Readonly<Record<string, readonly string[] | true>>;

const POWER_LEVELS = ['ban', 'events', 'events_default', 'kick', 'redact', 'state_default', 'users', 'users_default'];

const CONTENT_V6: ContentRules = {
  [EventType.Member]: ['membership'],
  [EventType.Create]: ['creator'],
  [EventType.JoinRules]: ['join_rule'],
  [EventType.PowerLevels]: POWER_LEVELS,
  [EventType.HistoryVisibility]: ['history_visibility'],
};
const CONTENT_V1: ContentRules = { ...CONTENT_V6, [EventType.Aliases]: ['aliases'] };
const CONTENT_V8: ContentRules = { ...CONTENT_V6, [EventType.JoinRules]: ['join_rule', 'allow'] };
const CONTENT_V9: ContentRules = { ...CONTENT_V8, [EventType.Member]: ['membership', 'join_authorised_via_users_server'] };
const CONTENT_V11: ContentRules = {
  ...CONTENT_V9,
  [EventType.Create]: true,
  [EventType.PowerLevels]: [...POWER_LEVELS, 'invite'],
  [EventType.Redaction]: ['redacts'],
};

const RULES: Readonly<Record<RedactionRules, { top: ReadonlySet<string>; content: ContentRules }>> = {
  v1: { top: TOP_LEVEL_V1, content: CONTENT_V1 },
  v6: { top: TOP_LEVEL_V1, content: CONTENT_V6 },
  v8: { top: TOP_LEVEL_V1, content: CONTENT_V8 },
  v9: { top: TOP_LEVEL_V1, content: CONTENT_V9 },
  v11: { top: TOP_LEVEL_V11, content: CONTENT_V11 },
};

/** The redacted copy of `pdu` under the rules of `version` (a room version or a generation). */
export function redactEvent(pdu: PduJson, version: RoomVersion | RedactionRules): PduJson {
  const generation = typeof version === 'string' ? version : version.redaction;
  const rules = RULES[generation];
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(pdu)) {
    if (rules.top.has(key)) out[key] = pdu[key];
  }
  out.content = redactContent(pdu.type, pdu.content, rules.content, generation);
  return out as PduJson;
}

function redactContent(type: string, content: unknown, rules: ContentRules, generation: RedactionRules): JsonObject {
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return {};
  const source = content as JsonObject;
  const keep = Object.hasOwn(rules, type) ? rules[type] : undefined;
  if (keep === true) return { ...source };
  const out: JsonObject = {};
  if (keep === undefined) return out;
  for (const key of keep) {
    if (Object.hasOwn(source, key)) out[key] = source[key] as JsonObject[string];
  }
  // v11: "Additionally, it allows the `signed` key of the `third_party_invite` key." An object
  // without `signed` is kept empty (what Synapse does, so reference hashes agree).
  if (generation === 'v11' && type === EventType.Member) {
    const invite = source.third_party_invite;
    if (typeof invite === 'object' && invite !== null && !Array.isArray(invite)) {
      out.third_party_invite = Object.hasOwn(invite, 'signed') ? { signed: invite.signed as JsonObject[string] } : {};
    }
  }
  return out;
}
