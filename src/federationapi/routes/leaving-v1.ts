// Server-Server API, "Leaving Rooms (Rejecting Invites)" (leaving-v1.yaml): GET /make_leave and
// the deprecated v1 PUT /send_leave, whose answer is `[200, {}]`.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import type { FederationContext } from '../context.ts';
import { makeMembership, residentRoom } from '../serve/membership.ts';
import { sendMembership } from '../serve/send-membership.ts';

/** Mounted under /_matrix/federation/v1. */
export function leavingV1Ops(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/make_leave/{roomId}/{userId}
    op({ method: 'GET', path: '/make_leave/:roomId/:userId', access: 'server' }, async function makeLeave({ params, origin }) {
      const version = await residentRoom(ctx, params.roomId!, origin!);
      return makeMembership(ctx, version, { roomId: params.roomId!, userId: params.userId!, origin: origin!, membership: Membership.Leave });
    }),

    // PUT /_matrix/federation/v1/send_leave/{roomId}/{eventId}
    op({ method: 'PUT', path: '/send_leave/:roomId/:eventId', access: 'server', body: v.anyObject() }, async function sendLeaveV1({ params, body, origin }) {
      await sendMembership(ctx, { roomId: params.roomId!, eventId: params.eventId!, origin: origin!, body, membership: Membership.Leave });
      return [200, {}];
    }),
  ];
}
