// Hands notifications to the pusher sender: about an event, or only the new badge when a
// receipt (or the user's own message) changed the unread count. Most users have no pusher, so
// the pushers of everyone an event notified are read in one query, and badge counts only for
// those who have one.
import { countUnread } from '../storage/notifications.ts';
import { type PusherRow, selectPushers, selectPushersOf } from '../storage/pushers.ts';
import { userIdOf } from '../user-id.ts';
import type { PushContext } from './context.ts';
import type { LocalUser } from './counts.ts';
import { badgeNotification, eventNotification } from './payload.ts';
import type { NewRoomEvent, RoomMeta } from './room-facts.ts';

function send(ctx: PushContext, userId: string, p: PusherRow, body: Record<string, unknown>): void {
  const url = (JSON.parse(p.data) as { url?: unknown }).url;
  if (p.kind !== 'http' || typeof url !== 'string') return;
  ctx.sender.send({ url, body, userId, appId: p.app_id, pushkey: p.pushkey });
}

/** Pushes the event to the pushers of the users it notified, with each user's tweaks. */
export async function pushEvent(ctx: PushContext, msg: NewRoomEvent, notified: readonly (LocalUser & { tweaks: Record<string, unknown> })[], meta: RoomMeta): Promise<void> {
  if (notified.length === 0) return;
  const pushers = await selectPushersOf(ctx.db, notified.map((n) => n.localpart));
  if (pushers.length === 0) return;
  const senderDisplayName = await ctx.rooms!.displayName(msg.roomId, msg.event.json.sender);
  const tweaksOf = new Map(notified.map((n) => [n.localpart, n.tweaks]));
  const unreadOf = new Map<string, number>();
  for (const p of pushers) {
    let unread = unreadOf.get(p.localpart);
    if (unread === undefined) unreadOf.set(p.localpart, (unread = await countUnread(ctx.db, p.localpart)));
    const userId = userIdOf(p.localpart, ctx.serverName);
    const body = eventNotification(p, {
      event: msg.event,
      userId,
      tweaks: tweaksOf.get(p.localpart) ?? {},
      unread,
      senderDisplayName,
      // A room without a name is known by its canonical alias, as clients show it.
      roomName: meta.name ?? meta.canonicalAlias,
      roomAlias: meta.canonicalAlias,
    });
    send(ctx, userId, p, body);
  }
}

/** Sends the user's pushers their new badge count. */
export async function pushBadge(ctx: PushContext, userId: string, localpart: string): Promise<void> {
  const pushers = await selectPushers(ctx.db, localpart);
  if (pushers.length === 0) return;
  const unread = await countUnread(ctx.db, localpart);
  for (const p of pushers) send(ctx, userId, p, badgeNotification(p, unread));
}
