// Event bodies, fetched from the room server (the only store of event JSON) in batches by NID,
// behind a bounded LRU cache. The room-events consumer primes it with each new event, so the
// /sync that the event wakes finds the body here. A redaction evicts the pruned event.
import type { RoomserverApi, StoredEvent } from '../../roomserver/api.ts';

const BATCH = 500;

export class EventCache {
  private readonly map = new Map<number, StoredEvent>();
  constructor(
    private readonly roomserver: Pick<RoomserverApi, 'eventsByNid'>,
    private readonly max = 10_000,
  ) {}

  put(ev: StoredEvent): void {
    this.map.delete(ev.nid);
    this.map.set(ev.nid, ev);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }

  evict(nid: number): void {
    this.map.delete(nid);
  }

  /** The events with these NIDs; unknown NIDs are absent from the result. */
  async byNids(nids: Iterable<number>): Promise<Map<number, StoredEvent>> {
    const out = new Map<number, StoredEvent>();
    const missing: number[] = [];
    for (const nid of nids) {
      if (out.has(nid)) continue;
      const ev = this.map.get(nid);
      if (ev) {
        // Refresh its place in the LRU order.
        this.map.delete(nid);
        this.map.set(nid, ev);
        out.set(nid, ev);
      } else if (!missing.includes(nid)) missing.push(nid);
    }
    for (let i = 0; i < missing.length; i += BATCH) {
      for (const ev of await this.roomserver.eventsByNid(missing.slice(i, i + BATCH))) {
        this.put(ev);
        out.set(ev.nid, ev);
      }
    }
    return out;
  }

  async byNid(nid: number): Promise<StoredEvent | undefined> {
    return (await this.byNids([nid])).get(nid);
  }
}
