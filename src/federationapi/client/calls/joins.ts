// Server-Server API, "Joining Rooms" (joins-v1.yaml, joins-v2.yaml), asked of a resident server:
// GET /make_join, then PUT /send_join (v2; v1 for servers that do not know v2).
import type { PduJson } from '../../../protocol/event.ts';
import { type FederationClient, seg } from '../client.ts';
import { isUnknownEndpoint } from './fallback.ts';

export interface MakeMembershipAnswer {
  room_version?: string;
  event: PduJson;
}

export interface SendJoinAnswer {
  origin?: string;
  state: unknown[];
  auth_chain: unknown[];
  event?: unknown;
  members_omitted?: boolean;
  servers_in_room?: string[];
}

/** GET /make_join/{roomId}/{userId}?ver=…: a join template from `server`. */
export function makeJoin(client: FederationClient, server: string, roomId: string, userId: string, versions: readonly string[]) {
  return client.request<MakeMembershipAnswer>(server, 'GET', `/_matrix/federation/v1/make_join/${seg(roomId)}/${seg(userId)}`, {
    query: { ver: versions },
  });
}

/** PUT /send_join (v2, else v1): the room's state and auth chain before our join. */
export async function sendJoin(client: FederationClient, server: string, roomId: string, eventId: string, event: PduJson): Promise<SendJoinAnswer> {
  const path = `/send_join/${seg(roomId)}/${seg(eventId)}`;
  // A big room's state takes a while to gather and send.
  const opts = { body: event, timeoutMs: 300_000 };
  try {
    return await client.request<SendJoinAnswer>(server, 'PUT', `/_matrix/federation/v2${path}`, opts);
  } catch (e) {
    if (!isUnknownEndpoint(e)) throw e;
    const v1 = await client.request<[number, SendJoinAnswer]>(server, 'PUT', `/_matrix/federation/v1${path}`, opts);
    return v1[1];
  }
}
