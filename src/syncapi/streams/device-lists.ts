// The device-list part of /sync (Client-Server API, "End-to-End Encryption", "Extensions to
// /sync"): device_lists.changed/left, device_one_time_keys_count and
// device_unused_fallback_key_types. The key server owns that data and plugs in through
// DeviceListSource (deviceListsFromKeyserver); without one, NO_DEVICE_LISTS adds nothing and the
// token's device-list slot stays 0. The position itself reaches the notifier from the
// OutputKeyChangeEvent consumer, so a sync asks the key server only when the position moved.
import type { KeyserverApi } from '../../keyserver/api.ts';

export interface DeviceListSource {
  /** The latest position of the device-list stream. */
  latest(): Promise<number>;
  /** Users whose devices changed, or who stopped sharing a room with `userId`, in (from, to]. */
  changes(userId: string, from: number, to: number): Promise<{ changed: string[]; left: string[] }>;
  /** One-time key counts and unused fallback key algorithms of the syncing device. */
  keyCounts?(userId: string, deviceId: string): Promise<{ oneTimeKeys: Record<string, number>; fallbackKeyTypes: string[] }>;
}

export const NO_DEVICE_LISTS: DeviceListSource = {
  latest: async () => 0,
  changes: async () => ({ changed: [], left: [] }),
};

/** The key server's answers as a DeviceListSource. */
export function deviceListsFromKeyserver(ks: Pick<KeyserverApi, 'deviceListPosition' | 'keyChanges' | 'keyCounts'>): DeviceListSource {
  return {
    latest: () => ks.deviceListPosition(),
    changes: (userId, from, to) => ks.keyChanges(userId, from, to),
    keyCounts: (userId, deviceId) => ks.keyCounts(userId, deviceId),
  };
}

/** The device-list stream: whatever the DeviceListSource reports, for the syncing device. */
export class DeviceListStream {
  readonly key = 'deviceList' as const;
  constructor(private readonly source: DeviceListSource) {}

  async sync(
    req: { userId: string; deviceId: string; response: { device_lists?: { changed: string[]; left: string[] }; device_one_time_keys_count?: Record<string, number>; device_unused_fallback_key_types?: string[] } },
    from: number,
    to: number,
  ): Promise<number> {
    if (from > 0 && to > from) {
      const { changed, left } = await this.source.changes(req.userId, from, to);
      if (changed.length > 0 || left.length > 0) req.response.device_lists = { changed, left };
    }
    if (this.source.keyCounts) {
      const counts = await this.source.keyCounts(req.userId, req.deviceId);
      req.response.device_one_time_keys_count = counts.oneTimeKeys;
      req.response.device_unused_fallback_key_types = counts.fallbackKeyTypes;
    }
    return to;
  }
}
