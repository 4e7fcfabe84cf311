// Reading events and state while preparing a batch: events pending in the batch first, then
// the stored ones (through the event cache).
import { stateKeyOf, type EventView } from '../../protocol/event.ts';
import type { RoomserverContext } from '../context.ts';
import type { LoadedEvent } from '../event-store.ts';
import type { Snapshot } from '../state/snapshot.ts';
import { metaOfPrepared, type EventMeta, type WriteBatch } from './batch.ts';

export function metaOfLoaded(e: LoadedEvent): EventMeta {
  return {
    nid: e.nid,
    view: e.view,
    typeNid: e.typeNid,
    stateKeyNid: e.stateKeyNid,
    rejected: e.rejected,
    outlier: e.outlier,
    stateAfter: e.stateAfter,
  };
}

export async function metasByNid(ctx: RoomserverContext, batch: WriteBatch, nids: readonly number[]): Promise<Map<number, EventMeta>> {
  const out = new Map<number, EventMeta>();
  const stored: number[] = [];
  for (const nid of nids) {
    const pending = batch.event(nid);
    if (pending) out.set(nid, metaOfPrepared(pending));
    else stored.push(nid);
  }
  if (stored.length > 0) for (const [nid, e] of await ctx.events.byNids(stored)) out.set(nid, metaOfLoaded(e));
  return out;
}

export async function metasById(ctx: RoomserverContext, batch: WriteBatch, ids: readonly string[]): Promise<Map<string, EventMeta>> {
  const out = new Map<string, EventMeta>();
  const stored: string[] = [];
  for (const id of ids) {
    const pending = batch.eventById(id);
    if (pending) out.set(id, metaOfPrepared(pending));
    else stored.push(id);
  }
  if (stored.length > 0) for (const [id, e] of await ctx.events.byIds(stored)) out.set(id, metaOfLoaded(e));
  return out;
}

/** The state events at the given (type, state_key) pairs of a snapshot, keyed by stateKeyOf. */
export async function stateEvents(
  ctx: RoomserverContext,
  batch: WriteBatch,
  snapshot: Snapshot,
  pairs: readonly (readonly [string, string])[],
): Promise<Map<string, EventView>> {
  if (pairs.length === 0 || snapshot.count === 0) return new Map();
  return cachedStateEvents(ctx, batch, snapshot, pairs) ?? readStateEvents(ctx, batch, snapshot, pairs);
}

/**
 * The same from the caches alone, without a single await: this runs for every event sent, and
 * a busy room's auth events, blocks and NIDs are always cached. undefined when anything is not.
 */
function cachedStateEvents(
  ctx: RoomserverContext,
  batch: WriteBatch,
  snapshot: Snapshot,
  pairs: readonly (readonly [string, string])[],
): Map<string, EventView> | undefined {
  const keys: [number, number][] = new Array(pairs.length);
  for (let i = 0; i < pairs.length; i++) {
    const t = ctx.types.cached(pairs[i]![0]);
    const s = ctx.stateKeys.cached(pairs[i]![1]);
    if (t === undefined || s === undefined) return undefined;
    keys[i] = [t, s];
  }
  const nids = ctx.state.lookupCached(snapshot, keys, batch.state);
  if (!nids) return undefined;
  const out = new Map<string, EventView>();
  for (let i = 0; i < nids.length; i++) {
    const nid = nids[i]!;
    if (nid === 0) continue;
    const view = batch.event(nid)?.view ?? ctx.events.cached(nid)?.view;
    if (!view) return undefined;
    out.set(stateKeyOf(pairs[i]![0], pairs[i]![1]), view);
  }
  return out;
}

async function readStateEvents(
  ctx: RoomserverContext,
  batch: WriteBatch,
  snapshot: Snapshot,
  pairs: readonly (readonly [string, string])[],
): Promise<Map<string, EventView>> {
  const out = new Map<string, EventView>();
  const types = await ctx.types.find(pairs.map((p) => p[0]));
  const keys = await ctx.stateKeys.find(pairs.map((p) => p[1]));
  const known: (readonly [string, string])[] = [];
  const nidKeys: [number, number][] = [];
  for (const p of pairs) {
    const t = types.get(p[0]);
    const s = keys.get(p[1]);
    // A type or state key never seen has no state event.
    if (t === undefined || s === undefined) continue;
    known.push(p);
    nidKeys.push([t, s]);
  }
  const eventNids = await ctx.state.lookup(snapshot, nidKeys, batch.state);
  const metas = await metasByNid(ctx, batch, eventNids.filter((n) => n !== 0));
  known.forEach((p, i) => {
    const meta = metas.get(eventNids[i]!);
    if (meta) out.set(stateKeyOf(p[0], p[1]), meta.view);
  });
  return out;
}
