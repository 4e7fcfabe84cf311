// Server-Server API, "Joining Rooms" (joins-v2.yaml): PUT /send_join, v2.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { FederationContext } from '../context.ts';
import { sendJoin } from '../serve/send-join.ts';

/** Mounted under /_matrix/federation/v2. */
export function joinsV2Ops(ctx: FederationContext): Operation[] {
  return [
    // PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}
    // omit_members is accepted and ignored: the whole state is sent, with members_omitted false.
    op({ method: 'PUT', path: '/send_join/:roomId/:eventId', access: 'server', body: v.anyObject() }, function sendJoinV2({ params, body, origin }) {
      return sendJoin(ctx, { roomId: params.roomId!, eventId: params.eventId!, origin: origin!, body });
    }),
  ];
}
