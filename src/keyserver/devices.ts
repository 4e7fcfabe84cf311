// Devices coming and going. The user API owns devices; the client API tells the key server after
// it created, renamed or deleted some (userDevicesChanged). The key server then drops the keys of
// devices that no longer exist, with their unclaimed one-time and fallback keys and the
// signatures on them, copies the display names (POST /keys/query's unsigned.device_display_name),
// and records one device-list change: "Local new/update/delete device changes appear in v2 /sync"
// (SyTest).
import type { KeyserverContext } from './context.ts';
import { keysChanged, publishChanges, recordChanges } from './device-lists.ts';
import { deleteSignaturesByKey, deleteSignaturesOnKey } from './storage/cross-signing-sigs.ts';
import { deleteDeviceKeys, selectDeviceIdsWithKeys, updateDisplayName } from './storage/device-keys.ts';
import { deleteDeviceFallbackKeys } from './storage/fallback-keys.ts';
import { deleteDeviceOneTimeKeys } from './storage/one-time-keys.ts';

export async function userDevicesChanged(ctx: KeyserverContext, userId: string): Promise<void> {
  const existing = new Map((await ctx.userapi.listDevices(userId)).map((d) => [d.deviceId, d.displayName ?? null]));
  const rows = await ctx.db.transaction(async (tx) => {
    for (const { device_id, display_name } of await selectDeviceIdsWithKeys(tx, userId)) {
      const name = existing.get(device_id);
      if (name === undefined) await deleteDevice(tx, userId, device_id);
      else if (name !== display_name) await updateDisplayName(tx, userId, device_id, name);
    }
    // One-time and fallback keys can exist without device keys (uploaded on their own).
    for (const table of ['keyserver_one_time_keys', 'keyserver_fallback_keys']) {
      const ids = await tx.all<{ device_id: string }>(`SELECT DISTINCT device_id FROM ${table} WHERE user_id = $1`, [userId]);
      for (const { device_id } of ids) if (!existing.has(device_id)) await deleteDevice(tx, userId, device_id);
    }
    return recordChanges(ctx, tx, [keysChanged(userId)]);
  });
  await publishChanges(ctx, rows);
}

async function deleteDevice(tx: Parameters<typeof deleteDeviceKeys>[0], userId: string, deviceId: string) {
  await deleteDeviceKeys(tx, userId, deviceId);
  await deleteDeviceOneTimeKeys(tx, userId, deviceId);
  await deleteDeviceFallbackKeys(tx, userId, deviceId);
  await deleteSignaturesOnKey(tx, userId, deviceId);
  // The device's signatures of its user's master key go too: nobody can check them any more.
  await deleteSignaturesByKey(tx, userId, `ed25519:${deviceId}`);
}
