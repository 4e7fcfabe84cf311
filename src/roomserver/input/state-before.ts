// The state before an event: the resolution of the states after its prev_events (room
// versions, "State resolution"). When every prev event has the same state after it, which is
// nearly always, that state is shared as it is: no new snapshot, no resolution.
import type { RoomserverContext } from '../context.ts';
import type { RoomInfo } from '../room-info.ts';
import type { Snapshot } from '../state/snapshot.ts';
import type { EventMeta, WriteBatch } from './batch.ts';
import { resolveSnapshots } from './resolve-state.ts';

export async function stateAfterEvents(ctx: RoomserverContext, batch: WriteBatch, room: RoomInfo, prevs: readonly EventMeta[]): Promise<Snapshot> {
  const nids = prevs.map((p) => {
    if (p.stateAfter === null) throw new Error(`event ${p.view.eventId} has no known state (an outlier) and cannot be a prev event here`);
    return p.stateAfter;
  });
  const snaps = await ctx.state.snapshots(nids, batch.state);
  return resolveSnapshots(ctx, batch, room.nid, room.version, nids.map((n) => snaps.get(n)!));
}
