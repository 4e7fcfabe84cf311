// The device-list stream (Client-Server API, "Tracking the device list for a user" and "Extensions
// to /sync"): changes are recorded with a position in the same transaction as the change itself,
// then published as OutputKeyChangeEvent so sync can wake the clients who care. keyChanges turns
// the rows between two positions into the `changed` and `left` lists one user should see.
import { STREAM } from '../bus/streams.ts';
import type { Tx } from '../storage/types.ts';
import type { DeviceListChanges, OutputKeyChangeEvent } from './api.ts';
import type { KeyserverContext } from './context.ts';
import { type ChangeRow, insertChanges, selectChanges } from './storage/device-list-changes.ts';

export type NewChange = Omit<ChangeRow, 'position'>;

export const keysChanged = (userId: string, onlyFor: string | null = null): NewChange => ({
  user_id: userId,
  kind: 'keys',
  room_id: null,
  only_for: onlyFor,
});

/** Records changes inside the caller's transaction; publish the returned rows after it commits. */
export function recordChanges(ctx: KeyserverContext, tx: Tx, changes: NewChange[]): Promise<ChangeRow[]> {
  return insertChanges(tx, changes, ctx.now());
}

/**
 * Publishes committed changes. A failure is logged, not thrown: the change is stored, and sync
 * finds it the next time anything wakes the client.
 */
export async function publishChanges(ctx: KeyserverContext, rows: ChangeRow[]): Promise<void> {
  for (const r of rows) {
    const msg: OutputKeyChangeEvent = {
      position: r.position,
      userId: r.user_id,
      kind: r.kind,
      ...(r.room_id !== null ? { roomId: r.room_id } : {}),
      ...(r.only_for !== null ? { onlyFor: r.only_for } : {}),
    };
    await ctx.bus.publish(STREAM.OutputKeyChangeEvent, msg, { user_id: r.user_id }).catch((error) => {
      ctx.log.warn('key change not published', { position: r.position, error });
    });
  }
}

/**
 * What `viewer` learns from positions (from, to]. A user is `changed` if they changed keys or
 * devices, or joined a room the viewer is in, or the viewer joined one of theirs, and they share
 * a room with the viewer now (the spec: "currently share a room"). A user is `left` if a leave
 * (theirs or the viewer's) ended a shared room and no shared room remains. The viewer always sees
 * their own changes.
 */
export async function keyChanges(ctx: KeyserverContext, viewer: string, from: number, to: number): Promise<DeviceListChanges> {
  if (!(to > from)) return { changed: [], left: [] };
  const rows = await selectChanges(ctx.db, from, to);
  const changed = new Set<string>();
  const maybeChanged = new Set<string>();
  const maybeLeft = new Set<string>();
  const rs = ctx.roomserver;
  const viewerRooms = rs ? new Set((await rs.roomsForUser(viewer, ['join'])).map((r) => r.roomId)) : new Set<string>();
  const members = memo((roomId: string) => (rs ? rs.joinedMembers(roomId) : Promise.resolve([])));
  for (const r of rows) {
    if (r.only_for !== null) {
      if (r.only_for === viewer) changed.add(r.user_id);
    } else if (r.user_id === viewer) {
      if (r.kind === 'keys') changed.add(viewer);
      else for (const m of await members(r.room_id!)) (r.kind === 'join' ? maybeChanged : maybeLeft).add(m);
    } else if (r.kind === 'keys' || viewerRooms.has(r.room_id!)) {
      (r.kind === 'leave' ? maybeLeft : maybeChanged).add(r.user_id);
    }
  }
  const theirRooms = memo(async (userId: string) => (rs ? (await rs.roomsForUser(userId, ['join'])).map((x) => x.roomId) : []));
  const shares = async (userId: string) => (await theirRooms(userId)).some((roomId) => viewerRooms.has(roomId));
  for (const u of maybeChanged) if (u !== viewer && !changed.has(u) && (await shares(u))) changed.add(u);
  const left: string[] = [];
  for (const u of maybeLeft) if (u !== viewer && !changed.has(u) && !(await shares(u))) left.push(u);
  return { changed: [...changed].sort(), left: left.sort() };
}

function memo<T>(fn: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let p = cache.get(key);
    if (!p) cache.set(key, (p = fn(key)));
    return p;
  };
}
