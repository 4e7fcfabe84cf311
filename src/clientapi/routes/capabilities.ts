// Client-Server API, "Capabilities negotiation" (capabilities.yaml).
import { type Operation, op } from '../../http/router.ts';
import { DEFAULT_ROOM_VERSION, ROOM_VERSIONS } from '../../protocol/room-versions.ts';
import type { ClientapiContext } from '../context.ts';

export function capabilitiesOps(ctx: ClientapiContext): Operation[] {
  const configured = ctx.config.room_server.default_room_version;
  const defaultVersion = configured && ROOM_VERSIONS.has(configured) ? configured : DEFAULT_ROOM_VERSION;
  const available: Record<string, string> = {};
  for (const [id, v] of ROOM_VERSIONS) available[id] = v.stable ? 'stable' : 'unstable';

  return [
    // GET /_matrix/client/v3/capabilities
    op({ method: 'GET', path: '/capabilities', access: 'user-or-guest' }, function getCapabilities() {
      return {
        capabilities: {
          'm.change_password': { enabled: true },
          'm.room_versions': { default: defaultVersion, available },
          'm.set_displayname': { enabled: true },
          'm.set_avatar_url': { enabled: true },
          'm.profile_fields': { enabled: true },
          // No third-party identifiers can be bound on this server.
          'm.3pid_changes': { enabled: false },
          'm.get_login_token': { enabled: true },
          'm.forget_forced_upon_leave': { enabled: false },
        },
      };
    }),
  ];
}
