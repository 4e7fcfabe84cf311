// The wiring of components, written once for both ways of running. Each entry says which other
// components' APIs it needs and how to build it from a Base and those APIs. The monolith builds
// every entry in order and passes the real APIs; a polylith process builds one entry and passes
// RPC clients (src/rpc/adapter.ts) for the APIs it needs.
import type { ComponentName } from '../config/types.ts';
import { createClientapi } from '../clientapi/index.ts';
import { FEDERATIONAPI_METHODS, type FederationApi } from '../federationapi/api.ts';
import { createFederationapi, federationClientFor, keyserverFederation, remoteMediaFetcher } from '../federationapi/index.ts';
import { KEYSERVER_METHODS, type KeyserverApi } from '../keyserver/api.ts';
import { createKeyserver } from '../keyserver/index.ts';
import { createMediaapi } from '../mediaapi/index.ts';
import { createRoomserver } from '../roomserver/index.ts';
import { deviceListPositionOf } from '../syncapi/api.ts';
import { createSyncapi } from '../syncapi/index.ts';
import { ROOMSERVER_METHODS, type RoomserverApi } from '../roomserver/api.ts';
import { createUserapi } from '../userapi/index.ts';
import { USERAPI_METHODS, type UserApi } from '../userapi/api.ts';
import type { Base, Component } from './base.ts';

/** The API each component offers to others, by name. */
export interface Apis {
  userapi: UserApi;
  roomserver: RoomserverApi;
  keyserver: KeyserverApi;
  federationapi: FederationApi;
}

export type ApiName = keyof Apis;

/** Method lists for the RPC adapter, by component. */
export const API_METHODS: { [K in ApiName]: readonly (keyof Apis[K] & string)[] } = {
  userapi: USERAPI_METHODS,
  roomserver: ROOMSERVER_METHODS,
  keyserver: KEYSERVER_METHODS,
  federationapi: FEDERATIONAPI_METHODS,
};

export interface ComponentEntry {
  /** APIs of other components this one calls. */
  needs: readonly ApiName[];
  /** Whether it serves public Matrix routes (polylith: on external_api.listen). */
  public: boolean;
  build(base: Base, apis: Partial<Apis>): Promise<Component<unknown>>;
}

const need = <K extends ApiName>(apis: Partial<Apis>, name: K): Apis[K] => {
  const api = apis[name];
  if (!api) throw new Error(`component wiring: ${name} API not provided`);
  return api;
};

/** In build order: a component comes after every component whose API it needs. */
export const COMPONENT_ENTRIES: Partial<Record<ComponentName, ComponentEntry>> = {
  roomserver: { needs: [], public: false, build: (base) => createRoomserver(base) },
  // Push rules are evaluated against rooms' members and state, asked of the room server.
  userapi: { needs: ['roomserver'], public: false, build: (base, apis) => createUserapi(base, { roomserver: need(apis, 'roomserver') }) },
  keyserver: {
    needs: ['userapi', 'roomserver'],
    public: true,
    build: (base, apis) =>
      createKeyserver(base, {
        userapi: need(apis, 'userapi'),
        roomserver: need(apis, 'roomserver'),
        // Built before the federation API (which needs it): it gets its own outbound client.
        federation: base.config.global.disable_federation ? undefined : keyserverFederation(federationClientFor(base)),
        deviceKeyChecks: base.config.key_server.verify_device_key_signatures ? 'verify' : 'structure',
        // /keys/changes takes /sync tokens.
        positionOf: deviceListPositionOf,
      }),
  },
  // Serves /_matrix/federation and /_matrix/key; its verifyRequest checks X-Matrix for every
  // process's federation routes (src/setup/public-app.ts).
  federationapi: {
    needs: ['roomserver', 'userapi', 'keyserver'],
    public: true,
    build: (base, apis) =>
      createFederationapi(base, { roomserver: need(apis, 'roomserver'), userapi: need(apis, 'userapi'), keyserver: need(apis, 'keyserver') }),
  },
  mediaapi: {
    needs: [],
    public: true,
    build: (base) => createMediaapi(base, base.config.global.disable_federation ? {} : { fetchRemote: remoteMediaFetcher(federationClientFor(base)) }),
  },
  syncapi: {
    needs: ['roomserver', 'userapi', 'keyserver'],
    public: true,
    build: (base, apis) =>
      createSyncapi(base, { roomserver: need(apis, 'roomserver'), userapi: need(apis, 'userapi'), keyserver: need(apis, 'keyserver') }),
  },
  clientapi: {
    needs: ['userapi', 'roomserver', 'keyserver', 'federationapi'],
    public: true,
    build: async (base, apis) =>
      createClientapi(base, {
        userapi: need(apis, 'userapi'),
        roomserver: need(apis, 'roomserver'),
        keyserver: need(apis, 'keyserver'),
        // Rooms, profiles and directories of other servers.
        federation: base.config.global.disable_federation ? undefined : apis.federationapi,
      }),
  },
};
