// Remote media: fetched once from its origin through the federation-supplied fetcher, streamed
// into the content store and cached as a mediaapi_media row with the remote origin. Concurrent
// requests for the same item share one fetch. Client-Server API, Content repository: remote
// media too large to proxy answers 502 M_TOO_LARGE.
import { MatrixError, notFound } from '../http/errors.ts';
import type { FetchRemoteMedia } from './api.ts';
import type { MediaContext } from './context.ts';
import { SizeLimitExceeded } from './files.ts';
import { dispositionFileName, remoteContentType } from './headers.ts';
import type { IpBlocklist } from './ip-ranges.ts';
import type { StoredMedia } from './lookup.ts';
import { MultipartError, parseMultipartMedia } from './multipart.ts';
import { safeFetch } from './safe-fetch.ts';
import { SingleFlight } from './single-flight.ts';
import { getMedia, insertMedia, type MediaRow } from './storage/media.ts';

/** Time allowed for one remote download, headers to last byte. */
const REMOTE_TIMEOUT_MS = 10 * 60_000;

const remoteTooLarge = (limit: number) =>
  new MatrixError('M_TOO_LARGE', `Remote media is larger than this server's limit of ${limit} bytes`, { status: 502 });

const badGateway = (msg: string) => new MatrixError('M_UNKNOWN', msg, { status: 502 });

interface Incoming {
  contentType: string | null;
  disposition: string | null;
  length: number;
  body: AsyncIterable<Uint8Array>;
}

export class RemoteMedia {
  private readonly flights = new SingleFlight<StoredMedia>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly fetchRemote: FetchRemoteMedia | undefined,
    /** Where a remote server's Location answers may point (federation_api deny/allow networks). */
    private readonly locationBlocklist: IpBlocklist,
  ) {}

  /** The cached copy of remote media, fetching it first if needed. */
  fetch(serverName: string, mediaId: string): Promise<StoredMedia> {
    return this.flights.run(`${serverName}/${mediaId}`, () => this.download(serverName, mediaId));
  }

  /** Fetches in flight (tests watch this). */
  get inflight(): number {
    return this.flights.size;
  }

  private async download(serverName: string, mediaId: string): Promise<StoredMedia> {
    if (!this.fetchRemote) throw notFound(`Media from ${serverName} cannot be fetched: federation is not available`);
    const signal = AbortSignal.timeout(REMOTE_TIMEOUT_MS);
    let res: Response;
    try {
      res = await this.fetchRemote(serverName, mediaId, { signal });
    } catch (e) {
      this.ctx.log.warn('remote media fetch failed', { serverName, mediaId, error: (e as Error).message });
      throw badGateway(`Could not reach ${serverName}`);
    }
    const incoming = await this.open(res, serverName, signal);
    const max = this.ctx.config.max_file_size_bytes;
    if (incoming.length > max) throw remoteTooLarge(max);
    let stored;
    try {
      stored = await this.ctx.files.write(incoming.body, max);
    } catch (e) {
      if (e instanceof SizeLimitExceeded) throw remoteTooLarge(max);
      if (e instanceof MatrixError) throw e;
      throw badGateway(`Download from ${serverName} failed: ${(e as Error).message}`);
    }
    const row: MediaRow = {
      origin: serverName,
      mediaId,
      contentType: remoteContentType(incoming.contentType),
      size: stored.size,
      uploadName: dispositionFileName(incoming.disposition) ?? null,
      hash: stored.hash,
      userId: null,
      createdTs: this.ctx.now(),
      expiresTs: null,
      // "For remote media, 'newly-uploaded' is determined by the date the cache was populated."
      authenticatedOnly: this.ctx.config.freeze_unauthenticated_media,
    };
    if (!(await insertMedia(this.ctx.db, row))) {
      const existing = await getMedia(this.ctx.db, serverName, mediaId);
      if (existing?.hash) return existing as StoredMedia;
    }
    return row as StoredMedia;
  }

  /** The media inside the answer: the multipart's second part, its Location, or the body itself. */
  private async open(res: Response, serverName: string, signal: AbortSignal): Promise<Incoming> {
    if (!res.ok) {
      const body = (await res.json().catch(() => ({}))) as { errcode?: string };
      if (res.status === 404) throw notFound(`${serverName} does not have this media`);
      if (body.errcode === 'M_TOO_LARGE') throw remoteTooLarge(this.ctx.config.max_file_size_bytes);
      if (body.errcode === 'M_NOT_YET_UPLOADED') throw new MatrixError('M_NOT_YET_UPLOADED', 'The remote media has not been uploaded yet');
      throw badGateway(`${serverName} answered ${res.status}`);
    }
    const type = res.headers.get('content-type') ?? '';
    if (!/^multipart\/mixed/i.test(type)) return this.plain(res);
    let part;
    try {
      part = await parseMultipartMedia(type, res.body ?? new ReadableStream());
    } catch (e) {
      if (e instanceof MultipartError) throw badGateway(`${serverName} sent a malformed answer: ${e.message}`);
      throw e;
    }
    const location = part.headers.location;
    if (!location) {
      return {
        contentType: part.headers['content-type'] ?? null,
        disposition: part.headers['content-disposition'] ?? null,
        length: Number.NaN,
        body: part.body,
      };
    }
    // Server-Server API: the second part may instead point where the media can be fetched.
    const { response } = await safeFetch(location, { blocklist: this.locationBlocklist, signal });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw badGateway(`The media location given by ${serverName} answered ${response.status}`);
    }
    return this.plain(response);
  }

  private plain(res: Response): Incoming {
    return {
      contentType: res.headers.get('content-type'),
      disposition: res.headers.get('content-disposition'),
      length: Number(res.headers.get('content-length') ?? Number.NaN),
      body: (res.body ?? []) as AsyncIterable<Uint8Array>,
    };
  }
}
