// OutputRoomEvent -> joined hosts, and our events to every server in the room (Server-Server
// API, "PDUs": "it is the responsibility of the originating server of a PDU to deliver that event
// to its recipient servers"). The servers in the room before and after the event both get it, so
// a server whose last user leaves still hears of the leave. Events of other servers are not
// passed on: their origin sends them.
import { STREAM } from '../../../bus/streams.ts';
import type { Subscription } from '../../../bus/types.ts';
import { EventType } from '../../../protocol/constants.ts';
import { serverNameOf } from '../../../protocol/identifiers.ts';
import type { OutputRoomEvent } from '../../../roomserver/api.ts';
import { deleteRoomHosts } from '../../storage/joined-hosts.ts';
import type { Outbound } from './outbound.ts';

export const ROOM_EVENTS_DURABLE = 'FederationAPIRoomEventConsumer';

export function consumeRoomEvents(out: Outbound): Promise<Subscription> {
  const { ctx } = out;
  return ctx.bus.consume({ stream: STREAM.OutputRoomEvent, durable: ROOM_EVENTS_DURABLE }, async (msg) => {
    const m = msg.json<OutputRoomEvent>();
    if (m.kind === 'purge_room') {
      await deleteRoomHosts(ctx.db, m.roomId);
      out.hosts.forget(m.roomId);
      return;
    }
    if (m.kind !== 'new_room_event') return;
    if (m.event.json.type === EventType.ServerAcl) ctx.acl.invalidate(m.roomId);
    const before = await out.hosts.apply(m);
    if (m.sendAsServer !== ctx.serverName) return;
    const after = await out.hosts.hosts(m.roomId);
    // A join, leave or knock another server's user made through us (send_*) goes to every other
    // server in the room, not back to the server that sent it.
    const from = serverNameOf(m.event.json.sender);
    const to = [...new Set([...before, ...after])].filter((s) => from === ctx.serverName || s !== from);
    await out.queues.sendPdu(to, m.event.nid);
  });
}
