// The body of POST /_matrix/push/v1/notify (Push Gateway API) for one pusher: either about an
// event, or (after a receipt) only the new badge count.
import { EventType } from '../../protocol/constants.ts';
import type { StoredEvent } from '../../roomserver/api.ts';
import type { PusherRow } from '../storage/pushers.ts';

export interface EventPush {
  event: StoredEvent;
  /** The recipient. */
  userId: string;
  tweaks: Record<string, unknown>;
  /** Unread notifications across all the recipient's rooms. */
  unread: number;
  senderDisplayName?: string;
  roomName?: string;
  roomAlias?: string;
}

/** `data` minus `url`, as the gateway gets it back ("Servers MUST forward the entire content… excluding url"). */
function device(p: PusherRow, tweaks: Record<string, unknown>) {
  const { url: _url, ...data } = JSON.parse(p.data) as Record<string, unknown>;
  return { app_id: p.app_id, pushkey: p.pushkey, pushkey_ts: p.pushkey_ts, data, tweaks };
}

/**
 * NOTSPEC: `counts.unread` is sent even when 0 ("Counts whose value is zero should be omitted"),
 * as Synapse does: a badge update to zero is how a gateway learns to clear the badge.
 */
export function eventNotification(p: PusherRow, n: EventPush): Record<string, unknown> {
  const j = n.event.json;
  // Encrypted events and those that make a sound or highlight are worth waking a phone for.
  const high = j.type === EventType.Encrypted || n.tweaks.highlight === true || n.tweaks.sound !== undefined;
  const note: Record<string, unknown> = {
    event_id: n.event.eventId,
    room_id: n.event.roomId,
    counts: { unread: n.unread },
    prio: high ? 'high' : 'low',
    devices: [device(p, n.tweaks)],
  };
  if ((JSON.parse(p.data) as { format?: unknown }).format === 'event_id_only') return { notification: note };
  // `id` is the event ID under its pre-r0 name, which Synapse still sends and SyTest checks for.
  Object.assign(note, { id: n.event.eventId, type: j.type, sender: j.sender, content: j.content });
  if (n.senderDisplayName !== undefined) note.sender_display_name = n.senderDisplayName;
  if (n.roomName !== undefined) note.room_name = n.roomName;
  if (n.roomAlias !== undefined) note.room_alias = n.roomAlias;
  if (j.type === EventType.Member && typeof j.state_key === 'string') {
    note.membership = j.content.membership;
    note.user_is_target = j.state_key === n.userId;
  }
  return { notification: note };
}

/** Only the badge: sent when a receipt changes the unread count. */
export function badgeNotification(p: PusherRow, unread: number): Record<string, unknown> {
  return { notification: { counts: { unread }, prio: 'low', devices: [device(p, {})] } };
}
