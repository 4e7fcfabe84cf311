// Client-Server API, "Account registration" (registration.yaml): POST /register with
// user-interactive auth, guest accounts, and GET /register/available.
//
// Registration is open (m.login.dummy) only when client_api.registration_disabled is false and
// the operator confirmed open registration (--really-enable-open-registration); otherwise a
// registration token and/or a captcha is required, as configured.
import type { Context } from 'hono';
import { requestOrigin } from '../../http/auth.ts';
import type { Env } from '../../http/env.ts';
import { MatrixError, forbidden, invalidParam, missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import { RESERVED_TOKEN_KEY, type UiaSession } from '../../userapi/api.ts';
import type { ClientapiContext } from '../context.ts';
import { startSession } from '../sessions.ts';
import { type Flow, STAGE, type StageParams } from '../uia/flows.ts';
import { checkPasswordSize, localpartForUsername } from '../username.ts';

const registerBody = v.object({
  auth: v.anyObject().opt(),
  username: v.string().opt(),
  password: v.string().opt(),
  device_id: v.string().opt(),
  initial_device_display_name: v.string().opt(),
  inhibit_login: v.boolean().opt(),
  refresh_token: v.boolean().opt(),
});
type RegisterBody = v.Infer<typeof registerBody>;

/** What a registration session remembers between its requests ("registration remembers parameters"). */
interface RegistrationParams {
  localpart?: string;
  passwordHash?: string;
  deviceId?: string;
  displayName?: string;
  inhibitLogin?: boolean;
}

const hasParams = (b: RegisterBody) =>
  b.username !== undefined ||
  b.password !== undefined ||
  b.device_id !== undefined ||
  b.initial_device_display_name !== undefined ||
  b.inhibit_login !== undefined;

const OPERATION = 'POST /register';
const REGISTERED_KEY = 'registered_user_id';

export function registrationOps(ctx: ClientapiContext): Operation[] {
  const cfg = ctx.config.client_api;

  function flowsAndParams(): { flows: Flow[]; params: StageParams } {
    const stages: string[] = [];
    const params: StageParams = {};
    if (cfg.enable_registration_captcha) {
      stages.push(STAGE.Recaptcha);
      params[STAGE.Recaptcha] = { public_key: cfg.recaptcha_public_key };
    }
    if (cfg.registration_requires_token) stages.push(STAGE.RegistrationToken);
    if (stages.length === 0) {
      if (!cfg.open_registration_confirmed) throw forbidden('Registration is disabled');
      stages.push(STAGE.Dummy);
    }
    return { flows: [{ stages }], params };
  }

  /** This request's parameters over the ones its session remembered. */
  async function paramsOf(body: RegisterBody, remembered: RegistrationParams): Promise<RegistrationParams> {
    const out: RegistrationParams = { ...remembered };
    if (body.username !== undefined) out.localpart = localpartForUsername(body.username, ctx.serverName);
    if (body.password !== undefined) {
      checkPasswordSize(body.password);
      // Only the hash is remembered, never the password itself.
      out.passwordHash = await ctx.userapi.hashPassword(body.password);
    }
    if (body.device_id !== undefined) out.deviceId = body.device_id;
    if (body.initial_device_display_name !== undefined) out.displayName = body.initial_device_display_name;
    if (body.inhibit_login !== undefined) out.inhibitLogin = body.inhibit_login;
    return out;
  }

  async function respond(c: Context<Env>, userId: string, p: RegistrationParams) {
    if (p.inhibitLogin) return { user_id: userId, home_server: ctx.serverName };
    return startSession(ctx, c, userId, { deviceId: p.deviceId, displayName: p.displayName });
  }

  async function registerGuest(c: Context<Env>, body: RegisterBody) {
    if (cfg.guests_disabled) throw new MatrixError('M_GUEST_ACCESS_FORBIDDEN', 'Guest access is disabled on this server');
    const localpart = await ctx.userapi.nextNumericLocalpart();
    const account = await ctx.userapi.createAccount({ localpart, kind: 'guest' });
    // Spec: for guests every parameter but initial_device_display_name is ignored.
    return startSession(ctx, c, account.userId, { displayName: body.initial_device_display_name });
  }

  async function completeRegistration(c: Context<Env>, session: UiaSession, p: RegistrationParams) {
    const localpart = p.localpart ?? (await ctx.userapi.nextNumericLocalpart());
    const account = await ctx.userapi.createAccount({ localpart, passwordHash: p.passwordHash, kind: 'user' });
    const reserved = session.data[RESERVED_TOKEN_KEY];
    if (typeof reserved === 'string') await ctx.userapi.completeRegistrationToken(reserved);
    // The session stays, holding the result: retrying it answers with the same account
    // (SyTest "registration is idempotent"; the spec says completed stages cannot be retried).
    const { passwordHash: _spent, ...kept } = p;
    await ctx.userapi.updateUiaSessionData(session.id, {
      [REGISTERED_KEY]: account.userId,
      [RESERVED_TOKEN_KEY]: null,
      params: { ...kept, localpart },
    });
    ctx.log.info('registered', { userId: account.userId });
    return respond(c, account.userId, p);
  }

  return [
    // POST /_matrix/client/v3/register
    op({ method: 'POST', path: '/register', access: 'none', rateLimited: true, body: registerBody }, async function register({ body, query, c }) {
      const kind = query('kind') ?? 'user';
      if (kind === 'guest') return registerGuest(c, body);
      if (kind !== 'user') throw invalidParam('kind must be "user" or "guest"');
      if (cfg.registration_disabled) throw forbidden('Registration is disabled');
      const { flows, params } = flowsAndParams();

      const sessionId = typeof body.auth?.session === 'string' ? body.auth.session : undefined;
      const existing = sessionId !== undefined ? await ctx.userapi.getUiaSession(sessionId) : null;
      const remembered = (existing?.operation === OPERATION ? existing.data.params : undefined) as RegistrationParams | undefined;
      const registered = existing?.operation === OPERATION ? existing.data[REGISTERED_KEY] : undefined;
      if (typeof registered === 'string') return respond(c, registered, remembered ?? {});

      // Spec: username errors come before user-interactive auth.
      const p = await paramsOf(body, remembered ?? {});
      if (p.localpart !== undefined && !(await ctx.userapi.isLocalpartAvailable(p.localpart))) {
        throw new MatrixError('M_USER_IN_USE', 'Desired user ID is already taken.');
      }
      if (existing && hasParams(body)) await ctx.userapi.updateUiaSessionData(existing.id, { params: p });

      const session = await ctx.uia.authenticate({
        auth: body.auth,
        operation: OPERATION,
        flows,
        params,
        sessionData: { params: p },
        ip: requestOrigin(c).ip,
      });
      return completeRegistration(c, session, p);
    }),

    // GET /_matrix/client/v3/register/available
    op({ method: 'GET', path: '/register/available', access: 'none', rateLimited: true }, async function checkUsernameAvailability({ query }) {
      const username = query('username');
      if (username === undefined) throw missingParam('username is required');
      const localpart = localpartForUsername(username, ctx.serverName);
      if (!(await ctx.userapi.isLocalpartAvailable(localpart))) {
        throw new MatrixError('M_USER_IN_USE', 'Desired user ID is already taken.');
      }
      return { available: true };
    }),
  ];
}
