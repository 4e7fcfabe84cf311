// What the sender's consumers share: the component's context, the queues, the joined hosts.
import { Membership } from '../../../protocol/constants.ts';
import type { FederationContext } from '../../context.ts';
import type { JoinedHosts } from '../joined-hosts.ts';
import type { Queues } from '../queues.ts';

export interface Outbound {
  ctx: FederationContext;
  queues: Queues;
  hosts: JoinedHosts;
}

/** Other servers sharing at least one room with the user. */
export async function serversSharingRoomsWith(out: Outbound, userId: string): Promise<string[]> {
  const rooms = await out.ctx.roomserver.roomsForUser(userId, [Membership.Join]);
  const servers = new Set<string>();
  for (const r of rooms) for (const s of await out.hosts.hosts(r.roomId)) servers.add(s);
  servers.delete(out.ctx.serverName);
  return [...servers];
}

/** Other servers in the room. */
export async function otherServersIn(out: Outbound, roomId: string): Promise<string[]> {
  return (await out.hosts.hosts(roomId)).filter((s) => s !== out.ctx.serverName);
}
