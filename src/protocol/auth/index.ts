// The authorisation rules, v1–v12. Callers:
// - checkAuthEventsSelection + checkAuth(event, authStateFromEvents(authEvents)) on receipt;
// - checkAuth against the state before the event, then against the current state (soft failure);
// - authEventsNeeded when building an event, to pick its auth_events.
export { authEventsNeeded, checkAuthEventsSelection, thirdPartyInviteToken, type StateKeyPair } from './auth-events.ts';
export { checkAuth } from './check-auth.ts';
export { AuthEventType, JoinRule, Membership } from './names.ts';
export { redactionApplies } from './redaction.ts';
export {
  ALLOW,
  authStateFromEvents,
  authStateFromMap,
  deny,
  joinRuleOf,
  membershipOf,
  type AuthResult,
  type AuthStateLookup,
  type AuthVerifier,
  type EventPrototype,
} from './types.ts';
export { domainOf, isValidUserId } from './user-id.ts';
