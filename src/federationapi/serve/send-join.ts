// PUT /send_join (Server-Server API, "Joining Rooms"): the resident server "adds its signature to
// this event [when it authorises a restricted join] and accepts it into the room's event graph.
// The joining server receives the full set of state for the newly-joined room as well as the
// freshly signed membership event." The state is the resolved state before the join, with the
// auth chain of the join and of that state. All members are sent (omit_members is not taken up:
// `members_omitted` is false, which the spec allows).
import { addEventSignature } from '../../protocol/events/build.ts';
import { EventType, Membership } from '../../protocol/constants.ts';
import { serverNameOf } from '../../protocol/identifiers.ts';
import type { FederationContext } from '../context.ts';
import { authChain } from './auth-chain.ts';
import { acceptMembership, checkSigned, parseMemberEvent, residentRoom } from './membership.ts';
import { JOIN_AUTHORISED_VIA, needsAuthoriser } from './restricted-join.ts';
import { toPdu } from './visibility.ts';

export interface SendJoinResponse {
  origin: string;
  state: unknown[];
  auth_chain: unknown[];
  event: unknown;
  members_omitted: boolean;
  servers_in_room: string[];
}

export async function sendJoin(
  ctx: FederationContext,
  req: { roomId: string; eventId: string; origin: string; body: unknown },
): Promise<SendJoinResponse> {
  const version = await residentRoom(ctx, req.roomId, req.origin);
  let { pdu, view } = parseMemberEvent(version, req.body, { ...req, membership: Membership.Join });
  const via = view.content[JOIN_AUTHORISED_VIA];
  if (version.restrictedJoins && typeof via === 'string' && serverNameOf(via) === ctx.serverName) {
    // We vouch for the join: only for a user who meets the conditions (checked again here).
    await needsAuthoriser(ctx, version, req.roomId, view.sender);
    pdu = addEventSignature(pdu, version, ctx.serverName, ctx.ourKeys.keyId, ctx.ourKeys.signer);
  }
  await checkSigned(ctx, pdu, version);
  const eventId = await acceptMembership(ctx, pdu);
  const [event] = await ctx.roomserver.eventsById([eventId]);
  const state = (await ctx.roomserver.stateBeforeEvent(eventId)) ?? [];
  const chain = await authChain(ctx.roomserver, event ? [...state, event] : state);
  const servers = new Set<string>();
  for (const e of state) {
    if (e.json.type === EventType.Member && e.json.content.membership === Membership.Join && typeof e.json.state_key === 'string') {
      const s = serverNameOf(e.json.state_key);
      if (s) servers.add(s);
    }
  }
  return {
    origin: ctx.serverName,
    state: state.map(toPdu),
    auth_chain: chain.map(toPdu),
    event: event ? toPdu(event) : pdu,
    members_omitted: false,
    servers_in_room: [...servers],
  };
}
