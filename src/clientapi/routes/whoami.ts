// Client-Server API, "Current account information" (whoami.yaml).
import { type Operation, op } from '../../http/router.ts';

export function whoamiOps(): Operation[] {
  return [
    // GET /_matrix/client/v3/account/whoami
    op({ method: 'GET', path: '/account/whoami', access: 'user-or-guest' }, function getTokenOwner({ requester }) {
      return {
        user_id: requester.userId,
        // Application services acting without a device have none to report.
        ...(requester.deviceId ? { device_id: requester.deviceId } : {}),
        is_guest: requester.isGuest,
      };
    }),
  ];
}
