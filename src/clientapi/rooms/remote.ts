// Rooms this server is not in (Server-Server API, "Joining Rooms", "Leaving Rooms", "Knocking
// upon a room"): whether one of our users is joined (only then is our view of the room current
// and can we send in it ourselves), and which servers to go through otherwise.
import { notFound } from '../../http/errors.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { ClientapiFederation, RoomsContext } from '../context.ts';

/** Whether one of our users is joined to the room. */
export async function isResident(ctx: RoomsContext, roomId: string): Promise<boolean> {
  return (await ctx.rooms.joinedMembers(roomId)).some((m) => serverNameOf(m) === ctx.serverName);
}

/** The federation API, or 404: a room elsewhere cannot be reached with federation disabled. */
export function federationFor(ctx: RoomsContext, roomId: string): ClientapiFederation {
  if (!ctx.federation) throw notFound(`Room ${roomId} is not known to this server, and federation is disabled`);
  return ctx.federation;
}

/** `via` and the older `server_name` query parameters (Client-Server API, joining.yaml, knocking.yaml). */
export function viaParams(queries: (name: string) => string[]): string[] {
  return [...queries('via'), ...queries('server_name')];
}

/** The server of the user who sent the user's invite (or knocked), who can surely help. */
export async function inviterServer(ctx: RoomsContext, roomId: string, userId: string): Promise<string | undefined> {
  const current = await ctx.rooms.membership(roomId, userId);
  if (!current) return undefined;
  const [event] = await ctx.rooms.eventsById([current.eventId]);
  return event ? serverNameOf(event.json.sender) : undefined;
}

/** Servers in order: the given ones, then the others (duplicates and ours dropped by the callee). */
export function serversFor(given: readonly string[], ...more: (string | undefined)[]): string[] {
  return [...new Set([...given, ...more.filter((s): s is string => typeof s === 'string' && s !== '')])];
}
