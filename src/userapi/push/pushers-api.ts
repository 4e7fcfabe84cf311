// The pushers methods of the user API (Client-Server API, "POST /pushers/set", "GET /pushers").
import { MatrixError, invalidParam, missingParam } from '../../http/errors.ts';
import type { Database } from '../../storage/types.ts';
import type { Pusher, SetPusherRequest, UserApi } from '../api.ts';
import * as pushers from '../storage/pushers.ts';

type PusherMethods = Pick<UserApi, 'getPushers' | 'setPusher'>;

/** The path every HTTP pusher's URL must have (pusher.yaml, `data.url`). */
export const NOTIFY_PATH = '/_matrix/push/v1/notify';
const MAX_APP_ID_CHARS = 64;
const MAX_PUSHKEY_BYTES = 512;

export function toPusher(r: pushers.PusherRow): Pusher {
  return {
    pushkey: r.pushkey,
    kind: r.kind,
    app_id: r.app_id,
    app_display_name: r.app_display_name,
    device_display_name: r.device_display_name,
    ...(r.profile_tag !== null ? { profile_tag: r.profile_tag } : {}),
    lang: r.lang,
    data: JSON.parse(r.data),
  };
}

/**
 * NOTSPEC: the spec says the URL MUST be HTTPS; plain HTTP is accepted too (as Synapse does),
 * for gateways on the same host and for test gateways such as SyTest's.
 */
function checkHttpData(data: Record<string, unknown>): void {
  if (typeof data.url !== 'string') throw missingParam('data.url is required for http pushers');
  let url: URL;
  try {
    url = new URL(data.url);
  } catch {
    throw invalidParam('data.url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidParam('data.url must be an https URL');
  if (url.pathname !== NOTIFY_PATH) throw invalidParam(`data.url must have the path ${NOTIFY_PATH}`);
}

function requireString(req: SetPusherRequest, key: 'app_display_name' | 'device_display_name' | 'lang'): string {
  const v = req[key];
  if (typeof v !== 'string') throw missingParam(`Missing parameter: ${key}`);
  return v;
}

export function pusherMethods(db: Database, localpart: (userId: string) => string, now: () => number): PusherMethods {
  return {
    async getPushers(userId) {
      return (await pushers.selectPushers(db, localpart(userId))).map(toPusher);
    },

    async setPusher(userId, deviceId, req) {
      const lp = localpart(userId);
      if (typeof req.app_id !== 'string' || req.app_id === '') throw missingParam('Missing parameter: app_id');
      if (typeof req.pushkey !== 'string' || req.pushkey === '') throw missingParam('Missing parameter: pushkey');
      if (req.app_id.length > MAX_APP_ID_CHARS) throw invalidParam(`app_id is longer than ${MAX_APP_ID_CHARS} characters`);
      if (Buffer.byteLength(req.pushkey) > MAX_PUSHKEY_BYTES) throw invalidParam(`pushkey is longer than ${MAX_PUSHKEY_BYTES} bytes`);
      if (req.kind === null || req.kind === undefined) {
        await db.transaction((tx) => pushers.deletePusher(tx, lp, req.app_id, req.pushkey));
        return;
      }
      // Email notifications need an outbound mail setup this server does not have.
      if (req.kind === 'email') throw invalidParam('Email pushers are not supported by this server');
      if (req.kind !== 'http') throw invalidParam(`Unknown pusher kind ${req.kind}`);
      const data = req.data;
      if (typeof data !== 'object' || data === null || Array.isArray(data)) throw missingParam('Missing parameter: data');
      checkHttpData(data);
      const row: pushers.PusherRow = {
        localpart: lp,
        app_id: req.app_id,
        pushkey: req.pushkey,
        device_id: deviceId ?? '',
        kind: req.kind,
        app_display_name: requireString(req, 'app_display_name'),
        device_display_name: requireString(req, 'device_display_name'),
        profile_tag: typeof req.profile_tag === 'string' ? req.profile_tag : null,
        lang: requireString(req, 'lang'),
        data: JSON.stringify(data),
        pushkey_ts: Math.floor(now() / 1000),
      };
      if (req.append !== undefined && req.append !== null && typeof req.append !== 'boolean') {
        throw new MatrixError('M_BAD_JSON', 'append must be a boolean');
      }
      await db.transaction(async (tx) => {
        if (req.append !== true) await pushers.deleteOthersPushers(tx, lp, req.app_id, req.pushkey);
        await pushers.upsertPusher(tx, row);
      });
    },
  };
}
