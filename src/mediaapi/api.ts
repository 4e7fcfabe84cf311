// The media API: the only file other components import. The media component owns uploaded and
// cached media (its tables and the files under media_api.base_path) and serves the content
// repository endpoints itself; other components need little from it.
//
// Remote media needs federation, which supplies `fetchRemote` when the component is created:
// the media component decides when to fetch, shares one fetch among concurrent requests,
// parses the answer and caches it.

/** What is known about a stored piece of media. */
export interface MediaInfo {
  serverName: string;
  mediaId: string;
  contentType: string;
  /** Bytes; 0 while an asynchronous upload has not arrived. */
  size: number;
  uploadName?: string;
  /** The local uploader (absent for remote media). */
  userId?: string;
  createdTs: number;
  /** false while created with POST /_matrix/media/v1/create and not yet uploaded. */
  uploaded: boolean;
}

export interface MediaApi {
  /** null when the media is neither local nor cached. */
  mediaInfo(serverName: string, mediaId: string): Promise<MediaInfo | null>;
  /** Bytes of media the user has uploaded (what the per-user quota counts). */
  userUsage(userId: string): Promise<number>;
}

export const MEDIAAPI_METHODS = ['mediaInfo', 'userUsage'] as const satisfies readonly (keyof MediaApi)[];

/**
 * Fetches `mxc://serverName/mediaId` from its origin server: the answer to a signed
 * `GET /_matrix/federation/v1/media/download/{mediaId}` (Server-Server API, "Content
 * Repository"), a multipart/mixed body whose second part holds the bytes or a Location. When
 * the remote server answers that endpoint with 404 M_UNRECOGNIZED, the fetcher falls back to
 * `GET /_matrix/media/v3/download/{serverName}/{mediaId}?allow_remote=false` and returns that
 * answer (the media itself) as it came. Error answers are returned too, not thrown: the media
 * component maps them. Throw only when the server could not be reached.
 */
export type FetchRemoteMedia = (serverName: string, mediaId: string, opts: { signal: AbortSignal }) => Promise<Response>;
