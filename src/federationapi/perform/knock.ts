// Knocking on a room this server is not in (Server-Server API, "Knocking upon a room"): make_knock
// at a resident server, our signed knock, send_knock, then the knock stored out of band with the
// room's stripped state from the answer (knock_room_state), which the knocking user's /sync shows.
import { Membership } from '../../protocol/constants.ts';
import type { JsonObject } from '../../protocol/event.ts';
import { MatrixError } from '../../http/errors.ts';
import { roomVersion as lookupVersion } from '../../protocol/room-versions.ts';
import { makeKnock, sendKnock } from '../client/calls/knocks.ts';
import type { FederationContext } from '../context.ts';
import { throughServers } from './servers.ts';
import { SUPPORTED_VERSIONS, checkTemplate, completeTemplate, templateVersion } from './template.ts';

export interface PerformKnockRequest {
  roomId: string;
  userId: string;
  servers: string[];
  /** Content of the knock besides `membership` (reason, displayname, avatar_url). */
  content: JsonObject;
}

const KNOCK_VERSIONS = SUPPORTED_VERSIONS.filter((v) => lookupVersion(v)?.knocking);

export async function performKnock(ctx: FederationContext, req: PerformKnockRequest): Promise<{ eventId: string }> {
  return throughServers(ctx, 'knock on the room', req.servers, async (server) => {
    const made = await makeKnock(ctx.client, server, req.roomId, req.userId, KNOCK_VERSIONS);
    const version = templateVersion(server, made.room_version);
    if (!version.knocking) throw new MatrixError('M_FORBIDDEN', `Room version ${version.id} does not support knocking`);
    const template = checkTemplate(server, made.event, { roomId: req.roomId, userId: req.userId, membership: Membership.Knock });
    const { pdu, eventId } = completeTemplate(ctx, template, version, { ...req.content, membership: Membership.Knock });
    const answer = await sendKnock(ctx.client, server, req.roomId, eventId, pdu);
    const state = (Array.isArray(answer.knock_room_state) ? answer.knock_room_state : []).flatMap((e) => stripped(e));
    await ctx.roomserver.inputOutOfBandMembership({ pdu: { ...pdu, unsigned: { knock_room_state: state } }, roomVersion: version.id });
    return { eventId };
  });
}

/** A stripped state event (Client-Server API, "Stripped state") from a knock_room_state entry. */
function stripped(raw: unknown): JsonObject[] {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return [];
  const e = raw as JsonObject;
  if (typeof e.type !== 'string' || typeof e.state_key !== 'string') return [];
  return [{ type: e.type, state_key: e.state_key, content: (e.content ?? {}) as JsonObject, sender: e.sender as string }];
}
