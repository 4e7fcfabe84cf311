// RouterDeps.verifyServer for every process that serves federation routes (the federation API's
// own, and the media API's /_matrix/federation/v1/media): the request's method, target, X-Matrix
// header and JSON body, checked by the federation API (directly, or over the internal API).
import type { Context } from 'hono';
import { parseJson } from '../../http/body.ts';
import type { Env } from '../../http/env.ts';
import type { FederationApi } from '../api.ts';

export function serverVerifier(api: Pick<FederationApi, 'verifyRequest'>) {
  return async function verifyServer(c: Context<Env>, body: Uint8Array): Promise<string> {
    const url = c.req.raw.url;
    // The target exactly as it arrived (percent-encoding kept): what the origin signed.
    const at = url.indexOf('/', url.indexOf('//') + 2);
    const uri = at < 0 ? '/' : url.slice(at);
    const content = body.byteLength > 0 ? parseJson(body) : undefined;
    const { origin } = await api.verifyRequest({ method: c.req.method, uri, authorization: c.req.header('authorization'), content });
    return origin;
  };
}
