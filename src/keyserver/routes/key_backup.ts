// Client-Server API, "Server-side key backups" (key_backup.yaml): backup versions and the keys
// stored in them, for all rooms, one room or one session.
import { missingParam } from '../../http/errors.ts';
import { type Operation, type Req, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import * as backup from '../backup.ts';
import type { KeyserverRoutesContext } from './context.ts';

// auth_data and session_data are objects in the spec; any JSON value is kept, as SyTest stores strings.
const anyValue = v.any();
const count = v.integer().refine((n) => n >= 0, 'must not be negative');
const keyData = v.object({ first_message_index: count, forwarded_count: count, is_verified: v.boolean(), session_data: anyValue });
const roomKeys = v.object({ sessions: v.record(keyData) });

function versionOf(query: Req<unknown>['query']): string {
  const version = query('version');
  if (version === undefined) throw missingParam('version is required');
  return version;
}

export function keyBackupOps(ctx: KeyserverRoutesContext): Operation[] {
  return [
    // POST /_matrix/client/v3/room_keys/version
    op(
      { method: 'POST', path: '/room_keys/version', access: 'user', body: v.object({ algorithm: v.string(), auth_data: anyValue }) },
      async function postRoomKeysVersion({ body, requester }) {
        return { version: await backup.createVersion(ctx, requester.userId, body.algorithm, body.auth_data) };
      },
    ),

    // GET /_matrix/client/v3/room_keys/version
    op({ method: 'GET', path: '/room_keys/version', access: 'user' }, async function getRoomKeysVersionCurrent({ requester }) {
      return backup.getVersion(ctx, requester.userId);
    }),

    // GET /_matrix/client/v3/room_keys/version/{version}
    op({ method: 'GET', path: '/room_keys/version/:version', access: 'user' }, async function getRoomKeysVersion({ params, requester }) {
      return backup.getVersion(ctx, requester.userId, params.version!);
    }),

    // PUT /_matrix/client/v3/room_keys/version/{version}
    op(
      {
        method: 'PUT',
        path: '/room_keys/version/:version',
        access: 'user',
        body: v.object({ algorithm: v.string(), auth_data: anyValue, version: v.string().opt() }),
      },
      async function putRoomKeysVersion({ params, body, requester }) {
        await backup.updateVersion(ctx, requester.userId, params.version!, body);
        return {};
      },
    ),

    // DELETE /_matrix/client/v3/room_keys/version/{version}
    op({ method: 'DELETE', path: '/room_keys/version/:version', access: 'user' }, async function deleteRoomKeysVersion({ params, requester }) {
      await backup.deleteVersion(ctx, requester.userId, params.version!);
      return {};
    }),

    // PUT /_matrix/client/v3/room_keys/keys
    op(
      { method: 'PUT', path: '/room_keys/keys', access: 'user', body: v.object({ rooms: v.record(roomKeys) }) },
      async function putRoomKeys({ query, body, requester }) {
        const rooms = Object.fromEntries(Object.entries(body.rooms).map(([r, k]) => [r, k.sessions]));
        return backup.putKeys(ctx, requester.userId, versionOf(query), rooms);
      },
    ),

    // PUT /_matrix/client/v3/room_keys/keys/{roomId}
    op(
      { method: 'PUT', path: '/room_keys/keys/:roomId', access: 'user', body: roomKeys },
      async function putRoomKeysByRoomId({ query, params, body, requester }) {
        return backup.putKeys(ctx, requester.userId, versionOf(query), { [params.roomId!]: body.sessions });
      },
    ),

    // PUT /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}
    op(
      { method: 'PUT', path: '/room_keys/keys/:roomId/:sessionId', access: 'user', body: keyData },
      async function putRoomKeyBySessionId({ query, params, body, requester }) {
        return backup.putKeys(ctx, requester.userId, versionOf(query), { [params.roomId!]: { [params.sessionId!]: body } });
      },
    ),

    // GET /_matrix/client/v3/room_keys/keys
    op({ method: 'GET', path: '/room_keys/keys', access: 'user' }, async function getRoomKeys({ query, requester }) {
      return backup.getKeys(ctx, requester.userId, versionOf(query));
    }),

    // GET /_matrix/client/v3/room_keys/keys/{roomId}
    op({ method: 'GET', path: '/room_keys/keys/:roomId', access: 'user' }, async function getRoomKeysByRoomId({ query, params, requester }) {
      return backup.getKeys(ctx, requester.userId, versionOf(query), params.roomId!);
    }),

    // GET /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}
    op(
      { method: 'GET', path: '/room_keys/keys/:roomId/:sessionId', access: 'user' },
      async function getRoomKeyBySessionId({ query, params, requester }) {
        return backup.getKeys(ctx, requester.userId, versionOf(query), params.roomId!, params.sessionId!);
      },
    ),

    // DELETE /_matrix/client/v3/room_keys/keys
    op({ method: 'DELETE', path: '/room_keys/keys', access: 'user' }, async function deleteRoomKeys({ query, requester }) {
      return backup.deleteKeys(ctx, requester.userId, versionOf(query));
    }),

    // DELETE /_matrix/client/v3/room_keys/keys/{roomId}
    op(
      { method: 'DELETE', path: '/room_keys/keys/:roomId', access: 'user' },
      async function deleteRoomKeysByRoomId({ query, params, requester }) {
        return backup.deleteKeys(ctx, requester.userId, versionOf(query), params.roomId!);
      },
    ),

    // DELETE /_matrix/client/v3/room_keys/keys/{roomId}/{sessionId}
    op(
      { method: 'DELETE', path: '/room_keys/keys/:roomId/:sessionId', access: 'user' },
      async function deleteRoomKeyBySessionId({ query, params, requester }) {
        return backup.deleteKeys(ctx, requester.userId, versionOf(query), params.roomId!, params.sessionId!);
      },
    ),
  ];
}
