// The v2 forms of send_join, send_leave and invite came after v1; "Senders which receive a 400 or
// 404 response to this endpoint should retry using the v1 API as the server may be older"
// (invites-v2.yaml). Only an answer that says the endpoint is unknown is taken as that.
import { MatrixError } from '../../../http/errors.ts';

export function isUnknownEndpoint(e: unknown): boolean {
  return e instanceof MatrixError && e.errcode === 'M_UNRECOGNIZED' && (e.status === 404 || e.status === 400 || e.status === 405);
}
