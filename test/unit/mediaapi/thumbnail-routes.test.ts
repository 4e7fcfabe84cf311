// GET /_matrix/media/v3/thumbnail and /_matrix/client/v1/media/thumbnail (getContentThumbnail,
// getContentThumbnailAuthed) and the federation thumbnail, on both engines. Client-Server API,
// Content repository, "Thumbnails": pre-generated thumbnail_sizes, dynamic_thumbnails, never
// smaller than asked, the original when it is no larger, and "Security considerations":
// M_TOO_LARGE for images too large to thumbnail, refused from their header alone.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { parseMultipartMedia } from '../../../src/mediaapi/multipart.ts';
import { probe } from '../../../src/mediaapi/thumbnail/probe.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { json } from '../../helpers/json.ts';
import { type MediaHarness, SERVER, startMedia, upload } from './helpers.ts';
import { gif, jpeg, png, pngHeaderOnly, webp } from './images.ts';

const bytesOf = async (res: Response) => new Uint8Array(await res.arrayBuffer());

async function thumb(h: MediaHarness, id: string, q: string, prefix = '/_matrix/media/v3') {
  const res = await h.request(`${prefix}/thumbnail/${SERVER}/${id}?${q}`, { token: 'alice' });
  return { res, bytes: res.ok ? await bytesOf(res) : undefined };
}

