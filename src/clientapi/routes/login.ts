// Client-Server API, "Login" (login.yaml): the legacy login API with m.login.password and
// m.login.token. Refresh tokens are not issued: access tokens do not expire, which the spec allows
// ("Refreshing access tokens": servers may allow non-expiring access tokens).
import { MatrixError, forbidden, missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';
import { userIdFromIdentifier } from '../identifier.ts';
import { startSession } from '../sessions.ts';
import { clientWellKnown } from './wellknown.ts';

const loginBody = v.object({
  type: v.string(),
  identifier: v.anyObject().opt(),
  user: v.string().opt(),
  medium: v.string().opt(),
  address: v.string().opt(),
  password: v.string().opt(),
  token: v.string().opt(),
  device_id: v.string().opt(),
  initial_device_display_name: v.string().opt(),
  refresh_token: v.boolean().opt(),
});

export function loginOps(ctx: ClientapiContext): Operation[] {
  async function userForPassword(body: v.Infer<typeof loginBody>): Promise<string> {
    const userId = userIdFromIdentifier(body, ctx.serverName);
    if (body.password === undefined) throw missingParam('password is required for m.login.password');
    const account = await ctx.userapi.verifyPassword(userId, body.password);
    if (!account) throw forbidden('Invalid username or password');
    if (account.deactivated) throw new MatrixError('M_USER_DEACTIVATED', 'This account has been deactivated');
    return account.userId;
  }

  async function userForToken(body: v.Infer<typeof loginBody>): Promise<string> {
    if (body.token === undefined) throw missingParam('token is required for m.login.token');
    const userId = await ctx.userapi.consumeLoginToken(body.token);
    if (!userId) throw forbidden('Invalid or expired login token');
    return userId;
  }

  return [
    // GET /_matrix/client/v3/login
    op({ method: 'GET', path: '/login', access: 'none', rateLimited: true }, function getLoginFlows() {
      return { flows: [{ type: 'm.login.password' }, { type: 'm.login.token', get_login_token: true }] };
    }),

    // POST /_matrix/client/v3/login
    op({ method: 'POST', path: '/login', access: 'none', rateLimited: true, body: loginBody }, async function login({ body, c }) {
      let userId: string;
      if (body.type === 'm.login.password') userId = await userForPassword(body);
      else if (body.type === 'm.login.token') userId = await userForToken(body);
      else throw new MatrixError('M_UNKNOWN', 'Bad login type.', { status: 400 });
      const session = await startSession(ctx, c, userId, {
        deviceId: body.device_id,
        displayName: body.initial_device_display_name,
      });
      const wellKnown = clientWellKnown(ctx);
      return wellKnown ? { ...session, well_known: wellKnown } : session;
    }),
  ];
}
