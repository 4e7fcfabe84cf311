// Stripped state for invited and knocking users (Client-Server API, "Stripped state"): the
// events that let a client show a room it is not in. A remote server's invite or knock carries
// it in `unsigned`; for our own rooms it is taken from the state at the invite or knock.
import { EventType } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { SyncapiContext } from '../context.ts';
import { strippedEvent } from './format.ts';
import { stateAt } from './room-state.ts';

/** The types the spec recommends (plus the inviter's membership, as Synapse sends). */
const STRIPPED_TYPES = [
  EventType.Create,
  EventType.Name,
  EventType.Avatar,
  EventType.Topic,
  EventType.JoinRules,
  EventType.CanonicalAlias,
  EventType.Encryption,
];

export async function strippedState(
  ctx: SyncapiContext,
  own: StoredEvent,
  pos: number,
  key: 'invite_room_state' | 'knock_room_state',
): Promise<JsonObject[]> {
  const given = own.json.unsigned?.[key];
  if (Array.isArray(given)) return [...(given as JsonObject[]), strippedEvent(own)];
  const entries = [
    ...(await stateAt(ctx, own.roomId, pos, { types: STRIPPED_TYPES })),
    ...(await stateAt(ctx, own.roomId, pos, { members: [own.json.sender] })),
  ].filter((e) => e.nid !== own.nid);
  const bodies = await ctx.events.byNids(entries.map((e) => e.nid));
  const out = entries.flatMap((e) => {
    const ev = bodies.get(e.nid);
    return ev ? [strippedEvent(ev)] : [];
  });
  out.push(strippedEvent(own));
  return out;
}
