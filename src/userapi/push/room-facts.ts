// What push rules ask of a room, kept per room and brought up to date from the OutputRoomEvent
// stream itself: its joined members (member count, recipients), members' display names, power
// levels, name and canonical alias. A room's messages change none of it, so the common case is
// answered from memory; an unusual state change (state resolution swapping several events)
// drops the room, and the next event fetches it again from the room server.
import { EventType, Membership } from '../../protocol/constants.ts';
import { eventView } from '../../protocol/events/index.ts';
import { type RoomPowerLevels, notificationLevel, roomPowerLevels, userLevel } from '../../protocol/power-levels.ts';
import { roomVersion } from '../../protocol/room-versions.ts';
import type { OutputRoomEvent, RoomserverApi, StoredEvent } from '../../roomserver/api.ts';
import { BoundedMap } from './bounded-map.ts';

/** The room server calls push makes. */
export type PushRoomserver = Pick<RoomserverApi, 'joinedMembers' | 'currentState' | 'stateEvent' | 'eventsById'>;

export type NewRoomEvent = Extract<OutputRoomEvent, { kind: 'new_room_event' }>;

export interface RoomMeta {
  powerLevels: RoomPowerLevels;
  name?: string;
  canonicalAlias?: string;
  /** The room this one replaced (m.room.create `predecessor`). */
  predecessor?: string;
}

interface RoomEntry {
  joined?: Set<string>;
  /** Display names by user ID; null: the member has none. */
  names: Map<string, string | null>;
  meta?: RoomMeta;
}

const META_TYPES: string[] = [EventType.PowerLevels, EventType.Create, EventType.Name, EventType.CanonicalAlias];
const META_TYPE_SET = new Set(META_TYPES);

const displayNameOf = (content: Record<string, unknown>): string | null =>
  content.membership === Membership.Join && typeof content.displayname === 'string' ? content.displayname : null;

export class RoomFacts {
  private readonly rooms = new BoundedMap<string, RoomEntry>(2000);

  constructor(private readonly rs: PushRoomserver) {}

  private entry(roomId: string): RoomEntry {
    let e = this.rooms.get(roomId);
    if (!e) this.rooms.set(roomId, (e = { names: new Map() }));
    return e;
  }

  /** Brings the room up to date with the current-state changes an event made. */
  apply(msg: NewRoomEvent): void {
    const { addsStateEventIds: adds, removesStateEventIds: removes, event } = msg;
    if (adds.length === 0 && removes.length === 0) return;
    const ownChange = adds.length === 1 && adds[0] === event.eventId && removes.length <= 1;
    const e = this.rooms.get(msg.roomId);
    if (!e) return;
    if (!ownChange) {
      this.rooms.delete(msg.roomId);
      return;
    }
    const json = event.json;
    if (json.type === EventType.Member && typeof json.state_key === 'string') {
      if (json.content.membership === Membership.Join) e.joined?.add(json.state_key);
      else e.joined?.delete(json.state_key);
      e.names.set(json.state_key, displayNameOf(json.content));
    } else if (META_TYPE_SET.has(json.type)) {
      e.meta = undefined;
    }
  }

  async joined(roomId: string): Promise<Set<string>> {
    const e = this.entry(roomId);
    if (!e.joined) e.joined = new Set(await this.rs.joinedMembers(roomId));
    return e.joined;
  }

  async displayName(roomId: string, userId: string): Promise<string | undefined> {
    const e = this.entry(roomId);
    let name = e.names.get(userId);
    if (name === undefined) {
      const ev = await this.rs.stateEvent(roomId, EventType.Member, userId);
      name = ev ? displayNameOf(ev.json.content) : null;
      e.names.set(userId, name);
    }
    return name ?? undefined;
  }

  async meta(roomId: string): Promise<RoomMeta> {
    const e = this.entry(roomId);
    if (!e.meta) e.meta = metaFrom(await this.rs.currentState(roomId, { types: META_TYPES }));
    return e.meta;
  }

  forget(roomId: string): void {
    this.rooms.delete(roomId);
  }
}

function metaFrom(state: StoredEvent[]): RoomMeta {
  const byType = new Map(state.filter((s) => s.json.state_key === '').map((s) => [s.json.type, s]));
  const create = byType.get(EventType.Create);
  const rv = roomVersion(create?.roomVersion ?? state[0]?.roomVersion ?? '');
  const view = (s: StoredEvent | undefined) => (s && rv ? eventView(s.json, rv, s.eventId) : undefined);
  const powerLevels: RoomPowerLevels = rv
    ? roomPowerLevels(view(byType.get(EventType.PowerLevels)), view(create), rv)
    : { content: undefined, creators: new Set(), privilegedCreators: false };
  const name = byType.get(EventType.Name)?.json.content.name;
  const alias = byType.get(EventType.CanonicalAlias)?.json.content.alias;
  const predecessor = (create?.json.content.predecessor as { room_id?: unknown } | undefined)?.room_id;
  return {
    powerLevels,
    ...(typeof name === 'string' && name !== '' ? { name } : {}),
    ...(typeof alias === 'string' && alias !== '' ? { canonicalAlias: alias } : {}),
    ...(typeof predecessor === 'string' ? { predecessor } : {}),
  };
}

/** sender_notification_permission: the sender's level reaches `notifications[key]`. */
export function senderMayNotify(meta: RoomMeta, sender: string, key: string): boolean {
  const needed = notificationLevel(meta.powerLevels, key);
  return needed !== undefined && userLevel(meta.powerLevels, sender) >= needed;
}
