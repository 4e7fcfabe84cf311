// "If type is m.room.member" (rule 5 in v1–v5, 4 in v6–v11, 5 in v12). Each branch ends in allow
// or reject; no later rule applies to membership events.

import { namedLevel, userLevel } from '../power-levels.ts';
import { JoinRule, Membership } from './names.ts';
import { checkThirdPartyInvite } from './third-party-invite.ts';
import { ALLOW, deny, joinRuleOf, membershipOf, type AuthResult, type RuleContext } from './types.ts';
import { domainOf } from './user-id.ts';

export function checkMembership(ctx: RuleContext): AuthResult {
  const { event, rv } = ctx;
  // "If there is no state_key property, or no membership property in content, reject."
  const target = event.stateKey;
  if (target === undefined) return deny('m.room.member has no state_key');
  const membership = event.content.membership;
  if (typeof membership !== 'string') return deny('m.room.member has no content.membership');
  // v8+: "If content has a join_authorised_via_users_server key: If the event is not validly
  // signed by the homeserver of the user ID denoted by the key, reject."
  if (rv.restrictedJoins && 'join_authorised_via_users_server' in event.content) {
    const authoriser = event.content.join_authorised_via_users_server;
    const server = typeof authoriser === 'string' ? domainOf(authoriser) : undefined;
    if (!server || !ctx.verifier.isSignedByServer(event, server)) {
      return deny('not signed by the server of join_authorised_via_users_server');
    }
  }
  switch (membership) {
    case Membership.Join:
      return checkJoin(ctx, target);
    case Membership.Invite:
      if ('third_party_invite' in event.content) return checkThirdPartyInvite(ctx, target);
      return checkInvite(ctx, target);
    case Membership.Leave:
      return checkLeave(ctx, target);
    case Membership.Ban:
      return checkBan(ctx, target);
    case Membership.Knock:
      if (rv.knocking) return checkKnock(ctx, target);
      break;
  }
  // "Otherwise, the membership is unknown. Reject."
  return deny(`unknown membership ${JSON.stringify(membership)}`);
}

function checkJoin(ctx: RuleContext, target: string): AuthResult {
  const { event, rv, state, create } = ctx;
  // "If the only previous event is an m.room.create and the state_key is the creator, allow."
  // v1–v10 name the creator in content.creator; v11+ "the sender of the m.room.create".
  const creator = rv.creatorIsSender ? create.sender : create.content.creator;
  if (event.prevEventIds.length === 1 && event.prevEventIds[0] === create.eventId && target === creator) return ALLOW;
  // "If the sender does not match state_key, reject."
  if (event.sender !== target) return deny('cannot join on behalf of another user');
  // "If the sender is banned, reject."
  const current = membershipOf(state, target);
  if (current === Membership.Ban) return deny('the sender is banned');
  const joinRule = joinRuleOf(state);
  const invitedOrJoined = current === Membership.Invite || current === Membership.Join;
  // "If the join_rule is invite (v7+: or knock) then allow if membership state is invite or join."
  if (joinRule === JoinRule.Invite || (rv.knocking && joinRule === JoinRule.Knock)) {
    return invitedOrJoined ? ALLOW : deny(`join rule is ${joinRule} and the sender is not invited`);
  }
  // v8+: "If the join_rule is restricted (v10+: or knock_restricted):"
  if ((rv.restrictedJoins && joinRule === JoinRule.Restricted) || (rv.knockRestricted && joinRule === JoinRule.KnockRestricted)) {
    // "If membership state is join or invite, allow."
    if (invitedOrJoined) return ALLOW;
    // "If the join_authorised_via_users_server key in content is not a user with sufficient
    // permission to invite other users or is not a joined member of the room, reject."
    const authoriser = event.content.join_authorised_via_users_server;
    if (typeof authoriser !== 'string') return deny('restricted join without join_authorised_via_users_server');
    if (membershipOf(state, authoriser) !== Membership.Join) return deny('the authorising user is not joined');
    if (userLevel(ctx.powerLevels, authoriser) < namedLevel(ctx.powerLevels, 'invite')) {
      return deny('the authorising user cannot invite');
    }
    // "Otherwise, allow."
    return ALLOW;
  }
  // "If the join_rule is public, allow." "Otherwise, reject."
  return joinRule === JoinRule.Public ? ALLOW : deny(`join rule ${JSON.stringify(joinRule)} does not allow joining`);
}

