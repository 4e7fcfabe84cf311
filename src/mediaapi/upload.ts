// Uploads: POST /upload (a new mxc:// URI), POST /v1/create (a URI reserved now, its bytes sent
// later with PUT /upload/{serverName}/{mediaId}). Bytes stream into the content store with
// the size limit and the user's quota enforced as they arrive. Client-Server API, Content
// repository: 413 M_TOO_LARGE over max_file_size_bytes, 403 M_FORBIDDEN over the quota,
// 429 M_LIMIT_EXCEEDED for too many pending reservations, 409 M_CANNOT_OVERWRITE_MEDIA.
import { forbidden, MatrixError, notFound, tooLarge } from '../http/errors.ts';
import type { MediaContext } from './context.ts';
import { SizeLimitExceeded, type StoredFile } from './files.ts';
import { uploadContentType, uploadFileName } from './headers.ts';
import type { MediaLookup, StoredMedia } from './lookup.ts';
import { checkMxcParts, mxcUri, newMediaId } from './mxc.ts';
import { completeReservation, getMedia, insertMedia, pendingReservations, userUsage } from './storage/media.ts';

export interface UploadRequest {
  userId: string;
  /** The Content-Type header as sent (absent: application/octet-stream). */
  contentType: string | undefined;
  /** The `filename` query parameter. */
  fileName: string | undefined;
  /** The Content-Length header, when sent: lets an oversized upload be refused before reading. */
  contentLength: number | undefined;
  body: AsyncIterable<Uint8Array> | null;
}

/** createContent: "the server should limit the number of concurrent pending media uploads". */
export const MAX_PENDING_UPLOADS = 10;
/** createContent: "The recommended default expiration is 24 hours". */
export const RESERVATION_TTL_MS = 24 * 3600_000;

export class Uploads {
  constructor(
    private readonly ctx: MediaContext,
    private readonly lookup: MediaLookup,
    /** Called once new media is stored (pre-generates thumbnails). */
    private readonly onStored: (media: StoredMedia) => void,
  ) {}

  get maxFileSize(): number {
    const max = this.ctx.config.max_file_size_bytes;
    return max > 0 ? max : Number.POSITIVE_INFINITY;
  }

  // POST /_matrix/media/v3/upload
  async upload(req: UploadRequest): Promise<{ content_uri: string }> {
    const contentType = uploadContentType(req.contentType);
    const fileName = uploadFileName(req.fileName);
    const stored = await this.receive(req);
    const media: StoredMedia = {
      origin: this.ctx.serverName,
      mediaId: newMediaId(),
      contentType,
      size: stored.size,
      uploadName: fileName ?? null,
      hash: stored.hash,
      userId: req.userId,
      createdTs: this.ctx.now(),
      expiresTs: null,
      authenticatedOnly: this.ctx.config.freeze_unauthenticated_media,
    };
    await insertMedia(this.ctx.db, media);
    this.ctx.log.debug('media uploaded', { mediaId: media.mediaId, size: media.size, user: req.userId });
    this.onStored(media);
    return { content_uri: mxcUri(media.origin, media.mediaId) };
  }

  /** Stores bytes the server fetched itself (URL preview images): no uploader, no quota. */
  async storeBytes(bytes: Uint8Array, contentType: string): Promise<StoredMedia> {
    const stored = await this.ctx.files.writeBytes(bytes);
    const media: StoredMedia = {
      origin: this.ctx.serverName,
      mediaId: newMediaId(),
      contentType,
      size: stored.size,
      uploadName: null,
      hash: stored.hash,
      userId: null,
      createdTs: this.ctx.now(),
      expiresTs: null,
      authenticatedOnly: this.ctx.config.freeze_unauthenticated_media,
    };
    await insertMedia(this.ctx.db, media);
    this.onStored(media);
    return media;
  }

  // POST /_matrix/media/v1/create
  async create(userId: string): Promise<{ content_uri: string; unused_expires_at: number }> {
    const now = this.ctx.now();
    if ((await pendingReservations(this.ctx.db, userId, now)) >= MAX_PENDING_UPLOADS) {
      throw new MatrixError('M_LIMIT_EXCEEDED', `At most ${MAX_PENDING_UPLOADS} created media IDs may wait for their upload`, {
        extra: { retry_after_ms: 60_000 },
      });
    }
    const mediaId = newMediaId();
    const expiresTs = now + RESERVATION_TTL_MS;
    await insertMedia(this.ctx.db, {
      origin: this.ctx.serverName,
      mediaId,
      contentType: 'application/octet-stream',
      size: 0,
      uploadName: null,
      hash: null,
      userId,
      createdTs: now,
      expiresTs,
      authenticatedOnly: this.ctx.config.freeze_unauthenticated_media,
    });
    return { content_uri: mxcUri(this.ctx.serverName, mediaId), unused_expires_at: expiresTs };
  }

  // PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
  async uploadTo(serverName: string, mediaId: string, req: UploadRequest): Promise<Record<string, never>> {
    checkMxcParts(serverName, mediaId);
    const contentType = uploadContentType(req.contentType);
    const fileName = uploadFileName(req.fileName);
    const row = serverName === this.ctx.serverName ? await this.reservation(serverName, mediaId) : undefined;
    if (!row) throw notFound('Unknown media ID: it was not created with /_matrix/media/v1/create, or has expired');
    if (row.userId !== req.userId) throw forbidden('This media ID was created by another user');
    if (row.hash !== null) throw new MatrixError('M_CANNOT_OVERWRITE_MEDIA', 'Media already uploaded');
    const stored = await this.receive(req);
    const f = { contentType, size: stored.size, uploadName: fileName ?? null, hash: stored.hash };
    if (!(await completeReservation(this.ctx.db, serverName, mediaId, f))) {
      throw new MatrixError('M_CANNOT_OVERWRITE_MEDIA', 'Media already uploaded');
    }
    this.lookup.uploaded(serverName, mediaId);
    this.onStored({ ...row, ...f, expiresTs: null });
    return {};
  }

  private async reservation(serverName: string, mediaId: string) {
    const row = await getMedia(this.ctx.db, serverName, mediaId);
    if (!row || (row.hash === null && row.expiresTs !== null && row.expiresTs <= this.ctx.now())) return undefined;
    return row;
  }

  /** Streams the body into the store under the size limit and what is left of the quota. */
  private async receive(req: UploadRequest): Promise<StoredFile> {
    const max = this.maxFileSize;
    if (req.contentLength !== undefined && req.contentLength > max) throw this.tooLarge();
    const quota = this.ctx.config.user_quota_bytes ?? 0;
    let left = Number.POSITIVE_INFINITY;
    if (quota > 0) {
      left = quota - (await userUsage(this.ctx.db, req.userId));
      if (left <= 0 || (req.contentLength !== undefined && req.contentLength > left)) throw this.overQuota(quota);
    }
    try {
      return await this.ctx.files.write(req.body, Math.min(max, left));
    } catch (e) {
      if (e instanceof SizeLimitExceeded) throw e.limit === max ? this.tooLarge() : this.overQuota(quota);
      throw e;
    }
  }

  private tooLarge() {
    return tooLarge(`Cannot upload files larger than ${this.ctx.config.max_file_size_bytes} bytes`);
  }

  private overQuota(quota: number) {
    return forbidden(`This upload would exceed your media quota of ${quota} bytes`);
  }
}
