// The state that lets a user see a room they are not in (Client-Server API, "Stripped state"):
// sent with our invites (invite_room_state) and as the answer to a knock (knock_room_state). Since
// v1.16 these are whole PDUs formatted for the room version, and must hold the create event.
import { EventType } from '../../protocol/constants.ts';
import type { PduJson } from '../../protocol/event.ts';
import type { FederationContext } from '../context.ts';
import { toPdu } from './visibility.ts';

/** The types the spec recommends for stripped state. */
export const STRIPPED_STATE_TYPES: readonly string[] = [
  EventType.Create,
  EventType.JoinRules,
  EventType.Name,
  EventType.Avatar,
  EventType.CanonicalAlias,
  EventType.Encryption,
  EventType.Topic,
];

/** The room's current stripped-state events, the create event first; plus `member`'s membership when given. */
export async function strippedStateEvents(ctx: FederationContext, roomId: string, member?: string): Promise<PduJson[]> {
  const state = await ctx.roomserver.currentState(roomId, { types: [...STRIPPED_STATE_TYPES] });
  state.sort((a, b) => Number(b.json.type === EventType.Create) - Number(a.json.type === EventType.Create));
  const out = state.filter((e) => e.json.state_key === '').map(toPdu);
  if (member !== undefined) {
    const m = await ctx.roomserver.stateEvent(roomId, EventType.Member, member);
    if (m) out.push(toPdu(m));
  }
  return out;
}
