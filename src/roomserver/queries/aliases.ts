// Local room aliases (Client-Server API, "Room aliases"; PUT/GET/DELETE
// /directory/room/{roomAlias}, GET /rooms/{roomId}/aliases).
import { MatrixError } from '../../http/errors.ts';
import { parseRoomAlias, serverNameOf } from '../../protocol/identifiers.ts';
import type { RoomserverContext } from '../context.ts';
import { deleteAlias, insertAlias, selectAlias, selectAliasesForRoom } from '../storage/room-aliases.ts';
import { joinedMembers } from './members.ts';

/** How many servers resolveAlias names besides ours. */
const MAX_SERVERS = 10;

export async function setAlias(ctx: RoomserverContext, alias: string, roomId: string, creator: string): Promise<void> {
  const parsed = parseRoomAlias(alias);
  if (!parsed.ok) throw new MatrixError('M_INVALID_PARAM', `invalid room alias: ${parsed.reason}`);
  if (parsed.value.serverName !== ctx.serverName) throw new MatrixError('M_INVALID_PARAM', `room alias ${alias} is not on this server`);
  if (!(await ctx.rooms.get(roomId))) throw new MatrixError('M_NOT_FOUND', `unknown room ${roomId}`);
  const inserted = await ctx.db.transaction((tx) => insertAlias(tx, alias, roomId, creator));
  // "409: A room alias with that name already exists" (directory.yaml).
  if (!inserted) throw new MatrixError('M_UNKNOWN', `Room alias ${alias} already exists.`, { status: 409 });
}

/** The room and servers that can help a joining server: ours, then those of joined members. */
export async function resolveAlias(ctx: RoomserverContext, alias: string): Promise<{ roomId: string; servers: string[] } | null> {
  const row = await selectAlias(ctx.db, alias);
  if (!row) return null;
  const servers = new Set([ctx.serverName]);
  for (const user of await joinedMembers(ctx, row.room_id)) {
    if (servers.size > MAX_SERVERS) break;
    const server = serverNameOf(user);
    if (server) servers.add(server);
  }
  return { roomId: row.room_id, servers: [...servers] };
}

export async function removeAlias(ctx: RoomserverContext, alias: string): Promise<{ roomId: string; creator: string } | null> {
  const row = await ctx.db.transaction((tx) => deleteAlias(tx, alias));
  return row ? { roomId: row.room_id, creator: row.creator } : null;
}

export async function aliasCreator(ctx: RoomserverContext, alias: string): Promise<string | null> {
  return (await selectAlias(ctx.db, alias))?.creator ?? null;
}

export async function aliasesForRoom(ctx: RoomserverContext, roomId: string): Promise<string[]> {
  return selectAliasesForRoom(ctx.db, roomId);
}
