// Telling other servers about our users' devices (Server-Server API, "Device Management"): on a
// change of a local user's devices or keys, each device whose keys or name changed since we last
// told (and each one gone, as `deleted`) becomes an m.device_list_update with the next stream_id
// of the user and the previous one as prev_id; changed cross-signing keys become an
// m.signing_key_update. They go to every server that shares a room with the user.
import { createHash } from 'node:crypto';
import { EduType } from '../../protocol/constants.ts';
import type { FederationContext } from '../context.ts';
import { selectDeviceListStream, upsertDeviceListStream } from '../storage/device-list-streams.ts';
import type { Edu } from './queues.ts';

const digest = (v: unknown) => createHash('sha256').update(JSON.stringify(v ?? null)).digest('base64');

/** The EDUs announcing what changed about `userId`'s devices; the stream position is stored. */
export async function deviceChangeEdus(ctx: FederationContext, userId: string): Promise<Edu[]> {
  const [devices, keys, prev] = await Promise.all([
    ctx.userapi.listDevices(userId),
    ctx.keyserver.queryLocalKeys(ctx.serverName, { [userId]: [] }),
    selectDeviceListStream(ctx.db, userId),
  ]);
  const before = prev?.devices ?? {};
  const now: Record<string, string> = {};
  const edus: Edu[] = [];
  let streamId = prev?.streamId ?? 0;
  const push = (content: Record<string, unknown>) => {
    const prevId = streamId > 0 ? [streamId] : [];
    streamId++;
    edus.push({ edu_type: EduType.DeviceListUpdate, content: { user_id: userId, stream_id: streamId, prev_id: prevId, ...content } });
  };
  const byDevice = keys.device_keys[userId] ?? {};
  for (const d of devices) {
    const deviceKeys = byDevice[d.deviceId];
    const name = d.displayName ?? undefined;
    now[d.deviceId] = digest({ deviceKeys, name });
    if (before[d.deviceId] === now[d.deviceId]) continue;
    push({ device_id: d.deviceId, deleted: false, ...(name !== undefined ? { device_display_name: name } : {}), ...(deviceKeys ? { keys: deviceKeys } : {}) });
  }
  for (const gone of Object.keys(before)) if (!(gone in now)) push({ device_id: gone, deleted: true });
  const master = keys.master_keys?.[userId];
  const selfSigning = keys.self_signing_keys?.[userId];
  const signingHash = master || selfSigning ? digest({ master, selfSigning }) : '';
  if (signingHash !== '' && signingHash !== (prev?.signingKeysHash ?? '')) {
    edus.push({
      edu_type: EduType.SigningKeyUpdate,
      content: { user_id: userId, ...(master ? { master_key: master } : {}), ...(selfSigning ? { self_signing_key: selfSigning } : {}) },
    });
  }
  if (edus.length > 0 || !prev) await upsertDeviceListStream(ctx.db, { userId, streamId, devices: now, signingKeysHash: signingHash });
  return edus;
}
