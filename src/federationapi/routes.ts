// Mounts the federation API's route files under their prefixes, in one place: the federation
// endpoints under /_matrix/federation/v1 (and v2 for send_join, send_leave and invite), the key
// endpoints under /_matrix/key/v2. (The media component serves /_matrix/federation/v1/media itself.)
import type { MatrixApp } from '../http/app.ts';
import { type RouterDeps, mount } from '../http/router.ts';
import type { FederationContext } from './context.ts';
import type { TransactionHandler } from './inbound/transaction.ts';
import { backfillOps } from './routes/backfill.ts';
import { eventAuthOps } from './routes/event_auth.ts';
import { eventsOps } from './routes/events.ts';
import { invitesV1Ops } from './routes/invites-v1.ts';
import { invitesV2Ops } from './routes/invites-v2.ts';
import { joinsV1Ops } from './routes/joins-v1.ts';
import { joinsV2Ops } from './routes/joins-v2.ts';
import { keysQueryOps } from './routes/keys_query.ts';
import { keysServerOps } from './routes/keys_server.ts';
import { knocksOps } from './routes/knocks.ts';
import { leavingV1Ops } from './routes/leaving-v1.ts';
import { leavingV2Ops } from './routes/leaving-v2.ts';
import { publicRoomsOps } from './routes/public_rooms.ts';
import { queryOps } from './routes/query.ts';
import { transactionOps } from './routes/transactions.ts';
import { userDevicesOps } from './routes/user_devices.ts';
import { userKeysOps } from './routes/user_keys.ts';
import { versionOps } from './routes/version.ts';

export const FEDERATION_V1 = '/_matrix/federation/v1';
export const FEDERATION_V2 = '/_matrix/federation/v2';
export const KEY_V2 = '/_matrix/key/v2';

export function mountFederationRoutes(app: MatrixApp, deps: RouterDeps, ctx: FederationContext, transactions: TransactionHandler): void {
  mount(app.app, [KEY_V2], [...keysServerOps(ctx), ...keysQueryOps(ctx)], deps, app.routes);
  const v1 = [
    ...versionOps(),
    ...transactionOps(transactions),
    ...eventsOps(ctx),
    ...eventAuthOps(ctx),
    ...backfillOps(ctx),
    ...queryOps(ctx),
    ...userDevicesOps(ctx),
    ...userKeysOps(ctx),
    ...publicRoomsOps(ctx),
    ...joinsV1Ops(ctx),
    ...leavingV1Ops(ctx),
    ...knocksOps(ctx),
    ...invitesV1Ops(ctx),
  ];
  mount(app.app, [FEDERATION_V1], v1, deps, app.routes);
  mount(app.app, [FEDERATION_V2], [...joinsV2Ops(ctx), ...leavingV2Ops(ctx), ...invitesV2Ops(ctx)], deps, app.routes);
}
