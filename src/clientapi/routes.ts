// Mounts the client API's route files, each under its prefixes, in one place.
import type { MatrixApp } from '../http/app.ts';
import { type Operation, type RouterDeps, mount } from '../http/router.ts';
import type { ClientapiContext } from './context.ts';
import { accountDataOps } from './routes/account-data.ts';
import { accountDeactivationOps } from './routes/account_deactivation.ts';
import { adminOps } from './routes/admin.ts';
import { administrativeContactOps } from './routes/administrative_contact.ts';
import { capabilitiesOps } from './routes/capabilities.ts';
import { deviceManagementOps } from './routes/device_management.ts';
import { loginOps } from './routes/login.ts';
import { loginTokenOps } from './routes/login_token.ts';
import { logoutOps } from './routes/logout.ts';
import { passwordManagementOps } from './routes/password_management.ts';
import { profileOps } from './routes/profile.ts';
import { registrationOps } from './routes/registration.ts';
import { registrationTokensOps } from './routes/registration_tokens.ts';
import { sharedSecretRegistrationOps } from './routes/shared_secret_registration.ts';
import { versionsOps } from './routes/versions.ts';
import { wellknownOps } from './routes/wellknown.ts';
import { whoamiOps } from './routes/whoami.ts';

export const CLIENT_V3 = ['/_matrix/client/v3', '/_matrix/client/r0'];
export const CLIENT_V1 = ['/_matrix/client/v1'];

export interface RouteGroup {
  prefixes: string[];
  ops: Operation[];
}

export function routeGroups(ctx: ClientapiContext): RouteGroup[] {
  return [
    { prefixes: ['/_matrix/client'], ops: versionsOps() },
    { prefixes: ['/.well-known/matrix'], ops: wellknownOps(ctx) },
    {
      prefixes: CLIENT_V3,
      ops: [
        ...capabilitiesOps(ctx),
        ...loginOps(ctx),
        ...logoutOps(ctx),
        ...registrationOps(ctx),
        ...whoamiOps(),
        ...passwordManagementOps(ctx),
        ...accountDeactivationOps(ctx),
        ...administrativeContactOps(),
        ...deviceManagementOps(ctx),
        ...profileOps(ctx),
        ...accountDataOps(ctx),
        ...adminOps(ctx),
      ],
    },
    // The spec serves these under v1 only; Synapse also answers the MSC's unstable path.
    { prefixes: [...CLIENT_V1, '/_matrix/client/unstable/org.matrix.msc3231'], ops: registrationTokensOps(ctx) },
    { prefixes: CLIENT_V1, ops: loginTokenOps(ctx) },
    { prefixes: ['/_synapse/admin/v1'], ops: sharedSecretRegistrationOps(ctx) },
  ];
}

export function mountClientapi(app: MatrixApp, deps: RouterDeps, groups: RouteGroup[]): void {
  for (const g of groups) mount(app.app, g.prefixes, g.ops, deps, app.routes);
}
