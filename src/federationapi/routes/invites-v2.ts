// Server-Server API, "Inviting to a room" (invites-v2.yaml): PUT /invite, v2: the room version
// and the invite_room_state come beside the event.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { FederationContext } from '../context.ts';
import { receiveInvite } from '../serve/invite.ts';

const inviteBody = v.object({ room_version: v.string(), event: v.anyObject(), invite_room_state: v.array(v.any()).opt() });

/** Mounted under /_matrix/federation/v2. */
export function invitesV2Ops(ctx: FederationContext): Operation[] {
  return [
    // PUT /_matrix/federation/v2/invite/{roomId}/{eventId}
    op({ method: 'PUT', path: '/invite/:roomId/:eventId', access: 'server', body: inviteBody }, async function sendInviteV2({ params, body, origin }) {
      const event = await receiveInvite(ctx, {
        roomId: params.roomId!,
        eventId: params.eventId!,
        origin: origin!,
        roomVersion: body.room_version,
        event: body.event,
        inviteRoomState: body.invite_room_state,
      });
      return { event };
    }),
  ];
}
