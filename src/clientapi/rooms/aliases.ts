// Room aliases as the room endpoints use them (Client-Server API, "Room aliases"; Appendices,
// "Room Aliases"): grammar checks, resolving `/join/{roomIdOrAlias}`, and the checks servers
// SHOULD make on m.room.canonical_alias (PUT /state: new aliases must be valid, M_INVALID_PARAM,
// and point to the room, M_BAD_ALIAS).
import { MatrixError, invalidParam, notFound } from '../../http/errors.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { parseRoomAlias } from '../../protocol/identifiers.ts';
import type { RoomsRoomserver } from '../context.ts';
import { checkRoomId } from './access.ts';

/** Federation does not exist yet: what is not on this server cannot be looked up or joined. */
export const NO_FEDERATION = 'this server does not take part in federation yet';

/** The alias if its grammar is valid, else 400 M_INVALID_PARAM. */
export function validAlias(alias: string): { localpart: string; serverName: string } {
  const parsed = parseRoomAlias(alias);
  if (!parsed.ok) throw invalidParam(`Invalid room alias ${JSON.stringify(alias)}: ${parsed.reason}`);
  return parsed.value;
}

/** A room ID as given, or the room an alias maps to (404 when it maps to none we know). */
export async function resolveRoomIdOrAlias(rs: Pick<RoomsRoomserver, 'resolveAlias'>, roomIdOrAlias: string, serverName: string): Promise<string> {
  if (roomIdOrAlias.startsWith('#')) {
    const { serverName: aliasServer } = validAlias(roomIdOrAlias);
    const found = await rs.resolveAlias(roomIdOrAlias);
    if (found) return found.roomId;
    if (aliasServer !== serverName) throw notFound(`Room alias ${roomIdOrAlias} is on another server, and ${NO_FEDERATION}`);
    throw notFound(`Room alias ${roomIdOrAlias} not found`);
  }
  checkRoomId(roomIdOrAlias);
  return roomIdOrAlias;
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
