// Follows OutputRoomEvent for membership changes: joining a room starts sharing it with its
// members, and leaving may end the last shared room, and both are device-list changes clients must
// hear of (Client-Server API, "Tracking the device list for a user": the note on `changed` and
// `left`). Only changes of current state count; an event that did not change the state (an
// outlier, or one that lost state resolution) says nothing about who is in the room now.
import { STREAM } from '../../bus/streams.ts';
import type { Subscription } from '../../bus/types.ts';
import { EventType, Membership } from '../../protocol/constants.ts';
import type { OutputRoomEvent } from '../../roomserver/api.ts';
import type { KeyserverContext } from '../context.ts';
import { type NewChange, publishChanges, recordChanges } from '../device-lists.ts';

export const MEMBERSHIP_DURABLE = 'KeyserverRoomMemberships';

/** The device-list change a message brings, if any. */
export function membershipChange(msg: OutputRoomEvent): NewChange | undefined {
  if (msg.kind !== 'new_room_event') return undefined;
  const ev = msg.event.json;
  if (ev.type !== EventType.Member || typeof ev.state_key !== 'string') return undefined;
  if (!msg.addsStateEventIds.includes(msg.event.eventId)) return undefined;
  const membership = ev.content.membership;
  const kind = membership === Membership.Join ? 'join' : membership === Membership.Leave || membership === Membership.Ban ? 'leave' : undefined;
  if (kind === undefined) return undefined;
  // A join that replaces a join (a new display name) changes nobody's shared rooms.
  const before = (ev.unsigned as { prev_content?: { membership?: unknown } } | undefined)?.prev_content?.membership;
  if (kind === 'join' && before === Membership.Join) return undefined;
  // Neither does refusing an invite or leaving after a knock.
  if (kind === 'leave' && before !== undefined && before !== Membership.Join) return undefined;
  return { user_id: ev.state_key, kind, room_id: msg.roomId, only_for: null };
}

export function consumeRoomMemberships(ctx: KeyserverContext): Promise<Subscription> {
  return ctx.bus.consume({ stream: STREAM.OutputRoomEvent, durable: MEMBERSHIP_DURABLE }, async (m) => {
    const change = membershipChange(m.json<OutputRoomEvent>());
    if (!change) return;
    const rows = await ctx.db.transaction((tx) => recordChanges(ctx, tx, [change]));
    await publishChanges(ctx, rows);
  });
}
