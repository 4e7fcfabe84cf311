// Unpadded Base64 (Appendices, "Unpadded Base64" and "URL-safe unpadded Base64"). Matrix writes
// binary values (keys, signatures, hashes) without `=` padding; "When decoding Base64,
// implementations SHOULD accept input with or without padding characters wherever possible".
// Decoding is otherwise strict: only the alphabet, no whitespace, and no impossible lengths
// ("It is safe ... to altogether reject a value which is not encoded properly"). Buffer's own
// decoder would silently skip bad characters, so the input is checked first.

export class Base64Error extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'Base64Error';
  }
}

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*={0,2}$/;

/** Standard alphabet (`+`, `/`), no padding. */
export function encodeBase64(bytes: Uint8Array): string {
  return stripPadding(asBuffer(bytes).toString('base64'));
}

/** URL-safe alphabet (`-`, `_`), no padding. Buffer's base64url already omits padding. */
export function encodeBase64Url(bytes: Uint8Array): string {
  return asBuffer(bytes).toString('base64url');
}

/** Standard alphabet, padded or not. Throws Base64Error on anything else. */
export function decodeBase64(text: string): Uint8Array {
  const bytes = tryDecodeBase64(text);
  if (bytes === undefined) throw new Base64Error('not valid base64');
  return bytes;
}

/** URL-safe alphabet, padded or not. Throws Base64Error on anything else. */
export function decodeBase64Url(text: string): Uint8Array {
  const bytes = tryDecodeBase64Url(text);
  if (bytes === undefined) throw new Base64Error('not valid URL-safe base64');
  return bytes;
}

/** Like decodeBase64, but undefined instead of an exception. */
export function tryDecodeBase64(text: string): Uint8Array | undefined {
  return decode(text, STANDARD, 'base64');
}

/** Like decodeBase64Url, but undefined instead of an exception. */
export function tryDecodeBase64Url(text: string): Uint8Array | undefined {
  return decode(text, URL_SAFE, 'base64url');
}

function decode(text: string, alphabet: RegExp, encoding: 'base64' | 'base64url'): Uint8Array | undefined {
  if (!alphabet.test(text)) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const body = text.length - padding;
  // A lone trailing character carries only 6 bits: not even one byte.
  if (body % 4 === 1) return undefined;
  // Padding, when present, must complete the last quantum exactly ("Zg==", "Zm8=").
  if (padding > 0 && (text.length % 4 !== 0 || padding !== (body % 4 === 2 ? 2 : 1))) return undefined;
  const buf = Buffer.from(text, encoding);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

function stripPadding(s: string): string {
  if (s.endsWith('==')) return s.slice(0, -2);
  if (s.endsWith('=')) return s.slice(0, -1);
  return s;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
