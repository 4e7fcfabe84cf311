// Finding the bytes behind an mxc:// URI for the download and thumbnail endpoints: local media,
// cached or freshly fetched remote media, media whose asynchronous upload is still on its way
// (wait up to `timeout_ms`, then 504 M_NOT_YET_UPLOADED), and the freeze of the deprecated
// unauthenticated endpoints (Client-Server API, Content repository, "Client behaviour").
import { MatrixError, notFound } from '../http/errors.ts';
import type { MediaContext } from './context.ts';
import { checkMxcParts } from './mxc.ts';
import type { RemoteMedia } from './remote.ts';
import { getMedia, type MediaRow } from './storage/media.ts';

export type StoredMedia = MediaRow & { hash: string };

export interface ResolveOptions {
  /** Asked through a deprecated /_matrix/media endpoint without authentication. */
  unauthenticated: boolean;
  /** `allow_remote=false` forbids fetching from other servers (it prevents routing loops). */
  allowRemote: boolean;
  /** How long to wait for an asynchronous upload, in ms (the spec's `timeout_ms`). */
  timeoutMs: number;
  /** Federation requests may only ask for our own media. */
  localOnly?: boolean;
}

/** "The content repository SHOULD impose a maximum value for this parameter." */
export const MAX_UPLOAD_WAIT_MS = 60_000;
export const DEFAULT_UPLOAD_WAIT_MS = 20_000;
/** Re-reads the row this often while waiting, for uploads that land in another process. */
const POLL_MS = 500;

const frozen = () => notFound('This media is only available through the authenticated media endpoints (/_matrix/client/v1/media)');

export class MediaLookup {
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly remote: RemoteMedia,
  ) {}

  isLocal(serverName: string): boolean {
    return serverName === this.ctx.serverName;
  }

  async resolve(serverName: string, mediaId: string, opts: ResolveOptions): Promise<StoredMedia> {
    checkMxcParts(serverName, mediaId);
    const freeze = opts.unauthenticated && this.ctx.config.freeze_unauthenticated_media;
    const local = this.isLocal(serverName);
    if (!local && opts.localOnly) throw notFound('Only media of this server is served here');
    let row = await getMedia(this.ctx.db, serverName, mediaId);
    if (!row) {
      if (local) throw notFound('Unknown media');
      if (!opts.allowRemote) throw notFound('Remote media is not cached here and allow_remote is false');
      // Remote media cached during a freeze counts as new: do not fetch it for these endpoints.
      if (freeze) throw frozen();
      row = await this.remote.fetch(serverName, mediaId);
    }
    if (freeze && row.authenticatedOnly) throw frozen();
    if (row.hash === null) return this.waitForUpload(row, opts.timeoutMs);
    return row as StoredMedia;
  }

  /** Wakes requests waiting for this media's asynchronous upload. */
  uploaded(origin: string, mediaId: string): void {
    const key = `${origin}/${mediaId}`;
    for (const wake of this.waiters.get(key) ?? []) wake();
    this.waiters.delete(key);
  }

  private async waitForUpload(row: MediaRow, timeoutMs: number): Promise<StoredMedia> {
    const deadline = this.ctx.now() + Math.min(Math.max(0, timeoutMs), MAX_UPLOAD_WAIT_MS);
    const key = `${row.origin}/${row.mediaId}`;
    for (;;) {
      if (row.expiresTs !== null && row.expiresTs <= this.ctx.now()) throw notFound('Unknown media');
      const left = deadline - this.ctx.now();
      if (left <= 0) throw new MatrixError('M_NOT_YET_UPLOADED', 'Content has not yet been uploaded');
      await new Promise<void>((resolve) => {
        const set = this.waiters.get(key) ?? new Set();
        this.waiters.set(key, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0 && this.waiters.get(key) === set) this.waiters.delete(key);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(left, POLL_MS));
        set.add(wake);
      });
      const fresh = await getMedia(this.ctx.db, row.origin, row.mediaId);
      if (!fresh) throw notFound('Unknown media');
      if (fresh.hash !== null) return fresh as StoredMedia;
      row = fresh;
    }
  }
}

/** Parses `timeout_ms` (default 20 s); a malformed value is refused. */
export function uploadWait(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_UPLOAD_WAIT_MS;
  if (!/^\d+$/.test(raw)) throw new MatrixError('M_INVALID_PARAM', 'timeout_ms must be a non-negative integer');
  return Number(raw);
}
