// Building one of our own events (Server-Server API, "Adding hashes and signatures to outgoing
// events"; Client-Server API, "Size limits"): prev_events are the chosen forward extremities,
// auth_events the current state events the auth events selection names, depth one more than the
// deepest prev event. Hashing, signing, event IDs and the size checks are the protocol's.
import { MatrixError } from '../../http/errors.ts';
import { authEventsNeeded } from '../../protocol/auth/auth-events.ts';
import { AuthEventType } from '../../protocol/auth/names.ts';
import { EventType } from '../../protocol/constants.ts';
import { stateKeyOf, type EventRef, type EventView, type JsonObject, type PduJson } from '../../protocol/event.ts';
import { buildEvent } from '../../protocol/events/build.ts';
import { eventReference, jsonOptions } from '../../protocol/events/hashes.ts';
import { canonicalJson } from '../../protocol/canonical-json.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { InvalidEventError } from '../../protocol/events/parse.ts';
import type { EventPrototype } from '../api.ts';
import type { RoomserverContext } from '../context.ts';
import type { Extremity, RoomInfo } from '../room-info.ts';
import type { Snapshot } from '../state/snapshot.ts';
import type { WriteBatch } from './batch.ts';
import { metasByNid, stateEvents } from './load.ts';

/** Depth is an integer in canonical JSON's range; a room cannot grow past it. */
const MAX_DEPTH = Number.MAX_SAFE_INTEGER;

export interface LocalEventInput {
  readonly sender: string;
  readonly event: EventPrototype;
  readonly originServerTs: number;
}

export interface BuiltLocalEvent {
  readonly pdu: PduJson;
  readonly view: EventView;
  /** The canonical JSON of `pdu`, the text to store (computed once, by the size check). */
  readonly json: string;
  /** The state the event was authorised against: what the auth events selection names, plus
   *  the create event (which v12 events do not list but the rules read) and the history
   *  visibility. */
  readonly authState: Map<string, EventView>;
}

/** The (type, state_key) pairs to read from the state before a prototype to authorise it. */
export function authPairs(proto: { type: string; stateKey: string | undefined; sender: string; content: JsonObject }, room: RoomInfo) {
  const pairs = authEventsNeeded(proto, room.version);
  if (room.version.roomIdFromCreateEvent && !(proto.type === AuthEventType.Create && proto.stateKey === '')) {
    pairs.push([AuthEventType.Create, '']);
  }
  return pairs;
}

export async function buildLocalEvent(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  stateBefore: Snapshot,
  prevs: readonly Extremity[],
  input: LocalEventInput,
): Promise<BuiltLocalEvent> {
  const rv = room.version;
  const { event } = input;
  const proto = { type: event.type, stateKey: event.stateKey, sender: input.sender, content: event.content };
  // m.room.history_visibility rides along: the output message needs it from the same state.
  const authState = await stateEvents(ctx, batch, stateBefore, [...authPairs(proto, room), [EventType.HistoryVisibility, '']]);
  const authEvents: EventView[] = [];
  for (const [type, stateKey] of authEventsNeeded(proto, rv)) {
    const found = authState.get(stateKeyOf(type, stateKey));
    if (found) authEvents.push(found);
  }
  // v1–v2 reference events with their reference hashes, so only they need the prev events' JSON.
  const prevViews = rv.eventIdFormat === 'server' ? await metasByNid(ctx, batch, prevs.map((p) => p.nid)) : undefined;
  const ref = (v: EventView): EventRef => (rv.eventIdFormat === 'server' ? eventReference(v.json, rv) : v.eventId);
  const prevRef = (p: Extremity): EventRef => (prevViews ? ref(prevViews.get(p.nid)!.view) : p.eventId);
  // "The maximum depth of the prev_events, plus one"; the create event, with none, is 1 (as Synapse).
  let depth = 1;
  for (const p of prevs) depth = Math.max(depth, p.depth + 1);
  const isCreate = event.type === AuthEventType.Create && event.stateKey === '';
  try {
    const built = buildEvent(
      {
        roomVersion: rv,
        roomId: isCreate && rv.roomIdFromCreateEvent ? undefined : room.roomId,
        sender: input.sender,
        type: event.type,
        stateKey: event.stateKey,
        content: event.content,
        prevEvents: prevs.map(prevRef),
        authEvents: authEvents.map(ref),
        depth: Math.min(depth, MAX_DEPTH),
        originServerTs: input.originServerTs,
        redacts: event.redacts,
      },
      ctx.serverName,
      ctx.keyId,
      ctx.signer,
    );
    return { pdu: built.pdu, view: built.event, json: built.canonical, authState };
  } catch (err) {
    throw eventError(err);
  }
}

/** The protocol's refusal of an event as the Matrix error a client gets. */
export function eventError(err: unknown): unknown {
  if (!(err instanceof InvalidEventError)) return err;
  // Client-Server API, "Size limits": an event or field over its size is M_TOO_LARGE (413).
  if (/\b(larger|longer) than \d+ bytes\b/.test(err.reason)) return new MatrixError('M_TOO_LARGE', err.reason);
  return new MatrixError('M_BAD_JSON', err.reason);
}

/** The text stored for an event: its canonical JSON, the bytes that were hashed and signed. */
export function canonicalText(pdu: PduJson, rv: RoomVersion): string {
  return canonicalJson(pdu, jsonOptions(rv));
}
