// Server-Server API, "Device Management" (user_devices.yaml) and "End-to-End Encryption"
// (user_keys.yaml): another server's users' devices and keys.
import type { ClaimedKeys, KeyserverFederation, QueryKeysResponse } from '../../../keyserver/api.ts';
import type { UserDevicesResponse } from '../../api.ts';
import { serverNameOf } from '../../../protocol/identifiers.ts';
import { type FederationClient, seg } from '../client.ts';

const V1 = '/_matrix/federation/v1';

export function userDevices(client: FederationClient, server: string, userId: string): Promise<UserDevicesResponse> {
  return client.request(server, 'GET', `${V1}/user/devices/${seg(userId)}`);
}

export function queryKeys(client: FederationClient, server: string, deviceKeys: Record<string, string[]>, timeoutMs: number): Promise<QueryKeysResponse> {
  return client.request(server, 'POST', `${V1}/user/keys/query`, { body: { device_keys: deviceKeys }, timeoutMs });
}

export function claimKeys(
  client: FederationClient,
  server: string,
  oneTimeKeys: Record<string, Record<string, string>>,
  timeoutMs: number,
): Promise<{ one_time_keys: ClaimedKeys }> {
  return client.request(server, 'POST', `${V1}/user/keys/claim`, { body: { one_time_keys: oneTimeKeys }, timeoutMs });
}

/** The key server's way to other servers (its KeyserverFederation dependency). */
export function keyserverFederation(client: FederationClient): KeyserverFederation {
  return {
    queryKeys: (server, deviceKeys, timeoutMs) => queryKeys(client, server, deviceKeys, timeoutMs),
    claimKeys: (server, oneTimeKeys, timeoutMs) => claimKeys(client, server, oneTimeKeys, timeoutMs),
    userDevices: (userId) => {
      const server = serverNameOf(userId);
      if (!server) return Promise.reject(new Error(`${userId} has no server name`));
      return userDevices(client, server, userId);
    },
  };
}
