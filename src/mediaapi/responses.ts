// Answers that carry media: the file streamed from disk with the module's safety headers, for
// clients, or wrapped in multipart/mixed for other servers (Server-Server API, "Content Repository").
import type { FileStore } from './files.ts';
import { contentDisposition, mediaHeaders } from './headers.ts';
import type { StoredMedia } from './lookup.ts';
import { multipartMediaResponse } from './multipart.ts';
import type { ThumbnailAnswer } from './thumbnails.ts';

interface Servable {
  hash: string;
  size: number;
  contentType: string;
  disposition: string;
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp' };

/** What a download serves: the file name asked for in the path wins over the uploaded one. */
export function downloadOf(media: StoredMedia, fileName?: string): Servable {
  return {
    hash: media.hash,
    size: media.size,
    contentType: media.contentType,
    disposition: contentDisposition(media.contentType, fileName ?? media.uploadName ?? undefined),
  };
}

/** Thumbnails are always `inline` (getContentThumbnail: "MUST be inline"), named like `thumbnail.png`. */
export function thumbnailOf(media: StoredMedia, answer: ThumbnailAnswer): Servable {
  const type = answer.kind === 'thumbnail' ? answer.row.contentType : answer.contentType;
  const name = `thumbnail.${EXT[type] ?? 'bin'}`;
  if (answer.kind === 'thumbnail') {
    return { hash: answer.row.hash, size: answer.row.size, contentType: type, disposition: contentDisposition(type, name, true) };
  }
  return { hash: media.hash, size: media.size, contentType: type, disposition: contentDisposition(type, name, true) };
}

/** The bytes themselves, streamed from the file (never read whole into memory). */
export function fileResponse(files: FileStore, s: Servable): Response {
  return new Response(Bun.file(files.path(s.hash)), { headers: mediaHeaders(s.contentType, s.disposition) });
}

/** The federation form: `{}` metadata, then the bytes. */
export function multipartResponse(files: FileStore, s: Servable): Response {
  return multipartMediaResponse({
    contentType: s.contentType,
    disposition: s.disposition,
    size: s.size,
    body: Bun.file(files.path(s.hash)).stream(),
  });
}
