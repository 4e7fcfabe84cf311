// The headers media is served and accepted with. Client-Server API, Content repository:
// "Serving inline content" (inline only for a list of safe types), the Content-Security-Policy
// and Cross-Origin-Resource-Policy the module recommends, and the `Content-Type` / `filename`
// an upload may carry.
import { invalidParam } from '../http/errors.ts';

/** "Serving inline content": the types that may be served with `Content-Disposition: inline`. */
export const INLINE_TYPES = new Set([
  'text/css',
  'text/plain',
  'text/csv',
  'application/json',
  'application/ld+json',
  'image/jpeg',
  'image/gif',
  'image/png',
  'image/apng',
  'image/webp',
  'image/avif',
  'video/mp4',
  'video/webm',
  'video/ogg',
  'video/quicktime',
  'audio/mp4',
  'audio/webm',
  'audio/aac',
  'audio/mpeg',
  'audio/ogg',
  'audio/wave',
  'audio/wav',
  'audio/x-wav',
  'audio/x-pn-wav',
  'audio/flac',
  'audio/x-flac',
]);

/** The module's recommended policy, verbatim. */
export const CONTENT_SECURITY_POLICY =
  "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; style-src 'unsafe-inline'; object-src 'self';";

// RFC 9110 §8.3.1: type "/" subtype *( OWS ";" OWS parameter ), parameter values token or quoted-string.
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\t\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\t\\x20-\\x7e])*"';
const MEDIA_TYPE = new RegExp(`^${TOKEN}/${TOKEN}(?:[ \\t]*;[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))*[ \\t]*$`);

/** The type without parameters, lower-cased: `Text/HTML; charset=x` -> `text/html`. */
export const essence = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

/**
 * An upload's Content-Type. Since v1.12 the header is optional and defaults to
 * application/octet-stream; one that is present but not a media type is refused.
 */
export function uploadContentType(header: string | undefined): string {
  if (header === undefined || header.trim() === '') return 'application/octet-stream';
  if (header.length > 255 || !MEDIA_TYPE.test(header)) {
    throw invalidParam(`Content-Type ${JSON.stringify(header.slice(0, 100))} is not a valid media type`);
  }
  return header.trim();
}

/**
 * A Content-Type another server gave us, kept if it is a media type; otherwise the spec's
 * "obviously wrong" case: application/octet-stream.
 */
export function remoteContentType(value: string | null | undefined): string {
  const v = value?.trim() ?? '';
  return v.length <= 255 && MEDIA_TYPE.test(v) ? v : 'application/octet-stream';
}

/** An upload's `filename`: kept as given, but it must fit in a header and hold no control characters. */
export function uploadFileName(name: string | undefined): string | undefined {
  if (name === undefined || name === '') return undefined;
  if (new TextEncoder().encode(name).length > 255) throw invalidParam('filename is longer than 255 bytes');
  if (/[\x00-\x1f\x7f]/.test(name)) throw invalidParam('filename contains control characters');
  return name;
}

// RFC 8187 attr-char: what may stay unescaped in `filename*=utf-8''…`.
const ATTR_CHAR = /[A-Za-z0-9!#$&+\-.^_`|~]/;

function encodeExtValue(name: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(name)) {
    const ch = String.fromCharCode(byte);
    out += byte < 0x80 && ATTR_CHAR.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `inline` for the safe types and `attachment` for the rest, with the file name if there is one:
 * quoted when it is printable ASCII, RFC 8187 `filename*` otherwise (RFC 6266 §4.3).
 */
export function contentDisposition(contentType: string, fileName: string | undefined, forceInline = false): string {
  const kind = forceInline || INLINE_TYPES.has(essence(contentType)) ? 'inline' : 'attachment';
  if (!fileName) return kind;
  if (/^[\x20-\x7e]*$/.test(fileName)) return `${kind}; filename="${fileName.replace(/["\\]/g, '\\$&')}"`;
  return `${kind}; filename*=utf-8''${encodeExtValue(fileName)}`;
}

/** Headers every piece of served media carries, whatever the endpoint. */
export function mediaHeaders(contentType: string, disposition: string, size?: number): Record<string, string> {
  const h: Record<string, string> = {
    'Content-Type': contentType,
    'Content-Disposition': disposition,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'Cross-Origin-Resource-Policy': 'cross-origin',
    'X-Content-Type-Options': 'nosniff',
    // Media under an mxc:// URI never changes.
    'Cache-Control': 'private, max-age=86400, immutable',
  };
  if (size !== undefined) h['Content-Length'] = String(size);
  return h;
}

/** The `filename` of a Content-Disposition header, if any (remote servers' answers). */
export function dispositionFileName(header: string | null | undefined): string | undefined {
  if (!header) return undefined;
  const ext = /filename\*\s*=\s*([^']*)'[^']*'([^;\s]+)/i.exec(header);
  if (ext) {
    try {
      return decodeURIComponent(ext[2]!);
    } catch {
      // fall through to the plain form
    }
  }
  const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(header);
  if (quoted) return quoted[1]!.replace(/\\(.)/g, '$1');
  const bare = /filename\s*=\s*([^;\s]+)/i.exec(header);
  return bare?.[1];
}
