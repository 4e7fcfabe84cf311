// Which thread an event belongs to, for per-thread notification counts (Client-Server API,
// "Receiving notifications" and "Threading"): follow m.relates_to until an m.thread relation
// names the root, at most 3 hops as the spec recommends. '' is the main timeline.
import { RelationType } from '../../protocol/constants.ts';
import type { PduJson } from '../../protocol/event.ts';
import { BoundedMap } from './bounded-map.ts';
import type { PushRoomserver } from './room-facts.ts';

export const MAIN_THREAD = '';
const MAX_HOPS = 3;

interface Relation {
  relType: unknown;
  eventId: string;
}

function relationOf(json: Pick<PduJson, 'content'>): Relation | undefined {
  const rel = json.content['m.relates_to'];
  if (typeof rel !== 'object' || rel === null || Array.isArray(rel)) return undefined;
  const eventId = (rel as Record<string, unknown>).event_id;
  return typeof eventId === 'string' ? { relType: (rel as Record<string, unknown>).rel_type, eventId } : undefined;
}

export class ThreadResolver {
  /** Thread of recently seen events, so that relations to them need no fetch. */
  private readonly known = new BoundedMap<string, string>(20_000);

  constructor(private readonly rs: Pick<PushRoomserver, 'eventsById'>) {}

  async threadOf(eventId: string, json: Pick<PduJson, 'content'>): Promise<string> {
    let rel = relationOf(json);
    let thread = MAIN_THREAD;
    for (let hop = 0; rel && hop < MAX_HOPS; hop++) {
      if (rel.relType === RelationType.Thread) {
        thread = rel.eventId;
        break;
      }
      const cached = this.known.get(rel.eventId);
      if (cached !== undefined) {
        thread = cached;
        break;
      }
      const [parent] = await this.rs.eventsById([rel.eventId]);
      rel = parent ? relationOf(parent.json) : undefined;
    }
    this.known.set(eventId, thread);
    return thread;
  }
}
