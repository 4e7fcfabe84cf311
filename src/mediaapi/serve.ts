// What the deprecated /_matrix/media, the authenticated /_matrix/client/v1/media and the
// federation /_matrix/federation/v1/media endpoints have in common: reading their parameters
// and answering with media. The route files only choose which of these each operation uses.
import type { Req } from '../http/router.ts';
import { MatrixError, missingParam } from '../http/errors.ts';
import type { MediaContext } from './context.ts';
import type { MediaLookup, ResolveOptions } from './lookup.ts';
import { uploadWait } from './lookup.ts';
import type { UrlPreviews } from './preview/previews.ts';
import type { RemoteMedia } from './remote.ts';
import { downloadOf, fileResponse, multipartResponse, thumbnailOf } from './responses.ts';
import type { ThumbnailSpec } from './thumbnail/generate.ts';
import type { Thumbnailer } from './thumbnails.ts';
import type { UploadRequest, Uploads } from './upload.ts';

/** The media component's parts, as the routes use them. */
export interface MediaService {
  ctx: MediaContext;
  uploads: Uploads;
  lookup: MediaLookup;
  thumbnails: Thumbnailer;
  remote: RemoteMedia;
  /** Absent unless media_api.url_preview_enabled. */
  previews?: UrlPreviews;
}

type AnyReq = Req<unknown>;

export type Audience = 'unauthenticated' | 'client' | 'federation';

/** An upload's headers and streamed body (the router leaves bodies of upload operations unread). */
export function uploadRequest(req: AnyReq): UploadRequest {
  const raw = req.c.req.raw;
  const length = raw.headers.get('content-length');
  return {
    userId: req.requester!.userId,
    contentType: raw.headers.get('content-type') ?? undefined,
    fileName: req.query('filename'),
    contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : undefined,
    body: raw.body as unknown as AsyncIterable<Uint8Array> | null,
  };
}

function resolveOptions(req: AnyReq, audience: Audience): ResolveOptions {
  return {
    unauthenticated: audience === 'unauthenticated',
    // Only the deprecated endpoints take allow_remote; federation serves its own media only.
    allowRemote: audience !== 'unauthenticated' || req.query('allow_remote') !== 'false',
    timeoutMs: uploadWait(req.query('timeout_ms')),
    localOnly: audience === 'federation',
  };
}

/** The media of `{serverName}/{mediaId}` (federation: `{mediaId}` of this server). */
export async function download(svc: MediaService, req: AnyReq, audience: Audience): Promise<Response> {
  const serverName = audience === 'federation' ? svc.ctx.serverName : req.params.serverName!;
  const media = await svc.lookup.resolve(serverName, req.params.mediaId!, resolveOptions(req, audience));
  const servable = downloadOf(media, req.params.fileName);
  if (audience === 'federation') return multipartResponse(svc.ctx.files, servable);
  return fileResponse(svc.ctx.files, servable, req.c.req.header('range'));
}

export async function thumbnail(svc: MediaService, req: AnyReq, audience: Audience): Promise<Response> {
  const want = thumbnailSpec(req);
  const serverName = audience === 'federation' ? svc.ctx.serverName : req.params.serverName!;
  const media = await svc.lookup.resolve(serverName, req.params.mediaId!, resolveOptions(req, audience));
  const answer = await svc.thumbnails.thumbnail(media, want, !svc.lookup.isLocal(serverName));
  const servable = thumbnailOf(media, answer);
  return audience === 'federation' ? multipartResponse(svc.ctx.files, servable) : fileResponse(svc.ctx.files, servable);
}

/** `width`, `height` (positive integers, required) and `method` (crop or scale, default scale). */
export function thumbnailSpec(req: AnyReq): ThumbnailSpec {
  const dim = (name: 'width' | 'height') => {
    const raw = req.query(name);
    if (raw === undefined || raw === '') throw missingParam(`Missing parameter: ${name}`);
    if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1) {
      throw new MatrixError('M_INVALID_PARAM', `${name} must be a positive integer`);
    }
    return Number(raw);
  };
  const width = dim('width');
  const height = dim('height');
  const method = req.query('method') ?? 'scale';
  if (method !== 'crop' && method !== 'scale') throw new MatrixError('M_INVALID_PARAM', 'method must be crop or scale');
  return { width, height, method };
}

/** getConfig: `m.upload.size` only when there is a limit. */
export function mediaConfig(svc: MediaService): Record<string, number> {
  const max = svc.ctx.config.max_file_size_bytes;
  return max > 0 ? { 'm.upload.size': max } : {};
}

export async function previewUrl(svc: MediaService, req: AnyReq): Promise<object> {
  if (!svc.previews) throw new MatrixError('M_UNRECOGNIZED', 'URL previews are disabled on this server');
  const url = req.query('url');
  if (!url) throw missingParam('Missing parameter: url');
  return svc.previews.preview(url);
}
