// The PDUs of a transaction (Server-Server API, "Transactions"; "Checks performed on receipt of
// a PDU"): each checked and handed to the room server as a live event. Events of one room go in
// order, in one call to the room server; rooms run side by side. An event whose prev or auth
// events are missing is taken again on its own, fetching what it lacks first. An event that
// fails gets an `error` in the answer; the transaction itself still succeeds ("If an event in an
// incoming transaction is rejected, this should not cause the transaction request to be
// responded to with an error response").
import { computeEventId } from '../../protocol/events/hashes.ts';
import type { PduJson } from '../../protocol/event.ts';
import { roomVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import type { InputRoomEventResult } from '../../roomserver/api.ts';
import type { FederationContext } from '../context.ts';
import { type CheckedPdu, checkPdu, PduCheckError } from './check-pdu.ts';
import { inputLiveEvent } from './missing-events.ts';

export type PduResults = Record<string, { error?: string }>;

export async function processPdus(ctx: FederationContext, origin: string, pdus: readonly unknown[]): Promise<PduResults> {
  const byRoom = new Map<string, unknown[]>();
  const results: PduResults = {};
  for (const json of pdus) {
    const roomId = (json as { room_id?: unknown } | null)?.room_id;
    if (typeof roomId !== 'string') {
      ctx.log.info('PDU without room_id dropped', { origin });
      continue;
    }
    const list = byRoom.get(roomId) ?? [];
    list.push(json);
    byRoom.set(roomId, list);
  }
  await Promise.all([...byRoom].map(([roomId, list]) => processRoom(ctx, origin, roomId, list, results)));
  return results;
}

async function processRoom(ctx: FederationContext, origin: string, roomId: string, list: unknown[], results: PduResults): Promise<void> {
  const versionId = await ctx.roomserver.roomVersion(roomId);
  const version: RoomVersion | undefined = versionId ? roomVersion(versionId) : undefined;
  if (!version) {
    // Without the room version the event cannot even be parsed: it is dropped (as Synapse does),
    // answered only when it carries its own ID (room versions 1 and 2).
    ctx.log.info('PDUs for an unknown room', { origin, roomId, count: list.length });
    for (const json of list) {
      const id = (json as { event_id?: unknown }).event_id;
      if (typeof id === 'string') results[id] = { error: `Unknown room ${roomId}` };
    }
    return;
  }
  if (!(await ctx.acl.allowed(roomId, origin))) {
    for (const json of list) {
      const id = eventIdOf(json, version);
      if (id) results[id] = { error: `Server ${origin} is denied by the room's server ACL` };
    }
    return;
  }
  const checked: CheckedPdu[] = [];
  for (const json of list) {
    try {
      const c = await checkPdu(ctx.keyRing, json, version);
      if (c.redacted) ctx.log.info('PDU content hash mismatch: redacted', { origin, eventId: c.eventId });
      checked.push(c);
    } catch (e) {
      if (!(e instanceof PduCheckError)) throw e;
      ctx.log.info('PDU dropped', { origin, roomId, eventId: e.eventId, reason: e.message });
      const id = e.eventId ?? eventIdOf(json, version);
      if (id) results[id] = { error: e.message };
    }
  }
  if (checked.length === 0) return;
  try {
    const first = await ctx.roomserver.inputRoomEvents(checked.map((c) => ({ kind: 'new' as const, pdu: c.pdu })));
    for (const [i, c] of checked.entries()) {
      let r = first[i]!;
      // Missing prev or auth events: fetch them, then take the event again. Later events that
      // needed this one are taken again too (their first answer was 'missing' as well).
      if (r.status === 'missing') r = await inputLiveEvent(ctx, origin, c, version);
      results[c.eventId] = answer(r);
    }
  } catch (e) {
    ctx.log.warn('PDU input failed', { origin, roomId, error: (e as Error).message });
    for (const c of checked) results[c.eventId] ??= { error: (e as Error).message };
  }
}

function answer(r: InputRoomEventResult): { error?: string } {
  switch (r.status) {
    case 'accepted':
    case 'duplicate':
    case 'soft_failed':
      return {};
    case 'rejected':
      return { error: `Event rejected by the auth rules: ${r.reason ?? ''}`.trim() };
    case 'missing':
      return { error: `Missing events: ${(r.missing ?? []).join(', ')}` };
  }
}

/** The event's ID if it can be computed at all (to answer about an event we will not take). */
function eventIdOf(json: unknown, version: RoomVersion): string | undefined {
  try {
    return computeEventId(json as PduJson, version);
  } catch {
    return undefined;
  }
}
