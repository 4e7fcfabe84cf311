// A polylith process: one component. It serves its API to the others as
// `POST /api/<component>/<method>` on internal_api.listen, reaches the APIs it needs at their
// internal_api.connect, and, if it is a public component, serves its Matrix routes on
// external_api.listen. Components share NATS JetStream for their streams.
import { Hono } from 'hono';
import { COMPONENT_SECTIONS } from '../config/defaults.ts';
import type { ComponentName, ComponentApi, Config } from '../config/types.ts';
import { authenticateWithUserapi } from '../clientapi/index.ts';
import type { FederationApi } from '../federationapi/api.ts';
import { serverVerifier } from '../federationapi/index.ts';
import { apiClient, serveApi } from '../rpc/adapter.ts';
import { createBase } from './assemble.ts';
import { API_METHODS, type ApiName, type Apis, COMPONENT_ENTRIES } from './components.ts';
import { closeAll, type RunningServer } from './monolith.ts';
import { publicApp } from './public-app.ts';
import { type Listener, listen } from './serve.ts';

const blockOf = (config: Config, name: ComponentName) =>
  (config as unknown as Record<string, ComponentApi>)[COMPONENT_SECTIONS[name]]!;

export async function startPolylith(config: Config, component: ComponentName): Promise<RunningServer> {
  const entry = COMPONENT_ENTRIES[component];
  if (!entry) throw new Error(`component ${component} cannot run as its own process yet`);
  const base = await createBase(config);
  const log = base.log.child(component);

  const remote = <K extends ApiName>(name: K): Apis[K] =>
    apiClient<Apis[K]>(name, blockOf(config, name).internal_api.connect, API_METHODS[name] as never);
  const apis: Partial<Apis> = {};
  for (const name of entry.needs) (apis as Record<string, unknown>)[name] = remote(name);
  // Public components authenticate every request through the user API.
  if (entry.public && !apis.userapi) apis.userapi = remote('userapi');

  const built = await entry.build(base, apis);
  await built.start?.();

  const maxRequestBodySize = Math.max(config.media_api.max_file_size_bytes, config.global.max_request_body_bytes) + 1024 * 1024;
  const listeners: Listener[] = [];
  if (component in API_METHODS) {
    const internal = new Hono();
    serveApi(internal, component, built.api as Record<string, never>, API_METHODS[component as ApiName] as never);
    listeners.push(listen(internal, { bind: blockOf(config, component).internal_api.listen, maxRequestBodySize }, log));
  }
  if (entry.public) {
    // Federation routes (the media API's too) are checked by the federation API, here or remote.
    const federation = component === 'federationapi' ? (built.api as FederationApi) : remote('federationapi');
    const app = publicApp(config, log, authenticateWithUserapi(apis.userapi!), [built], serverVerifier(federation));
    listeners.push(listen(app.app, { bind: blockOf(config, component).external_api.listen, maxRequestBodySize }, log));
  }
  log.info('polylith component started', { component });
  return {
    listeners,
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
      await closeAll([built]);
      await base.close();
    },
  };
}
