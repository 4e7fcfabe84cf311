// The last few events of each active room, in memory, as the room-events consumer indexed them.
// A long-poll woken by a new message asks for the events after its `since`: nearly always a
// window these hold completely, so that sync reads no table at all. A window reaching further
// back than what is held goes to the database.
import type { EventRow } from '../storage/output-room-events.ts';

interface RoomRecent {
  /** Oldest first; every event of the room from `coveredFrom` on. */
  rows: EventRow[];
  coveredFrom: number;
}

export class RecentEvents {
  private readonly rooms = new Map<string, RoomRecent>();
  constructor(
    private readonly perRoom = 64,
    private readonly maxRooms = 5_000,
  ) {}

  /** Adds a newly committed event (events arrive in stream order). */
  append(row: EventRow): void {
    let r = this.rooms.get(row.roomId);
    if (r) this.rooms.delete(row.roomId);
    else r = { rows: [], coveredFrom: row.pos };
    r.rows.push(row);
    if (r.rows.length > this.perRoom) {
      r.rows.shift();
      r.coveredFrom = r.rows[0]!.pos;
    }
    this.rooms.set(row.roomId, r);
    if (this.rooms.size > this.maxRooms) this.rooms.delete(this.rooms.keys().next().value!);
  }

  /** The room's events with lower < pos <= upper, newest first; undefined when not all held. */
  window(roomId: string, lower: number, upper: number): EventRow[] | undefined {
    const r = this.rooms.get(roomId);
    if (!r || lower < r.coveredFrom - 1) return undefined;
    const out: EventRow[] = [];
    for (let i = r.rows.length - 1; i >= 0; i--) {
      const row = r.rows[i]!;
      if (row.pos <= lower) break;
      if (row.pos <= upper) out.push(row);
    }
    return out;
  }

  /** A redaction removed the event's relation and URL (mirrors clearRelation in the table). */
  redacted(eventId: string): void {
    for (const r of this.rooms.values()) {
      const i = r.rows.findIndex((x) => x.eventId === eventId);
      if (i >= 0) r.rows[i] = { ...r.rows[i]!, relType: null, relatesTo: null, containsUrl: false };
    }
  }

  drop(roomId: string): void {
    this.rooms.delete(roomId);
  }
}
