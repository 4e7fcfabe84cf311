// The monolith: every component in one process, calling each other directly, sharing one bus.
import type { ComponentName, Config } from '../config/types.ts';
import { authenticateWithUserapi } from '../clientapi/index.ts';
import { serverVerifier } from '../federationapi/index.ts';
import { createBase } from './assemble.ts';
import type { Component } from './base.ts';
import { API_METHODS, type Apis, COMPONENT_ENTRIES } from './components.ts';
import { publicApp } from './public-app.ts';
import { type Listener, listen } from './serve.ts';

export interface MonolithOptions {
  /** Plain HTTP listener, Dendrite's --http-bind-address (`:8008`, `127.0.0.1:8008`). */
  httpBind: string;
  /** HTTPS listener (--https-bind-address); given only together with tlsCert and tlsKey. */
  httpsBind?: string;
  /** PEM files, absolute paths. */
  tlsCert?: string;
  tlsKey?: string;
}

/** A started server; the CLI calls stop() on SIGINT or SIGTERM, then exits. */
export interface RunningServer {
  readonly listeners: Listener[];
  stop(): Promise<void>;
}

export async function startMonolith(config: Config, opts: MonolithOptions): Promise<RunningServer> {
  const started = performance.now();
  const base = await createBase(config);
  const log = base.log;
  const components: Component<unknown>[] = [];
  const apis: Partial<Apis> = {};
  try {
    for (const [name, entry] of Object.entries(COMPONENT_ENTRIES)) {
      const component = await entry.build(base, apis);
      components.push(component);
      if (name in API_METHODS) (apis as Record<string, unknown>)[name as ComponentName] = component.api;
    }
    for (const c of components) await c.start?.();
  } catch (e) {
    await closeAll(components);
    await base.close();
    throw e;
  }

  const verifyServer = apis.federationapi ? serverVerifier(apis.federationapi) : undefined;
  const app = publicApp(config, log, authenticateWithUserapi(apis.userapi!), components, verifyServer);
  const maxRequestBodySize = Math.max(config.media_api.max_file_size_bytes, config.global.max_request_body_bytes) + 1024 * 1024;
  const listeners: Listener[] = [listen(app.app, { bind: opts.httpBind, maxRequestBodySize }, log)];
  if (opts.httpsBind && opts.tlsCert && opts.tlsKey) {
    listeners.push(
      listen(app.app, { bind: opts.httpsBind, tls: { certFile: opts.tlsCert, keyFile: opts.tlsKey }, maxRequestBodySize }, log),
    );
  }
  log.info('monolith started', { server_name: config.global.server_name, ms: Math.round(performance.now() - started) });

  return {
    listeners,
    async stop() {
      await Promise.all(listeners.map((l) => l.stop()));
      await closeAll(components);
      await base.close();
    },
  };
}

export async function closeAll(components: Component<unknown>[]) {
  for (const c of [...components].reverse()) await c.close().catch(() => undefined);
}
