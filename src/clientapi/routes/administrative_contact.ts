// Client-Server API, "Adding Account Administrative Contact Information"
// (administrative_contact.yaml). This server binds no third-party identifiers (the
// m.3pid_changes capability says so), so every account's list is empty.
import { type Operation, op } from '../../http/router.ts';

export function administrativeContactOps(): Operation[] {
  return [
    // GET /_matrix/client/v3/account/3pid
    op({ method: 'GET', path: '/account/3pid', access: 'user' }, function getAccount3PIDs() {
      return { threepids: [] };
    }),
  ];
}
