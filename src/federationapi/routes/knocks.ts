// Server-Server API, "Knocking upon a room" (knocks.yaml): GET /make_knock and PUT /send_knock.
// Knocking exists from room version 7; the answer to a knock is the room's stripped state (here
// whole PDUs of the room version, as the spec asks since v1.16, the create event first).
import { forbidden } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { Membership } from '../../protocol/constants.ts';
import type { FederationContext } from '../context.ts';
import { makeMembership, requireSupported, residentRoom } from '../serve/membership.ts';
import { sendMembership } from '../serve/send-membership.ts';
import { strippedStateEvents } from '../serve/stripped-state.ts';

/** Mounted under /_matrix/federation/v1. */
export function knocksOps(ctx: FederationContext): Operation[] {
  return [
    // GET /_matrix/federation/v1/make_knock/{roomId}/{userId}
    op({ method: 'GET', path: '/make_knock/:roomId/:userId', access: 'server' }, async function makeKnock({ params, queries, origin }) {
      const version = await residentRoom(ctx, params.roomId!, origin!);
      requireSupported(version, queries('ver'));
      if (!version.knocking) throw forbidden(`Room version ${version.id} does not support knocking`);
      return makeMembership(ctx, version, { roomId: params.roomId!, userId: params.userId!, origin: origin!, membership: Membership.Knock });
    }),

    // PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}
    op({ method: 'PUT', path: '/send_knock/:roomId/:eventId', access: 'server', body: v.anyObject() }, async function sendKnock({ params, body, origin }) {
      const roomId = params.roomId!;
      await sendMembership(ctx, { roomId, eventId: params.eventId!, origin: origin!, body, membership: Membership.Knock });
      return { knock_room_state: await strippedStateEvents(ctx, roomId) };
    }),
  ];
}
