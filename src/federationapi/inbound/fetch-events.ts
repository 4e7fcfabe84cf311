// Fetching events we lack from the server that referred to them, checked like every PDU we
// receive, and put in an order the room server can take: an event after its auth events.
import type { PduJson } from '../../protocol/event.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { getEvent } from '../client/calls/events.ts';
import type { FederationContext } from '../context.ts';
import { type CheckedPdu, checkPdu } from './check-pdu.ts';

const CONCURRENCY = 8;

/** The IDs among `ids` that the room server does not have. */
export async function unknownEvents(ctx: FederationContext, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const known = new Set<string>();
  for (let i = 0; i < unique.length; i += 500) {
    for (const e of await ctx.roomserver.eventsById(unique.slice(i, i + 500))) known.add(e.eventId);
  }
  return unique.filter((id) => !known.has(id));
}

/** Checks PDUs received for `roomId`; ones that fail the checks or belong elsewhere are left out. */
export async function checkAll(ctx: FederationContext, pdus: readonly unknown[], roomId: string, version: RoomVersion): Promise<CheckedPdu[]> {
  const out: CheckedPdu[] = [];
  for (const json of pdus) {
    try {
      const checked = await checkPdu(ctx.keyRing, json, version);
      if (checked.roomId === roomId) out.push(checked);
    } catch (e) {
      ctx.log.info('fetched event dropped', { roomId, error: (e as Error).message });
    }
  }
  return out;
}

/** GET /event/{id} for each ID, a few at a time; events that cannot be had are left out. */
export async function fetchEvents(ctx: FederationContext, origin: string, ids: readonly string[], roomId: string, version: RoomVersion): Promise<CheckedPdu[]> {
  const out: CheckedPdu[] = [];
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      try {
        const json = await getEvent(ctx.client, origin, id);
        const [checked] = await checkAll(ctx, [json], roomId, version);
        if (checked && checked.eventId === id) out.push(checked);
      } catch (e) {
        ctx.log.info('cannot fetch event', { origin, eventId: id, error: (e as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, ids.length) }, worker));
  return out;
}

/** Orders events so that each comes after those of its auth and prev events that are in the list. */
export function inCausalOrder(events: readonly CheckedPdu[]): CheckedPdu[] {
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const done = new Set<string>();
  const out: CheckedPdu[] = [];
  const visit = (e: CheckedPdu, path: Set<string>) => {
    if (done.has(e.eventId) || path.has(e.eventId)) return;
    path.add(e.eventId);
    for (const ref of [...refs(e.pdu.auth_events), ...refs(e.pdu.prev_events)]) {
      const dep = byId.get(ref);
      if (dep) visit(dep, path);
    }
    path.delete(e.eventId);
    done.add(e.eventId);
    out.push(e);
  };
  // Depth first as a tie-break keeps the order stable and close to the DAG's own.
  for (const e of [...events].sort((a, b) => a.pdu.depth - b.pdu.depth)) visit(e, new Set());
  return out;
}

const refs = (list: PduJson['auth_events']): string[] => (list ?? []).map((r) => (typeof r === 'string' ? r : r[0]));
