// Client-Server API, "POST /login/get_token" (login_token.yaml): a single-use m.login.token for
// another client, after user-interactive auth. The spec says to always re-prompt, so the UIA
// session is spent by each token.
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';
import { STAGE } from '../uia/flows.ts';

export function loginTokenOps(ctx: ClientapiContext): Operation[] {
  return [
    // POST /_matrix/client/v1/login/get_token
    op(
      { method: 'POST', path: '/login/get_token', access: 'user', rateLimited: true, body: v.object({ auth: v.anyObject().opt() }) },
      async function generateLoginToken({ body, requester }) {
        const session = await ctx.uia.authenticate({
          auth: body.auth,
          operation: 'POST /login/get_token',
          flows: [{ stages: [STAGE.Password] }],
          userId: requester.userId,
        });
        await ctx.uia.finish(session);
        const { token, expiresInMs } = await ctx.userapi.createLoginToken(requester.userId);
        return { login_token: token, expires_in_ms: expiresInMs };
      },
    ),
  ];
}
