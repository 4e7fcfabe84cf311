// The media component: built from the Base and what it needs of others (a remote media fetcher,
// once federation exists). It owns its tables and the files under media_api.base_path, serves
// the content repository routes, and runs thumbnail generators.
import type { Base, Component } from '../setup/base.ts';
import { runMigrations } from '../storage/migrations.ts';
import type { FetchRemoteMedia, MediaApi, MediaInfo } from './api.ts';
import type { MediaContext } from './context.ts';
import { FileStore } from './files.ts';
import { IpBlocklist } from './ip-ranges.ts';
import { MediaLookup } from './lookup.ts';
import { PREVIEW_LIMITS, UrlPreviews } from './preview/previews.ts';
import { RemoteMedia } from './remote.ts';
import { mountMediaRoutes } from './routes.ts';
import type { MediaService } from './serve.ts';
import { deleteLapsedReservations, getMedia, userUsage } from './storage/media.ts';
import { migrations } from './storage/migrations/index.ts';
import { deleteOldPreviews } from './storage/url-previews.ts';
import { createThumbnailPool } from './thumbnail/pool.ts';
import { Thumbnailer } from './thumbnails.ts';
import { Uploads } from './upload.ts';

export interface MediaapiDeps {
  /** Fetches media from other servers (federation supplies it). Without it remote media is 404. */
  fetchRemote?: FetchRemoteMedia;
  /** false: generate thumbnails on the calling thread instead of worker threads. */
  thumbnailWorkers?: boolean;
}

export interface MediaapiComponent extends Component<MediaApi> {
  /** The component's parts, for tests and benchmarks. */
  readonly service: MediaService;
}

/** How often lapsed /create reservations and old URL previews are swept away. */
const SWEEP_MS = 3600_000;

export async function createMediaapi(base: Base, deps: MediaapiDeps = {}): Promise<MediaapiComponent> {
  const config = base.config.media_api;
  const log = base.log.child('mediaapi');
  const db = await base.openDatabase(config.database);
  await runMigrations(db, 'mediaapi', migrations, log);

  const ctx: MediaContext = { db, files: new FileStore(config.base_path), config, serverName: base.serverName, log, now: Date.now };
  const federation = base.config.federation_api;
  // More generators than cores adds no speed, only memory (about 180 MB each for a 12 MP photo).
  const generators = Math.min(config.max_thumbnail_generators, Math.max(1, navigator.hardwareConcurrency || 1));
  const pool = createThumbnailPool({ size: generators, log, useWorkers: deps.thumbnailWorkers });
  const remote = new RemoteMedia(ctx, deps.fetchRemote, new IpBlocklist(federation?.deny_networks ?? [], federation?.allow_networks ?? []));
  const lookup = new MediaLookup(ctx, remote);
  const thumbnails = new Thumbnailer(ctx, pool);
  const uploads = new Uploads(ctx, lookup, (media) => thumbnails.pregenerate(media));
  const previews = config.url_preview_enabled
    ? new UrlPreviews(ctx, new IpBlocklist(config.url_preview_ip_range_blacklist), (bytes, type) => uploads.storeBytes(bytes, type))
    : undefined;
  const service: MediaService = { ctx, uploads, lookup, thumbnails, remote, previews };

  const api: MediaApi = {
    async mediaInfo(serverName, mediaId): Promise<MediaInfo | null> {
      const row = await getMedia(db, serverName, mediaId);
      if (!row) return null;
      return {
        serverName: row.origin,
        mediaId: row.mediaId,
        contentType: row.contentType,
        size: row.size,
        ...(row.uploadName !== null ? { uploadName: row.uploadName } : {}),
        ...(row.userId !== null ? { userId: row.userId } : {}),
        createdTs: row.createdTs,
        uploaded: row.hash !== null,
      };
    },
    userUsage: (userId) => userUsage(db, userId),
  };

  let sweeper: ReturnType<typeof setInterval> | undefined;
  const sweep = async () => {
    try {
      await deleteLapsedReservations(db, ctx.now());
      await deleteOldPreviews(db, ctx.now() - PREVIEW_LIMITS.cacheMs);
    } catch (e) {
      log.warn('media sweep failed', { error: (e as Error).message });
    }
  };

  return {
    api,
    service,
    mountRoutes: (app, routerDeps) => mountMediaRoutes(app, routerDeps, service),
    async start() {
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref?.();
    },
    async close() {
      clearInterval(sweeper);
      await thumbnails.idle();
      await pool.close();
      await db.close();
    },
  };
}
