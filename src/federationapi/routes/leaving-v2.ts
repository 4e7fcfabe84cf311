// Server-Server API, "Leaving Rooms (Rejecting Invites)" (leaving-v2.yaml): PUT /send_leave, v2.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import type { FederationContext } from '../context.ts';
import { sendMembership } from '../serve/send-membership.ts';

/** Mounted under /_matrix/federation/v2. */
export function leavingV2Ops(ctx: FederationContext): Operation[] {
  return [
    // PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}
    op({ method: 'PUT', path: '/send_leave/:roomId/:eventId', access: 'server', body: v.anyObject() }, async function sendLeaveV2({ params, body, origin }) {
      await sendMembership(ctx, { roomId: params.roomId!, eventId: params.eventId!, origin: origin!, body, membership: Membership.Leave });
      return {};
    }),
  ];
}
