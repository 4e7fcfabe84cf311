// GET /_matrix/client/v1/media/preview_url: OpenGraph data for a URL, with its image copied into
// the content repository (`og:image` becomes an mxc:// URI, plus `matrix:image:size`). Every
// fetch goes through safeFetch (blocklist checked after DNS and on each redirect), is bounded in
// bytes and time, and answers are cached for an hour, shared by concurrent askers.
import { invalidParam, MatrixError } from '../../http/errors.ts';
import type { MediaContext } from '../context.ts';
import { essence } from '../headers.ts';
import type { IpBlocklist } from '../ip-ranges.ts';
import type { StoredMedia } from '../lookup.ts';
import { mxcUri } from '../mxc.ts';
import { readLimited, safeFetch } from '../safe-fetch.ts';
import { SingleFlight } from '../single-flight.ts';
import { getPreview, putPreview } from '../storage/url-previews.ts';
import { probe } from '../thumbnail/probe.ts';
import { parseOpenGraph } from './opengraph.ts';

export const PREVIEW_LIMITS = {
  /** Whole preview (page and image) must be fetched within this time. */
  timeoutMs: 10_000,
  htmlBytes: 2 * 1024 * 1024,
  imageBytes: 10 * 1024 * 1024,
  cacheMs: 3600_000,
};

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);
const HEADERS = { 'User-Agent': 'Mozilla/5.0 (compatible; Dendrite-Bun URL preview)', Accept: 'text/html,application/xhtml+xml,image/*;q=0.9,*/*;q=0.5' };

export type Preview = Record<string, string | number>;

export class UrlPreviews {
  private readonly flights = new SingleFlight<Preview>();

  constructor(
    private readonly ctx: MediaContext,
    private readonly blocklist: IpBlocklist,
    private readonly storeImage: (bytes: Uint8Array, contentType: string) => Promise<StoredMedia>,
    private readonly limits: typeof PREVIEW_LIMITS = PREVIEW_LIMITS,
  ) {}

  async preview(raw: string): Promise<Preview> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalidParam('url is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidParam('Only http and https URLs can be previewed');
    url.hash = '';
    const key = url.toString();
    const cached = await getPreview(this.ctx.db, key, this.ctx.now() - this.limits.cacheMs);
    if (cached) return cached as Preview;
    return this.flights.run(key, async () => {
      const preview = await this.fetchPreview(url).catch((e) => {
        if (e instanceof MatrixError) throw e;
        // A body cut off by the time limit, a reset connection…
        throw new MatrixError('M_UNKNOWN', `Could not fetch the URL: ${(e as Error).message}`, { status: 502 });
      });
      await putPreview(this.ctx.db, key, this.ctx.now(), preview);
      return preview;
    });
  }

  private async fetchPreview(url: URL): Promise<Preview> {
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    const { response, url: finalUrl } = await safeFetch(url, { blocklist: this.blocklist, signal, headers: HEADERS });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new MatrixError('M_UNKNOWN', `The URL answered ${response.status}`, { status: 502 });
    }
    const type = essence(response.headers.get('content-type') ?? '');
    if (type.startsWith('image/')) return (await this.image(response, type)) ?? {};
    if (!HTML_TYPES.has(type)) {
      await response.body?.cancel().catch(() => {});
      return {};
    }
    const html = await readLimited(response, this.limits.htmlBytes);
    if (!html) throw new MatrixError('M_TOO_LARGE', 'The page is too large to preview', { status: 502 });
    const og: Preview = await parseOpenGraph(html);
    const imageUrl = og['og:image'];
    delete og['og:image'];
    if (typeof imageUrl === 'string' && imageUrl !== '') Object.assign(og, await this.ogImage(imageUrl, finalUrl, signal));
    return og;
  }

  /** og:image fetched (relative to the page) and stored; nothing when that fails. */
  private async ogImage(ref: string, page: URL, signal: AbortSignal): Promise<Preview> {
    try {
      const { response } = await safeFetch(new URL(ref, page), { blocklist: this.blocklist, signal, headers: HEADERS });
      const type = essence(response.headers.get('content-type') ?? '');
      if (!response.ok || !type.startsWith('image/')) {
        await response.body?.cancel().catch(() => {});
        return {};
      }
      return (await this.image(response, type)) ?? {};
    } catch (e) {
      this.ctx.log.debug('preview image not fetched', { ref, error: (e as Error).message });
      return {};
    }
  }

  private async image(response: Response, type: string): Promise<Preview | null> {
    const bytes = await readLimited(response, this.limits.imageBytes);
    if (!bytes) return null;
    const media = await this.storeImage(bytes, type);
    const out: Preview = { 'og:image': mxcUri(media.origin, media.mediaId), 'og:image:type': type, 'matrix:image:size': bytes.length };
    const info = probe(bytes.subarray(0, 256 * 1024));
    if (info) {
      out['og:image:width'] = info.width;
      out['og:image:height'] = info.height;
    }
    return out;
  }
}
