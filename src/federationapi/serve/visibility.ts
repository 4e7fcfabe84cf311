// Which events another server may see (Client-Server API, "History visibility", applied to a
// server as a whole): what any of its users could see. Events under `world_readable` or `shared`
// visibility are visible to every server (as Synapse decides for servers); under `invited` or
// `joined` only if one of the server's users was invited or joined (or, for `joined`, joined) at
// the event. An event a server may not see is given to it redacted, so that the room's DAG stays
// whole for it (Synapse does the same).
import { EventType, HistoryVisibility, Membership } from '../../protocol/constants.ts';
import type { PduJson } from '../../protocol/event.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { redactEvent } from '../../protocol/redaction.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { FederationRoomserver } from '../context.ts';

export async function visibleToServer(roomserver: Pick<FederationRoomserver, 'stateBeforeEvent'>, server: string, e: StoredEvent): Promise<boolean> {
  const hv = await roomserver.stateBeforeEvent(e.eventId, { types: [EventType.HistoryVisibility] });
  const visibility = (hv?.[0]?.json.content.history_visibility as string | undefined) ?? HistoryVisibility.Shared;
  if (visibility !== HistoryVisibility.Invited && visibility !== HistoryVisibility.Joined) return true;
  const allowed = visibility === HistoryVisibility.Invited ? [Membership.Join, Membership.Invite] : [Membership.Join];
  const own = e.json.type === EventType.Member && typeof e.json.state_key === 'string' && serverNameOf(e.json.state_key) === server;
  if (own && allowed.includes(e.json.content.membership as never)) return true;
  const members = (await roomserver.stateBeforeEvent(e.eventId, { types: [EventType.Member] })) ?? [];
  return members.some(
    (m) => typeof m.json.state_key === 'string' && serverNameOf(m.json.state_key) === server && allowed.includes(m.json.content.membership as never),
  );
}

/** The PDUs as `server` may have them: visible ones whole, others redacted. */
export async function forServer(roomserver: Pick<FederationRoomserver, 'stateBeforeEvent'>, server: string, events: readonly StoredEvent[]): Promise<PduJson[]> {
  return Promise.all(
    events.map(async (e) => {
      const pdu = toPdu(e);
      if (await visibleToServer(roomserver, server, e)) return pdu;
      const version = roomVersion(e.roomVersion);
      return version ? redactEvent(pdu, version) : pdu;
    }),
  );
}

/** The PDU as it goes over federation: without our local `unsigned` data. */
export function toPdu(e: StoredEvent): PduJson {
  const { unsigned: _u, ...pdu } = e.json;
  return pdu as PduJson;
}
