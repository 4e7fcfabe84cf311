// Mounts the sync API's route files, each under its prefixes, in one place.
import type { MatrixApp } from '../http/app.ts';
import { type Operation, type RouterDeps, mount } from '../http/router.ts';
import type { SyncapiContext } from './context.ts';
import { eventContextOps } from './routes/event_context.ts';
import { filterOps } from './routes/filter.ts';
import { messagePaginationOps } from './routes/message_pagination.ts';
import { peekOps } from './routes/peek.ts';
import { presenceOps } from './routes/presence.ts';
import { readMarkersOps } from './routes/read_markers.ts';
import { receiptsOps } from './routes/receipts.ts';
import { relationsOps } from './routes/relations.ts';
import { syncOps } from './routes/sync.ts';
import { threadsListOps } from './routes/threads_list.ts';
import { toDeviceOps } from './routes/to_device.ts';
import { typingOps } from './routes/typing.ts';
import type { FilterLookup } from './sync/filter-lookup.ts';
import type { SyncHandler } from './sync/handler.ts';
import type { PresenceUpdates } from './sync/presence-updates.ts';

const CLIENT_V3 = ['/_matrix/client/v3', '/_matrix/client/r0'];
const CLIENT_V1 = ['/_matrix/client/v1'];

export interface SyncapiRouteParts {
  handler: SyncHandler;
  filters: FilterLookup;
  presence: PresenceUpdates;
}

export function routeGroups(ctx: SyncapiContext, parts: SyncapiRouteParts): { prefixes: string[]; ops: Operation[] }[] {
  return [
    {
      prefixes: CLIENT_V3,
      ops: [
        ...syncOps(parts.handler, parts.filters, parts.presence),
        ...filterOps(ctx),
        ...messagePaginationOps(ctx),
        ...eventContextOps(ctx),
        ...typingOps(ctx),
        ...receiptsOps(ctx),
        ...readMarkersOps(ctx),
        ...presenceOps(ctx, parts.presence),
        ...toDeviceOps(ctx),
        ...peekOps(ctx),
      ],
    },
    // The spec serves relations and threads under v1 only.
    { prefixes: CLIENT_V1, ops: [...relationsOps(ctx), ...threadsListOps(ctx)] },
  ];
}

export function mountSyncapi(app: MatrixApp, deps: RouterDeps, ctx: SyncapiContext, parts: SyncapiRouteParts): void {
  for (const g of routeGroups(ctx, parts)) mount(app.app, g.prefixes, g.ops, deps, app.routes);
}
