// The checks before we tell another server about a room (Server-Server API, "Server Access
// Control Lists (ACLs)" lists /state, /state_ids, /backfill, /event_auth and
// /get_missing_events among the endpoints ACLs protect): the room must be known here, the
// server not denied by its ACL, and (as Synapse and Dendrite require) one of the server's users
// must be in the room now.
import { forbidden, notFound } from '../../http/errors.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { FederationContext } from '../context.ts';

export async function checkRoomAccess(ctx: FederationContext, roomId: string, origin: string): Promise<string> {
  const version = await ctx.roomserver.roomVersion(roomId);
  if (!version) throw notFound(`Unknown room ${roomId}`);
  await ctx.acl.check(roomId, origin);
  const members = await ctx.roomserver.joinedMembers(roomId);
  if (!members.some((m) => serverNameOf(m) === origin)) throw forbidden(`${origin} has no user in ${roomId}`);
  return version;
}
