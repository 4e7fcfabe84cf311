// Client-Server API, "Key management API" (keys.yaml): uploading, querying and claiming device
// keys, and the users whose device lists changed between two sync tokens.
import { MatrixError, missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { claimKeys } from '../claims.ts';
import { keyChanges } from '../device-lists.ts';
import { queryKeys } from '../query.ts';
import { uploadKeys } from '../uploads.ts';
import type { KeyserverRoutesContext } from './context.ts';

const timeout = v.integer().refine((t) => t >= 0, 'must not be negative').opt();

export function keysOps(ctx: KeyserverRoutesContext): Operation[] {
  return [
    // POST /_matrix/client/v3/keys/upload
    op(
      {
        method: 'POST',
        path: '/keys/upload',
        access: 'user-or-guest',
        body: v.object({ device_keys: v.any().opt(), one_time_keys: v.any().opt(), fallback_keys: v.any().opt() }),
      },
      async function uploadKeysOp({ body, requester }) {
        return uploadKeys(ctx, requester.userId, requester.deviceId, body);
      },
    ),

    // POST /_matrix/client/v3/keys/query
    op(
      {
        method: 'POST',
        path: '/keys/query',
        access: 'user-or-guest',
        body: v.object({ device_keys: v.record(v.array(v.string())), timeout }),
      },
      async function queryKeysOp({ body, requester }) {
        return queryKeys(ctx, requester.userId, body.device_keys, body.timeout);
      },
    ),

    // POST /_matrix/client/v3/keys/claim
    op(
      {
        method: 'POST',
        path: '/keys/claim',
        access: 'user-or-guest',
        body: v.object({ one_time_keys: v.record(v.record(v.string())), timeout }),
      },
      async function claimKeysOp({ body }) {
        return claimKeys(ctx, body.one_time_keys, body.timeout);
      },
    ),

    // GET /_matrix/client/v3/keys/changes
    op({ method: 'GET', path: '/keys/changes', access: 'user' }, async function getKeysChanges({ query, requester }) {
      const from = query('from');
      const to = query('to');
      if (from === undefined) throw missingParam('from is required');
      if (to === undefined) throw missingParam('to is required');
      const [a, b] = [ctx.positionOf(from), ctx.positionOf(to)];
      if (a === undefined || b === undefined) throw new MatrixError('M_INVALID_PARAM', 'from and to must be sync tokens');
      return keyChanges(ctx, requester.userId, a, b);
    }),
  ];
}
