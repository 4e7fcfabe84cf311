// Thumbnails inside a compiled binary (`bun build --compile`), as the server ships: the codecs'
// WebAssembly must be embedded and the generator worker must be found as an extra entrypoint,
// on x86-64 here and on arm64 under qemu-aarch64 when it is installed (cross-compiling fetches
// Bun's arm64 runtime from the npm registry once). Client-Server API, Content repository,
// "Thumbnails", for JPEG, PNG, GIF and WebP.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gif, jpeg, png, webp } from '../../unit/mediaapi/images.ts';

const ROOT = resolve(import.meta.dir, '../../..');
const QEMU = Bun.which('qemu-aarch64');
let dir: string;
let images: string[];

function build(target: string | undefined, outfile: string) {
  // The worker is an extra entrypoint; both entrypoints share the repository root, as in build.sh.
  const args = [process.execPath, 'build', '--compile', 'test/integration/media/thumbnail-cli.ts', 'src/mediaapi/thumbnail/worker.ts', '--outfile', outfile];
  if (target) args.push(`--target=${target}`);
  const r = Bun.spawnSync(args, { cwd: ROOT, stderr: 'pipe', stdout: 'pipe' });
  if (r.exitCode !== 0) throw new Error(`bun build failed: ${r.stderr.toString()}`);
}

function run(cmd: string[]) {
  // Run from elsewhere: nothing may be read from the source tree.
  const r = Bun.spawnSync([...cmd, ...images], { cwd: tmpdir(), stderr: 'pipe', stdout: 'pipe' });
  if (r.exitCode !== 0) throw new Error(`binary failed (${r.exitCode}): ${r.stderr.toString()}`);
  return JSON.parse(r.stdout.toString()) as { out: { format: string; thumbnails: { width: number; height: number; type: string }[] }[]; workers: number; warnings: string[] };
}

function check(result: ReturnType<typeof run>) {
  expect(result.warnings).toEqual([]);
  expect(result.workers).toBeGreaterThan(0);
  expect(result.out.map((o) => o.format)).toEqual(['jpeg', 'png', 'gif', 'webp']);
  for (const o of result.out) {
    expect(o.thumbnails.map((t) => [t.width, t.height, t.type])).toEqual([
      [32, 32, 'image/jpeg'],
      [64, 32, 'image/jpeg'],
    ]);
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'media-compiled-'));
  const files: [string, Uint8Array][] = [
    ['a.jpg', await jpeg(400, 200)],
    ['b.png', await png(400, 200)],
    ['c.gif', gif(400, 200)],
    ['d.webp', await webp(400, 200)],
  ];
  images = files.map(([name, bytes]) => {
    writeFileSync(join(dir, name), bytes);
    return join(dir, name);
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('thumbnails in a compiled binary', () => {
  test('this machine (x86-64)', () => {
    const exe = join(dir, 'thumbs');
    build(undefined, exe);
    check(run([exe]));
  }, 120_000);

  test.skipIf(!QEMU)('linux-arm64 under qemu-aarch64 (Raspberry Pi 4 CPU)', () => {
    const exe = join(dir, 'thumbs-arm64');
    build('bun-linux-arm64', exe);
    check(run([QEMU!, '-cpu', 'cortex-a72', '-L', '/usr/aarch64-linux-gnu', exe]));
  }, 300_000);
});
