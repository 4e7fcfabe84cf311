// The Base: what every component is built from. `src/setup/assemble.ts` makes one per process
// (config, logger, bus, the server's signing key, databases) and hands it to each component's
// `create<Component>(base, deps)`. Nothing here is kept in a module-level variable, so tests
// build components the same way with parts swapped.
import type { Bus } from '../bus/types.ts';
import type { Config, DatabaseOptions } from '../config/types.ts';
import type { MatrixApp } from '../http/app.ts';
import type { RouterDeps } from '../http/router.ts';
import type { Database } from '../storage/types.ts';
import type { Logger } from './logger.ts';

export interface ServerSigningKey {
  /** `ed25519:<id>` */
  keyId: string;
  /** The 32-byte ed25519 seed. */
  seed: Uint8Array;
}

export interface Base {
  readonly config: Config;
  readonly serverName: string;
  readonly log: Logger;
  readonly bus: Bus;
  readonly signingKey: ServerSigningKey;
  /** Opens a component's database: its own connection string, else global.database. */
  openDatabase(opts: DatabaseOptions): Promise<Database>;
}

/** What a component's `create<Component>` returns. */
export interface Component<Api> {
  readonly api: Api;
  /**
   * Mounts the component's public Matrix routes (its routes.ts: `mount(app, prefixes, ops, deps, table)`)
   * on the app of the process that serves them.
   */
  mountRoutes?(app: MatrixApp, deps: RouterDeps): void;
  /** Starts consumers and background work once every component of the process exists. */
  start?(): Promise<void>;
  close(): Promise<void>;
}
