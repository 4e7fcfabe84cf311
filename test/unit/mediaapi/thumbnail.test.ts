// Client-Server API, Content repository, "Thumbnails" (crop and scale, never upscale) and
// "Security considerations" (image dimensions read from headers before decoding), for JPEG, PNG,
// GIF (first frame) and WebP, in worker threads and on the calling thread.
import { describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from '../../../src/mediaapi/thumbnail/codecs.ts';
import { generateThumbnails } from '../../../src/mediaapi/thumbnail/generate.ts';
import { createThumbnailPool } from '../../../src/mediaapi/thumbnail/pool.ts';
import { probe } from '../../../src/mediaapi/thumbnail/probe.ts';
import { planResize, resize } from '../../../src/mediaapi/thumbnail/resize.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { gif, halves, jpeg, png, pngHeaderOnly, webp } from './images.ts';

const pixel = (p: { data: ArrayLike<number>; width: number }, x: number, y: number) => {
  const i = (y * p.width + x) * 4;
  return [p.data[i]!, p.data[i + 1]!, p.data[i + 2]!, p.data[i + 3]!];
};
const near = (got: number[], want: readonly number[], tol = 40) => want.every((v, i) => Math.abs(got[i]! - v) <= tol);

describe('probe: dimensions from headers', () => {
  test('JPEG, PNG, GIF and WebP (lossy, lossless)', async () => {
    expect(probe(await jpeg(123, 45))).toEqual({ format: 'jpeg', width: 123, height: 45 });
    expect(probe(await png(7, 300))).toEqual({ format: 'png', width: 7, height: 300 });
    expect(probe(gif(20, 10))).toEqual({ format: 'gif', width: 20, height: 10 });
    expect(probe(await webp(64, 33))).toEqual({ format: 'webp', width: 64, height: 33 });
    expect(probe(await webp(17, 9, true))).toEqual({ format: 'webp', width: 17, height: 9 });
  });

  test('a decompression bomb is measured from 33 bytes, and garbage is not an image', () => {
    expect(probe(pngHeaderOnly(100_000, 100_000))).toEqual({ format: 'png', width: 100_000, height: 100_000 });
    expect(probe(new TextEncoder().encode('<html>not an image</html>'))).toBeNull();
    expect(probe(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
  });
});

describe('planResize: "crop" and "scale"', () => {
  test('scale fits inside the box keeping the aspect ratio; crop fills the box from the centre', () => {
    expect(planResize(4000, 3000, 320, 240, 'scale')).toMatchObject({ width: 320, height: 240 });
    expect(planResize(4000, 2000, 320, 240, 'scale')).toMatchObject({ width: 320, height: 160 });
    expect(planResize(4000, 2000, 96, 96, 'crop')).toEqual({ sx: 1000, sy: 0, sw: 2000, sh: 2000, width: 96, height: 96 });
  });

  test('servers MUST NOT upscale: a box not smaller than the image means the original', () => {
    expect(planResize(100, 50, 100, 50, 'scale')).toBeNull();
    expect(planResize(100, 50, 800, 600, 'scale')).toBeNull();
    expect(planResize(100, 50, 200, 20, 'crop')).toBeNull();
    expect(planResize(100, 50, 50, 50, 'crop')).not.toBeNull();
  });
});

describe('resize: area averaging', () => {
  test('halves stay red and blue; the seam averages', () => {
    const src = { data: halves(400, 200), width: 400, height: 200 };
    const out = resize(src, planResize(400, 200, 40, 20, 'scale')!);
    expect([out.width, out.height]).toEqual([40, 20]);
    expect(pixel(out, 0, 10)).toEqual([255, 0, 0, 255]);
    expect(pixel(out, 39, 10)).toEqual([0, 0, 255, 255]);
    const odd = resize({ data: halves(3, 1), width: 3, height: 1 }, { sx: 0, sy: 0, sw: 3, sh: 1, width: 1, height: 1 });
    expect(near(pixel(odd, 0, 0), [170, 0, 85, 255], 2)).toBe(true);
  });

  test('transparent pixels do not darken the colour next to them', () => {
    const src = { data: halves(4, 4, 2), width: 4, height: 4 };
    const out = resize(src, { sx: 0, sy: 0, sw: 4, sh: 4, width: 1, height: 1 });
    const [r, , b, a] = pixel(out, 0, 0);
    expect(a).toBe(128);
    expect(r! + b!).toBeGreaterThan(250); // colours of the opaque half, not faded toward black
  });
});

describe('generateThumbnails per format', () => {
  const specs = [
    { width: 32, height: 32, method: 'crop' as const },
    { width: 64, height: 48, method: 'scale' as const },
    { width: 1000, height: 1000, method: 'scale' as const },
  ];
  const cases: [string, () => Promise<Uint8Array> | Uint8Array, 'jpeg' | 'png' | 'gif' | 'webp'][] = [
    ['JPEG', () => jpeg(400, 200), 'jpeg'],
    ['PNG', () => png(400, 200), 'png'],
    ['GIF (first frame)', () => gif(400, 200), 'gif'],
    ['WebP', () => webp(400, 200), 'webp'],
  ];
  for (const [name, make, format] of cases) {
    test(name, async () => {
      const [crop, scale, none] = await generateThumbnails(format, await make(), specs);
      expect(none).toBeNull(); // larger than the image: serve the original
      expect([crop!.width, crop!.height, scale!.width, scale!.height]).toEqual([32, 32, 64, 32]);
      expect(crop!.contentType).toBe('image/jpeg'); // opaque
      const decoded = await decode('jpeg', scale!.bytes);
      expect(near(pixel(decoded, 2, 16), [255, 0, 0, 255])).toBe(true);
      expect(near(pixel(decoded, 61, 16), [0, 0, 255, 255])).toBe(true);
    });
  }

  test('transparency survives as PNG', async () => {
    const [t] = await generateThumbnails('png', await png(200, 200, 100), [{ width: 20, height: 20, method: 'scale' }]);
    expect(t!.contentType).toBe('image/png');
    const decoded = await decode('png', t!.bytes);
    expect(pixel(decoded, 5, 2)[3]).toBe(0);
    expect(pixel(decoded, 5, 18)[3]).toBe(255);
  });

  test('a corrupt image is an error, not a crash', async () => {
    const bytes = await jpeg(100, 100);
    await expect(generateThumbnails('jpeg', bytes.slice(0, 200), [{ width: 10, height: 10, method: 'scale' }])).rejects.toThrow();
  });
});

describe('thumbnail pool (media_api.max_thumbnail_generators)', () => {
  for (const useWorkers of [true, false]) {
    test(useWorkers ? 'in worker threads' : 'on the calling thread', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'thumb-pool-'));
      const path = join(dir, 'img');
      writeFileSync(path, await jpeg(300, 300));
      const pool = createThumbnailPool({ size: 2, log: stderrLogger('error'), useWorkers });
      try {
        const jobs = Array.from({ length: 5 }, (_, i) => pool.generate({ format: 'jpeg', path, specs: [{ width: 10 + i, height: 10 + i, method: 'crop' }] }));
        const out = await Promise.all(jobs);
        expect(out.map((r) => r[0]!.width)).toEqual([10, 11, 12, 13, 14]);
        // (Not `expect(p).rejects`: in bun test it stops delivering worker messages while it waits.)
        const err = await pool.generate({ format: 'png', path, specs: [{ width: 5, height: 5, method: 'crop' }] }).catch((e) => e);
        expect(err).toBeInstanceOf(Error);
        // The failed worker is gone; the pool goes on with fresh ones.
        const after = await pool.generate({ format: 'jpeg', path, specs: [{ width: 9, height: 9, method: 'crop' }] });
        expect(after[0]!.width).toBe(9);
      } finally {
        await pool.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  test('a job that runs too long ends its worker and fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thumb-pool-'));
    const path = join(dir, 'img');
    writeFileSync(path, await jpeg(1500, 1500));
    const pool = createThumbnailPool({ size: 1, log: stderrLogger('error'), jobTimeoutMs: 1 });
    try {
      await pool.generate({ format: 'jpeg', path, specs: [{ width: 8, height: 8, method: 'crop' }] }).catch(() => {}); // start a worker
      const err = await pool.generate({ format: 'jpeg', path, specs: [{ width: 8, height: 8, method: 'crop' }] }).catch((e) => e);
      expect(String(err)).toContain('took longer than 1 ms');
      expect(pool.stats().workers).toBe(0);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('never more than `size` jobs at once; the rest queue', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'thumb-pool-'));
    const path = join(dir, 'img');
    writeFileSync(path, await jpeg(600, 600));
    const pool = createThumbnailPool({ size: 2, log: stderrLogger('error') });
    try {
      const jobs = Array.from({ length: 5 }, () => pool.generate({ format: 'jpeg', path, specs: [{ width: 8, height: 8, method: 'crop' }] }));
      let peak = 0;
      const sample = setInterval(() => (peak = Math.max(peak, pool.stats().running)), 1);
      expect(pool.stats()).toMatchObject({ running: 2, queued: 3 });
      await Promise.all(jobs);
      clearInterval(sample);
      expect(peak).toBeLessThanOrEqual(2);
      expect(pool.stats()).toMatchObject({ running: 0, queued: 0 });
      expect(pool.stats().workers).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
