// Mounts the client API's route files, each under its prefixes, in one place.
import type { MatrixApp } from '../http/app.ts';
import { type Operation, type RouterDeps, mount } from '../http/router.ts';
import type { ClientapiContext, RoomsContext } from './context.ts';
import { accountDataOps } from './routes/account-data.ts';
import { tagsOps } from './routes/tags.ts';
import { accountDeactivationOps } from './routes/account_deactivation.ts';
import { adminOps } from './routes/admin.ts';
import { banningOps } from './routes/banning.ts';
import { administrativeContactOps } from './routes/administrative_contact.ts';
import { capabilitiesOps } from './routes/capabilities.ts';
import { createRoomOps } from './routes/create_room.ts';
import { deviceManagementOps } from './routes/device_management.ts';
import { directoryOps } from './routes/directory.ts';
import { invitingOps } from './routes/inviting.ts';
import { joiningOps } from './routes/joining.ts';
import { kickingOps } from './routes/kicking.ts';
import { knockingOps } from './routes/knocking.ts';
import { leavingOps } from './routes/leaving.ts';
import { listJoinedRoomsOps } from './routes/list_joined_rooms.ts';
import { listPublicRoomsOps } from './routes/list_public_rooms.ts';
import { loginOps } from './routes/login.ts';
import { loginTokenOps } from './routes/login_token.ts';
import { logoutOps } from './routes/logout.ts';
import { notificationsOps } from './routes/notifications.ts';
import { passwordManagementOps } from './routes/password_management.ts';
import { profileOps } from './routes/profile.ts';
import { pusherOps } from './routes/pusher.ts';
import { pushrulesOps } from './routes/pushrules.ts';
import { redactionOps } from './routes/redaction.ts';
import { registrationOps } from './routes/registration.ts';
import { registrationTokensOps } from './routes/registration_tokens.ts';
import { roomEventByTimestampOps } from './routes/room_event_by_timestamp.ts';
import { roomSendOps } from './routes/room_send.ts';
import { roomStateOps } from './routes/room_state.ts';
import { roomUpgradesOps } from './routes/room_upgrades.ts';
import { roomsOps } from './routes/rooms.ts';
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

/** The room endpoints, mounted when the process has a room server (and so a transaction store). */
function roomGroups(ctx: RoomsContext): RouteGroup[] {
  return [
    {
      prefixes: CLIENT_V3,
      ops: [
        ...createRoomOps(ctx),
        ...joiningOps(ctx),
        ...leavingOps(ctx),
        ...invitingOps(ctx),
        ...kickingOps(ctx),
        ...banningOps(ctx),
        ...knockingOps(ctx),
        ...listJoinedRoomsOps(ctx),
        ...roomSendOps(ctx),
        ...roomStateOps(ctx),
        ...roomsOps(ctx),
        ...redactionOps(ctx),
        ...directoryOps(ctx),
        ...listPublicRoomsOps(ctx),
        ...roomUpgradesOps(ctx),
        ...notificationsOps(ctx),
      ],
    },
    // v1 only in the spec; Synapse also answers the MSC's unstable path, which clients still use.
    { prefixes: [...CLIENT_V1, '/_matrix/client/unstable/org.matrix.msc3030'], ops: roomEventByTimestampOps(ctx) },
  ];
}

const hasRooms = (ctx: ClientapiContext): ctx is RoomsContext => ctx.rooms !== undefined;

export function routeGroups(ctx: ClientapiContext): RouteGroup[] {
  return [
    ...(hasRooms(ctx) ? roomGroups(ctx) : []),
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
        ...tagsOps(ctx),
        ...pushrulesOps(ctx),
        ...pusherOps(ctx),
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
