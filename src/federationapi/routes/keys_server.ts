// Server-Server API, "Publishing Keys" (keys_server.yaml). No signature is asked of the caller:
// a server cannot sign before the other side knows its keys.
import { type Operation, op } from '../../http/router.ts';
import type { FederationContext } from '../context.ts';

/** Mounted under /_matrix/key/v2. */
export function keysServerOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/key/v2/server
    op({ method: 'GET', path: '/server', access: 'none' }, function getServerKey() {
      return ctx.ourKeys.response();
    }),
    // GET /_matrix/key/v2/server/{keyId}: the deprecated form with a key ID, answered the same.
    op({ method: 'GET', path: '/server/:keyId', access: 'none' }, function getServerKeyById() {
      return ctx.ourKeys.response();
    }),
  ];
}
