// NOTSPEC: Synapse's shared-secret registration admin API, which Dendrite serves too and which
// tools (and SyTest) use to create accounts, admins included:
//   GET  /_synapse/admin/v1/register  -> { nonce }   (single use, 60 s)
//   POST /_synapse/admin/v1/register  { nonce, username, password, admin, mac, displayname? }
// where mac = hex HMAC-SHA1 keyed with client_api.registration_shared_secret over
// nonce \0 username \0 password \0 ("admin" | "notadmin") [\0 user_type].
// Served only when a shared secret is configured.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { forbidden, invalidParam } from '../../http/errors.ts';
import { type Operation, op } from '../../http/router.ts';
import * as v from '../../http/schema.ts';
import type { ClientapiContext } from '../context.ts';
import { startSession } from '../sessions.ts';
import { checkPasswordSize, localpartForUsername } from '../username.ts';

const registerBody = v.object({
  nonce: v.string(),
  username: v.string(),
  password: v.string(),
  mac: v.string(),
  admin: v.boolean().opt(),
  displayname: v.string().opt(),
  user_type: v.string().opt(),
});

export function sharedSecretMac(
  secret: string,
  p: { nonce: string; username: string; password: string; admin: boolean; userType?: string },
): string {
  const parts = [p.nonce, p.username, p.password, p.admin ? 'admin' : 'notadmin'];
  if (p.userType !== undefined) parts.push(p.userType);
  return createHmac('sha1', secret).update(parts.join('\0')).digest('hex');
}

export function sharedSecretRegistrationOps(ctx: ClientapiContext): Operation[] {
  const secret = () => {
    const s = ctx.config.client_api.registration_shared_secret;
    if (!s) throw forbidden('Shared secret registration is not enabled');
    return s;
  };

  return [
    // GET /_synapse/admin/v1/register
    op({ method: 'GET', path: '/register', access: 'none', rateLimited: true }, async function getRegistrationNonce() {
      secret();
      return { nonce: await ctx.userapi.createRegistrationNonce() };
    }),

    // POST /_synapse/admin/v1/register
    op(
      { method: 'POST', path: '/register', access: 'none', rateLimited: true, body: registerBody },
      async function registerWithSharedSecret({ body, c }) {
        const key = secret();
        if (!(await ctx.userapi.consumeRegistrationNonce(body.nonce))) throw invalidParam('Unrecognised or expired nonce');
        const expected = Buffer.from(
          sharedSecretMac(key, { ...body, admin: body.admin ?? false, userType: body.user_type }),
          'utf8',
        );
        const given = Buffer.from(body.mac.toLowerCase(), 'utf8');
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw forbidden('HMAC incorrect');
        const localpart = localpartForUsername(body.username, ctx.serverName);
        checkPasswordSize(body.password);
        const account = await ctx.userapi.createAccount({
          localpart,
          password: body.password,
          kind: body.admin ? 'admin' : 'user',
          displayName: body.displayname,
        });
        ctx.log.info('registered with the shared secret', { userId: account.userId, admin: !!body.admin });
        return startSession(ctx, c, account.userId, {});
      },
    ),
  ];
}
