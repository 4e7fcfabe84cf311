// Downscaling for thumbnails: the geometry of "crop" and "scale" (Client-Server API, Content
// repository, "Thumbnails") and an area-averaging resampler. Area averaging is exact for the
// only direction we go (servers MUST NOT upscale), needs no filter tables, and streams: it keeps
// one source row and one output row in memory besides the input and output pixels.

export interface Pixels {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export type ThumbnailMethod = 'crop' | 'scale';

export interface ResizePlan {
  /** The source rectangle to read. */
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  /** The output size. */
  width: number;
  height: number;
}

/**
 * "scale" keeps the aspect ratio and fits inside width x height (one side equals the request);
 * "crop" fills width x height exactly, cutting the centre out of the image.
 * Returns null when the request is not smaller than the image: the original is served instead.
 */
export function planResize(srcW: number, srcH: number, width: number, height: number, method: ThumbnailMethod): ResizePlan | null {
  if (method === 'scale') {
    const f = Math.min(width / srcW, height / srcH);
    if (f >= 1) return null;
    return {
      sx: 0,
      sy: 0,
      sw: srcW,
      sh: srcH,
      width: Math.max(1, Math.round(srcW * f)),
      height: Math.max(1, Math.round(srcH * f)),
    };
  }
  const f = Math.max(width / srcW, height / srcH);
  // f = 1 still crops (to the requested aspect) without scaling; f > 1 would need upscaling.
  if (f > 1 || (width >= srcW && height >= srcH)) return null;
  const sw = Math.min(srcW, Math.max(1, Math.round(width / f)));
  const sh = Math.min(srcH, Math.max(1, Math.round(height / f)));
  return { sx: Math.floor((srcW - sw) / 2), sy: Math.floor((srcH - sh) / 2), sw, sh, width, height };
}

interface Spans {
  starts: Int32Array;
  counts: Int32Array;
  /** Weights of every covered source pixel, output after output; each output's sum to 1. */
  weights: Float32Array;
}

function spans(offset: number, srcLen: number, dstLen: number): Spans {
  const scale = srcLen / dstLen;
  const starts = new Int32Array(dstLen);
  const counts = new Int32Array(dstLen);
  const weights: number[] = [];
  for (let o = 0; o < dstLen; o++) {
    const a = o * scale;
    const b = Math.min((o + 1) * scale, srcLen);
    const i0 = Math.floor(a);
    const i1 = Math.max(i0 + 1, Math.ceil(b));
    starts[o] = offset + i0;
    counts[o] = i1 - i0;
    const total = b - a;
    for (let i = i0; i < i1; i++) weights.push((Math.min(i + 1, b) - Math.max(i, a)) / total);
  }
  return { starts, counts, weights: Float32Array.from(weights) };
}

/**
 * Averages source pixels into output pixels. Colours are weighted by alpha so that transparent
 * pixels (whose colour is meaningless) do not darken the edges of what they surround.
 */
export function resize(src: Pixels, plan: ResizePlan): Pixels {
  const { width: w, height: h } = plan;
  const xs = spans(plan.sx, plan.sw, w);
  const ys = spans(plan.sy, plan.sh, h);
  const stride = src.width * 4;
  const data = src.data;
  const row = new Float64Array(w * 4); // one source row, resampled horizontally
  const acc = new Float64Array(w * 4); // one output row being accumulated
  const out = new Uint8ClampedArray(w * h * 4);

  const resampleRow = (y: number) => {
    const base = y * stride;
    let wi = 0;
    for (let o = 0; o < w; o++) {
      let r = 0, g = 0, b = 0, a = 0;
      let p = base + xs.starts[o]! * 4;
      for (let k = xs.counts[o]!; k > 0; k--) {
        const wa = xs.weights[wi++]! * data[p + 3]!;
        r += data[p]! * wa;
        g += data[p + 1]! * wa;
        b += data[p + 2]! * wa;
        a += wa;
        p += 4;
      }
      const q = o * 4;
      row[q] = r;
      row[q + 1] = g;
      row[q + 2] = b;
      row[q + 3] = a;
    }
  };

  let lastY = -1;
  let wi = 0;
  for (let oy = 0; oy < h; oy++) {
    acc.fill(0);
    const y0 = ys.starts[oy]!;
    for (let k = 0; k < ys.counts[oy]!; k++) {
      const y = y0 + k;
      if (y !== lastY) {
        resampleRow(y);
        lastY = y;
      }
      const wy = ys.weights[wi++]!;
      for (let i = 0; i < acc.length; i++) acc[i] += row[i]! * wy;
    }
    let q = oy * w * 4;
    for (let i = 0; i < acc.length; i += 4) {
      const a = acc[i + 3]!;
      if (a > 0) {
        out[q] = acc[i]! / a;
        out[q + 1] = acc[i + 1]! / a;
        out[q + 2] = acc[i + 2]! / a;
        out[q + 3] = a;
      }
      q += 4;
    }
  }
  return { data: out, width: w, height: h };
}
