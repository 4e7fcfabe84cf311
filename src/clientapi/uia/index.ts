// User-interactive auth for the endpoints that need it (register, password change, deactivation,
// device deletion, login token). Sessions are kept by the user API, so a client may continue a
// session on any client API process.
//
// A session is bound to the operation that started it: SyTest's "The operation must be
// consistent through an interactive authentication session" and the spec's intent that a
// session authorises one request. Every stage must authenticate the same user, and when the
// request acts for a logged-in user, that user.
import { MatrixError, forbidden } from '../../http/errors.ts';
import type { UiaSession, UserApi } from '../../userapi/api.ts';
import type { Config } from '../../config/types.ts';
import { UiaChallenge } from './challenge.ts';
import { type Flow, type StageParams, canAttempt, isComplete } from './flows.ts';
import { STAGE_CHECKS } from './stages.ts';

export interface UiaRequest {
  /** The request body's `auth` dict, if any. */
  auth: Record<string, unknown> | undefined;
  /** What is being authorised, e.g. `DELETE /devices/ABC`; a session is only valid for one. */
  operation: string;
  flows: Flow[];
  params?: StageParams;
  /** The user the request acts for (the access token's owner): stages must authenticate them. */
  userId?: string;
  /** Stored with a session this request creates (registration remembers its parameters). */
  sessionData?: Record<string, unknown>;
  ip?: string;
}

export interface Uia {
  /** Resolves with the session once a flow is complete; otherwise throws the 401 challenge. */
  authenticate(req: UiaRequest): Promise<UiaSession>;
  /** The session is spent: a later request must authenticate again. */
  finish(session: UiaSession): Promise<void>;
}

export function createUia(deps: { userapi: UserApi; serverName: string; config: Config }): Uia {
  const { userapi } = deps;

  async function sessionFor(req: UiaRequest): Promise<UiaSession> {
    const id = req.auth?.session;
    if (id === undefined) return userapi.createUiaSession({ operation: req.operation, data: req.sessionData });
    if (typeof id !== 'string') throw new MatrixError('M_BAD_JSON', 'auth.session must be a string');
    const session = await userapi.getUiaSession(id);
    if (!session) throw new MatrixError('M_UNKNOWN', 'Unknown or expired session', { status: 400 });
    if (session.operation !== req.operation) throw forbidden('This session was started for a different request');
    return session;
  }

  return {
    async authenticate(req) {
      let session = await sessionFor(req);
      const challenge = (failure?: { errcode: MatrixError['errcode']; error: string }) =>
        new UiaChallenge({ flows: req.flows, params: req.params ?? {}, session: session.id, completed: session.completed }, failure);
      if (req.auth === undefined) throw challenge();

      const stage = req.auth.type;
      // A completed stage is not checked again (the spec forbids retrying one); an auth dict
      // with only the session asks whether the flow is complete.
      if (typeof stage === 'string' && !session.completed.includes(stage)) {
        const check = STAGE_CHECKS[stage];
        if (!check || !canAttempt(req.flows, session.completed, stage)) {
          throw challenge({ errcode: 'M_UNRECOGNIZED', error: `${stage} is not the next stage of any offered flow` });
        }
        const result = await check(req.auth, session, { userapi, serverName: deps.serverName, config: deps.config, ip: req.ip });
        if (!result.ok) throw challenge({ errcode: result.errcode, error: result.error });
        if (result.userId !== undefined && req.userId !== undefined && result.userId !== req.userId) {
          throw forbidden('The authenticated user does not match the user making the request');
        }
        if (result.data) await userapi.updateUiaSessionData(session.id, result.data);
        session = await userapi.completeUiaStage(session.id, stage, result.userId);
      }
      if (req.userId !== undefined && session.userId !== undefined && session.userId !== req.userId) {
        throw forbidden('This session authenticated a different user');
      }
      if (!isComplete(req.flows, session.completed)) throw challenge();
      return session;
    },

    async finish(session) {
      await userapi.deleteUiaSession(session.id);
    },
  };
}
