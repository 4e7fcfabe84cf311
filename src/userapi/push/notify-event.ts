// One new room event through push (Client-Server API, "Server behaviour"): each local member
// of the room but the sender (and a local user it invites) has the event evaluated against
// their push rules; those whose rules say notify get a notification row, new counts on
// OutputNotificationData and a push to each of their pushers. The sender's own notifications
// up to the event are read ("When the user updates their read receipt (either by using the
// API or by sending an event)…").
import { EventType, Membership } from '../../protocol/constants.ts';
import type { PushAction } from '../api.ts';
import { hasUnread, insertNotifications, markRead } from '../storage/notifications.ts';
import { localpartOf } from '../user-id.ts';
import { type PushContext, readKey } from './context.ts';
import { publishCounts } from './counts.ts';
import { type PushOutcome, evaluateRules, outcomeOf, type PushEvent } from './evaluate.ts';
import { pushBadge, pushEvent } from './pushes.ts';
import { type NewRoomEvent, type RoomMeta, senderMayNotify } from './room-facts.ts';

interface Notified {
  userId: string;
  localpart: string;
  outcome: PushOutcome;
}

/** Local users who may be notified of the event. */
async function recipientsOf(ctx: PushContext, msg: NewRoomEvent): Promise<{ users: string[]; memberCount: number }> {
  const j = msg.event.json;
  const joined = await ctx.rooms!.joined(msg.roomId);
  const isLocal = (u: string) => localpartOf(u, ctx.serverName) !== null;
  const users = [...joined].filter((u) => u !== j.sender && isLocal(u));
  // An invitee is not joined yet, and .m.rule.invite_for_me is for them.
  const target = j.state_key;
  if (j.type === EventType.Member && typeof target === 'string' && j.content.membership === Membership.Invite) {
    if (target !== j.sender && isLocal(target) && !joined.has(target)) users.push(target);
  }
  return { users, memberCount: joined.size };
}

async function evaluateFor(ctx: PushContext, msg: NewRoomEvent, users: string[], memberCount: number, meta: RoomMeta): Promise<Notified[]> {
  const j = msg.event.json;
  const ev: PushEvent = { json: { ...j, event_id: msg.event.eventId, room_id: msg.roomId }, sender: j.sender, roomId: msg.roomId };
  const facts = { memberCount, senderMayNotify: (key: string) => senderMayNotify(meta, j.sender, key) };
  // Display names only matter to rules that look in a string body.
  const needNames = typeof j.content.body === 'string';
  const out: Notified[] = [];
  for (const userId of users) {
    const rules = await ctx.rules.rules(userId);
    const displayName = needNames ? await ctx.rooms!.displayName(msg.roomId, userId) : undefined;
    let actions: PushAction[] | undefined;
    try {
      actions = evaluateRules(rules, ev, facts, { userId, displayName });
    } catch (error) {
      // One user's odd rule must not hold up the stream for everyone.
      ctx.log.warn('push rule evaluation failed', { userId, eventId: msg.event.eventId, error });
      continue;
    }
    if (!actions) continue;
    const outcome = outcomeOf(actions);
    if (outcome.notify) out.push({ userId, localpart: localpartOf(userId, ctx.serverName)!, outcome });
  }
  return out;
}

async function mayHaveUnread(ctx: PushContext, localpart: string, roomId: string): Promise<boolean> {
  const key = readKey(localpart, roomId);
  if (ctx.allRead.get(key)) return false;
  const unread = await hasUnread(ctx.db, localpart, roomId);
  if (!unread) ctx.allRead.set(key, true);
  return unread;
}

export async function notifyEvent(ctx: PushContext, msg: NewRoomEvent): Promise<void> {
  ctx.rooms!.apply(msg);
  const { event, roomId } = msg;
  const sender = event.json.sender;
  const senderLocalpart = localpartOf(sender, ctx.serverName);
  const { users, memberCount } = await recipientsOf(ctx, msg);
  if (users.length === 0 && senderLocalpart === null) return;

  const meta = await ctx.rooms!.meta(roomId);
  const notified = await evaluateFor(ctx, msg, users, memberCount, meta);
  // The sender's read marker moves only if something is unread; usually nothing is, and the
  // write transaction is saved.
  const senderMayRead = senderLocalpart !== null && (await mayHaveUnread(ctx, senderLocalpart, roomId));
  if (notified.length === 0 && !senderMayRead) return;
  for (const n of notified) ctx.allRead.delete(readKey(n.localpart, roomId));
  const threadId = await ctx.threads!.threadOf(event.eventId, event.json);
  const ts = ctx.now();
  const senderRead = await ctx.db.transaction(async (tx) => {
    await insertNotifications(
      tx,
      notified.map((n) => ({
        localpart: n.localpart,
        roomId,
        eventId: event.eventId,
        eventNid: event.nid,
        threadId,
        ts,
        highlight: n.outcome.highlight,
        actions: JSON.stringify(n.outcome.actions),
      })),
    );
    return senderMayRead ? markRead(tx, senderLocalpart!, roomId, event.nid, threadId) : 0;
  });

  // Counts first, pushes after: a failed publish redelivers the event before anyone is pushed.
  const senderUser = senderRead > 0 ? [{ userId: sender, localpart: senderLocalpart! }] : [];
  await publishCounts(ctx, roomId, [...notified, ...senderUser]);
  await pushEvent(ctx, msg, notified.map((n) => ({ ...n, tweaks: n.outcome.tweaks })), meta);
  if (senderRead > 0) await pushBadge(ctx, sender, senderLocalpart!);
}
