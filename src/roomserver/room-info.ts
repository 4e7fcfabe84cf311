// What the room server keeps in memory per room: version, current state snapshot and forward
// extremities. It is the only writer of these, so the cached copy is always the truth; a new
// RoomInfo replaces the old one after each committed transaction.
import { MatrixError } from '../http/errors.ts';
import { roomVersion as lookupVersion, type RoomVersion } from '../protocol/room-versions.ts';
import type { Database } from '../storage/types.ts';
import { Lru } from './lru.ts';
import { EMPTY_SNAPSHOT, type Snapshot } from './state/snapshot.ts';
import type { StateStore } from './state/state-store.ts';
import { inBatches } from './storage/in-batches.ts';
import { selectRoomById, selectRoomByNid, type RoomRow } from './storage/rooms.ts';
import { selectEventRefs } from './storage/events.ts';

export interface Extremity {
  readonly nid: number;
  readonly eventId: string;
  readonly depth: number;
}

export interface RoomInfo {
  readonly nid: number;
  readonly roomId: string;
  readonly version: RoomVersion;
  /** The current state: resolved across all forward extremities. */
  readonly snapshot: Snapshot;
  readonly extremities: readonly Extremity[];
  readonly lastSentNid: number;
}

export function versionOrThrow(id: string): RoomVersion {
  const v = lookupVersion(id);
  if (!v) throw new MatrixError('M_UNSUPPORTED_ROOM_VERSION', `room version ${JSON.stringify(id)} is not supported`, { status: 400 });
  return v;
}

export class RoomCache {
  private readonly byId: Lru<string, RoomInfo>;
  private readonly idsByNid: Lru<number, { roomId: string; version: RoomVersion }>;

  constructor(
    private readonly db: Database,
    private readonly state: StateStore,
    budget: number,
  ) {
    this.byId = new Lru(budget, (r) => 4 + r.extremities.length);
    this.idsByNid = new Lru(budget * 4);
  }

  /** null when this server does not know the room. */
  async get(roomId: string): Promise<RoomInfo | null> {
    const hit = this.byId.get(roomId);
    if (hit) return hit;
    const row = await selectRoomById(this.db, roomId);
    if (!row) return null;
    const info = await this.fromRow(row);
    this.byId.set(roomId, info);
    return info;
  }

  async require(roomId: string): Promise<RoomInfo> {
    const info = await this.get(roomId);
    if (!info) throw new MatrixError('M_NOT_FOUND', `unknown room ${roomId}`);
    return info;
  }

  /** Room ID and version of a room NID (for turning stored events back into views). */
  async byNid(roomNid: number): Promise<{ roomId: string; version: RoomVersion }> {
    const hit = this.idsByNid.get(roomNid);
    if (hit) return hit;
    const row = await selectRoomByNid(this.db, roomNid);
    if (!row) throw new Error(`room NID ${roomNid} is missing from the database`);
    const entry = { roomId: row.room_id, version: versionOrThrow(row.room_version) };
    this.idsByNid.set(roomNid, entry);
    return entry;
  }

  /** After a commit: the new truth about the room. */
  put(info: RoomInfo): void {
    this.byId.set(info.roomId, info);
    this.idsByNid.set(info.nid, { roomId: info.roomId, version: info.version });
  }

  private async fromRow(row: RoomRow): Promise<RoomInfo> {
    const version = versionOrThrow(row.room_version);
    const snapshot = row.state_snapshot_nid === 0 ? EMPTY_SNAPSHOT : await this.state.snapshot(row.state_snapshot_nid);
    const nids = row.latest_event_nids === '' ? [] : row.latest_event_nids.split(',').map(Number);
    const rows = await inBatches(nids, (list, params) => selectEventRefs(this.db, list, params as number[]));
    const extremities = rows.map((r) => ({ nid: r.event_nid, eventId: r.event_id, depth: r.depth })).sort((a, b) => a.nid - b.nid);
    this.idsByNid.set(row.room_nid, { roomId: row.room_id, version });
    return { nid: row.room_nid, roomId: row.room_id, version, snapshot, extremities, lastSentNid: row.last_event_sent_nid };
  }
}

export function roomRow(info: RoomInfo): RoomRow {
  return {
    room_nid: info.nid,
    room_id: info.roomId,
    room_version: info.version.id,
    state_snapshot_nid: info.snapshot.nid,
    latest_event_nids: info.extremities.map((e) => e.nid).join(','),
    last_event_sent_nid: info.lastSentNid,
  };
}
