// The FederationApi other components call: request verification for the routers of every
// process, and questions to other servers on behalf of our components. Failures to reach a
// server become MatrixErrors (status 502) so they cross the internal API like any other error.
import { MatrixError } from '../http/errors.ts';
import type { JsonObject } from '../protocol/event.ts';
import { serverNameOf } from '../protocol/identifiers.ts';
import type { FederationApi } from './api.ts';
import { publicRooms, queryDirectory, queryProfile } from './client/calls/query.ts';
import { claimKeys, queryKeys, userDevices } from './client/calls/user.ts';
import { UnreachableError } from './client/transport.ts';
import type { FederationContext } from './context.ts';
import { verifyRequest } from './inbound/verify-request.ts';
import { performBackfill } from './perform/backfill.ts';
import { performInvite } from './perform/invite.ts';
import { performJoin } from './perform/join.ts';
import { performKnock } from './perform/knock.ts';
import { performLeave } from './perform/leave.ts';
import { candidateServers } from './perform/servers.ts';
import type { JoinedHosts } from './sender/joined-hosts.ts';

async function remote<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (e instanceof MatrixError) throw e;
    if (e instanceof UnreachableError) throw new MatrixError('M_UNKNOWN', e.message, { status: 502 });
    if ((e as Error).name === 'TimeoutError') throw new MatrixError('M_UNKNOWN', 'The remote server did not answer in time', { status: 504 });
    throw e;
  }
}

const serverOf = (id: string): string => {
  const s = serverNameOf(id);
  if (!s) throw new MatrixError('M_INVALID_PARAM', `${id} has no server name`);
  return s;
};

/** The servers with a joined member in the room, as the room server's current state says. */
async function serversInRoom(ctx: FederationContext, roomId: string): Promise<string[]> {
  const servers = new Set<string>();
  for (const m of await ctx.roomserver.joinedMembers(roomId)) servers.add(serverOf(m));
  return [...servers];
}

export function buildApi(ctx: FederationContext, hosts: JoinedHosts): FederationApi {
  const { client } = ctx;
  return {
    async verifyRequest(req) {
      const origin = await verifyRequest(ctx.keyRing, ctx.serverName, req);
      ctx.liveness?.serverIsAlive(origin);
      return { origin };
    },
    joinedHosts: (roomId) => hosts.hosts(roomId),
    queryKeys: (server, deviceKeys, timeoutMs) => remote(() => queryKeys(client, server, deviceKeys, timeoutMs)),
    claimKeys: (server, oneTimeKeys, timeoutMs) => remote(() => claimKeys(client, server, oneTimeKeys, timeoutMs)),
    userDevices: (userId) => remote(() => userDevices(client, serverOf(userId), userId)),
    queryProfile: (userId, field) => remote(() => queryProfile(client, serverOf(userId), userId, field)),
    queryDirectory: (alias) => remote(() => queryDirectory(client, serverOf(alias), alias)),
    publicRooms: (server, req) => remote(() => publicRooms(client, server, req)),
    performJoin: (req) => remote(() => performJoin(ctx, { ...req, servers: candidateServers(ctx, req.servers), content: req.content as JsonObject })),
    performLeave: (req) => remote(() => performLeave(ctx, { ...req, servers: candidateServers(ctx, req.servers), content: req.content as JsonObject })),
    performKnock: (req) => remote(() => performKnock(ctx, { ...req, servers: candidateServers(ctx, req.servers), content: req.content as JsonObject })),
    performInvite: (req) => remote(() => performInvite(ctx, { ...req, content: req.content as JsonObject })),
    backfill: (req) => remote(async () => performBackfill(ctx, { ...req, servers: await serversInRoom(ctx, req.roomId) })),
  };
}
