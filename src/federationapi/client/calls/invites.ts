// Server-Server API, "Inviting to a room" (invites-v2.yaml, invites-v1.yaml): our invite, sent
// to the invited user's server for its signature. v2 first; v1 only for rooms of version 1 or 2
// on a server that does not know v2.
import type { PduJson } from '../../../protocol/event.ts';
import { type FederationClient, seg } from '../client.ts';
import { isUnknownEndpoint } from './fallback.ts';

export async function sendInvite(
  client: FederationClient,
  server: string,
  req: { roomId: string; eventId: string; roomVersion: string; event: PduJson; inviteRoomState: PduJson[] },
): Promise<unknown> {
  const path = `/invite/${seg(req.roomId)}/${seg(req.eventId)}`;
  try {
    const res = await client.request<{ event?: unknown }>(server, 'PUT', `/_matrix/federation/v2${path}`, {
      body: { room_version: req.roomVersion, event: req.event, invite_room_state: req.inviteRoomState },
    });
    return res.event;
  } catch (e) {
    if (!isUnknownEndpoint(e) || (req.roomVersion !== '1' && req.roomVersion !== '2')) throw e;
    const body = { ...req.event, unsigned: { ...req.event.unsigned, invite_room_state: req.inviteRoomState } };
    const res = await client.request<[number, { event?: unknown }]>(server, 'PUT', `/_matrix/federation/v1${path}`, { body });
    return res[1]?.event;
  }
}
