// GET /_matrix/client/v1/media/preview_url and /_matrix/media/v3/preview_url (getUrlPreviewAuthed,
// getUrlPreview): OpenGraph data with og:image copied into the content repository, as SyTest's
// tests/51media/20urlpreview.pl expects, against a real HTTP server on 127.0.0.1. The blocklist
// (url_preview_ip_range_blacklist) is checked after DNS and on every redirect; pages are bounded
// in size and time; answers are cached.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Server } from 'bun';
import { IpBlocklist } from '../../../src/mediaapi/ip-ranges.ts';
import { PREVIEW_LIMITS, UrlPreviews } from '../../../src/mediaapi/preview/previews.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { json } from '../../helpers/json.ts';
import { type MediaHarness, SERVER, startMedia } from './helpers.ts';
import { png } from './images.ts';

let server: Server<unknown>;
let base: string;
let image: Uint8Array<ArrayBuffer>;
const hits = new Map<string, number>();
const hosts: string[] = [];

const PAGE = `<html prefix="og: http://ogp.me/ns#"><head><title>The Rock (1996)</title>
<meta property="og:title" content="The Rock" />
<meta property="og:type" content="video.movie" />
<meta property="og:url" content="http://www.imdb.com/title/tt0117500/" />
<meta property="og:image" content="test.png" />
<meta property="og:description" content="Alcatraz &amp; &#8220;more&#8221;" />
</head><body></body></html>`;

beforeAll(async () => {
  image = await png(279, 129);
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      hosts.push(req.headers.get('host') ?? '');
      const html = (s: string) => new Response(s, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
      switch (path) {
        case '/test.html':
          return html(PAGE);
        case '/test.png':
          return new Response(image, { headers: { 'Content-Type': 'image/png' } });
        case '/plain.html':
          return html('<html><head><title> Just a\n title </title><meta name="description" content="about it"></head></html>');
        case '/redirect':
          return new Response(null, { status: 302, headers: { Location: '/test.html' } });
        case '/redirect-private':
          return new Response(null, { status: 302, headers: { Location: 'http://10.1.2.3/' } });
        case '/big.html':
          return html('<html>' + 'x'.repeat(300_000));
        case '/slow.html':
          await Bun.sleep(2000);
          return html(PAGE);
        case '/file.txt':
          return new Response('just text', { headers: { 'Content-Type': 'text/plain' } });
        default:
          return new Response('no', { status: 404 });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.stop(true));

forEachDatabase('URL previews', (ctx) => {
  let h: MediaHarness;
  beforeAll(async () => {
    // The test server is on loopback: the blocklist here keeps 10/8 and lets 127/8 through.
    h = await startMedia(ctx.options(), { url_preview_enabled: true, url_preview_ip_range_blacklist: ['10.0.0.0/8'] });
  });
  afterAll(() => h.close());
  const preview = (url: string, prefix = '/_matrix/client/v1/media') =>
    h.request(`${prefix}/preview_url?url=${encodeURIComponent(url)}`, { token: 'alice' });

  test('OpenGraph fields, with og:image fetched relative to the page and stored (SyTest 20urlpreview)', async () => {
    const res = await preview(`${base}/test.html`, '/_matrix/media/v3');
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({
      'og:title': 'The Rock',
      'og:type': 'video.movie',
      'og:url': 'http://www.imdb.com/title/tt0117500/',
      'og:description': 'Alcatraz & “more”',
      'og:image:type': 'image/png',
      'matrix:image:size': image.length,
      'og:image:width': 279,
      'og:image:height': 129,
    });
    expect(body['og:image']).toMatch(new RegExp(`^mxc://${SERVER}/`));
    const stored = await h.request(`/_matrix/client/v1/media/download/${body['og:image'].slice(6)}`, { token: 'alice' });
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(image);
  });

  test('answers are cached: a second ask fetches nothing', async () => {
    const before = hits.get('/test.html');
    const again = await json(await preview(`${base}/test.html`));
    expect(again['og:title']).toBe('The Rock');
    expect(hits.get('/test.html')).toBe(before);
  });

  test('<title> and meta description stand in; redirects are followed; images preview themselves', async () => {
    expect(await json(await preview(`${base}/plain.html`))).toEqual({ 'og:title': 'Just a title', 'og:description': 'about it' });
    expect((await json(await preview(`${base}/redirect`)))['og:title']).toBe('The Rock');
    const img = await json(await preview(`${base}/test.png`));
    expect(img).toMatchObject({ 'og:image:type': 'image/png', 'og:image:width': 279, 'matrix:image:size': image.length });
    expect(await json(await preview(`${base}/file.txt`))).toEqual({});
  });

  test('names are resolved and checked; the Host header is kept when connecting to the address', async () => {
    hosts.length = 0;
    const res = await preview(`http://localhost:${server.port}/plain.html`);
    expect(res.status).toBe(200);
    expect(hosts).toContain(`localhost:${server.port}`);
  });

  test('blocked: a redirect into a blocked range, and loopback under a blocklist that lists it', async () => {
    const redirected = await preview(`${base}/redirect-private`);
    expect([redirected.status, (await json(redirected)).errcode]).toEqual([403, 'M_FORBIDDEN']);
    const strict = await startMedia(ctx.options(), { url_preview_enabled: true, url_preview_ip_range_blacklist: ['127.0.0.0/8', '::1/128'] });
    try {
      hits.clear();
      // (New URLs: answers cached by the permissive server above would be served from the cache.)
      for (const url of [`${base}/file.txt?s`, `http://localhost:${server.port}/file.txt?s`, `http://[::ffff:127.0.0.1]:${server.port}/file.txt?s`]) {
        const res = await strict.request(`/_matrix/client/v1/media/preview_url?url=${encodeURIComponent(url)}`, { token: 'alice' });
        expect([url, res.status]).toEqual([url, 403]);
      }
      expect(hits.size).toBe(0);
    } finally {
      await strict.close();
    }
  });

  test('refused: non-http schemes, bad URLs, a missing url, no token', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://x/', 'not a url']) {
      const res = await preview(url);
      expect([url, res.status, (await json(res)).errcode]).toEqual([url, 400, 'M_INVALID_PARAM']);
    }
    expect((await json(await h.request('/_matrix/client/v1/media/preview_url', { token: 'alice' }))).errcode).toBe('M_MISSING_PARAM');
    expect((await h.request(`/_matrix/client/v1/media/preview_url?url=${base}`)).status).toBe(401);
  });

  test('size and time limits', async () => {
    const limited = new UrlPreviews(h.media.service.ctx, new IpBlocklist([]), (b, t) => h.media.service.uploads.storeBytes(b, t), {
      ...PREVIEW_LIMITS,
      htmlBytes: 100_000,
      timeoutMs: 300,
    });
    const big = await limited.preview(`${base}/big.html`).catch((e) => e);
    expect([big.status, big.errcode]).toEqual([502, 'M_TOO_LARGE']);
    const started = Date.now();
    const slow = await limited.preview(`${base}/slow.html`).catch((e) => e);
    expect(slow.status).toBe(502);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
