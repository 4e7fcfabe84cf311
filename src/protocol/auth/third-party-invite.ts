// "If membership is invite: If content has a third_party_invite property" (rule 4.3.1 in v1–v7,
// 4.4.1 in v8–v11, 5.4.1 in v12). The invite stands or falls on these steps alone: the sender's
// own membership is not checked for a third-party invite.

import type { JsonObject } from '../event.ts';
import { namedLevel, userLevel } from '../power-levels.ts';
import { AuthEventType, Membership } from './names.ts';
import { ALLOW, deny, membershipOf, type AuthResult, type RuleContext } from './types.ts';

const isObject = (value: unknown): value is JsonObject =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

export function checkThirdPartyInvite(ctx: RuleContext, target: string): AuthResult {
  const { event, state } = ctx;
  // 1. "If target user is banned, reject."
  if (membershipOf(state, target) === Membership.Ban) return deny('the invited user is banned');
  // 2. "If content.third_party_invite does not have a signed property, reject."
  const invite = event.content.third_party_invite;
  const signed = isObject(invite) ? invite.signed : undefined;
  if (!isObject(signed)) return deny('third_party_invite has no signed object');
  // 3. "If signed does not have mxid and token properties, reject."
  if (typeof signed.mxid !== 'string' || typeof signed.token !== 'string') {
    return deny('third_party_invite.signed lacks mxid or token');
  }
  // 4. "If mxid does not match state_key, reject."
  if (signed.mxid !== target) return deny('third_party_invite.signed.mxid does not match state_key');
  // 5. "If there is no m.room.third_party_invite event in the current room state with state_key
  //    matching token, reject."
  const original = state(AuthEventType.ThirdPartyInvite, signed.token);
  if (!original) return deny('no m.room.third_party_invite event for this token');
  // 6. "If sender does not match sender of the m.room.third_party_invite, reject."
  if (original.sender !== event.sender) return deny('the sender did not send the m.room.third_party_invite');
  // 7. "If any signature in signed matches any public key in the m.room.third_party_invite event,
  //    allow." The keys are `public_key` and each `public_keys[].public_key`.
  const keys: string[] = [];
  if (typeof original.content.public_key === 'string') keys.push(original.content.public_key);
  if (Array.isArray(original.content.public_keys)) {
    for (const entry of original.content.public_keys) {
      if (isObject(entry) && typeof entry.public_key === 'string') keys.push(entry.public_key);
    }
  }
  if (keys.length > 0 && ctx.verifier.thirdPartyInviteSignedByAnyKey(signed, keys)) return ALLOW;
  // 8. "Otherwise, reject."
  return deny('no signature in third_party_invite.signed matches a key of the m.room.third_party_invite');
}

/** Rule 7 (v1–v5) / 6 (v6–v11) / 7 (v12): "If type is m.room.third_party_invite: Allow if and only
 *  if sender's current power level is greater than or equal to the invite level." */
export function checkThirdPartyInviteEvent(ctx: RuleContext): AuthResult {
  return userLevel(ctx.powerLevels, ctx.event.sender) >= namedLevel(ctx.powerLevels, 'invite')
    ? ALLOW
    : deny('sender is below the invite level for m.room.third_party_invite');
}
