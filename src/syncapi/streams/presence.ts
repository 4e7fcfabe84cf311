// The presence stream (Client-Server API, "Presence"): m.presence of the user and of the users
// sharing a room with them. An initial sync gets everyone's latest presence; an incremental sync
// gets the changes, plus the presence of users who newly share a room with the user (SyTest
// 31sync/03joined.pl), "offline" for those never seen. Off when presence is disabled.
import { Membership, PresenceState } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { presenceEnabled } from '../context.ts';
import { selectCoMembers, selectMembers } from '../storage/current-room-state.ts';
import { selectAllChanges } from '../storage/memberships.ts';
import { type PresenceRow, selectPresenceChanges, selectPresences } from '../storage/presence.ts';
import { eventMatches, matchesNothing } from '../sync/filter.ts';
import type { SyncRequest, SyncStream } from './types.ts';

/** Within this long of the last activity a user counts as currently active. */
const ACTIVE_MS = 60_000;

export function presenceContent(p: PresenceRow | undefined, now: number): JsonObject {
  if (!p) return { presence: PresenceState.Offline };
  const ago = Math.max(0, now - p.lastActiveTs);
  const content: JsonObject = { presence: p.presence, last_active_ago: ago };
  if (p.presence === PresenceState.Online) content.currently_active = ago < ACTIVE_MS;
  if (p.statusMsg !== null) content.status_msg = p.statusMsg;
  return content;
}

export class PresenceStream implements SyncStream {
  readonly key = 'presence' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const { ctx } = req;
    const f = req.filter.presence;
    if (!presenceEnabled(ctx) || matchesNothing(f)) return to;
    const found = new Map<string, PresenceRow | undefined>();
    if (from === 0) {
      const audience = new Set(await selectCoMembers(ctx.db, req.userId));
      audience.add(req.userId);
      for (const p of await selectPresences(ctx.db, [...audience])) found.set(p.userId, p);
    } else {
      const changes = from < to ? await selectPresenceChanges(ctx.db, from, to) : [];
      if (changes.length > 0) {
        const audience = new Set(await selectCoMembers(ctx.db, req.userId));
        audience.add(req.userId);
        for (const p of changes) if (audience.has(p.userId)) found.set(p.userId, p);
      }
      const fresh = await this.newlyShared(req);
      const missing = [...fresh].filter((u) => !found.has(u));
      const rows = new Map((await selectPresences(ctx.db, missing)).map((p) => [p.userId, p]));
      for (const u of missing) found.set(u, rows.get(u));
    }
    const limit = f.limit ?? Number.MAX_SAFE_INTEGER;
    for (const [userId, p] of found) {
      if (req.response.presence.events.length >= limit) break;
      if (req.ignored.has(userId) || !eventMatches(f, { type: 'm.presence', sender: userId })) continue;
      req.response.presence.events.push({ type: 'm.presence', sender: userId, content: presenceContent(p, req.now) });
    }
    return to;
  }

  /** Users who came to share a room with the syncing user in this sync's PDU window. */
  private async newlyShared(req: SyncRequest): Promise<Set<string>> {
    const out = new Set<string>();
    const from = req.since?.pdu ?? 0;
    const to = req.to.pdu;
    for (const roomId of req.newlyJoinedRooms) {
      for (const u of await selectMembers(req.ctx.db, roomId, [Membership.Join])) out.add(u);
    }
    const changed = from < to && req.ctx.notifier.membershipChangedAfter(from);
    for (const c of changed ? await selectAllChanges(req.ctx.db, from, to) : []) {
      if (c.membership === Membership.Join && req.joinedRooms.has(c.roomId)) out.add(c.userId);
    }
    out.delete(req.userId);
    return out;
  }
}
