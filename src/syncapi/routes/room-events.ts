// Rendering for the room history endpoints (/messages, /context, /relations, /threads): event
// bodies in one batch, the client format with room_id, and the lazily loaded members.
import type { JsonObject } from '../../protocol/event.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { SyncapiContext } from '../context.ts';
import { selectStateKeys } from '../storage/current-room-state.ts';
import type { MembershipRow } from '../storage/memberships.ts';
import type { EventRow } from '../storage/output-room-events.ts';
import { type FormatOptions, formatEvent } from '../sync/format.ts';
import { membershipBefore } from '../sync/visibility.ts';

export interface Rendered {
  events: JsonObject[];
  bodies: Map<number, StoredEvent>;
}

export async function renderRows(
  ctx: SyncapiContext,
  rows: EventRow[],
  viewer: { userId: string; deviceId: string; history: readonly MembershipRow[] },
  opts: Partial<FormatOptions> = {},
): Promise<Rendered> {
  const nids = new Set<number>();
  for (const r of rows) {
    nids.add(r.nid);
    if (r.replacesNid !== null) nids.add(r.replacesNid);
  }
  const bodies = await ctx.events.byNids(nids);
  const redactionIds = [...bodies.values()].flatMap((b) => (b.redactedBecause ? [b.redactedBecause] : []));
  const fmt: FormatOptions = { format: 'client', withRoomId: true, now: ctx.now(), ...opts };
  const redactions = new Map<string, JsonObject>();
  if (redactionIds.length > 0) {
    for (const r of await ctx.roomserver.eventsById(redactionIds)) redactions.set(r.eventId, formatEvent(r, { ...fmt, eventFields: undefined }));
  }
  const events: JsonObject[] = [];
  for (const r of rows) {
    const ev = bodies.get(r.nid);
    if (!ev) continue;
    const prev = r.replacesNid !== null ? bodies.get(r.replacesNid) : undefined;
    events.push(
      formatEvent(ev, fmt, {
        transactionId: r.txnDeviceId === viewer.deviceId && r.sender === viewer.userId ? (r.txnId ?? undefined) : undefined,
        prevContent: prev?.json.content,
        prevSender: prev?.json.sender,
        replacesState: prev?.eventId,
        redactedBecause: ev.redactedBecause ? redactions.get(ev.redactedBecause) : undefined,
        membership: membershipBefore(viewer.history, r.pos),
      }),
    );
  }
  return { events, bodies };
}

/** The current membership events of the senders of `rows` (lazy_load_members). */
export async function senderMembers(ctx: SyncapiContext, roomId: string, rows: EventRow[]): Promise<JsonObject[]> {
  const senders = [...new Set(rows.map((r) => r.sender))];
  const state = await selectStateKeys(ctx.db, roomId, 'm.room.member', senders);
  const bodies = await ctx.events.byNids(state.map((s) => s.nid));
  const now = ctx.now();
  return state.flatMap((s) => {
    const ev = bodies.get(s.nid);
    return ev ? [formatEvent(ev, { format: 'client', withRoomId: true, now })] : [];
  });
}
