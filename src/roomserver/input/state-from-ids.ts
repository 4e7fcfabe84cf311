// The state before an event given as a list of event IDs (federation's /state_ids answer, when
// the event's prev events are not known here).
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import type { StateEntry } from '../state/block.ts';
import type { Snapshot } from '../state/snapshot.ts';
import type { WriteBatch } from './batch.ts';
import { MissingEventsError } from './check-auth.ts';
import { metasById } from './load.ts';

export async function stateBeforeFromIds(
  ctx: RoomserverContext,
  batch: WriteBatch,
  room: RoomInfo,
  eventId: string,
  ids: readonly string[],
): Promise<Snapshot> {
  const metas = await metasById(ctx, batch, ids);
  const missing = ids.filter((id) => !metas.has(id));
  if (missing.length > 0) throw new MissingEventsError(eventId, missing, 'state events');
  const entries = new Map<string, StateEntry>();
  for (const m of metas.values()) {
    if (m.stateKeyNid === null) throw new Error(`state of ${eventId}: ${m.view.eventId} is not a state event`);
    entries.set(`${m.typeNid}:${m.stateKeyNid}`, { t: m.typeNid, s: m.stateKeyNid, e: m.nid });
  }
  return ctx.state.fromEntries(batch.state, room.nid, [...entries.values()]);
}
