// PUT /send_leave and /send_knock (Server-Server API, "Leaving Rooms (Rejecting Invites)",
// "Knocking upon a room"): the signed event checked and accepted into the room like a join, with
// nothing to sign on our side.
import type { FederationContext } from '../context.ts';
import { acceptMembership, checkSigned, parseMemberEvent, residentRoom } from './membership.ts';

export async function sendMembership(
  ctx: FederationContext,
  req: { roomId: string; eventId: string; origin: string; body: unknown; membership: string },
): Promise<string> {
  const version = await residentRoom(ctx, req.roomId, req.origin);
  const { pdu } = parseMemberEvent(version, req.body, req);
  await checkSigned(ctx, pdu, version);
  return acceptMembership(ctx, pdu);
}
