// Test factory for the authorisation rules and state resolution: EventView objects with made-up
// event IDs and no hashes or signatures (those are checked elsewhere), a room that hands out auth
// events the way a server would, and a signature verifier whose answers the tests control.

import { authEventsNeeded } from '../../../../src/protocol/auth/auth-events.ts';
import { checkAuth } from '../../../../src/protocol/auth/check-auth.ts';
import { authStateFromMap, type AuthResult, type AuthVerifier } from '../../../../src/protocol/auth/types.ts';
import { stateKeyOf, type EventView, type JsonObject, type PduJson } from '../../../../src/protocol/event.ts';
import { roomVersion, type RoomVersion } from '../../../../src/protocol/room-versions.ts';

export function rv(id: string): RoomVersion {
  const version = roomVersion(id);
  if (!version) throw new Error(`unknown room version ${id}`);
  return version;
}

export interface EventFields {
  eventId: string;
  roomId?: string;
  type: string;
  stateKey?: string;
  sender: string;
  content?: JsonObject;
  originServerTs?: number;
  depth?: number;
  prevEventIds?: string[];
  authEventIds?: string[];
  redacts?: string;
  /** Server names that signed the event (see testVerifier). */
  signedBy?: string[];
  /** v12 create events carry no room_id in their JSON. */
  omitRoomIdInJson?: boolean;
}

export function makeEvent(version: string, f: EventFields): EventView {
  const roomId = f.roomId ?? '!room:example.com';
  const content = f.content ?? {};
  const json: PduJson = {
    event_id: f.eventId,
    sender: f.sender,
    type: f.type,
    content,
    origin_server_ts: f.originServerTs ?? 0,
    depth: f.depth ?? 0,
    prev_events: f.prevEventIds ?? [],
    auth_events: f.authEventIds ?? [],
    hashes: { sha256: '' },
    signatures: Object.fromEntries((f.signedBy ?? []).map((s) => [s, { 'ed25519:test': 'sig' }])),
  };
  if (!f.omitRoomIdInJson) json.room_id = roomId;
  if (f.stateKey !== undefined) json.state_key = f.stateKey;
  if (f.redacts !== undefined) json.redacts = f.redacts;
  return {
    eventId: f.eventId,
    roomId,
    roomVersion: version,
    type: f.type,
    stateKey: f.stateKey,
    sender: f.sender,
    content,
    originServerTs: f.originServerTs ?? 0,
    depth: f.depth ?? 0,
    prevEventIds: f.prevEventIds ?? [],
    authEventIds: f.authEventIds ?? [],
    redacts: f.redacts,
    json,
  };
}

/** A fixture PDU (as in the state-res fixtures: plain IDs, no hashes) as an EventView. */
export function pduToView(pdu: Record<string, unknown>, version: string): EventView {
  const eventId = pdu.event_id as string;
  const v12Create = pdu.type === 'm.room.create' && pdu.room_id === undefined;
  return makeEvent(version, {
    eventId,
    roomId: v12Create ? `!${eventId.slice(1)}` : (pdu.room_id as string),
    type: pdu.type as string,
    stateKey: pdu.state_key as string | undefined,
    sender: pdu.sender as string,
    content: pdu.content as JsonObject,
    originServerTs: pdu.origin_server_ts as number,
    depth: (pdu.depth as number | undefined) ?? 0,
    prevEventIds: pdu.prev_events as string[],
    authEventIds: pdu.auth_events as string[],
    redacts: pdu.redacts as string | undefined,
    omitRoomIdInJson: v12Create,
  });
}

/** Signatures are stand-ins: an event counts as signed by the servers in `signedBy`, and a
 *  third-party `signed` block as signed by key K if `signatures` holds the value `sig:K`. */
export const testVerifier: AuthVerifier = {
  isSignedByServer: (event, server) => Object.hasOwn(event.json.signatures ?? {}, server),
  thirdPartyInviteSignedByAnyKey: (signed, keys) => {
    const signatures = signed.signatures;
    if (signatures === null || typeof signatures !== 'object' || Array.isArray(signatures)) return false;
    const values = Object.values(signatures).flatMap((byKey) =>
      byKey && typeof byKey === 'object' && !Array.isArray(byKey) ? Object.values(byKey) : [],
    );
    return keys.some((key) => values.includes(`sig:${key}`));
  },
};

export interface Proto {
  type: string;
  stateKey?: string;
  sender: string;
  content?: JsonObject;
  ts?: number;
  redacts?: string;
  signedBy?: string[];
  /** Override the auth events a well-behaved server would pick. */
  authEventIds?: string[];
  prevEventIds?: string[];
}

