// Room aliases as the room endpoints use them (Client-Server API, "Room aliases"; Appendices,
// "Room Aliases"): grammar checks, resolving `/join/{roomIdOrAlias}`, and the checks servers
// SHOULD make on m.room.canonical_alias (PUT /state: new aliases must be valid, M_INVALID_PARAM,
// and point to the room, M_BAD_ALIAS).
import { MatrixError, invalidParam, notFound } from '../../http/errors.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { parseRoomAlias } from '../../protocol/identifiers.ts';
import type { ClientapiFederation, RoomsRoomserver } from '../context.ts';
import { checkRoomId } from './access.ts';


/** The alias if its grammar is valid, else 400 M_INVALID_PARAM. */
export function validAlias(alias: string): { localpart: string; serverName: string } {
  const parsed = parseRoomAlias(alias);
  if (!parsed.ok) throw invalidParam(`Invalid room alias ${JSON.stringify(alias)}: ${parsed.reason}`);
  return parsed.value;
}

/**
 * An alias's room and the servers that can help join it: ours, or, for another server's alias,
 * that server's answer to /query/directory (Server-Server API, "Querying for information").
 * 404 when it maps to no room.
 */
export async function resolveAlias(
  ctx: { rooms: Pick<RoomsRoomserver, 'resolveAlias'>; serverName: string; federation?: Pick<ClientapiFederation, 'queryDirectory'> },
  alias: string,
): Promise<{ roomId: string; servers: string[] }> {
  const { serverName: aliasServer } = validAlias(alias);
  const found = await ctx.rooms.resolveAlias(alias);
  if (found) return found;
  if (aliasServer !== ctx.serverName && ctx.federation) {
    const remote = await ctx.federation.queryDirectory(alias);
    return { roomId: remote.room_id, servers: Array.isArray(remote.servers) ? remote.servers : [aliasServer] };
  }
  throw notFound(`Room alias ${alias} not found`);
}

/** A room ID as given, or the room an alias maps to, with the servers the alias lookup named. */
export async function resolveRoomIdOrAlias(
  ctx: Parameters<typeof resolveAlias>[0],
  roomIdOrAlias: string,
): Promise<{ roomId: string; servers: string[] }> {
  if (roomIdOrAlias.startsWith('#')) return resolveAlias(ctx, roomIdOrAlias);
  checkRoomId(roomIdOrAlias);
  return { roomId: roomIdOrAlias, servers: [] };
}

/** The aliases a canonical alias content names: `alias` and each of `alt_aliases`. */
export function namedAliases(content: Record<string, unknown> | undefined): string[] {
  const out: string[] = [];
  if (typeof content?.alias === 'string') out.push(content.alias);
  if (Array.isArray(content?.alt_aliases)) for (const a of content.alt_aliases) if (typeof a === 'string') out.push(a);
  return out;
}

/**
 * PUT /state/m.room.canonical_alias: "servers SHOULD ensure that any new aliases being listed in
 * the event are valid per their grammar/syntax and that they point to the room ID where the state
 * event is to be sent. Servers do not validate aliases which are being removed or are already
 * present in the state event."
 */
export async function checkCanonicalAlias(
  rs: Pick<RoomsRoomserver, 'resolveAlias'>,
  roomId: string,
  content: Record<string, unknown>,
  current: Record<string, unknown> | undefined,
): Promise<void> {
  if (content.alias !== undefined && content.alias !== null && typeof content.alias !== 'string') {
    throw new MatrixError('M_BAD_JSON', 'alias must be a string');
  }
  const alt = content.alt_aliases;
  if (alt !== undefined && (!Array.isArray(alt) || !alt.every((a) => typeof a === 'string'))) {
    throw new MatrixError('M_BAD_JSON', 'alt_aliases must be a list of strings');
  }
  const existing = new Set(namedAliases(current));
  const fresh = namedAliases(content).filter((a) => !existing.has(a));
  for (const alias of fresh) validAlias(alias);
  for (const alias of fresh) {
    const found = await rs.resolveAlias(alias);
    if (found?.roomId !== roomId) throw new MatrixError('M_BAD_ALIAS', `The alias ${alias} does not point to this room`);
  }
}

/** Canonical alias content without `alias` (removed from `alias` and `alt_aliases`). */
export function withoutAlias(content: JsonObject, alias: string): JsonObject | null {
  const named = namedAliases(content);
  if (!named.includes(alias)) return null;
  const out = { ...content };
  if (out.alias === alias) delete out.alias;
  if (Array.isArray(out.alt_aliases)) out.alt_aliases = out.alt_aliases.filter((a) => a !== alias);
  return out;
}
