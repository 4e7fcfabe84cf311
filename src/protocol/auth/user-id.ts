// The user ID and server name checks the authorisation rules need: `users` keys of
// m.room.power_levels must be "valid user IDs", `additional_creators` (v12) must pass "the same user
// ID validation applied to `sender`", and several rules compare the domains of IDs.

// Appendices, "Server Name": hostname | IPv4 | "[" IPv6 "]", then an optional ":" port.
const SERVER_NAME = /^(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9.-]{1,255})(?::[0-9]{1,5})?$/;
const encoder = new TextEncoder();

/**
 * Appendices, "User Identifiers": `@localpart:server_name`, at most 255 bytes. The localpart is
 * checked by "Historical User IDs", which servers MUST accept: "any legal non-surrogate Unicode code
 * points except for `:` and NUL (U+0000), including other control characters and the empty string".
 * This is the validation applied to `sender`, which v12 asks for `additional_creators`.
 */
export function isValidUserId(value: unknown): value is string {
  if (typeof value !== 'string' || !value.startsWith('@')) return false;
  if (encoder.encode(value).length > 255) return false;
  const colon = value.indexOf(':');
  if (colon < 0) return false;
  const localpart = value.slice(1, colon);
  return !localpart.includes('\u0000') && localpart.isWellFormed() && SERVER_NAME.test(value.slice(colon + 1));
}

/** The server name of a user, room or (v1–v2) event ID: everything after the first ':'. */
export function domainOf(id: string): string | undefined {
  const colon = id.indexOf(':');
  return colon < 0 ? undefined : id.slice(colon + 1);
}