function checkInvite(ctx: RuleContext, target: string): AuthResult {
  const { event, state, powerLevels } = ctx;
  // "If the sender's current membership state is not join, reject."
  if (membershipOf(state, event.sender) !== Membership.Join) return deny('the inviter is not joined');
  // "If target user's current membership state is join or ban, reject."
  const current = membershipOf(state, target);
  if (current === Membership.Join || current === Membership.Ban) return deny(`the invited user is already ${current}`);
  // "If the sender's power level is greater than or equal to the invite level, allow."
  if (userLevel(powerLevels, event.sender) >= namedLevel(powerLevels, 'invite')) return ALLOW;
  return deny('the inviter is below the invite level');
}

function checkLeave(ctx: RuleContext, target: string): AuthResult {
  const { event, rv, state, powerLevels } = ctx;
  const targetMembership = membershipOf(state, target);
  // "If the sender matches state_key, allow if and only if that user's current membership state
  // is invite or join" (v7+: "invite, join, or knock").
  if (event.sender === target) {
    const ok =
      targetMembership === Membership.Invite ||
      targetMembership === Membership.Join ||
      (rv.knocking && targetMembership === Membership.Knock);
    return ok ? ALLOW : deny(`cannot leave from membership ${targetMembership}`);
  }
  // "If the sender's current membership state is not join, reject."
  if (membershipOf(state, event.sender) !== Membership.Join) return deny('the kicker is not joined');
  const senderLevel = userLevel(powerLevels, event.sender);
  // "If the target user's current membership state is ban, and the sender's power level is less
  // than the ban level, reject."
  if (targetMembership === Membership.Ban && senderLevel < namedLevel(powerLevels, 'ban')) {
    return deny('unbanning needs the ban level');
  }
  // "If the sender's power level is greater than or equal to the kick level, and the target user's
  // power level is less than the sender's power level, allow."
  if (senderLevel >= namedLevel(powerLevels, 'kick') && userLevel(powerLevels, target) < senderLevel) return ALLOW;
  return deny('the sender may not kick this user');
}

function checkBan(ctx: RuleContext, target: string): AuthResult {
  const { event, state, powerLevels } = ctx;
  // "If the sender's current membership state is not join, reject."
  if (membershipOf(state, event.sender) !== Membership.Join) return deny('the banner is not joined');
  // "If the sender's power level is greater than or equal to the ban level, and the target user's
  // power level is less than the sender's power level, allow."
  const senderLevel = userLevel(powerLevels, event.sender);
  if (senderLevel >= namedLevel(powerLevels, 'ban') && userLevel(powerLevels, target) < senderLevel) return ALLOW;
  return deny('the sender may not ban this user');
}

function checkKnock(ctx: RuleContext, target: string): AuthResult {
  const { event, rv, state } = ctx;
  // "If the join_rule is anything other than knock (v10+: or knock_restricted), reject."
  const joinRule = joinRuleOf(state);
  if (joinRule !== JoinRule.Knock && !(rv.knockRestricted && joinRule === JoinRule.KnockRestricted)) {
    return deny(`join rule ${JSON.stringify(joinRule)} does not allow knocking`);
  }
  // "If sender does not match state_key, reject."
  if (event.sender !== target) return deny('cannot knock on behalf of another user');
  // "If the sender's current membership is not ban, invite, or join, allow."
  const current = membershipOf(state, target);
  if (current !== Membership.Ban && current !== Membership.Invite && current !== Membership.Join) return ALLOW;
  return deny(`cannot knock from membership ${current}`);
}
