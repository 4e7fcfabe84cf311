// Backfilling a room's history from another server (Server-Server API, "Backfilling and
// retrieving missing events"): "the requesting homeserver picks another homeserver that it
// thinks may have more" (here: the servers in the room now) and asks /backfill from the earliest
// events it has. The answer is checked like every PDU we receive and goes to the room server as
// 'old' events, oldest first; an event whose prev events we lack goes in with the state before it
// as that server sees it (/state_ids), as a live event would.
import { roomVersion as lookupVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import { backfill as backfillCall } from '../client/calls/events.ts';
import type { FederationContext } from '../context.ts';
import type { CheckedPdu } from '../inbound/check-pdu.ts';
import { checkAll, inCausalOrder, unknownEvents } from '../inbound/fetch-events.ts';
import { stateFromOrigin } from '../inbound/missing-events.ts';

export interface BackfillRequest {
  roomId: string;
  /** The earliest events we have: history before them is wanted. */
  fromEventIds: string[];
  limit: number;
  /** Servers to ask, in order (the servers in the room). */
  servers: string[];
}

const MAX_LIMIT = 100;

/** The IDs of the events stored, oldest first; empty when no server had more. */
export async function performBackfill(ctx: FederationContext, req: BackfillRequest): Promise<{ eventIds: string[] }> {
  const id = await ctx.roomserver.roomVersion(req.roomId);
  const version = id ? lookupVersion(id) : undefined;
  if (!version || req.fromEventIds.length === 0) return { eventIds: [] };
  const limit = Math.min(Math.max(req.limit, 1), MAX_LIMIT);
  for (const server of req.servers) {
    if (server === ctx.serverName) continue;
    try {
      const pdus = await backfillCall(ctx.client, server, req.roomId, req.fromEventIds, limit);
      const checked = await checkAll(ctx, pdus, req.roomId, version);
      const unknown = new Set(await unknownEvents(ctx, checked.map((c) => c.eventId)));
      const fresh = inCausalOrder(checked.filter((c) => unknown.has(c.eventId)));
      if (fresh.length === 0) continue;
      const stored = await storeOld(ctx, server, version, fresh);
      if (stored.length > 0) return { eventIds: stored };
    } catch (e) {
      ctx.log.info('backfill failed', { server, roomId: req.roomId, error: (e as Error).message });
    }
  }
  return { eventIds: [] };
}

async function storeOld(ctx: FederationContext, server: string, version: RoomVersion, events: CheckedPdu[]): Promise<string[]> {
  const stored: string[] = [];
  for (const e of events) {
    let [r] = await ctx.roomserver.inputRoomEvents([{ kind: 'old', pdu: e.pdu }]);
    if (r!.status === 'missing') {
      const state = await stateFromOrigin(ctx, server, e, version);
      if (!state) continue;
      [r] = await ctx.roomserver.inputRoomEvents([{ kind: 'old', pdu: e.pdu, stateBefore: state }]);
    }
    if (r!.status === 'accepted') stored.push(e.eventId);
  }
  return stored;
}
