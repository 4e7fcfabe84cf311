// Reading stored events: by NID or ID, in batches, through a cost-bounded cache of parsed events
// (a hot room's auth events and recent messages are read on every send). The stored JSON is
// trusted: it was checked before it was stored, so it is parsed without re-validation.
import type { EventView, PduJson } from '../protocol/event.ts';
import { eventView } from '../protocol/events/parse.ts';
import type { Database } from '../storage/types.ts';
import type { StoredEvent } from './api.ts';
import { Lru } from './lru.ts';
import type { RoomCache } from './room-info.ts';
import { inBatches } from './storage/in-batches.ts';
import { selectFullEventsById, selectFullEventsByNid, type FullEventRow } from './storage/events.ts';

export interface LoadedEvent {
  readonly nid: number;
  readonly roomNid: number;
  readonly view: EventView;
  readonly typeNid: number;
  readonly stateKeyNid: number | null;
  readonly outlier: boolean;
  readonly rejected: boolean;
  readonly softFailed: boolean;
  /** Snapshot NIDs; null for outliers. */
  readonly stateBefore: number | null;
  readonly stateAfter: number | null;
  readonly redactedBecause: string | undefined;
  /** Approximate size in memory, for the cache budget. */
  readonly cost: number;
}

export function toStoredEvent(e: LoadedEvent): StoredEvent {
  const out: StoredEvent = { nid: e.nid, eventId: e.view.eventId, roomId: e.view.roomId, roomVersion: e.view.roomVersion, json: e.view.json };
  if (e.redactedBecause !== undefined) out.redactedBecause = e.redactedBecause;
  return out;
}

export class EventStore {
  private readonly byNid: Lru<number, LoadedEvent>;
  private readonly nidById: Lru<string, number>;

  constructor(
    private readonly db: Database,
    private readonly rooms: RoomCache,
    budgetBytes: number,
  ) {
    this.byNid = new Lru(budgetBytes, (e) => e.cost);
    // About a tenth of the budget, at roughly 100 bytes per ID -> NID entry.
    this.nidById = new Lru(Math.max(1024, Math.floor(budgetBytes / 1000)));
  }

  async byNids(nids: readonly number[]): Promise<Map<number, LoadedEvent>> {
    const out = new Map<number, LoadedEvent>();
    const missing: number[] = [];
    for (const nid of nids) {
      const hit = this.byNid.get(nid);
      if (hit) out.set(nid, hit);
      else missing.push(nid);
    }
    if (missing.length > 0) {
      const rows = await inBatches(missing, (list, params) => selectFullEventsByNid(this.db, list, params as number[]));
      for (const e of await this.parseRows(rows)) out.set(e.nid, e);
    }
    return out;
  }

  async byIds(ids: readonly string[]): Promise<Map<string, LoadedEvent>> {
    const out = new Map<string, LoadedEvent>();
    const missing: string[] = [];
    for (const id of ids) {
      const nid = this.nidById.get(id);
      const hit = nid === undefined ? undefined : this.byNid.get(nid);
      if (hit) out.set(id, hit);
      else missing.push(id);
    }
    if (missing.length > 0) {
      const rows = await inBatches(missing, (list, params) => selectFullEventsById(this.db, list, params as string[]));
      for (const e of await this.parseRows(rows)) out.set(e.view.eventId, e);
    }
    return out;
  }

  /** The event if cached (no database read). */
  cached(nid: number): LoadedEvent | undefined {
    return this.byNid.get(nid);
  }

  async one(nid: number): Promise<LoadedEvent | undefined> {
    return (await this.byNids([nid])).get(nid);
  }

  /** After a commit: the event as stored (or as changed by a redaction). */
  put(e: LoadedEvent): void {
    this.byNid.set(e.nid, e);
    this.nidById.set(e.view.eventId, e.nid);
  }

  /** The NID of an event ID if cached (no database read). */
  cachedNid(eventId: string): number | undefined {
    return this.nidById.get(eventId);
  }

  private async parseRows(rows: readonly FullEventRow[]): Promise<LoadedEvent[]> {
    const out: LoadedEvent[] = [];
    for (const r of rows) {
      const room = await this.rooms.byNid(r.room_nid);
      const pdu = JSON.parse(r.event_json) as PduJson;
      const e: LoadedEvent = {
        nid: r.event_nid,
        roomNid: r.room_nid,
        view: eventView(pdu, room.version, r.event_id),
        typeNid: r.event_type_nid,
        stateKeyNid: r.event_state_key_nid,
        outlier: r.is_outlier === 1,
        rejected: r.is_rejected === 1,
        softFailed: r.is_soft_failed === 1,
        stateBefore: r.state_before_nid,
        stateAfter: r.state_after_nid,
        redactedBecause: r.redacted_because ?? undefined,
        cost: r.event_json.length * 2 + 256,
      };
      this.put(e);
      out.push(e);
    }
    return out;
  }
}
