// Client-Server API, "Client Config" (account-data.yaml): global and per-room account data.
// Only the owner may read or write it. m.fully_read and m.push_rules are managed by the server
// through their own APIs, so they cannot be set here (405 M_BAD_JSON, as the spec says).
import { MatrixError, forbidden, invalidParam, notFound } from '../../http/errors.ts';
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';

const SERVER_MANAGED = new Set(['m.fully_read', 'm.push_rules']);

function mustOwn(requester: Requester, userId: string) {
  if (requester.userId !== userId) throw forbidden('Cannot access account data of other users.');
}

function checkRoomId(roomId: string) {
  if (!roomId.startsWith('!')) throw invalidParam(`${roomId} is not a room ID`);
}

function checkSettable(type: string) {
  if (SERVER_MANAGED.has(type)) throw new MatrixError('M_BAD_JSON', `Cannot set ${type} through this API.`, { status: 405 });
}

export function accountDataOps(ctx: ClientapiContext): Operation[] {
  async function read(userId: string, roomId: string, type: string) {
    const content = await ctx.userapi.getAccountData(userId, roomId, type);
    if (content == null) throw notFound('No account data of this type');
    return content;
  }

  return [
    // PUT /_matrix/client/v3/user/{userId}/account_data/{type}
    op(
      { method: 'PUT', path: '/user/:userId/account_data/:type', access: 'user', rateLimited: true, body: v.anyObject() },
      async function setAccountData({ params, body, requester }) {
        mustOwn(requester, params.userId!);
        checkSettable(params.type!);
        await ctx.userapi.setAccountData(params.userId!, '', params.type!, body);
        return {};
      },
    ),

    // GET /_matrix/client/v3/user/{userId}/account_data/{type}
    op({ method: 'GET', path: '/user/:userId/account_data/:type', access: 'user' }, async function getAccountData({ params, requester }) {
      mustOwn(requester, params.userId!);
      return read(params.userId!, '', params.type!);
    }),

    // PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
    op(
      { method: 'PUT', path: '/user/:userId/rooms/:roomId/account_data/:type', access: 'user', rateLimited: true, body: v.anyObject() },
      async function setAccountDataPerRoom({ params, body, requester }) {
        mustOwn(requester, params.userId!);
        checkRoomId(params.roomId!);
        checkSettable(params.type!);
        await ctx.userapi.setAccountData(params.userId!, params.roomId!, params.type!, body);
        return {};
      },
    ),

    // GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
    op(
      { method: 'GET', path: '/user/:userId/rooms/:roomId/account_data/:type', access: 'user' },
      async function getAccountDataPerRoom({ params, requester }) {
        mustOwn(requester, params.userId!);
        checkRoomId(params.roomId!);
        return read(params.userId!, params.roomId!, params.type!);
      },
    ),
  ];
}
