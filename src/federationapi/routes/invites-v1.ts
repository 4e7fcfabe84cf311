// Server-Server API, "Inviting to a room" (invites-v1.yaml): PUT /invite, v1. "Servers which
// receive a v1 invite request must assume that the room version is either "1" or "2"" (both
// share one event format); the stripped state rides in the event's unsigned.invite_room_state,
// and the answer is `[200, { event }]`.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { FederationContext } from '../context.ts';
import { receiveInvite } from '../serve/invite.ts';

/** Mounted under /_matrix/federation/v1. */
export function invitesV1Ops(ctx: FederationContext): Operation[] {
  return [
    // PUT /_matrix/federation/v1/invite/{roomId}/{eventId}
    op({ method: 'PUT', path: '/invite/:roomId/:eventId', access: 'server', body: v.anyObject() }, async function sendInviteV1({ params, body, origin }) {
      const unsigned = body.unsigned as Record<string, unknown> | undefined;
      const event = await receiveInvite(ctx, {
        roomId: params.roomId!,
        eventId: params.eventId!,
        origin: origin!,
        roomVersion: '1',
        event: body,
        inviteRoomState: unsigned?.invite_room_state,
      });
      return [200, { event }];
    }),
  ];
}
