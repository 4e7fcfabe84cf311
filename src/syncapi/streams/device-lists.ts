// The device-list part of /sync (Client-Server API, "End-to-End Encryption", "Extensions to
// /sync"): device_lists.changed/left, device_one_time_keys_count and
// device_unused_fallback_key_types. The key server owns that data; it plugs in here by
// implementing DeviceListSource. Until then NO_DEVICE_LISTS keeps the position at 0 and adds
// nothing, and the token's device-list slot is reserved.
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
