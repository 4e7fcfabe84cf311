// Building the media component the way the server does, on a test database and a temporary
// media folder, with its routes on an in-process Hono app. Tokens `alice`, `bob` and `guest`
// authenticate as @alice:test, @bob:test and a guest; federation requests name their origin
// in `X-Test-Origin` (a stand-in for X-Matrix verification, which is federation's).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '../../../src/bus/types.ts';
import type { Config } from '../../../src/config/types.ts';
import { createApp } from '../../../src/http/app.ts';
import type { Requester } from '../../../src/http/env.ts';
import { MatrixError } from '../../../src/http/errors.ts';
import type { RouterDeps } from '../../../src/http/router.ts';
import { createMediaapi, type MediaapiComponent, type MediaapiDeps } from '../../../src/mediaapi/index.ts';
import type { Base } from '../../../src/setup/base.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import type { DatabaseOptions } from '../../../src/config/types.ts';
import { openDatabase } from '../../../src/storage/open.ts';

export const SERVER = 'test';

export type MediaConfig = Config['media_api'];

export function mediaConfig(basePath: string, db: DatabaseOptions, over: Partial<MediaConfig> = {}): MediaConfig {
  return {
    internal_api: { listen: '', connect: '' },
    external_api: { listen: '' },
    database: db,
    base_path: basePath,
    max_file_size_bytes: 1024 * 1024,
    dynamic_thumbnails: false,
    max_thumbnail_generators: 2,
    thumbnail_sizes: [
      { width: 32, height: 32, method: 'crop' },
      { width: 96, height: 96, method: 'crop' },
      { width: 320, height: 240, method: 'scale' },
    ],
    freeze_unauthenticated_media: false,
    url_preview_enabled: false,
    url_preview_ip_range_blacklist: ['127.0.0.0/8', '::1/128', '10.0.0.0/8'],
    ...over,
  };
}

const TOKENS: Record<string, Requester> = {
  alice: { userId: '@alice:test', deviceId: 'A', isGuest: false },
  bob: { userId: '@bob:test', deviceId: 'B', isGuest: false },
  guest: { userId: '@guest:test', deviceId: 'G', isGuest: true },
};

export function testBase(config: MediaConfig, dbOptions: DatabaseOptions): Base {
  const log = stderrLogger('error');
  return {
    config: { media_api: config, federation_api: { deny_networks: ['10.0.0.0/8'], allow_networks: [] } } as unknown as Config,
    serverName: SERVER,
    log,
    bus: {} as Bus,
    signingKey: { keyId: 'ed25519:test', seed: new Uint8Array(32) },
    openDatabase: (opts) => openDatabase(opts.connection_string ? opts : dbOptions, dbOptions, tmpdir()),
  };
}

export interface MediaHarness {
  media: MediaapiComponent;
  request(path: string, init?: RequestInit & { token?: string; origin?: string }): Promise<Response>;
  dir: string;
  /** Closes the component, keeping its files. */
  stop(): Promise<void>;
  /** Stops (once) and removes the files. */
  close(): Promise<void>;
}

export async function startMedia(
  dbOptions: DatabaseOptions,
  over: Partial<MediaConfig> = {},
  deps: MediaapiDeps = {},
): Promise<MediaHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'media-test-'));
  const config = mediaConfig(join(dir, 'media'), dbOptions, over);
  const media = await createMediaapi(testBase(config, dbOptions), deps);
  await media.start?.();
  const matrix = createApp(stderrLogger('error'));
  const routerDeps: RouterDeps = {
    authenticate: async ({ token }) => TOKENS[token] ?? null,
    verifyServer: async (c) => {
      const origin = c.req.header('x-test-origin');
      if (!origin) throw new MatrixError('M_UNAUTHORIZED', 'missing X-Matrix authorization');
      return origin;
    },
    log: stderrLogger('error'),
    maxBodyBytes: 64 * 1024,
  };
  media.mountRoutes!(matrix, routerDeps);
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= media.close());
  return {
    media,
    dir,
    request(path, init = {}) {
      const headers = new Headers(init.headers);
      if (init.token) headers.set('Authorization', `Bearer ${init.token}`);
      if (init.origin) headers.set('X-Test-Origin', init.origin);
      return Promise.resolve(matrix.app.request(path, { ...init, headers }));
    },
    stop,
    async close() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Uploads bytes as alice; returns the media ID. */
export async function upload(h: MediaHarness, bytes: Uint8Array | string, contentType = 'application/octet-stream', fileName?: string) {
  const q = fileName ? `?filename=${encodeURIComponent(fileName)}` : '';
  const res = await h.request(`/_matrix/media/v3/upload${q}`, {
    method: 'POST',
    body: bytes,
    token: 'alice',
    headers: { 'Content-Type': contentType },
  });
  if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  const { content_uri } = (await res.json()) as { content_uri: string };
  return content_uri.slice(`mxc://${SERVER}/`.length);
}
