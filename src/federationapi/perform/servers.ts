// Which servers to ask when a user takes part in a room through another server: the ones the
// client named (`via`, `server_name`), then the room alias's server, the inviter's server and
// the server in the room ID (room versions 1–11), each once, never ourselves.
import { MatrixError } from '../../http/errors.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import { UnreachableError } from '../client/transport.ts';
import type { FederationContext } from '../context.ts';
import { BadTemplateError } from './template.ts';

export function candidateServers(ctx: FederationContext, ...lists: (readonly (string | undefined)[])[]): string[] {
  const out = new Set<string>();
  for (const list of lists) for (const s of list) if (s && s !== ctx.serverName) out.add(s);
  return [...out];
}

/** The server of a room ID, for the room versions whose IDs name one. */
export const roomServer = (roomId: string): string | undefined => serverNameOf(roomId) || undefined;

/**
 * Whether to try the next server after this failure: the server could not be reached, failed, did
 * not know the room, sent a bad template, or asked us to try elsewhere (restricted joins). Other
 * refusals (M_FORBIDDEN, M_INCOMPATIBLE_ROOM_VERSION) are the room's answer and go to the client.
 */
export function tryNext(e: unknown): boolean {
  if (e instanceof UnreachableError || e instanceof BadTemplateError) return true;
  if ((e as Error)?.name === 'TimeoutError') return true;
  if (!(e instanceof MatrixError)) return false;
  if (e.status >= 500) return true;
  return ['M_NOT_FOUND', 'M_UNABLE_TO_AUTHORISE_JOIN', 'M_UNABLE_TO_GRANT_JOIN', 'M_UNRECOGNIZED', 'M_NOT_JSON'].includes(e.errcode);
}

/** Runs `attempt` against each server in turn until one succeeds; the last failure otherwise. */
export async function throughServers<T>(ctx: FederationContext, what: string, servers: readonly string[], attempt: (server: string) => Promise<T>): Promise<T> {
  if (servers.length === 0) throw new MatrixError('M_NOT_FOUND', `No server to ${what} through: name one in "via"`);
  let last: unknown;
  for (const server of servers) {
    try {
      return await attempt(server);
    } catch (e) {
      last = e;
      ctx.log.info('membership handshake failed', { what, server, error: (e as Error).message });
      if (!tryNext(e)) throw e;
    }
  }
  if (last instanceof MatrixError) throw last;
  throw new MatrixError('M_UNKNOWN', `Could not ${what} through ${servers.join(', ')}: ${(last as Error).message}`, { status: 502 });
}
