// One image in, several thumbnails out: decode once, then resize for each requested size.
// Pure computation (bytes in, bytes out), run inside a generator worker (pool.ts) or, where no
// worker can be started, on the calling thread.
import { decode, encode } from './codecs.ts';
import type { ImageFormat } from './probe.ts';
import { type Pixels, planResize, resize, type ThumbnailMethod } from './resize.ts';

export interface ThumbnailSpec {
  width: number;
  height: number;
  method: ThumbnailMethod;
}

export interface GeneratedThumbnail {
  /** The size that was asked for (the key the thumbnail is stored under). */
  spec: ThumbnailSpec;
  /** The size of the image produced (for "scale", one side is smaller than asked). */
  width: number;
  height: number;
  contentType: 'image/jpeg' | 'image/png';
  bytes: Uint8Array;
}

/**
 * Returns one entry per spec, in order; null where the spec is not smaller than the image
 * (servers MUST NOT upscale: the original is served for those).
 */
export async function generateThumbnails(
  format: ImageFormat,
  bytes: Uint8Array,
  specs: ThumbnailSpec[],
): Promise<(GeneratedThumbnail | null)[]> {
  const source = await decode(format, bytes);
  const plans = specs.map((s) => planResize(source.width, source.height, s.width, s.height, s.method));
  const base = intermediate(source, specs, plans.some((p) => p !== null));
  const out: (GeneratedThumbnail | null)[] = [];
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i]!;
    if (!plans[i]) {
      out.push(null);
      continue;
    }
    const plan = planResize(base.width, base.height, spec.width, spec.height, spec.method);
    const pixels = plan ? resize(base, plan) : base;
    const encoded = await encode(pixels);
    out.push({ spec, width: pixels.width, height: pixels.height, ...encoded });
  }
  return out;
}

/**
 * Area averaging costs one visit per source pixel, whatever the output size. When the image is
 * much larger than every target, shrink it once to twice the largest target (still ample for
 * averaging down from) and make every thumbnail from that.
 */
function intermediate(source: Pixels, specs: ThumbnailSpec[], needed: boolean): Pixels {
  if (!needed) return source;
  const w = 2 * Math.max(...specs.map((s) => s.width));
  const h = 2 * Math.max(...specs.map((s) => s.height));
  // "cover" so that crops of any requested aspect ratio still have enough pixels on both axes.
  const f = Math.max(w / source.width, h / source.height);
  if (f > 0.5) return source;
  const plan = { sx: 0, sy: 0, sw: source.width, sh: source.height, width: Math.round(source.width * f), height: Math.round(source.height * f) };
  return resize(source, plan);
}
