// Client-Server API, "Filtering" (filter.yaml): upload a filter, download it back. Filters are
// per user; only the owner may use them.
import { forbidden, notFound } from '../../http/errors.ts';
import type { Requester } from '../../http/env.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { SyncapiContext } from '../context.ts';
import { isLocalUser } from '../context.ts';
import { insertFilter, selectFilter } from '../storage/filters.ts';
import { filterSchema } from '../sync/filter.ts';

function mustOwn(ctx: SyncapiContext, requester: Requester, userId: string) {
  if (requester.userId !== userId) throw forbidden('Cannot use the filters of other users.');
  if (!isLocalUser(ctx, userId)) throw forbidden('Can only create filters for local users.');
}

export function filterOps(ctx: SyncapiContext): Operation[] {
  return [
    // POST /_matrix/client/v3/user/{userId}/filter
    op(
      { method: 'POST', path: '/user/:userId/filter', access: 'user-or-guest', body: v.anyObject() },
      async function defineFilter({ params, body, requester }) {
        mustOwn(ctx, requester, params.userId!);
        filterSchema.parse(body, '');
        const id = await ctx.db.transaction((tx) => insertFilter(tx, params.userId!, JSON.stringify(body)));
        return { filter_id: id };
      },
    ),

    // GET /_matrix/client/v3/user/{userId}/filter/{filterId}
    op({ method: 'GET', path: '/user/:userId/filter/:filterId', access: 'user-or-guest' }, async function getFilter({ params, requester }) {
      mustOwn(ctx, requester, params.userId!);
      const json = await selectFilter(ctx.db, params.userId!, params.filterId!);
      if (json === undefined) throw notFound('No such filter');
      return JSON.parse(json);
    }),
  ];
}
