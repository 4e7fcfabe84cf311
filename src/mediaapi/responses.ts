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

/**
 * The bytes themselves, streamed from the file (never read whole into memory). A single
 * `Range: bytes=…` is honoured (RFC 9110 §14), so that players can seek in audio and video.
 */
export function fileResponse(files: FileStore, s: Servable, range?: string | null): Response {
  const file = Bun.file(files.path(s.hash));
  const headers = { ...mediaHeaders(s.contentType, s.disposition), 'Accept-Ranges': 'bytes' };
  const r = range ? parseRange(range, s.size) : undefined;
  if (r === null) return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${s.size}` } });
  if (!r) return new Response(file, { headers });
  return new Response(file.slice(r.start, r.end + 1), {
    status: 206,
    headers: { ...headers, 'Content-Range': `bytes ${r.start}-${r.end}/${s.size}` },
  });
}

/**
 * `bytes=a-b`, `bytes=a-` or `bytes=-n` against a size: the inclusive range, null when it is not
 * satisfiable, undefined when the header is not one range of bytes (then the whole file is sent).
 */
export function parseRange(header: string, size: number): { start: number; end: number } | null | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return null;
  return { start, end };
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
