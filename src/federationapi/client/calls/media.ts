// Server-Server API, "Content Repository" (content_repository.yaml): media from its origin.
// Servers "MUST try the endpoints described below before falling back to the deprecated
// /_matrix/media/* endpoints when they receive a 404 M_UNRECOGNIZED error. When falling back,
// servers MUST be sure to set allow_remote to false."
import type { FetchRemoteMedia } from '../../../mediaapi/api.ts';
import { type FederationClient, seg } from '../client.ts';

/** Downloads can be long: the media component bounds them with its own signal. */
const DOWNLOAD_TIMEOUT_MS = 60 * 60_000;

export function remoteMediaFetcher(client: FederationClient): FetchRemoteMedia {
  return async (serverName, mediaId, { signal }) => {
    const res = await client.raw(serverName, 'GET', `/_matrix/federation/v1/media/download/${seg(mediaId)}`, {
      signal,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
    if (res.ok || res.status >= 500) return res;
    const body = (await res.clone().json().catch(() => ({}))) as { errcode?: string };
    // A server that predates the endpoint: M_UNRECOGNIZED, or a bare 404 from something in front of it.
    const unknownEndpoint = body.errcode === 'M_UNRECOGNIZED' || (res.status === 404 && body.errcode === undefined);
    if (!unknownEndpoint) return res;
    await res.body?.cancel();
    return client.raw(serverName, 'GET', `/_matrix/media/v3/download/${seg(serverName)}/${seg(mediaId)}`, {
      query: { allow_remote: 'false' },
      unsigned: true,
      signal,
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
  };
}
