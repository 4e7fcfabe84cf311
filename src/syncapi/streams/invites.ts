// The invite stream: rooms.invite with the stripped state of each room the user is invited to
// (Client-Server API, "Syncing"; "Stripped state"). Invites from ignored users are left out
// (Client-Server API, "Ignoring Users"); an invitation that ended is no longer listed.
import { selectByEventId } from '../storage/output-room-events.ts';
import { selectLatestInvites } from '../storage/invites.ts';
import { roomAllowed } from '../sync/filter.ts';
import { strippedState } from '../sync/stripped-state.ts';
import type { SyncRequest, SyncStream } from './types.ts';

export class InvitesStream implements SyncStream {
  readonly key = 'invite' as const;

  async sync(req: SyncRequest, from: number, to: number): Promise<number> {
    const { ctx } = req;
    for (const row of await selectLatestInvites(ctx.db, req.userId, from, to)) {
      if (row.retired || req.ignored.has(row.sender) || !roomAllowed(req.filter, row.roomId)) continue;
      const own = await ctx.events.byNid(row.nid);
      if (!own) continue;
      const at = (await selectByEventId(ctx.db, row.eventId))?.pos ?? req.to.pdu;
      req.response.rooms.invite[row.roomId] = { invite_state: { events: await strippedState(ctx, own, at, 'invite_room_state') } };
    }
    return to;
  }
}
