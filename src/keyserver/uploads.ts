// POST /keys/upload (Client-Server API, "Uploading keys"): a device publishes its identity keys,
// one-time keys and fallback keys. Everything is checked first, then stored in one transaction.
import { invalidParam } from '../http/errors.ts';
import type { KeyserverContext } from './context.ts';
import { keysChanged, publishChanges, recordChanges } from './device-lists.ts';
import { canonical, parseDeviceKeys, parseKeyMap, type ParsedDeviceKeys, type ParsedKey } from './validate.ts';
import { selectDeviceKeys, upsertDeviceKeys } from './storage/device-keys.ts';
import { selectFallbackKey, upsertFallbackKey } from './storage/fallback-keys.ts';
import { countOneTimeKeys, insertOneTimeKeys, selectDeviceOneTimeKeys } from './storage/one-time-keys.ts';
import { KeyAlgorithm } from './constants.ts';
import type { Tx } from '../storage/types.ts';

export interface UploadKeysBody {
  device_keys?: unknown;
  one_time_keys?: unknown;
  fallback_keys?: unknown;
}

/** The identity keys of a device, which may never change once published. */
const IDENTITY_ALGORITHMS = [KeyAlgorithm.Ed25519, KeyAlgorithm.Curve25519];

export async function uploadKeys(
  ctx: KeyserverContext,
  userId: string,
  deviceId: string,
  body: UploadKeysBody,
): Promise<{ one_time_key_counts: Record<string, number> }> {
  const device = body.device_keys != null ? parseDeviceKeys(body.device_keys, userId, deviceId, ctx.deviceKeyChecks) : undefined;
  const stored = await selectDeviceKeys(ctx.db, userId, deviceId);
  // '' is a device that published no ed25519 key (possible only with deviceKeyChecks 'structure').
  const signingKey = device?.ed25519 || stored?.ed25519_key || undefined;
  const oneTime = body.one_time_keys != null ? parseKeyMap(body.one_time_keys, 'one_time_keys', userId, deviceId, signingKey) : [];
  const fallback = body.fallback_keys != null ? parseKeyMap(body.fallback_keys, 'fallback_keys', userId, deviceId, signingKey) : [];
  const algorithms = fallback.map((k) => k.algorithm);
  if (new Set(algorithms).size !== algorithms.length) throw invalidParam('fallback_keys: at most one key per algorithm');

  const displayName = device ? ((await ctx.userapi.getDevice(userId, deviceId))?.displayName ?? null) : null;
  const rows = await ctx.db.transaction(async (tx) => {
    const changed = device ? await storeDeviceKeys(ctx, tx, userId, deviceId, device, displayName) : false;
    await storeOneTimeKeys(tx, userId, deviceId, oneTime);
    for (const k of fallback) {
      const old = await selectFallbackKey(tx, userId, deviceId, k.algorithm);
      // The same key uploaded again stays used if it was: only a new key resets the flag.
      if (old?.key_id !== k.keyId || old.key_json !== k.json) {
        await upsertFallbackKey(tx, userId, deviceId, { algorithm: k.algorithm, key_id: k.keyId, key_json: k.json });
      }
    }
    return changed ? recordChanges(ctx, tx, [keysChanged(userId)]) : [];
  });
  await publishChanges(ctx, rows);
  return { one_time_key_counts: await oneTimeKeyCounts(ctx, userId, deviceId) };
}

/** Stores the device keys; true when they differ from what was stored. */
async function storeDeviceKeys(
  ctx: KeyserverContext,
  tx: Tx,
  userId: string,
  deviceId: string,
  device: ParsedDeviceKeys,
  displayName: string | null,
) {
  const json = canonical(device.json, 'device_keys');
  // Read again inside the transaction: two uploads racing must not both pass the identity check.
  const old = await selectDeviceKeys(tx, userId, deviceId);
  if (old) {
    if (old.key_json === json && old.display_name === displayName) return false;
    const before = JSON.parse(old.key_json) as { keys?: Record<string, string> };
    for (const algorithm of IDENTITY_ALGORITHMS) {
      const keyId = `${algorithm}:${deviceId}`;
      const was = before.keys?.[keyId];
      if (was !== undefined && was !== device.json.keys[keyId]) {
        throw invalidParam(`${keyId} of this device is already published with another value; a new identity needs a new device`);
      }
    }
  }
  const row = { user_id: userId, device_id: deviceId, ed25519_key: device.ed25519, key_json: json, display_name: displayName };
  await upsertDeviceKeys(tx, row, ctx.now());
  return true;
}

/** A key ID already stored with other contents is a client bug the spec's "must" forbids hiding. */
async function storeOneTimeKeys(tx: Tx, userId: string, deviceId: string, keys: ParsedKey[]) {
  if (keys.length === 0) return;
  const stored = new Map((await selectDeviceOneTimeKeys(tx, userId, deviceId)).map((r) => [`${r.algorithm}:${r.key_id}`, r.key_json]));
  const fresh = [];
  for (const k of keys) {
    const old = stored.get(`${k.algorithm}:${k.keyId}`);
    if (old !== undefined && old !== k.json) throw invalidParam(`one_time_keys: ${k.algorithm}:${k.keyId} is already uploaded with another key`);
    if (old === undefined) fresh.push({ algorithm: k.algorithm, key_id: k.keyId, key_json: k.json });
  }
  await insertOneTimeKeys(tx, userId, deviceId, fresh);
}

/**
 * Unclaimed one-time keys per algorithm. signed_curve25519 is always listed (0 when none) since
 * that is the count Olm clients watch.
 */
export async function oneTimeKeyCounts(ctx: KeyserverContext, userId: string, deviceId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = { [KeyAlgorithm.SignedCurve25519]: 0 };
  for (const r of await countOneTimeKeys(ctx.db, userId, deviceId)) counts[r.algorithm] = Number(r.n);
  return counts;
}
