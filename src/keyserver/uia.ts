// User-interactive auth for POST /keys/device_signing/upload, with the one stage it offers:
// m.login.password (Client-Server API, "User-Interactive Authentication API", "Password-based").
// Sessions are the user API's (createUiaSession…), so a client may continue one on any process.
// Kept here rather than importing the client API's UIA code, which no component but the client
// API may import; the rules are the same: a session serves one operation and one user, and ends
// when used.
import { type Errcode, MatrixError, forbidden, missingParam } from '../http/errors.ts';
import type { UiaSession } from '../userapi/api.ts';
import { PASSWORD_STAGE } from './constants.ts';
import type { KeyserverContext } from './context.ts';
import { isObject } from './validate.ts';

const FLOWS = [{ stages: [PASSWORD_STAGE] }];

/** The 401 answer: flows, params, session and completed stages, plus errcode/error after a failed stage. */
class UiaChallenge extends MatrixError {
  constructor(
    private readonly session: UiaSession,
    private readonly failure?: { errcode: Errcode; error: string },
  ) {
    super(failure?.errcode ?? 'M_UNAUTHORIZED', failure?.error ?? 'Additional authentication is required', { status: 401 });
  }

  override toJSON(): Record<string, unknown> {
    const body = { flows: FLOWS, params: {}, session: this.session.id, completed: this.session.completed };
    return this.failure ? { errcode: this.failure.errcode, error: this.failure.error, ...body } : body;
  }
}

/** The user a password stage names: `identifier` of type m.id.user, or the deprecated `user`. */
function namedUser(auth: Record<string, unknown>, serverName: string): string | undefined {
  const id = auth.identifier;
  let user: unknown = auth.user;
  if (isObject(id)) {
    if (id.type !== 'm.id.user') return undefined;
    user = id.user;
  }
  if (typeof user !== 'string' || user === '') return undefined;
  return user.startsWith('@') ? user : `@${user.toLowerCase()}:${serverName}`;
}

/** Resolves once `userId` has proven their password for `operation`; otherwise throws the 401 challenge. */
export async function requirePassword(ctx: KeyserverContext, auth: unknown, userId: string, operation: string): Promise<void> {
  const given = isObject(auth) ? auth : undefined;
  let session: UiaSession;
  if (given?.session === undefined) {
    session = await ctx.userapi.createUiaSession({ operation });
  } else {
    if (typeof given.session !== 'string') throw new MatrixError('M_BAD_JSON', 'auth.session must be a string');
    const found = await ctx.userapi.getUiaSession(given.session);
    if (!found) throw new MatrixError('M_UNKNOWN', 'Unknown or expired session', { status: 400 });
    if (found.operation !== operation) throw forbidden('This session was started for a different request');
    if (found.userId != null && found.userId !== userId) throw forbidden('This session authenticated a different user');
    session = found;
  }
  if (given === undefined) throw new UiaChallenge(session);
  if (given.type === PASSWORD_STAGE && !session.completed.includes(PASSWORD_STAGE)) {
    if (typeof given.password !== 'string') throw missingParam('auth.password is required');
    const named = namedUser(given, ctx.serverName);
    if (named !== undefined && named !== userId) throw forbidden('The authenticated user does not match the user making the request');
    const account = await ctx.userapi.verifyPassword(userId, given.password);
    if (!account || account.deactivated) throw new UiaChallenge(session, { errcode: 'M_FORBIDDEN', error: 'Invalid password' });
    session = await ctx.userapi.completeUiaStage(session.id, PASSWORD_STAGE, userId);
  } else if (typeof given.type === 'string' && given.type !== PASSWORD_STAGE) {
    throw new UiaChallenge(session, { errcode: 'M_UNRECOGNIZED', error: `${given.type} is not offered here` });
  }
  if (!session.completed.includes(PASSWORD_STAGE)) throw new UiaChallenge(session);
  // Spent: a later upload must authenticate again.
  await ctx.userapi.deleteUiaSession(session.id);
}
