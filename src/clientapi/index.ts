// createClientapi: the client-server API endpoints of accounts, devices and profiles, and, with a
// room server, of rooms. It keeps no table: transaction IDs of sends are the room server's
// idempotency keys (rooms/txns.ts) and UIA sessions are the user API's, so several can run side
// by side.
import type { Authenticate } from '../http/auth.ts';
import type { Base, Component } from '../setup/base.ts';
import type { UserApi } from '../userapi/api.ts';
import { type ClientapiContext, type ClientapiFederation, type ClientapiKeyserver, type ClientapiRoomserver, hasRoomsApi } from './context.ts';
import { type RouteGroup, mountClientapi, routeGroups } from './routes.ts';
import { createUia } from './uia/index.ts';

export interface ClientapiDeps {
  userapi: UserApi;
  /**
   * Profile changes and deactivation reach the user's rooms through it, when present. When it
   * offers the room endpoints' calls too (RoomsRoomserver), those endpoints are served.
   */
  roomserver?: ClientapiRoomserver;
  /** Told after devices are created, renamed or deleted, when present. */
  keyserver?: ClientapiKeyserver;
  /** Rooms, users and aliases of other servers; without it they are answered as unknown. */
  federation?: ClientapiFederation;
}

/** The client API offers no API to other components. */
export type ClientApi = Record<string, never>;

export interface ClientapiComponent extends Component<ClientApi> {
  /** The operations by prefix group, as mounted (for tests and route listings). */
  readonly groups: RouteGroup[];
}

export function createClientapi(base: Base, deps: ClientapiDeps): ClientapiComponent {
  const rooms = hasRoomsApi(deps.roomserver) ? deps.roomserver : undefined;
  const ctx: ClientapiContext = {
    config: base.config,
    serverName: base.serverName,
    userapi: deps.userapi,
    roomserver: deps.roomserver,
    rooms,
    keyserver: deps.keyserver,
    federation: deps.federation,
    uia: createUia({ userapi: deps.userapi, serverName: base.serverName, config: base.config }),
    log: base.log.child('clientapi'),
  };
  const groups = routeGroups(ctx);
  return {
    api: {},
    groups,
    mountRoutes(app, routerDeps) {
      mountClientapi(app, routerDeps, groups);
    },
    async close() {},
  };
}

/** Access tokens of devices, answered by the user API (application services add their own). */
export function authenticateWithUserapi(userapi: Pick<UserApi, 'queryAccessToken'>): Authenticate {
  return (q) => userapi.queryAccessToken(q.token, { ip: q.ip, userAgent: q.userAgent });
}
