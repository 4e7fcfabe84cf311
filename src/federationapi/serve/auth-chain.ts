// The auth chain of events: their auth events, and those events' auth events, recursively
// (Server-Server API, /state and /event_auth: "The full set of authorization events that make up
// the state of the room, and their authorization events, recursively"). Walked level by level,
// one batched room server call per level.
import type { StoredEvent } from '../../roomserver/api.ts';
import type { FederationRoomserver } from '../context.ts';

const refId = (r: string | [string, unknown]): string => (typeof r === 'string' ? r : r[0]);

export async function authChain(roomserver: Pick<FederationRoomserver, 'eventsById'>, from: readonly StoredEvent[]): Promise<StoredEvent[]> {
  // The starting events are not marked seen: one that authorises another (the create event,
  // power levels) belongs in the chain too.
  const seen = new Set<string>();
  const chain: StoredEvent[] = [];
  let frontier = new Set<string>();
  for (const e of from) for (const r of e.json.auth_events ?? []) frontier.add(refId(r));
  while (frontier.size > 0) {
    const ids = [...frontier].filter((id) => !seen.has(id));
    frontier = new Set();
    for (const id of ids) seen.add(id);
    for (let i = 0; i < ids.length; i += 500) {
      for (const e of await roomserver.eventsById(ids.slice(i, i + 500))) {
        chain.push(e);
        for (const r of e.json.auth_events ?? []) {
          const id = refId(r);
          if (!seen.has(id)) frontier.add(id);
        }
      }
    }
  }
  return chain;
}
