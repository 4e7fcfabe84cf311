// Client-Server API, "Token-authenticated registration" (registration_tokens.yaml).
import { forbidden, missingParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import type { ClientapiContext } from '../context.ts';

export function registrationTokensOps(ctx: ClientapiContext): Operation[] {
  return [
    // GET /_matrix/client/v1/register/m.login.registration_token/validity
    op(
      { method: 'GET', path: '/register/m.login.registration_token/validity', access: 'none', rateLimited: true },
      async function registrationTokenValidity({ query }) {
        if (ctx.config.client_api.registration_disabled) throw forbidden('Registration is not enabled on this homeserver.');
        const token = query('token');
        if (token === undefined) throw missingParam('token is required');
        const found = await ctx.userapi.getRegistrationToken(token);
        return { valid: found?.valid ?? false };
      },
    ),
  ];
}
