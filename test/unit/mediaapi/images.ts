// Test images made on the spot in every format we thumbnail: a left half red and a right half
// blue (so a resized result can be checked by colour), optionally with a transparent band.
import encodeJpeg from '@jsquash/jpeg/encode.js';
import encodePng from '@jsquash/png/encode.js';
import encodeWebp, { init as initWebpEnc } from '@jsquash/webp/encode.js';
import webpEncFile from '@jsquash/webp/codec/enc/webp_enc.wasm' with { type: 'file' };
import { GifWriter } from 'omggif';
import { loadCodecs } from '../../../src/mediaapi/thumbnail/codecs.ts';

export const RED = [255, 0, 0] as const;
export const BLUE = [0, 0, 255] as const;

/** RGBA pixels: left half red, right half blue; `transparentTop` rows fully transparent. */
export function halves(width: number, height: number, transparentTop = 0): Uint8ClampedArray {
  const px = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const [r, g, b] = x < width / 2 ? RED : BLUE;
      px[i] = r;
      px[i + 1] = g;
      px[i + 2] = b;
      px[i + 3] = y < transparentTop ? 0 : 255;
    }
  }
  return px;
}

type Img = { data: Uint8ClampedArray; width: number; height: number };
const img = (width: number, height: number, transparentTop = 0): Img => ({ data: halves(width, height, transparentTop), width, height });

export async function jpeg(width: number, height: number): Promise<Uint8Array<ArrayBuffer>> {
  await loadCodecs();
  return new Uint8Array(await encodeJpeg(img(width, height) as never, { quality: 90 }));
}

export async function png(width: number, height: number, transparentTop = 0): Promise<Uint8Array<ArrayBuffer>> {
  await loadCodecs();
  return new Uint8Array(await encodePng(img(width, height, transparentTop) as never));
}

let webpReady: Promise<unknown> | undefined;
export async function webp(width: number, height: number, lossless = false): Promise<Uint8Array<ArrayBuffer>> {
  webpReady ??= (async () => initWebpEnc(await WebAssembly.compile(await Bun.file(webpEncFile).arrayBuffer())))();
  await webpReady;
  return new Uint8Array(await encodeWebp(img(width, height) as never, { quality: 90, lossless: lossless ? 1 : 0 }));
}

/** A two-frame GIF: the first frame is the red/blue halves, the second all green. */
export function gif(width: number, height: number): Uint8Array<ArrayBuffer> {
  const buf = new Uint8Array(width * height * 4 + 4096);
  const w = new GifWriter(buf, width, height, { palette: [0xff0000, 0x0000ff, 0x00ff00, 0x000000], loop: 0 });
  const first = Array.from({ length: width * height }, (_, i) => (i % width < width / 2 ? 0 : 1));
  w.addFrame(0, 0, width, height, first, { delay: 10 });
  w.addFrame(0, 0, width, height, new Array(width * height).fill(2), { delay: 10 });
  return buf.slice(0, w.end());
}

/** A valid PNG signature and IHDR claiming `width` x `height`, with no image data after it. */
export function pngHeaderOnly(width: number, height: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(33);
  out.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(out.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  out.set([8, 6, 0, 0, 0], 24);
  return out;
}
