// Mounts the key server's route files under the client API's prefixes, in one place. /unstable is
// there too because clients (and SyTest) still call the cross-signing endpoints under it.
import type { MatrixApp } from '../http/app.ts';
import { type RouterDeps, mount } from '../http/router.ts';
import type { KeyserverRoutesContext } from './routes/context.ts';
import { crossSigningOps } from './routes/cross_signing.ts';
import { keyBackupOps } from './routes/key_backup.ts';
import { keysOps } from './routes/keys.ts';

export const KEYSERVER_PREFIXES = ['/_matrix/client/v3', '/_matrix/client/r0', '/_matrix/client/unstable'];

export function mountKeyserver(app: MatrixApp, deps: RouterDeps, ctx: KeyserverRoutesContext): void {
  mount(app.app, KEYSERVER_PREFIXES, [...keysOps(ctx), ...crossSigningOps(ctx), ...keyBackupOps(ctx)], deps, app.routes);
}
