// The PDUs of a transaction (Server-Server API, "Transactions"; "Checks performed on receipt of
// a PDU"): each checked and handed to the room server as a live event. Events of one room go in
// order; rooms run side by side. An event that fails gets an `error` in the answer; the
// transaction itself still succeeds ("If an event in an incoming transaction is rejected, this
// should not cause the transaction request to be responded to with an error response").
import { computeEventId } from '../../protocol/events/hashes.ts';
import type { PduJson } from '../../protocol/event.ts';
import { roomVersion, type RoomVersion } from '../../protocol/room-versions.ts';
import type { FederationContext } from '../context.ts';
import { checkPdu, PduCheckError } from './check-pdu.ts';
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
  await Promise.all(
    [...byRoom].map(async ([roomId, list]) => {
      for (const json of list) {
        const { eventId, error } = await processPdu(ctx, origin, roomId, json);
        if (eventId !== undefined) results[eventId] = error === undefined ? {} : { error };
      }
    }),
  );
  return results;
}

async function processPdu(ctx: FederationContext, origin: string, roomId: string, json: unknown): Promise<{ eventId?: string; error?: string }> {
  const claimedId = typeof (json as { event_id?: unknown }).event_id === 'string' ? (json as { event_id: string }).event_id : undefined;
  const versionId = await ctx.roomserver.roomVersion(roomId);
  const version: RoomVersion | undefined = versionId ? roomVersion(versionId) : undefined;
  if (!version) {
    ctx.log.info('PDU for an unknown room', { origin, roomId });
    return { eventId: claimedId, error: `Unknown room ${roomId}` };
  }
  if (!(await ctx.acl.allowed(roomId, origin))) {
    return { eventId: eventIdOf(json, version) ?? claimedId, error: `Server ${origin} is denied by the room's server ACL` };
  }
  let checked;
  try {
    checked = await checkPdu(ctx.keyRing, json, version);
  } catch (e) {
    if (!(e instanceof PduCheckError)) throw e;
    ctx.log.info('PDU dropped', { origin, roomId, eventId: e.eventId, reason: e.message });
    return { eventId: e.eventId ?? claimedId, error: e.message };
  }
  if (checked.redacted) ctx.log.info('PDU content hash mismatch: redacted', { origin, eventId: checked.eventId });
  try {
    const result = await inputLiveEvent(ctx, origin, checked, version);
    switch (result.status) {
      case 'accepted':
      case 'duplicate':
      case 'soft_failed':
        return { eventId: checked.eventId };
      case 'rejected':
        return { eventId: checked.eventId, error: `Event rejected by the auth rules: ${result.reason ?? ''}`.trim() };
      case 'missing':
        return { eventId: checked.eventId, error: `Missing events: ${(result.missing ?? []).join(', ')}` };
    }
  } catch (e) {
    ctx.log.warn('PDU input failed', { origin, eventId: checked.eventId, error: (e as Error).message });
    return { eventId: checked.eventId, error: (e as Error).message };
  }
}

/** The event's ID if it can be computed at all (for answering about an event we will not check). */
function eventIdOf(json: unknown, version: RoomVersion): string | undefined {
  try {
    return computeEventId(json as PduJson, version);
  } catch {
    return undefined;
  }
}
