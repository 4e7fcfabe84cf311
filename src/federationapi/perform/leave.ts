// Leaving a room this server is not in: rejecting an invite another server sent, or retracting a
// knock (Server-Server API, "Leaving Rooms (Rejecting Invites)"): make_leave at a resident server
// ("the resident server may be the server which sent the invite"), our signed leave, send_leave,
// then the leave stored out of band so our user's membership is leave here too.
import { Membership } from '../../protocol/constants.ts';
import type { JsonObject, PduJson } from '../../protocol/event.ts';
import { buildEvent } from '../../protocol/events/build.ts';
import { eventReference } from '../../protocol/events/hashes.ts';
import { roomVersion as lookupVersion } from '../../protocol/room-versions.ts';
import { MatrixError } from '../../http/errors.ts';
import { makeLeave, sendLeave } from '../client/calls/leaving.ts';
import type { FederationContext } from '../context.ts';
import { throughServers, tryNext } from './servers.ts';
import { checkTemplate, completeTemplate, templateVersion } from './template.ts';

export interface PerformLeaveRequest {
  roomId: string;
  userId: string;
  servers: string[];
  /** Content of the leave besides `membership` (a reason). */
  content: JsonObject;
}

export async function performLeave(ctx: FederationContext, req: PerformLeaveRequest): Promise<{ eventId: string }> {
  try {
    return await throughServers(ctx, 'leave the room', req.servers, async (server) => {
      const made = await makeLeave(ctx.client, server, req.roomId, req.userId);
      const version = templateVersion(server, made.room_version);
      const template = checkTemplate(server, made.event, { roomId: req.roomId, userId: req.userId, membership: Membership.Leave });
      const { pdu, eventId } = completeTemplate(ctx, template, version, { ...req.content, membership: Membership.Leave });
      await sendLeave(ctx.client, server, req.roomId, eventId, pdu);
      await ctx.roomserver.inputOutOfBandMembership({ pdu, roomVersion: version.id });
      return { eventId };
    });
  } catch (e) {
    if (!tryNext(e) && !(e instanceof MatrixError && e.errcode === 'M_FORBIDDEN')) throw e;
    // No resident server would take the leave (gone, or no longer in the room): the invite or
    // knock is withdrawn here all the same, as users expect; no other server hears of it.
    ctx.log.info('leaving through other servers failed; leaving locally', { roomId: req.roomId, userId: req.userId, error: (e as Error).message });
    return leaveLocally(ctx, req);
  }
}

/** A leave after the user's current (out-of-band) membership event, signed by us and kept here only. */
async function leaveLocally(ctx: FederationContext, req: PerformLeaveRequest): Promise<{ eventId: string }> {
  const current = await ctx.roomserver.membership(req.roomId, req.userId);
  const versionId = await ctx.roomserver.roomVersion(req.roomId);
  const version = versionId ? lookupVersion(versionId) : undefined;
  if (!current || !version) throw new MatrixError('M_NOT_FOUND', `${req.userId} has no membership in ${req.roomId} to leave`);
  const [prev] = await ctx.roomserver.eventsById([current.eventId]);
  if (!prev) throw new MatrixError('M_NOT_FOUND', `${req.userId} has no membership in ${req.roomId} to leave`);
  const ref = version.eventIdFormat === 'server' ? eventReference(prev.json, version) : prev.eventId;
  const built = buildEvent(
    {
      roomVersion: version,
      roomId: req.roomId,
      sender: req.userId,
      type: 'm.room.member',
      stateKey: req.userId,
      content: { ...req.content, membership: Membership.Leave },
      prevEvents: [ref],
      authEvents: [ref],
      depth: (prev.json.depth ?? 0) + 1,
      originServerTs: ctx.now(),
    },
    ctx.serverName,
    ctx.ourKeys.keyId,
    ctx.ourKeys.signer,
  );
  const r = await ctx.roomserver.inputOutOfBandMembership({ pdu: built.pdu as PduJson, roomVersion: version.id });
  return { eventId: r.eventId };
}
