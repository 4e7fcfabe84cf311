// Server-Server API, "Leaving Rooms (Rejecting Invites)" (leaving-v1.yaml, leaving-v2.yaml),
// asked of a resident server: GET /make_leave, then PUT /send_leave (v2, else v1).
import type { PduJson } from '../../../protocol/event.ts';
import { type FederationClient, seg } from '../client.ts';
import { isUnknownEndpoint } from './fallback.ts';
import type { MakeMembershipAnswer } from './joins.ts';

export function makeLeave(client: FederationClient, server: string, roomId: string, userId: string) {
  return client.request<MakeMembershipAnswer>(server, 'GET', `/_matrix/federation/v1/make_leave/${seg(roomId)}/${seg(userId)}`);
}

export async function sendLeave(client: FederationClient, server: string, roomId: string, eventId: string, event: PduJson): Promise<void> {
  const path = `/send_leave/${seg(roomId)}/${seg(eventId)}`;
  try {
    await client.request(server, 'PUT', `/_matrix/federation/v2${path}`, { body: event });
  } catch (e) {
    if (!isUnknownEndpoint(e)) throw e;
    await client.request(server, 'PUT', `/_matrix/federation/v1${path}`, { body: event });
  }
}
