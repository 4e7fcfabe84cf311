// Who may read a room's history through /messages, /context, /relations and /threads (Client-
// Server API, "Room History Visibility"): someone who has been a member (each event then passes
// canSee on their membership history), or anyone while the room is world_readable.
import { forbidden } from '../../http/errors.ts';
import { HistoryVisibility } from '../../protocol/constants.ts';
import type { SyncapiContext } from '../context.ts';
import { type MembershipRow, selectHistory } from '../storage/memberships.ts';
import { selectLastAtOrBefore } from '../storage/output-room-events.ts';
import { normaliseVisibility } from './visibility.ts';

/** The user's membership history in the room; throws 403 when they may not look at all. */
export async function historyAccess(ctx: SyncapiContext, roomId: string, userId: string): Promise<MembershipRow[]> {
  const history = await selectHistory(ctx.db, roomId, userId);
  if (history.length > 0) return history;
  const last = await selectLastAtOrBefore(ctx.db, roomId, Number.MAX_SAFE_INTEGER);
  if (!last || normaliseVisibility(last.historyVisibility) !== HistoryVisibility.WorldReadable) {
    throw forbidden('You are not allowed to view this room.');
  }
  return history;
}
