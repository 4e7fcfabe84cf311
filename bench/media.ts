// Media throughput and memory. Each figure is the median of 3 runs.
// - Upload and download of a 1 GiB file through a real Bun.serve on 127.0.0.1 (the media component
//   alone, in its own process: test/integration/media/media-server.ts), with that process's peak
//   RSS against its idle RSS (fresh process, after one /config request). Client and server share
//   the machine's cores; the client generates and hashes the bytes.
// - Thumbnails of a 4000x3000 JPEG: one 320x240 thumbnail per image (what a dynamic request
//   costs) with 1 and 2 generators, and the five sizes the spec suggests from one decode (what
//   pre-generation after an upload costs).
// Run: bun bench/media.ts [--gib 1] [--skip-upload] [--skip-thumbnails]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import encodeJpeg from '@jsquash/jpeg/encode.js';
import { loadCodecs } from '../src/mediaapi/thumbnail/codecs.ts';
import type { ThumbnailSpec } from '../src/mediaapi/thumbnail/generate.ts';
import { createThumbnailPool } from '../src/mediaapi/thumbnail/pool.ts';
import { stderrLogger } from '../src/setup/logger.ts';

const ROOT = resolve(import.meta.dir, '..');
const arg = (name: string) => process.argv.indexOf(name);
const GIB = arg('--gib') > 0 ? Number(process.argv[arg('--gib') + 1]) : 1;
const RUNS = 3;
const MB = 1 << 20;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (x: number, d = 1) => x.toFixed(d);

async function startServer(dir: string) {
  const proc = Bun.spawn([process.execPath, join(ROOT, 'test/integration/media/media-server.ts'), JSON.stringify({ dir, maxFileSize: 4 * 1024 * MB })], {
    stdout: 'pipe',
    stderr: 'inherit',
  });
  const reader = proc.stdout.getReader();
  let out = '';
  while (!/listening (\S+)/.test(out)) {
    const { done, value } = await reader.read();
    if (done) throw new Error('media server exited');
    out += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))![1]) / 1024;
  return { url: /listening (\S+)/.exec(out)![1]!, rss, stop: async () => (proc.kill('SIGTERM'), await proc.exited) };
}

async function sampled<T>(rss: () => number, work: () => Promise<T>) {
  let peak = rss();
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 5);
  const t0 = performance.now();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  return { result, seconds, peak: Math.max(peak, rss()) };
}

async function uploadRun() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-media-'));
  const server = await startServer(dir);
  try {
    const auth = { Authorization: 'Bearer bench' };
    await fetch(`${server.url}/_matrix/media/v3/config`, { headers: auth });
    await Bun.sleep(200);
    const idle = server.rss();
    const chunk = new Uint8Array(MB).map((_, i) => (i * 31) & 255);
    const total = GIB * 1024;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent++ >= total) return c.close();
        c.enqueue(chunk);
      },
    });
    const up = await sampled(server.rss, async () => {
      const res = await fetch(`${server.url}/_matrix/media/v3/upload`, { method: 'POST', body, headers: auth, duplex: 'half' } as RequestInit);
      if (res.status !== 200) throw new Error(`upload: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { content_uri: string }).content_uri.slice(6);
    });
    const down = await sampled(server.rss, async () => {
      const res = await fetch(`${server.url}/_matrix/client/v1/media/download/${up.result}`, { headers: auth });
      let n = 0;
      for await (const c of res.body as unknown as AsyncIterable<Uint8Array>) n += c.byteLength;
      if (n !== total * MB) throw new Error(`downloaded ${n} bytes`);
    });
    return { idle, upMBs: total / up.seconds, upPeak: up.peak, downMBs: total / down.seconds, downPeak: down.peak };
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 4000x3000 picture with gradients and noise, so that it compresses like a photo. */
async function photo(): Promise<Uint8Array> {
  await loadCodecs();
  const w = 4000;
  const h = 3000;
  const px = new Uint8ClampedArray(w * h * 4);
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 63) - 32;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      px[i] = ((x * 255) / w + rnd()) | 0;
      px[i + 1] = ((y * 255) / h + rnd()) | 0;
      px[i + 2] = (128 + 100 * Math.sin(x / 200) * Math.cos(y / 150) + rnd()) | 0;
      px[i + 3] = 255;
    }
  }
  const jpeg = await encodeJpeg({ data: px, width: w, height: h } as never, { quality: 85, progressive: false });
  return new Uint8Array(jpeg);
}

const SPEC_SIZES: ThumbnailSpec[] = [
  { width: 32, height: 32, method: 'crop' },
  { width: 96, height: 96, method: 'crop' },
  { width: 320, height: 240, method: 'scale' },
  { width: 640, height: 480, method: 'scale' },
  { width: 800, height: 600, method: 'scale' },
];

async function thumbnails(path: string, generators: number, specs: ThumbnailSpec[], jobs: number) {
  const pool = createThumbnailPool({ size: generators, log: stderrLogger('error') });
  try {
    await pool.generate({ format: 'jpeg', path, specs }); // start the workers, load the codecs
    const rates: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      await Promise.all(Array.from({ length: jobs }, () => pool.generate({ format: 'jpeg', path, specs })));
      rates.push(jobs / ((performance.now() - t0) / 1000));
    }
    return median(rates);
  } finally {
    await pool.close();
  }
}

if (arg('--skip-upload') < 0) {
  const runs: Awaited<ReturnType<typeof uploadRun>>[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await uploadRun();
    console.log(
      `  run ${i + 1}: upload ${fmt(r.upMBs, 0)} MB/s, download ${fmt(r.downMBs, 0)} MB/s; RSS idle ${fmt(r.idle)} MiB, ` +
        `peak during upload ${fmt(r.upPeak)} (+${fmt(r.upPeak - r.idle)}), during download ${fmt(r.downPeak)} (+${fmt(r.downPeak - r.idle)})`,
    );
    runs.push(r);
  }
  const m = (f: (r: (typeof runs)[number]) => number) => median(runs.map(f));
  console.log(`${GIB} GiB upload:   ${fmt(m((r) => r.upMBs), 0)} MB/s, server peak RSS +${fmt(m((r) => r.upPeak - r.idle))} MiB over idle (${fmt(m((r) => r.idle))} MiB)`);
  console.log(`${GIB} GiB download: ${fmt(m((r) => r.downMBs), 0)} MB/s, server peak RSS +${fmt(m((r) => r.downPeak - r.idle))} MiB over idle`);
}

if (arg('--skip-thumbnails') < 0) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-thumb-'));
  try {
    const path = join(dir, 'photo.jpg');
    const bytes = await photo();
    writeFileSync(path, bytes);
    console.log(`thumbnails of a 4000x3000 JPEG (${fmt(bytes.length / MB, 2)} MiB), ${navigator.hardwareConcurrency} cores:`);
    const one: ThumbnailSpec[] = [{ width: 320, height: 240, method: 'scale' }];
    console.log(`  one 320x240 per image, 1 generator:  ${fmt(await thumbnails(path, 1, one, 6), 2)} images/s`);
    console.log(`  one 320x240 per image, 2 generators: ${fmt(await thumbnails(path, 2, one, 8), 2)} images/s`);
    console.log(`  five spec sizes per image, 2 generators: ${fmt(await thumbnails(path, 2, SPEC_SIZES, 8), 2)} images/s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
