// User identifiers in /login and the m.login.password UIA stage (Client-Server API, "Identifier
// types"): m.id.user with a localpart or a full user ID, the deprecated top-level `user`, and
// third-party identifiers, which this server never has bound (so they answer 403, as the spec
// requires for an unknown 3PID).
import { MatrixError, badJson, forbidden, missingParam } from '../http/errors.ts';

function userIdFor(user: string, serverName: string): string {
  if (user.startsWith('@')) {
    const colon = user.indexOf(':');
    if (colon < 2) throw forbidden('Invalid user ID');
    if (user.slice(colon + 1) !== serverName) throw forbidden('This user is not a user of this server');
    return `@${user.slice(1, colon).toLowerCase()}:${serverName}`;
  }
  if (user === '') throw forbidden('Invalid username');
  return `@${user.toLowerCase()}:${serverName}`;
}

/** The local user ID a login or password stage names, or throws the spec's error. */
export function userIdFromIdentifier(body: Record<string, unknown>, serverName: string): string {
  const identifier = body.identifier;
  if (identifier !== undefined && identifier !== null) {
    if (typeof identifier !== 'object' || Array.isArray(identifier)) throw badJson('identifier must be an object');
    const id = identifier as Record<string, unknown>;
    switch (id.type) {
      case 'm.id.user':
        if (typeof id.user !== 'string') throw missingParam('identifier.user is required for m.id.user');
        return userIdFor(id.user, serverName);
      case 'm.id.thirdparty':
      case 'm.id.phone':
        throw forbidden('No account is bound to this third-party identifier');
      default:
        throw new MatrixError('M_UNKNOWN', 'Unknown identifier type', { status: 400 });
    }
  }
  if (typeof body.user === 'string') return userIdFor(body.user, serverName);
  if (typeof body.medium === 'string' || typeof body.address === 'string') {
    throw forbidden('No account is bound to this third-party identifier');
  }
  throw missingParam('identifier is required');
}
