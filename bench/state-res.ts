// State resolution benchmark: a room with 30,000 state events split into two forks, resolved with
// state resolution v2 (room version 10) and v2.1 (room version 12). Prints the median of 3 runs.
//
//   bun bench/state-res.ts [baseMembers=20000] [forkMembers=5000]
//
// The room: create, alice's join, power levels (alice admin, bob moderator), public join rules,
// then `baseMembers` joins. Each fork then adds `forkMembers` joins of its own, changes the display
// name of 1,000 shared members (500 of them in both forks: conflicting), bans 100 members and
// sends 10 chained power levels events and a topic. Every event is valid, with auth events chosen
// as a server would.

import { checkAuth } from '../src/protocol/auth/check-auth.ts';
import { authEventsNeeded } from '../src/protocol/auth/auth-events.ts';
import { authStateFromMap, type AuthVerifier } from '../src/protocol/auth/types.ts';
import { stateKeyOf, type EventView, type JsonObject } from '../src/protocol/event.ts';
import { roomVersion, type RoomVersion } from '../src/protocol/room-versions.ts';
import { resolveState } from '../src/protocol/state-res/index.ts';

const verifier: AuthVerifier = { isSignedByServer: () => true, thirdPartyInviteSignedByAnyKey: () => false };
const alice = '@alice:example.com';
const bob = '@bob:example.com';
const user = (n: number) => `@u${n}:example.com`;

class Builder {
  readonly events = new Map<string, EventView>();
  state = new Map<string, string>();
  private last: string | undefined;
  readonly roomId: string;

  constructor(readonly rv: RoomVersion) {
    this.roomId = rv.roomIdFromCreateEvent ? '!create' : '!room:example.com';
  }

  fork(): Builder {
    const copy = Object.create(Builder.prototype) as Builder;
    Object.assign(copy, this);
    copy.state = new Map(this.state);
    return copy;
  }

  send(type: string, stateKey: string, sender: string, content: JsonObject, check = false): EventView {
    const id = type === 'm.room.create' ? '$create' : `$e${this.shared.n++}`;
    const proto = { type, stateKey, sender, content };
    const authEventIds = authEventsNeeded(proto, this.rv)
      .map(([t, k]) => this.state.get(stateKeyOf(t, k)))
      .filter((x): x is string => x !== undefined);
    const event: EventView = {
      eventId: id,
      roomId: this.roomId,
      roomVersion: this.rv.id,
      type,
      stateKey,
      sender,
      content,
      originServerTs: 1_700_000_000_000 + this.shared.n,
      depth: this.shared.n,
      prevEventIds: this.last ? [this.last] : [],
      authEventIds,
      redacts: undefined,
      json: { sender, type, content, origin_server_ts: 0, depth: 0, prev_events: [], auth_events: authEventIds, hashes: { sha256: '' }, signatures: {} },
    };
    if (check) {
      const result = checkAuth(event, authStateFromMap(this.state, (x) => this.events.get(x)), this.rv, verifier);
      if (!result.allowed) throw new Error(`bench event rejected: ${result.reason}`);
    }
    this.events.set(id, event);
    this.state.set(stateKeyOf(type, stateKey), id);
    this.last = id;
    return event;
  }

  // Forks share the counter so event IDs stay unique.
  private shared = { n: 0 };
}

export function buildRoom(version: string, baseMembers: number, forkMembers: number): { a: Builder; b: Builder } {
  const rv = roomVersion(version)!;
  const room = new Builder(rv);
  room.send('m.room.create', '', alice, rv.creatorIsSender ? { room_version: version } : { room_version: version, creator: alice }, true);
  room.send('m.room.member', alice, alice, { membership: 'join' }, true);
  const admins = (extra: JsonObject): JsonObject => ({ users: { ...(rv.privilegedCreators ? {} : { [alice]: 100 }), [bob]: 50, ...extra } });
  room.send('m.room.power_levels', '', alice, admins({}), true);
  room.send('m.room.join_rules', '', alice, { join_rule: 'public' }, true);
  room.send('m.room.member', bob, bob, { membership: 'join' }, true);
  for (let i = 0; i < baseMembers; i++) room.send('m.room.member', user(i), user(i), { membership: 'join' });

  const a = room.fork();
  const b = room.fork();
  for (const [fork, offset, sender] of [[a, 0, alice], [b, 1, bob]] as const) {
    for (let i = 0; i < forkMembers; i++) {
      const u = user(baseMembers + offset * forkMembers + i);
      fork.send('m.room.member', u, u, { membership: 'join' });
    }
    // display names: fork a 0..999, fork b 500..1499 (500 conflict with each other)
    for (let i = offset * 500; i < offset * 500 + 1000; i++) fork.send('m.room.member', user(i), user(i), { membership: 'join', displayname: `u${i}` });
    for (let i = 0; i < 100; i++) fork.send('m.room.member', user(5000 + offset * 100 + i), sender, { membership: 'ban' }, true);
    for (let i = 0; i < 10; i++) fork.send('m.room.power_levels', '', sender, admins({ [user(9000 + i)]: offset * 10 + i }), true);
    fork.send('m.room.topic', '', sender, { topic: `fork ${offset}` }, true);
  }
  return { a, b };
}

function bench(version: string, baseMembers: number, forkMembers: number): void {
  const { a, b } = buildRoom(version, baseMembers, forkMembers);
  const rv = roomVersion(version)!;
  const opts = { roomVersion: rv, getEvent: (id: string) => a.events.get(id), verifier };
  const times: number[] = [];
  let result = new Map<string, string>();
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    result = resolveState([a.state, b.state], opts);
    times.push(performance.now() - start);
  }
  times.sort((x, y) => x - y);
  const stateEvents = new Set([...a.state.values(), ...b.state.values()]).size;
  console.log(
    JSON.stringify({
      bench: 'state-res',
      roomVersion: version,
      algorithm: rv.stateRes,
      stateEventsAcrossForks: stateEvents,
      forkAState: a.state.size,
      forkBState: b.state.size,
      resolvedState: result.size,
      medianMs: Number(times[1]!.toFixed(1)),
      runsMs: times.map((t) => Number(t.toFixed(1))),
    }),
  );
}

if (import.meta.main) {
  const baseMembers = Number(process.argv[2] ?? 20000);
  const forkMembers = Number(process.argv[3] ?? 5000);
  for (const version of ['10', '12']) bench(version, baseMembers, forkMembers);
}
