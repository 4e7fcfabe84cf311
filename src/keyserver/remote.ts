// Users of other servers in /keys/query and /keys/claim go to their servers through the optional
// federation dependency, all servers at once, each bounded by the request's `timeout` (10 s by
// default, as the spec recommends). A server that fails or is too slow is listed in `failures`.
import { serverNameOf } from '../protocol/identifiers.ts';
import type { KeyserverContext } from './context.ts';

export const DEFAULT_TIMEOUT_MS = 10_000;

/** Splits a map keyed by user ID into this server's part and the other servers' parts. */
export function splitByServer<T>(ctx: KeyserverContext, byUser: Record<string, T>) {
  const local: Record<string, T> = {};
  const remote = new Map<string, Record<string, T>>();
  for (const [userId, v] of Object.entries(byUser)) {
    const server = serverNameOf(userId);
    if (server === ctx.serverName) local[userId] = v;
    else if (server !== undefined) {
      let m = remote.get(server);
      if (!m) remote.set(server, (m = {}));
      m[userId] = v;
    }
  }
  return { local, remote };
}

/**
 * Runs `call` per server; resolves with each server's answer and a `failures` entry per server
 * that failed. Callers keep from an answer only the users of the server that gave it.
 */
export async function askServers<T, R>(
  ctx: KeyserverContext,
  remote: Map<string, T>,
  timeoutMs: number,
  call: (server: string, part: T) => Promise<R>,
): Promise<{ answers: [server: string, answer: R][]; failures: Record<string, Record<string, unknown>> }> {
  const answers: [string, R][] = [];
  const failures: Record<string, Record<string, unknown>> = {};
  await Promise.all(
    [...remote].map(async ([server, part]) => {
      if (!ctx.federation) {
        failures[server] = { errcode: 'M_UNKNOWN', error: 'Federation is not available' };
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      });
      try {
        answers.push([server, await Promise.race([call(server, part), timeout])]);
      } catch (error) {
        ctx.log.info('remote keys request failed', { server, error: (error as Error).message });
        failures[server] = { errcode: 'M_UNKNOWN', error: (error as Error).message };
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return { answers, failures };
}