forEachDatabase('thumbnail routes', (ctx) => {
  describe('pre-generated sizes only (dynamic_thumbnails: false)', () => {
    let h: MediaHarness;
    let photo: string;
    let original: Uint8Array<ArrayBuffer>;
    beforeAll(async () => {
      h = await startMedia(ctx.options(), { max_file_size_bytes: 10_000_000 });
      original = await jpeg(800, 400);
      photo = await upload(h, original, 'image/jpeg', 'photo.jpg');
      await h.media.service.thumbnails.idle();
    });
    afterAll(() => h.close());

    test('an exact configured size: 32x32 crop, inline image/jpeg with the safety headers', async () => {
      const { res, bytes } = await thumb(h, photo, 'width=32&height=32&method=crop');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(res.headers.get('content-disposition')).toBe('inline; filename="thumbnail.jpg"');
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(probe(bytes!)).toMatchObject({ width: 32, height: 32 });
    });

    test('"scale" keeps the aspect ratio; the default method is scale', async () => {
      const { bytes } = await thumb(h, photo, 'width=320&height=240');
      expect(probe(bytes!)).toMatchObject({ width: 320, height: 160 });
    });

    test('a size between configured ones gets the next larger, never a smaller one', async () => {
      const { bytes } = await thumb(h, photo, 'width=50&height=50&method=crop');
      expect(probe(bytes!)).toMatchObject({ width: 96, height: 96 });
      const bigger = await thumb(h, photo, 'width=500&height=300&method=scale');
      // No stored thumbnail is that large: the original, not a smaller picture.
      expect(bigger.bytes).toEqual(original);
    });

    test('asking for more than the image has gives the original (MUST NOT upscale)', async () => {
      const { res, bytes } = await thumb(h, photo, 'width=1600&height=1200&method=scale', '/_matrix/client/v1/media');
      expect(res.headers.get('content-type')).toBe('image/jpeg');
      expect(bytes).toEqual(original);
    });

    test('parameters: width and height required positive integers, method crop or scale', async () => {
      const cases: [string, number, string][] = [
        ['height=32', 400, 'M_MISSING_PARAM'],
        ['width=32', 400, 'M_MISSING_PARAM'],
        ['width=-1&height=32', 400, 'M_INVALID_PARAM'],
        ['width=1.5&height=32', 400, 'M_INVALID_PARAM'],
        ['width=32&height=32&method=stretch', 400, 'M_INVALID_PARAM'],
      ];
      for (const [q, status, errcode] of cases) {
        const { res } = await thumb(h, photo, q);
        expect([q, res.status, (await json(res)).errcode]).toEqual([q, status, errcode]);
      }
    });

    test('content that is not an image cannot be thumbnailed (400); unknown media is 404', async () => {
      const text = await upload(h, 'not a picture', 'text/plain');
      const { res } = await thumb(h, text, 'width=32&height=32');
      expect(res.status).toBe(400);
      const liar = await upload(h, 'not a picture either', 'image/png');
      expect((await thumb(h, liar, 'width=32&height=32')).res.status).toBe(400);
      expect((await thumb(h, 'unknownMedia', 'width=32&height=32')).res.status).toBe(404);
    });

    test('a decompression bomb (tiny file, huge header) is M_TOO_LARGE and never decoded', async () => {
      const bomb = await upload(h, pngHeaderOnly(60_000, 60_000), 'image/png');
      await h.media.service.thumbnails.idle();
      const { res } = await thumb(h, bomb, 'width=32&height=32');
      expect(res.status).toBe(413);
      expect((await json(res)).errcode).toBe('M_TOO_LARGE');
    });

    test('federation thumbnail: multipart/mixed with the image', async () => {
      const res = await h.request(`/_matrix/federation/v1/media/thumbnail/${photo}?width=96&height=96&method=crop`, { origin: 'other.example' });
      const part = await parseMultipartMedia(res.headers.get('content-type')!, res.body!);
      expect(part.headers['content-type']).toBe('image/jpeg');
      const chunks: Uint8Array[] = [];
      for await (const c of part.body) chunks.push(c);
      expect(probe(Buffer.concat(chunks))).toMatchObject({ width: 96, height: 96 });
    });
  });

  describe('dynamic_thumbnails: true', () => {
    let h: MediaHarness;
    beforeAll(async () => {
      h = await startMedia(ctx.options(), { max_file_size_bytes: 10_000_000, dynamic_thumbnails: true, thumbnail_sizes: [] });
    });
    afterAll(() => h.close());

    const formats: [string, () => Promise<Uint8Array> | Uint8Array, string][] = [
      ['JPEG', () => jpeg(300, 200), 'image/jpeg'],
      ['PNG', () => png(300, 200), 'image/png'],
      ['GIF', () => gif(300, 200), 'image/gif'],
      ['WebP', () => webp(300, 200), 'image/webp'],
    ];
    for (const [name, make, type] of formats) {
      test(`${name}: any size on request, made once and stored`, async () => {
        const id = await upload(h, await make(), type);
        const first = await thumb(h, id, 'width=50&height=40&method=crop');
        expect(first.res.status).toBe(200);
        expect(probe(first.bytes!)).toMatchObject({ width: 50, height: 40 });
        const again = await thumb(h, id, 'width=50&height=40&method=crop');
        expect(again.bytes).toEqual(first.bytes);
        const rows = await h.media.service.ctx.db.all('SELECT width, height, method FROM mediaapi_thumbnails WHERE media_id = $1', [id]);
        expect(rows).toEqual([{ width: 50, height: 40, method: 'crop' }]);
      });
    }

    test('concurrent requests for the same new size share one generation', async () => {
      const id = await upload(h, await jpeg(600, 600), 'image/jpeg');
      const answers = await Promise.all(Array.from({ length: 6 }, () => thumb(h, id, 'width=77&height=77&method=crop')));
      expect(answers.every((a) => a.res.status === 200)).toBe(true);
      const hashes = await h.media.service.ctx.db.all('SELECT content_hash FROM mediaapi_thumbnails WHERE media_id = $1', [id]);
      expect(hashes.length).toBe(1);
    });

    test('transparent PNGs keep their transparency (image/png thumbnail)', async () => {
      const id = await upload(h, await png(200, 200, 100), 'image/png');
      const { res } = await thumb(h, id, 'width=20&height=20&method=scale');
      expect(res.headers.get('content-type')).toBe('image/png');
      expect(res.headers.get('content-disposition')).toBe('inline; filename="thumbnail.png"');
    });
  });
});
