// Image dimensions read from file headers, before anything is decoded. An image of a few
// kilobytes can claim 60000x60000 pixels (a "decompression bomb"); Client-Server API, Content
// repository "Security considerations": servers should not thumbnail images that are too large.
// Reading the header first lets us refuse it without allocating its pixels.

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Content types we can decode, by the format that serves them. */
export const THUMBNAILABLE_TYPES: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/png': 'png',
  'image/apng': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};

/** How many leading bytes `probe` wants: JPEG headers may sit behind large EXIF blocks. */
export const PROBE_BYTES = 256 * 1024;

const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);
const ascii = (b: Uint8Array, i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));

/** Format and dimensions from the first bytes of a file (see PROBE_BYTES), or null if unknown. */
export function probe(head: Uint8Array): ImageInfo | null {
  if (head.length >= 24 && u32be(head, 0) === 0x89504e47 && ascii(head, 12, 4) === 'IHDR') {
    return { format: 'png', width: u32be(head, 16), height: u32be(head, 20) };
  }
  if (head.length >= 10 && (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a')) {
    return { format: 'gif', width: u16le(head, 6), height: u16le(head, 8) };
  }
  if (head.length >= 30 && ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 4) === 'WEBP') return probeWebp(head);
  if (head.length >= 4 && head[0] === 0xff && head[1] === 0xd8) return probeJpeg(head);
  return null;
}

function probeWebp(b: Uint8Array): ImageInfo | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') return { format: 'webp', width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
  if (chunk === 'VP8L' && b[20] === 0x2f) {
    const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ' && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
    return { format: 'webp', width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
  }
  return null;
}

/** Walks JPEG segments to the first start-of-frame marker (SOF0..SOF15 except DHT/JPG/DAC). */
function probeJpeg(b: Uint8Array): ImageInfo | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2; // markers without a length
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { format: 'jpeg', height: u16be(b, i + 5), width: u16be(b, i + 7) };
    if (marker === 0xd9 || marker === 0xda) return null; // end of image / scan data before any frame
    i += 2 + u16be(b, i + 2);
  }
  return null;
}
