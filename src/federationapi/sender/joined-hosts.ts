// Which servers are in each room (federationapi_joined_hosts), kept from the room server's
// OutputRoomEvent state deltas: a join event entering the current state adds its server, any
// event leaving it removes its row. A room first seen here (one that existed before this
// component did) is filled from the room server's current state once. The servers of recent rooms
// are kept in memory: every event of ours asks for them twice, and messages change none of them.
import { EventType, Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { OutputRoomEvent, StoredEvent } from '../../roomserver/api.ts';
import type { Database } from '../../storage/types.ts';
import type { FederationRoomserver } from '../context.ts';
import { deleteJoinedHostsByEvents, insertJoinedHosts, type JoinedHost, roomHasHosts, selectHostsInRoom } from '../storage/joined-hosts.ts';

type NewRoomEvent = Extract<OutputRoomEvent, { kind: 'new_room_event' }>;

/** Rooms whose servers are kept in memory. */
const CACHED_ROOMS = 10_000;

export class JoinedHosts {
  private readonly seen = new Set<string>();
  /** Servers per room, as last read; oldest first. */
  private readonly cache = new Map<string, string[]>();
  /** Bumped when any room's rows change, so a read that began before a change is not cached. */
  private generation = 0;

  constructor(
    private readonly db: Database,
    private readonly roomserver: Pick<FederationRoomserver, 'eventsById' | 'currentState'>,
  ) {}

  /** Servers in the room now (us included). */
  async hosts(roomId: string): Promise<string[]> {
    const cached = this.cache.get(roomId);
    if (cached) return [...cached];
    const generation = this.generation;
    const hosts = await selectHostsInRoom(this.db, roomId);
    if (this.generation === generation) {
      this.cache.set(roomId, hosts);
      if (this.cache.size > CACHED_ROOMS) this.cache.delete(this.cache.keys().next().value!);
    }
    return [...hosts];
  }

  /** Applies the event's state delta; resolves with the servers in the room before it. */
  async apply(m: NewRoomEvent): Promise<string[]> {
    await this.bootstrap(m.roomId);
    const before = await this.hosts(m.roomId);
    const added = await this.memberEvents(m);
    const joins: JoinedHost[] = added
      .filter((e) => e.json.content.membership === Membership.Join && typeof e.json.state_key === 'string')
      .map((e) => ({ roomId: m.roomId, eventId: e.eventId, serverName: serverNameOf(e.json.state_key as string)! }));
    if (joins.length > 0 || m.removesStateEventIds.length > 0) {
      await this.db.transaction(async (tx) => {
        await deleteJoinedHostsByEvents(tx, m.roomId, m.removesStateEventIds);
        await insertJoinedHosts(tx, joins);
      });
      this.changed(m.roomId);
    }
    return before;
  }

  forget(roomId: string): void {
    this.seen.delete(roomId);
    this.changed(roomId);
  }

  /** After the room's rows changed (committed). */
  private changed(roomId: string): void {
    this.cache.delete(roomId);
    this.generation++;
  }

  /** The m.room.member events among the state the event added (usually the event itself). */
  private async memberEvents(m: NewRoomEvent): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    const others: string[] = [];
    for (const id of m.addsStateEventIds) {
      if (id === m.event.eventId) {
        if (m.event.json.type === EventType.Member) out.push(m.event);
      } else others.push(id);
    }
    if (others.length > 0) out.push(...(await this.roomserver.eventsById(others)).filter((e) => e.json.type === EventType.Member));
    return out;
  }

  private async bootstrap(roomId: string): Promise<void> {
    if (this.seen.has(roomId)) return;
    if (!(await roomHasHosts(this.db, roomId))) {
      const members = await this.roomserver.currentState(roomId, { types: [EventType.Member] });
      const joins = members
        .filter((e) => e.json.content.membership === Membership.Join && typeof e.json.state_key === 'string')
        .map((e) => ({ roomId, eventId: e.eventId, serverName: serverNameOf(e.json.state_key as string)! }));
      if (joins.length > 0) await this.db.transaction((tx) => insertJoinedHosts(tx, joins));
      this.changed(roomId);
    }
    if (this.seen.size > 100_000) this.seen.clear();
    this.seen.add(roomId);
  }
}
