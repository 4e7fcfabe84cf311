// Checking a request from another server (Server-Server API, "Request Authentication"): the
// X-Matrix header names the origin, the destination (which must be us) and the key; the
// signature covers {method, uri, origin, destination, content}. The origin's key comes from the
// key ring and must be a current key, valid now.
import { MatrixError } from '../../http/errors.ts';
import { parseServerName } from '../../protocol/identifiers.ts';
import { isEd25519KeyId } from '../../protocol/signing/keys.ts';
import { verifyJsonSignature } from '../../protocol/signing/sign-json.ts';
import type { KeyRing } from '../keys/key-ring.ts';
import { parseXMatrix, requestJson } from '../client/x-matrix.ts';

/** The parts of an incoming request that its signature covers. */
export interface IncomingRequest {
  method: string;
  /** The request target as sent: path and query. */
  uri: string;
  /** Authorization header(s) as received; undefined when absent. */
  authorization: string | undefined;
  /** The JSON body, undefined when there is none. */
  content?: unknown;
}

const unauthorized = (msg: string, status = 401) => new MatrixError('M_UNAUTHORIZED', msg, { status });

/** The verified origin server name. Throws M_UNAUTHORIZED (401; 400 for a malformed origin). */
export async function verifyRequest(keyRing: KeyRing, ourName: string, req: IncomingRequest): Promise<string> {
  if (req.authorization === undefined) throw unauthorized('Missing Authorization header (X-Matrix)');
  const params = parseXMatrix(req.authorization);
  if (!params) throw unauthorized('Authorization header is not X-Matrix');
  const { origin, destination, key, sig } = params;
  if (!origin || !parseServerName(origin).ok) throw unauthorized('X-Matrix origin is not a valid server name', 400);
  // "If this property is included, but the value does not match the receiving server's name, the
  // receiving server must deny the request with an HTTP status code 401 Unauthorized."
  if (destination !== undefined && destination !== ourName) throw unauthorized(`This server is ${ourName}, not ${destination}`);
  if (!key || !sig) throw unauthorized('X-Matrix credentials need key and sig');
  if (!isEd25519KeyId(key)) throw unauthorized(`Unsupported key ${key}`);
  if (origin === ourName) throw unauthorized('Requests from this server to itself are not accepted');
  const publicKey = await keyRing.requestKey(origin, key);
  if (publicKey === undefined) throw unauthorized(`No valid key ${key} known for ${origin}`);
  const signed = {
    ...requestJson({ method: req.method, uri: req.uri, origin, destination: destination ?? ourName, content: req.content }),
    signatures: { [origin]: { [key]: sig } },
  };
  // Before v1.3 destination was not in the header; such a request signed our name anyway.
  if (!verifyJsonSignature(signed, origin, key, publicKey)) throw unauthorized('Invalid X-Matrix signature');
  return origin;
}
