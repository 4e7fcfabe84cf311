// Server-Server API, "Querying for information" (query.yaml) and "Published Room Directory"
// (public_rooms.yaml), asked of another server.
import type { PublicRoomsResponse } from '../../../roomserver/api.ts';
import type { RemotePublicRoomsRequest } from '../../api.ts';
import type { FederationClient } from '../client.ts';

const V1 = '/_matrix/federation/v1';

export function queryProfile(client: FederationClient, server: string, userId: string, field?: string): Promise<Record<string, unknown>> {
  return client.request(server, 'GET', `${V1}/query/profile`, { query: { user_id: userId, field } });
}

export function queryDirectory(client: FederationClient, server: string, alias: string): Promise<{ room_id: string; servers: string[] }> {
  return client.request(server, 'GET', `${V1}/query/directory`, { query: { room_alias: alias } });
}

export function publicRooms(client: FederationClient, server: string, req: RemotePublicRoomsRequest): Promise<PublicRoomsResponse> {
  return client.request(server, 'POST', `${V1}/publicRooms`, { body: req });
}
