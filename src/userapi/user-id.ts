// Local user IDs: `@localpart:server_name` (Appendices, "User Identifiers").
export function userIdOf(localpart: string, serverName: string): string {
  return `@${localpart}:${serverName}`;
}

/** The localpart when `userId` belongs to this server, else null. */
export function localpartOf(userId: string, serverName: string): string | null {
  if (!userId.startsWith('@')) return null;
  const colon = userId.indexOf(':');
  if (colon < 2 || userId.slice(colon + 1) !== serverName) return null;
  return userId.slice(1, colon);
}
