// Devices and their access tokens (Client-Server API, "Relationship between access tokens and
// devices"): one current token per device; logging in again with a device ID replaces its token.
import type { Requester } from '../http/env.ts';
import { MatrixError, notFound } from '../http/errors.ts';
import type { Device, UserApi } from './api.ts';
import type { UserapiContext } from './context.ts';
import { randomDeviceId, randomToken, sha256Hex } from './secrets.ts';
import * as accounts from './storage/accounts.ts';
import * as devices from './storage/devices.ts';
import { deletePushersOfDevices } from './storage/pushers.ts';
import { localpartOf, userIdOf } from './user-id.ts';

type DeviceMethods = Pick<
  UserApi,
  'createDevice' | 'queryAccessToken' | 'listDevices' | 'getDevice' | 'updateDevice' | 'deleteDevices' | 'deleteAllDevices'
>;

/** Last-seen data is written at most this often per token, unless the IP address changes. */
const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;

function toDevice(row: devices.DeviceRow, serverName: string): Device {
  return {
    deviceId: row.device_id,
    userId: userIdOf(row.localpart, serverName),
    createdTs: Number(row.created_ts),
    ...(row.display_name !== null ? { displayName: row.display_name } : {}),
    ...(row.last_seen_ts !== null ? { lastSeenTs: Number(row.last_seen_ts) } : {}),
    ...(row.last_seen_ip !== null ? { lastSeenIp: row.last_seen_ip } : {}),
    ...(row.last_seen_user_agent !== null ? { lastSeenUserAgent: row.last_seen_user_agent } : {}),
  };
}

export function deviceMethods(ctx: UserapiContext): DeviceMethods {
  const { db, serverName, tokens } = ctx;

  const localpart = (userId: string) => {
    const lp = localpartOf(userId, serverName);
    if (lp === null) throw notFound(`${userId} is not a user of this server`);
    return lp;
  };

  function writeLastSeen(hash: string, ts: number, ip: string | null, userAgent: string | null) {
    // Off the request path: a failed write only loses a last-seen time.
    db.transaction((tx) => devices.updateLastSeen(tx, hash, ts, ip, userAgent)).catch((error) =>
      ctx.log.warn('last-seen update failed', { error }),
    );
  }

  return {
    async createDevice(req) {
      const lp = localpart(req.userId);
      const accessToken = randomToken();
      const hash = sha256Hex(accessToken);
      const now = ctx.now();
      const seen = { ts: now, ip: req.ip ?? null, userAgent: req.userAgent ?? null };
      const { deviceId, oldHash } = await db.transaction(async (tx) => {
        const account = await accounts.selectAccount(tx, lp);
        if (!account || account.is_deactivated === 1) throw new MatrixError('M_FORBIDDEN', 'This account cannot log in');
        if (req.deviceId !== undefined) {
          const existing = await devices.selectDevice(tx, lp, req.deviceId);
          if (existing) {
            await devices.replaceDeviceToken(tx, lp, req.deviceId, hash, seen);
            return { deviceId: req.deviceId, oldHash: existing.access_token_hash };
          }
        }
        const id = req.deviceId ?? randomDeviceId();
        await devices.insertDevice(tx, {
          localpart: lp,
          device_id: id,
          access_token_hash: hash,
          display_name: req.displayName ?? null,
          created_ts: now,
          last_seen_ts: now,
          last_seen_ip: seen.ip,
          last_seen_user_agent: seen.userAgent,
        });
        return { deviceId: id, oldHash: undefined };
      });
      if (oldHash !== undefined) tokens.invalidate([oldHash]);
      return { deviceId, accessToken };
    },

    async queryAccessToken(token, seen) {
      const hash = sha256Hex(token);
      let entry = tokens.get(hash);
      if (!entry) {
        const epoch = tokens.epoch;
        const row = await devices.selectTokenOwner(db, hash);
        if (!row) return null;
        const requester: Requester = {
          userId: userIdOf(row.localpart, serverName),
          deviceId: row.device_id,
          isGuest: row.kind === 'guest',
        };
        entry = {
          requester,
          lastWriteTs: row.last_seen_ts === null ? 0 : Number(row.last_seen_ts),
          lastIp: row.last_seen_ip,
          lastUserAgent: null,
        };
        tokens.set(hash, entry, epoch);
      }
      if (seen) {
        const now = ctx.now();
        const ip = seen.ip ?? null;
        const ua = seen.userAgent ?? null;
        if (now - entry.lastWriteTs >= LAST_SEEN_WRITE_INTERVAL_MS || (ip !== null && ip !== entry.lastIp)) {
          entry.lastWriteTs = now;
          entry.lastIp = ip ?? entry.lastIp;
          entry.lastUserAgent = ua ?? entry.lastUserAgent;
          writeLastSeen(hash, now, ip, ua);
        }
      }
      return { ...entry.requester };
    },

    async listDevices(userId) {
      const lp = localpartOf(userId, serverName);
      if (lp === null) return [];
      return (await devices.selectDevices(db, lp)).map((r) => toDevice(r, serverName));
    },

    async getDevice(userId, deviceId) {
      const lp = localpartOf(userId, serverName);
      if (lp === null) return null;
      const row = await devices.selectDevice(db, lp, deviceId);
      return row ? toDevice(row, serverName) : null;
    },

    async updateDevice(userId, deviceId, update) {
      const lp = localpart(userId);
      if (update.displayName === undefined) return (await devices.selectDevice(db, lp, deviceId)) !== undefined;
      return db.transaction((tx) => devices.updateDisplayName(tx, lp, deviceId, update.displayName ?? null));
    },

    async deleteDevices(userId, deviceIds) {
      const lp = localpart(userId);
      const ended = await db.transaction(async (tx) => {
        const out: { device_id: string; access_token_hash: string }[] = [];
        for (const id of new Set(deviceIds)) out.push(...(await devices.deleteDevice(tx, lp, id)));
        // A device's pushers go with it, as they go with its access token in Synapse.
        await deletePushersOfDevices(tx, lp, out.map((d) => d.device_id));
        return out;
      });
      tokens.invalidate(ended.map((d) => d.access_token_hash));
      return ended.map((d) => d.device_id);
    },

    async deleteAllDevices(userId, keepDeviceId) {
      const lp = localpart(userId);
      const ended = await db.transaction(async (tx) => {
        const gone = await devices.deleteAllDevices(tx, lp, keepDeviceId ?? null);
        await deletePushersOfDevices(tx, lp, gone.map((d) => d.device_id));
        return gone;
      });
      tokens.invalidate(ended.map((d) => d.access_token_hash));
      return ended.map((d) => d.device_id);
    },
  };
}
