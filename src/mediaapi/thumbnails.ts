// Choosing, making and storing thumbnails. Client-Server API, Content repository, "Thumbnails":
// never upscale, never return a thumbnail smaller than asked unless the image itself is; return
// the original when it is no larger than the request. Sizes listed in media_api.thumbnail_sizes
// are made right after an upload; with dynamic_thumbnails others are made on request. Images
// whose header claims too many pixels are refused before any decoding ("Security considerations").
import { MatrixError } from '../http/errors.ts';
import type { MediaContext } from './context.ts';
import type { StoredMedia } from './lookup.ts';
import { SingleFlight } from './single-flight.ts';
import { insertThumbnail, type ThumbnailRow, thumbnailsOf } from './storage/thumbnails.ts';
import type { GeneratedThumbnail, ThumbnailSpec } from './thumbnail/generate.ts';
import type { ThumbnailPool } from './thumbnail/pool.ts';
import { type ImageInfo, PROBE_BYTES, probe, THUMBNAILABLE_TYPES } from './thumbnail/probe.ts';
import { planResize } from './thumbnail/resize.ts';
import { essence } from './headers.ts';

/** 50 megapixels: a 200 MB decoded image; larger pictures get no thumbnail. */
export const MAX_THUMBNAIL_PIXELS = 50_000_000;

export const CANONICAL_TYPES = { jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' } as const;

export type ThumbnailAnswer =
  | { kind: 'thumbnail'; row: ThumbnailRow }
  /** Serve the media itself, as `contentType` (its actual image format). */
  | { kind: 'original'; contentType: string };

const cannotThumbnail = () => new MatrixError('M_UNKNOWN', 'Cannot generate thumbnails for the requested content', { status: 400 });

export class Thumbnailer {
  private readonly flights = new SingleFlight<ThumbnailRow>();
  private readonly background = new Set<Promise<void>>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly pool: ThumbnailPool,
  ) {}

  async thumbnail(media: StoredMedia, want: ThumbnailSpec, remote: boolean): Promise<ThumbnailAnswer> {
    const info = await this.inspect(media);
    if (!info) throw cannotThumbnail();
    if (info.width * info.height > MAX_THUMBNAIL_PIXELS) {
      throw new MatrixError('M_TOO_LARGE', 'Content is too large to thumbnail', { status: remote ? 502 : 413 });
    }
    const original = { kind: 'original', contentType: CANONICAL_TYPES[info.format] } as const;
    if (!planResize(info.width, info.height, want.width, want.height, want.method)) return original;

    const existing = await thumbnailsOf(this.ctx.db, media.origin, media.mediaId);
    const exact = pick(existing, want, true);
    if (exact) return { kind: 'thumbnail', row: exact };
    // Without dynamic thumbnails, the configured size that would serve this request; it may not
    // exist yet (remote media, media from before the config changed, pre-generation running).
    let target: ThumbnailSpec | undefined = this.ctx.config.dynamic_thumbnails ? want : pick(this.ctx.config.thumbnail_sizes, want, false);
    if (target && !planResize(info.width, info.height, target.width, target.height, target.method)) target = undefined;
    if (target) {
      const t = target;
      const stored = existing.find((r) => r.width === t.width && r.height === t.height && r.method === t.method);
      if (stored) return { kind: 'thumbnail', row: stored };
      const key = `${media.origin}/${media.mediaId}/${t.width}x${t.height}/${t.method}`;
      const row = await this.flights.run(key, async () => (await this.make(media, info, [t]))[0]!);
      return row ? { kind: 'thumbnail', row } : original;
    }
    const near = pick(existing, want, false);
    return near ? { kind: 'thumbnail', row: near } : original;
  }

  /** Starts making the configured sizes for new media (in the background). */
  pregenerate(media: StoredMedia): void {
    const specs = this.ctx.config.thumbnail_sizes;
    if (specs.length === 0 || !(essence(media.contentType) in THUMBNAILABLE_TYPES)) return;
    const job = (async () => {
      const info = await this.inspect(media);
      if (!info || info.width * info.height > MAX_THUMBNAIL_PIXELS) return;
      const needed = specs.filter((s) => planResize(info.width, info.height, s.width, s.height, s.method));
      if (needed.length > 0) await this.make(media, info, needed);
    })()
      .catch((e) => this.ctx.log.warn('thumbnail pre-generation failed', { mediaId: media.mediaId, error: (e as Error).message }))
      .finally(() => this.background.delete(job));
    this.background.add(job);
  }

  /** Resolves once background generation started so far has finished. */
  async idle(): Promise<void> {
    while (this.background.size > 0) await Promise.all([...this.background]);
  }

  /** The image's real format and size, from its first bytes (null: not an image we decode). */
  private async inspect(media: StoredMedia): Promise<ImageInfo | null> {
    if (!(essence(media.contentType) in THUMBNAILABLE_TYPES)) return null;
    return probe(await this.ctx.files.head(media.hash, PROBE_BYTES));
  }

  private async make(media: StoredMedia, info: ImageInfo, specs: ThumbnailSpec[]): Promise<(ThumbnailRow | null)[]> {
    let made: (GeneratedThumbnail | null)[];
    try {
      made = await this.pool.generate({ format: info.format, path: this.ctx.files.path(media.hash), specs });
    } catch (e) {
      this.ctx.log.warn('thumbnail generation failed', { mediaId: media.mediaId, error: (e as Error).message });
      throw cannotThumbnail();
    }
    const rows: (ThumbnailRow | null)[] = [];
    for (const t of made) {
      if (!t) {
        rows.push(null);
        continue;
      }
      const stored = await this.ctx.files.writeBytes(t.bytes);
      const row: ThumbnailRow = {
        origin: media.origin,
        mediaId: media.mediaId,
        width: t.spec.width,
        height: t.spec.height,
        method: t.spec.method,
        actualWidth: t.width,
        actualHeight: t.height,
        contentType: t.contentType,
        size: stored.size,
        hash: stored.hash,
        createdTs: this.ctx.now(),
      };
      await insertThumbnail(this.ctx.db, row);
      rows.push(row);
    }
    return rows;
  }
}

/**
 * The smallest stored thumbnail at least as large as asked. `exact`: what generating it would
 * give, near enough: same method, at most twice the size asked, and for "crop" the same aspect
 * ratio. Otherwise any larger one, preferring the same method.
 */
export function pick<T extends ThumbnailSpec>(rows: readonly T[], want: ThumbnailSpec, exact: boolean): T | undefined {
  const fits = rows.filter((r) => {
    if (r.width < want.width || r.height < want.height) return false;
    if (!exact) return true;
    if (r.method !== want.method || r.width > 2 * want.width || r.height > 2 * want.height) return false;
    return want.method === 'scale' || Math.abs(r.width * want.height - r.height * want.width) <= 0.01 * r.width * want.height;
  });
  fits.sort((a, b) => (a.method === want.method ? 0 : 1) - (b.method === want.method ? 0 : 1) || a.width * a.height - b.width * b.height);
  return fits[0];
}
