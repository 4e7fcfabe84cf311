// createClientapi: the client-server API endpoints of accounts, devices and profiles. It keeps no
// state of its own (UIA sessions live in the user API's tables), so several can run side by side.
import type { Authenticate } from '../http/auth.ts';
import type { Base, Component } from '../setup/base.ts';
import type { UserApi } from '../userapi/api.ts';
import type { ClientapiContext, ClientapiRoomserver } from './context.ts';
import { type RouteGroup, mountClientapi, routeGroups } from './routes.ts';
import { createUia } from './uia/index.ts';

export interface ClientapiDeps {
  userapi: UserApi;
  /** Profile changes and deactivation reach the user's rooms through it, when present. */
  roomserver?: ClientapiRoomserver;
}

/** The client API offers no API to other components. */
export type ClientApi = Record<string, never>;

export interface ClientapiComponent extends Component<ClientApi> {
  /** The operations by prefix group, as mounted (for tests and route listings). */
  readonly groups: RouteGroup[];
}

export function createClientapi(base: Base, deps: ClientapiDeps): ClientapiComponent {
  const ctx: ClientapiContext = {
    config: base.config,
    serverName: base.serverName,
    userapi: deps.userapi,
    roomserver: deps.roomserver,
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
