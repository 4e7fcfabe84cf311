// Server-Server API, "Querying for information" (query.yaml): room aliases and user profiles.
import { invalidParam, missingParam, notFound, unrecognized } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import { parseRoomAlias, parseUserId, serverNameOf } from '../../protocol/identifiers.ts';
import type { FederationContext } from '../context.ts';

/** Mounted under /_matrix/federation/v1. */
export function queryOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/query/directory
    op({ method: 'GET', path: '/query/directory', access: 'server' }, async function queryRoomDirectory({ query }) {
      const alias = query('room_alias');
      if (!alias) throw missingParam('room_alias is required');
      if (!parseRoomAlias(alias).ok) throw invalidParam(`${alias} is not a room alias`);
      if (serverNameOf(alias) !== ctx.serverName) throw notFound(`${alias} is not an alias of this server`);
      const found = await ctx.roomserver.resolveAlias(alias);
      if (!found) throw notFound(`Room alias ${alias} not found`);
      // Servers in the room, this one first: any of them can help a server join.
      const members = await ctx.roomserver.joinedMembers(found.roomId);
      const servers = new Set([ctx.serverName, ...found.servers]);
      for (const m of members) servers.add(serverNameOf(m)!);
      return { room_id: found.roomId, servers: [...servers] };
    }),
    // GET /_matrix/federation/v1/query/profile
    op({ method: 'GET', path: '/query/profile', access: 'server' }, async function queryProfile({ query }) {
      const userId = query('user_id');
      const field = query('field');
      if (!userId) throw missingParam('user_id is required');
      if (!parseUserId(userId).ok) throw invalidParam(`${userId} is not a user ID`);
      if (serverNameOf(userId) !== ctx.serverName) throw invalidParam(`${userId} is not a user of this server`);
      const profile = await ctx.userapi.getProfile(userId);
      if (!profile) throw notFound('The user does not exist or does not have a profile');
      if (field === undefined || field === '') return profile;
      return field in profile ? { [field]: profile[field] } : {};
    }),
    // GET /_matrix/federation/v1/query/{queryType}: other query types are not known here.
    op({ method: 'GET', path: '/query/:queryType', access: 'server' }, function queryInfo({ params }) {
      throw unrecognized(`Unknown query type ${params.queryType}`);
    }),
  ];
}
