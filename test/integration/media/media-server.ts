// The media component alone behind a real Bun.serve on 127.0.0.1, for the streaming tests and
// bench/media.ts (which measure this process's memory, apart from the client's). Any bearer
// token authenticates as @<token>:media.test. Started as
//   bun test/integration/media/media-server.ts '<JSON: {dir, maxFileSize, workers?}>'
// it prints `listening <url>` once ready and stops on SIGTERM/SIGINT.
import { join } from 'node:path';
import type { Bus } from '../../../src/bus/types.ts';
import type { Config } from '../../../src/config/types.ts';
import { createApp } from '../../../src/http/app.ts';
import { createMediaapi } from '../../../src/mediaapi/index.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { listen } from '../../../src/setup/serve.ts';
import { openDatabase } from '../../../src/storage/open.ts';

const opts = JSON.parse(process.argv[2] ?? '{}') as { dir: string; maxFileSize: number; generators?: number };
const log = stderrLogger('warn');
const database = { connection_string: `file:${join(opts.dir, 'media.db')}`, max_open_conns: 4, max_idle_conns: 2, conn_max_lifetime: -1 };
const config = {
  media_api: {
    internal_api: { listen: '', connect: '' },
    external_api: { listen: '' },
    database,
    base_path: join(opts.dir, 'media'),
    max_file_size_bytes: opts.maxFileSize,
    dynamic_thumbnails: true,
    max_thumbnail_generators: opts.generators ?? 2,
    thumbnail_sizes: [],
    freeze_unauthenticated_media: false,
    url_preview_enabled: false,
    url_preview_ip_range_blacklist: [],
  },
  federation_api: { deny_networks: [], allow_networks: [] },
} as unknown as Config;

const media = await createMediaapi({
  config,
  serverName: 'media.test',
  log,
  bus: {} as Bus,
  signingKey: { keyId: 'ed25519:x', seed: new Uint8Array(32) },
  openDatabase: (o) => openDatabase(o, database, opts.dir),
});
await media.start?.();
const matrix = createApp(log);
media.mountRoutes!(matrix, {
  authenticate: async ({ token }) => ({ userId: `@${token}:media.test`, deviceId: 'D', isGuest: false }),
  log,
  maxBodyBytes: 1 << 20,
});
const listener = listen(matrix.app, { bind: '127.0.0.1:0', maxRequestBodySize: opts.maxFileSize + (1 << 20) }, log);
console.log(`listening ${listener.url}`);

const stop = async () => {
  await listener.stop();
  await media.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
