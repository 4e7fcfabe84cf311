// Which usernames registration accepts (Client-Server API, "POST /register": the server MUST map
// a username onto a valid user ID or refuse it with M_INVALID_USERNAME). We map by lower-casing,
// as clients expect (SyTest: "POST /register downcases capitals in usernames"), then check the
// user ID grammar (Appendices, "User Identifiers").
import { MatrixError } from '../http/errors.ts';

const LOCALPART = /^[a-z0-9._=\-/+]+$/;
const encoder = new TextEncoder();

/** The localpart for `username`, or throws M_INVALID_USERNAME. */
export function localpartForUsername(username: string, serverName: string): string {
  const localpart = username.toLowerCase();
  if (!LOCALPART.test(localpart)) {
    throw new MatrixError('M_INVALID_USERNAME', 'User ID may only contain a-z, 0-9, ".", "_", "=", "-", "/" and "+"');
  }
  // NOTSPEC: numeric localparts are kept for guests and generated IDs, so they can never collide.
  if (/^[0-9]+$/.test(localpart)) {
    throw new MatrixError('M_INVALID_USERNAME', 'Numeric user IDs are reserved for guest users');
  }
  if (encoder.encode(`@${localpart}:${serverName}`).length > 255) {
    throw new MatrixError('M_INVALID_USERNAME', 'User ID may not be longer than 255 bytes');
  }
  return localpart;
}

const MAX_PASSWORD_BYTES = 512;

/** NOTSPEC: a bound on password size, so hashing stays cheap whatever a client sends. */
export function checkPasswordSize(password: string): void {
  if (password.length === 0) throw new MatrixError('M_WEAK_PASSWORD', 'The password may not be empty');
  if (encoder.encode(password).length > MAX_PASSWORD_BYTES) {
    throw new MatrixError('M_INVALID_PARAM', `The password may not be longer than ${MAX_PASSWORD_BYTES} bytes`);
  }
}
