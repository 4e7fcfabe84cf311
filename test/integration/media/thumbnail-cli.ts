// A small program built with `bun build --compile` by compiled.test.ts, to check that the
// thumbnail codecs (WebAssembly embedded in the binary) and the generator worker threads work
// in a standalone executable, not only under `bun test`. Given image files, it prints one JSON
// line: for each file its thumbnails' sizes and types, and whether worker threads were used.
import { createThumbnailPool } from '../../../src/mediaapi/thumbnail/pool.ts';
import { PROBE_BYTES, probe } from '../../../src/mediaapi/thumbnail/probe.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';

const warnings: string[] = [];
const log = { ...stderrLogger('error'), warn: (msg: string) => warnings.push(msg) };
const pool = createThumbnailPool({ size: 2, log: log as never });
const out = [];
let workers = 0;
for (const path of process.argv.slice(2)) {
  const info = probe(new Uint8Array(await Bun.file(path).slice(0, PROBE_BYTES).arrayBuffer()));
  if (!info) throw new Error(`${path}: not an image`);
  const made = await pool.generate({
    format: info.format,
    path,
    specs: [
      { width: 32, height: 32, method: 'crop' },
      { width: 64, height: 48, method: 'scale' },
    ],
  });
  workers = Math.max(workers, pool.stats().workers);
  out.push({ format: info.format, thumbnails: made.map((t) => t && { width: t.width, height: t.height, type: t.contentType, size: t.bytes.length }) });
}
await pool.close();
console.log(JSON.stringify({ out, workers, warnings }));