/**
 * A linear room: each event's prev_event is the last accepted one, and its auth_events are picked
 * from the current state by authEventsNeeded. `try` checks an event against the current state;
 * `send` also requires it to pass and applies it.
 */
export class TestRoom {
  readonly rv: RoomVersion;
  /** Shared by a room and its forks, so one getEvent sees every event. */
  events = new Map<string, EventView>();
  state = new Map<string, string>();
  readonly roomId: string;
  readonly create: EventView;
  last: string;
  private counter = { n: 0 };

  constructor(version: string, creator = '@alice:example.com', createContent: JsonObject = {}) {
    this.rv = rv(version);
    const content: JsonObject = { room_version: version, ...createContent };
    if (!this.rv.creatorIsSender && !('creator' in createContent)) content.creator = creator;
    const eventId = this.rv.eventIdFormat === 'server' ? `$create:${creator.split(':')[1]}` : '$create';
    this.roomId = this.rv.roomIdFromCreateEvent ? '!create' : `!room:${creator.split(':')[1]}`;
    this.create = makeEvent(version, {
      eventId,
      roomId: this.roomId,
      type: 'm.room.create',
      stateKey: '',
      sender: creator,
      content,
      omitRoomIdInJson: this.rv.roomIdFromCreateEvent,
    });
    this.add(this.create);
    this.last = eventId;
  }

  lookup = (type: string, stateKey: string): EventView | undefined =>
    authStateFromMap(this.state, (id) => this.events.get(id))(type, stateKey);

  /** A second branch of the DAG from the current point: same events store, its own state. */
  fork(): TestRoom {
    const copy = Object.create(TestRoom.prototype) as TestRoom;
    Object.assign(copy, this);
    copy.state = new Map(this.state);
    copy.lookup = (type, stateKey) => authStateFromMap(copy.state, (id) => copy.events.get(id))(type, stateKey);
    return copy;
  }

  getEvent = (id: string): EventView | undefined => this.events.get(id);

  build(p: Proto): EventView {
    const n = ++this.counter.n;
    const domain = p.sender.split(':')[1];
    const eventId = this.rv.eventIdFormat === 'server' ? `$e${n}:${domain}` : `$e${n}`;
    const authEventIds =
      p.authEventIds ??
      authEventsNeeded({ type: p.type, stateKey: p.stateKey, sender: p.sender, content: p.content ?? {} }, this.rv)
        .map(([type, stateKey]) => this.state.get(stateKeyOf(type, stateKey)))
        .filter((id): id is string => id !== undefined);
    return makeEvent(this.rv.id, {
      eventId,
      roomId: this.roomId,
      type: p.type,
      stateKey: p.stateKey,
      sender: p.sender,
      content: p.content ?? {},
      originServerTs: p.ts ?? n,
      depth: n,
      prevEventIds: p.prevEventIds ?? [this.last],
      authEventIds,
      redacts: p.redacts,
      signedBy: p.signedBy ?? [domain!],
    });
  }

  try(p: Proto): AuthResult {
    return checkAuth(this.build(p), this.lookup, this.rv, testVerifier);
  }

  send(p: Proto): EventView {
    const event = this.build(p);
    const result = checkAuth(event, this.lookup, this.rv, testVerifier);
    if (!result.allowed) throw new Error(`${p.type} by ${p.sender} rejected: ${result.reason}`);
    this.add(event);
    this.last = event.eventId;
    return event;
  }

  /** Applies an event without checking it: state another server claims, for resolution tests. */
  force(p: Proto): EventView {
    const event = this.build(p);
    this.add(event);
    this.last = event.eventId;
    return event;
  }

  add(event: EventView): void {
    this.events.set(event.eventId, event);
    if (event.stateKey !== undefined) this.state.set(stateKeyOf(event.type, event.stateKey), event.eventId);
  }

  /** Shortcuts for the common steps. */
  join(user: string): EventView {
    return this.send({ type: 'm.room.member', stateKey: user, sender: user, content: { membership: 'join' } });
  }
  member(sender: string, target: string, membership: string, extra: JsonObject = {}): EventView {
    return this.send({ type: 'm.room.member', stateKey: target, sender, content: { membership, ...extra } });
  }
  stateEvent(sender: string, type: string, content: JsonObject, stateKey = ''): EventView {
    return this.send({ type, stateKey, sender, content });
  }
}
