// Other servers' users' device lists (Server-Server API, "Device Management"; "End-to-End
// Encryption"): an m.device_list_update is applied when we have seen every update its prev_id
// names ("If the receiving server does not recognise any of the prev_ids, it means an EDU has been
// lost"), else the whole list is fetched again (GET /user/devices); m.signing_key_update replaces
// the user's cross-signing keys. Each change is a device-list change of that user, so our users
// who share a room with them hear of it in /sync device_lists and /keys/changes.
import type { InputDeviceListUpdate, InputSigningKeyUpdate, UserDevicesResponse } from '../federationapi/api.ts';
import type { Tx } from '../storage/types.ts';
import type { KeyserverContext } from './context.ts';
import { keysChanged, publishChanges, recordChanges } from './device-lists.ts';
import type { CrossSigningKeyJson, DeviceKeysJson, QueryKeysResponse } from './api.ts';
import {
  deleteRemoteDevice,
  deleteRemoteDevices,
  selectRemoteDevicesOfUsers,
  selectRemoteList,
  selectRemoteListsOfUsers,
  updateRemoteCrossSigning,
  upsertRemoteDevice,
  upsertRemoteList,
} from './storage/remote-devices.ts';

const json = (v: unknown): string | null => (v && typeof v === 'object' ? JSON.stringify(v) : null);

/** Applies one m.device_list_update, or resyncs the user's list when one was missed. */
export async function applyDeviceListUpdate(ctx: KeyserverContext, u: InputDeviceListUpdate): Promise<void> {
  const known = await selectRemoteList(ctx.db, u.user_id);
  if (known && u.stream_id <= known.stream_id) return; // seen already (at-least-once delivery)
  const prev = Array.isArray(u.prev_id) ? u.prev_id : [];
  // Stream IDs grow per user: one at or below ours has been seen (or is covered by a resync).
  if (!known || !prev.every((p) => p <= known.stream_id)) {
    await resync(ctx, u.user_id);
    return;
  }
  const rows = await ctx.db.transaction(async (tx) => {
    if (u.deleted) await deleteRemoteDevice(tx, u.user_id, u.device_id);
    else {
      await upsertRemoteDevice(tx, { user_id: u.user_id, device_id: u.device_id, key_json: json(u.keys), display_name: u.device_display_name ?? null });
    }
    await upsertRemoteList(tx, u.user_id, u.stream_id, ctx.now());
    return recordChanges(ctx, tx, [keysChanged(u.user_id)]);
  });
  await publishChanges(ctx, rows);
}

/** The user's whole device list from their server, replacing ours. */
export async function resync(ctx: KeyserverContext, userId: string): Promise<void> {
  if (!ctx.federation?.userDevices) return;
  let answer: UserDevicesResponse;
  try {
    answer = await ctx.federation.userDevices(userId);
  } catch (error) {
    // Recorded as changed anyway: clients that ask /keys/query get the live answer.
    ctx.log.info('device list resync failed', { userId, error: (error as Error).message });
    const rows = await ctx.db.transaction((tx) => recordChanges(ctx, tx, [keysChanged(userId)]));
    await publishChanges(ctx, rows);
    return;
  }
  const rows = await ctx.db.transaction(async (tx) => {
    await storeList(ctx, tx, userId, answer);
    return recordChanges(ctx, tx, [keysChanged(userId)]);
  });
  await publishChanges(ctx, rows);
}

async function storeList(ctx: KeyserverContext, tx: Tx, userId: string, answer: UserDevicesResponse): Promise<void> {
  await deleteRemoteDevices(tx, userId);
  for (const d of Array.isArray(answer.devices) ? answer.devices : []) {
    if (typeof d?.device_id !== 'string') continue;
    await upsertRemoteDevice(tx, { user_id: userId, device_id: d.device_id, key_json: json(d.keys), display_name: d.device_display_name ?? null });
  }
  await upsertRemoteList(tx, userId, Number(answer.stream_id) || 0, ctx.now());
  await updateRemoteCrossSigning(tx, userId, json(answer.master_key), json(answer.self_signing_key));
}

/** Applies one m.signing_key_update: the user's new master and self-signing keys. */
export async function applySigningKeyUpdate(ctx: KeyserverContext, u: InputSigningKeyUpdate): Promise<void> {
  const rows = await ctx.db.transaction(async (tx) => {
    const known = await selectRemoteList(tx, u.user_id);
    if (!known) await upsertRemoteList(tx, u.user_id, 0, ctx.now());
    await updateRemoteCrossSigning(tx, u.user_id, json(u.master_key), json(u.self_signing_key));
    return recordChanges(ctx, tx, [keysChanged(u.user_id)]);
  });
  await publishChanges(ctx, rows);
}

/**
 * Our copy of the users' keys, in /keys/query's shape, for users whose server did not answer: the
 * last device list that server told us of is better than none for encrypting to them.
 */
export async function cachedKeys(ctx: KeyserverContext, deviceKeys: Record<string, string[]>): Promise<QueryKeysResponse> {
  const userIds = Object.keys(deviceKeys);
  const out: QueryKeysResponse = { device_keys: {}, master_keys: {}, self_signing_keys: {} };
  for (const list of await selectRemoteListsOfUsers(ctx.db, userIds)) {
    out.device_keys[list.user_id] = {};
    if (list.master_key) out.master_keys![list.user_id] = JSON.parse(list.master_key) as CrossSigningKeyJson;
    if (list.self_signing_key) out.self_signing_keys![list.user_id] = JSON.parse(list.self_signing_key) as CrossSigningKeyJson;
  }
  for (const d of await selectRemoteDevicesOfUsers(ctx.db, userIds)) {
    const wanted = deviceKeys[d.user_id] ?? [];
    if (d.key_json === null || (wanted.length > 0 && !wanted.includes(d.device_id))) continue;
    const keys = JSON.parse(d.key_json) as DeviceKeysJson;
    keys.unsigned = d.display_name !== null ? { device_display_name: d.display_name } : {};
    (out.device_keys[d.user_id] ??= {})[d.device_id] = keys;
  }
  return out;
}
