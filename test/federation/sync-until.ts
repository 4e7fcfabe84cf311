// Long-polling /sync until something shows up, for tests of two servers: what one server's user
// does reaches the other server's user only through federation, a moment later.
import type { TestClient } from '../helpers/client.ts';

/** Long-polls /sync (from `since`, or from the start) until `found` picks something out of a response. */
export async function syncUntil<T>(c: TestClient, found: (body: any) => T | undefined, timeoutMs = 20_000, since = ''): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const r = await c.request('GET', `/_matrix/client/v3/sync?timeout=1000${since ? `&since=${since}` : ''}`);
    if (r.status !== 200) throw new Error(`sync: ${r.status} ${JSON.stringify(r.body)}`);
    last = r.body;
    const hit = found(r.body);
    if (hit !== undefined) return hit;
    since = r.body.next_batch;
  }
  throw new Error(`not seen in /sync in time; last response: ${JSON.stringify(last).slice(0, 2000)}`);
}

/** Polls `check` until it returns something other than undefined. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await Bun.sleep(100);
  }
}

export const enc = encodeURIComponent;

/** The room's timeline events of a /sync response's `join` section. */
export const timelineOf = (body: any, roomId: string): any[] => body.rooms?.join?.[roomId]?.timeline?.events ?? [];
