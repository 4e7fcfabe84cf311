// The user ID and server name checks the authorisation rules need: `users` keys of
// m.room.power_levels must be "valid user IDs", `additional_creators` (v12) must pass "the same user
// ID validation applied to `sender`", and several rules compare the domains of IDs.

// Appendices, "Server Name": hostname | IPv4 | "[" IPv6 "]", then an optional ":" port.
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::[0-9]{1,5})?$/;
// Appendices, "Historical User IDs": any of U+0021–U+0039 and U+003B–U+007E, so all printable ASCII
// except ':'. This is a superset of the current grammar (a-z 0-9 . _ = - / +), which servers must accept.
const HISTORICAL_LOCALPART = /^[\x21-\x39\x3b-\x7e]+$/;

const encoder = new TextEncoder();

/** Appendices, "User Identifiers": `@localpart:server_name`, at most 255 bytes in total. */
export function isValidUserId(value: unknown): value is string {
  if (typeof value !== 'string' || !value.startsWith('@')) return false;
  if (encoder.encode(value).length > 255) return false;
  const colon = value.indexOf(':');
  if (colon < 2) return false;
  return HISTORICAL_LOCALPART.test(value.slice(1, colon)) && SERVER_NAME.test(value.slice(colon + 1));
}

/** The server name of a user, room or (v1–v2) event ID: everything after the first ':'. */
export function domainOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(colon + 1);
}
