// Server-Server API, "Knocking upon a room" (knocks.yaml), asked of a resident server.
import type { PduJson } from '../../../protocol/event.ts';
import { type FederationClient, seg } from '../client.ts';
import type { MakeMembershipAnswer } from './joins.ts';

export function makeKnock(client: FederationClient, server: string, roomId: string, userId: string, versions: readonly string[]) {
  return client.request<MakeMembershipAnswer>(server, 'GET', `/_matrix/federation/v1/make_knock/${seg(roomId)}/${seg(userId)}`, {
    query: { ver: versions },
  });
}

export function sendKnock(client: FederationClient, server: string, roomId: string, eventId: string, event: PduJson) {
  return client.request<{ knock_room_state?: unknown }>(server, 'PUT', `/_matrix/federation/v1/send_knock/${seg(roomId)}/${seg(eventId)}`, {
    body: event,
  });
}
