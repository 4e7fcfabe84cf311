// Image decoders and encoders that work inside `bun build --compile` on every CPU Bun targets:
// WebAssembly builds of mozjpeg, libwebp and the Rust png crate (@jsquash/*), and omggif (pure
// JS) for GIF. The .wasm files are imported as embedded files, so a compiled binary carries
// them in its own file system; we compile them ourselves and hand the modules to the libraries,
// which would otherwise fetch them from a path next to their JS.
import decodeJpegWasm, { init as initJpegDec } from '@jsquash/jpeg/decode.js';
import encodeJpegWasm, { init as initJpegEnc } from '@jsquash/jpeg/encode.js';
import { decode as decodePngWasm, init as initPngDec } from '@jsquash/png/decode.js';
import encodePngWasm, { init as initPngEnc } from '@jsquash/png/encode.js';
import decodeWebpWasm, { init as initWebpDec } from '@jsquash/webp/decode.js';
import jpegDecFile from '@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm' with { type: 'file' };
import jpegEncFile from '@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm' with { type: 'file' };
// @ts-ignore: the package's .d.ts types this file's wasm exports; imported as a file it is a path.
import pngFile from '@jsquash/png/codec/pkg/squoosh_png_bg.wasm' with { type: 'file' };
import webpDecFile from '@jsquash/webp/codec/dec/webp_dec.wasm' with { type: 'file' };
import { GifReader } from 'omggif';
import type { ImageFormat } from './probe.ts';
import type { Pixels } from './resize.ts';

let ready: Promise<void> | undefined;

/** The emscripten `init(module, overrides)` form, which the packages' .d.ts files leave out. */
const withModule = (init: unknown) => init as (module: WebAssembly.Module, overrides: object) => Promise<unknown>;

const compile = async (path: string) => WebAssembly.compile(await Bun.file(path).arrayBuffer());

/** Compiles and instantiates the codecs once per thread. */
export function loadCodecs(): Promise<void> {
  ready ??= (async () => {
    const [jpegDec, jpegEnc, png, webpDec] = await Promise.all([
      compile(jpegDecFile),
      compile(jpegEncFile),
      compile(pngFile as string),
      compile(webpDecFile),
    ]);
    // The C libraries print warnings about damaged files; the caller gets an error instead.
    const quiet = { print: () => {}, printErr: () => {} };
    await Promise.all([
      withModule(initJpegDec)(jpegDec, quiet),
      withModule(initJpegEnc)(jpegEnc, quiet),
      initPngDec(png),
      initPngEnc(png),
      withModule(initWebpDec)(webpDec, quiet),
    ]);
  })();
  return ready;
}

const asArrayBuffer = (bytes: Uint8Array): ArrayBuffer =>
  (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
    ? bytes.buffer
    : bytes.slice().buffer) as ArrayBuffer;

function decodeGif(bytes: Uint8Array): Pixels {
  // The first frame only: animated thumbnails are optional (`animated` is a preference).
  const reader = new GifReader(bytes);
  const data = new Uint8Array(reader.width * reader.height * 4);
  reader.decodeAndBlitFrameRGBA(0, data);
  return { data, width: reader.width, height: reader.height };
}

export async function decode(format: ImageFormat, bytes: Uint8Array): Promise<Pixels> {
  await loadCodecs();
  switch (format) {
    case 'jpeg':
      return decodeJpegWasm(asArrayBuffer(bytes));
    case 'png':
      return decodePngWasm(asArrayBuffer(bytes));
    case 'webp':
      return decodeWebpWasm(asArrayBuffer(bytes));
    case 'gif':
      return decodeGif(bytes);
  }
}

export function hasAlpha(p: Pixels): boolean {
  const d = p.data;
  for (let i = 3; i < d.length; i += 4) if (d[i] !== 255) return true;
  return false;
}

export interface Encoded {
  bytes: Uint8Array;
  contentType: 'image/jpeg' | 'image/png';
}

/** JPEG for opaque images (small for photos), PNG when transparency must survive. */
export async function encode(p: Pixels): Promise<Encoded> {
  await loadCodecs();
  const image = { data: new Uint8ClampedArray(p.data.buffer, p.data.byteOffset, p.data.byteLength), width: p.width, height: p.height };
  if (hasAlpha(p)) {
    return { bytes: new Uint8Array(await encodePngWasm(image as unknown as Parameters<typeof encodePngWasm>[0])), contentType: 'image/png' };
  }
  // Baseline, no trellis passes: thumbnails are small and generated on request, so speed wins.
  const jpeg = await encodeJpegWasm(image as unknown as Parameters<typeof encodeJpegWasm>[0], { quality: 80, progressive: false, optimize_coding: true });
  return { bytes: new Uint8Array(jpeg), contentType: 'image/jpeg' };
}
