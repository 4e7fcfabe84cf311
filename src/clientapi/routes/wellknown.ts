// Client-Server API, "Well-known URIs" (wellknown.yaml), and the server discovery file of the
// Server-Server API ("Resolving server names", its own wellknown.yaml), both served from the
// config's global.well_known_* keys. Without them there is nothing to discover: 404 M_NOT_FOUND.
import { notFound } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { ClientapiContext } from '../context.ts';

export function wellknownOps(ctx: ClientapiContext): Operation[] {
  const g = ctx.config.global;
  return [
    // GET /.well-known/matrix/client
    op({ method: 'GET', path: '/client', access: 'none' }, function getWellknown() {
      if (!g.well_known_client_name) throw notFound('No client discovery information is configured');
      return {
        'm.homeserver': { base_url: g.well_known_client_name },
        ...(g.well_known_sliding_sync_proxy ? { 'org.matrix.msc3575.proxy': { url: g.well_known_sliding_sync_proxy } } : {}),
      };
    }),
    // GET /.well-known/matrix/server
    op({ method: 'GET', path: '/server', access: 'none' }, function getWellKnown() {
      if (!g.well_known_server_name) throw notFound('No server discovery information is configured');
      return { 'm.server': g.well_known_server_name };
    }),
  ];
}

/** The discovery object /login may return as `well_known`, when configured. */
export function clientWellKnown(ctx: ClientapiContext): Record<string, unknown> | undefined {
  const base = ctx.config.global.well_known_client_name;
  return base ? { 'm.homeserver': { base_url: base } } : undefined;
}
