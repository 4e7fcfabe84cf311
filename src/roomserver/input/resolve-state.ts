// State resolution over stored snapshots (room versions, "State resolution"): when the states
// after an event's prev_events, or after the room's forward extremities, disagree. The algorithm
// is the protocol's and synchronous, so every event it may ask for is loaded first: the events
// of all the state sets and, transitively, their auth events.
import { stateKeyOf, type EventView } from '../../protocol/event.ts';
import type { RoomVersion } from '../../protocol/room-versions.ts';
import { resolveState } from '../../protocol/state-res/index.ts';
import type { RoomserverContext } from '../context.ts';
import type { StateEntry } from '../state/block.ts';
import type { Snapshot } from '../state/snapshot.ts';
import type { EventMeta, WriteBatch } from './batch.ts';
import { metasById, metasByNid } from './load.ts';

/** The resolved state of several snapshots (equal snapshots are taken as they are). */
export async function resolveSnapshots(
  ctx: RoomserverContext,
  batch: WriteBatch,
  roomNid: number,
  rv: RoomVersion,
  snapshots: readonly Snapshot[],
): Promise<Snapshot> {
  const distinct = [...new Map(snapshots.map((s) => [s.nid, s])).values()];
  if (distinct.length === 0) return snapshots[0]!;
  if (distinct.length === 1) return distinct[0]!;

  const sets = await Promise.all(distinct.map((s) => ctx.state.entries(s, batch.state)));
  const byNid = await metasByNid(ctx, batch, [...new Set(sets.flat().map((e) => e.e))]);
  const byId = new Map<string, EventMeta>();
  for (const m of byNid.values()) byId.set(m.view.eventId, m);
  await loadAuthChains(ctx, batch, byId);

  const stateSets = sets.map((entries) => {
    const map = new Map<string, string>();
    for (const e of entries) {
      const view = byNid.get(e.e)?.view;
      if (view?.stateKey !== undefined) map.set(stateKeyOf(view.type, view.stateKey), view.eventId);
    }
    return map;
  });
  const resolved = resolveState(stateSets, {
    roomVersion: rv,
    getEvent: (id) => byId.get(id)?.view,
    verifier: ctx.verifier,
    isRejected: (id) => byId.get(id)?.rejected === true,
  });

  const entries: StateEntry[] = [];
  const needNids: EventView[] = [];
  for (const id of resolved.values()) {
    const meta = byId.get(id)!;
    if (meta.stateKeyNid !== null) entries.push({ t: meta.typeNid, s: meta.stateKeyNid, e: meta.nid });
    else needNids.push(meta.view);
  }
  // An event stored before it was known to be a state event has no state key NID: none of ours.
  if (needNids.length > 0) throw new Error(`state resolution picked events without state key NIDs: ${needNids.map((v) => v.eventId).join(', ')}`);
  const buckets = Math.max(...distinct.map((s) => s.blocks.length));
  return ctx.state.fromEntries(batch.state, roomNid, entries, buckets);
}

/** Adds every stored auth ancestor of the events in `byId` to it. */
async function loadAuthChains(ctx: RoomserverContext, batch: WriteBatch, byId: Map<string, EventMeta>): Promise<void> {
  let frontier = [...byId.values()];
  while (frontier.length > 0) {
    const wanted = new Set<string>();
    for (const m of frontier) for (const id of m.view.authEventIds) if (!byId.has(id)) wanted.add(id);
    if (wanted.size === 0) return;
    const found = await metasById(ctx, batch, [...wanted]);
    frontier = [];
    for (const [id, m] of found) {
      byId.set(id, m);
      frontier.push(m);
    }
  }
}
