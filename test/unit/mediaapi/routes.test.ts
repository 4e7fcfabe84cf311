// The content repository through the Hono app, on both database engines: Client-Server API
// content-repo.yaml and authed-content-repo.yaml (upload, create + asynchronous upload, download,
// config), "Serving inline content", the freeze of unauthenticated media, and the federation
// content_repository.yaml multipart answers.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseMultipartMedia } from '../../../src/mediaapi/multipart.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { json } from '../../helpers/json.ts';
import { type MediaHarness, SERVER, startMedia, upload } from './helpers.ts';

/** Files in the content store (excluding the temporary folder). */
function storedFiles(h: MediaHarness): string[] {
  const root = join(h.dir, 'media');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && !e.parentPath.endsWith('/tmp'))
    .map((e) => e.name);
}
const tmpFiles = (h: MediaHarness) => readdirSync(join(h.dir, 'media', 'tmp'));

async function expectError(res: Response, status: number, errcode: string) {
  expect({ status: res.status, errcode: (await json(res)).errcode }).toEqual({ status, errcode });
}

forEachDatabase('media routes', (ctx) => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia(ctx.options(), { max_file_size_bytes: 1000, user_quota_bytes: 2500 });
  });
  afterAll(() => h.close());

  describe('upload and download (uploadContent, getContent, getContentAuthed)', () => {
    test('bytes come back with the spec headers, on v3, r0 and the authenticated path', async () => {
      const id = await upload(h, 'hello world', 'text/plain', 'hello.txt');
      for (const path of [`/_matrix/media/v3/download/${SERVER}/${id}`, `/_matrix/media/r0/download/${SERVER}/${id}`]) {
        const res = await h.request(path);
        expect(res.status).toBe(200);
        expect(await res.text()).toBe('hello world');
        expect(res.headers.get('content-type')).toBe('text/plain');
        expect(res.headers.get('content-disposition')).toBe('inline; filename="hello.txt"');
        expect(res.headers.get('content-security-policy')).toContain("sandbox; default-src 'none'");
        expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      }
      const authed = await h.request(`/_matrix/client/v1/media/download/${SERVER}/${id}/other.txt`, { token: 'guest' });
      expect(await authed.text()).toBe('hello world');
      expect(authed.headers.get('content-disposition')).toBe('inline; filename="other.txt"');
      await expectError(await h.request(`/_matrix/client/v1/media/download/${SERVER}/${id}`), 401, 'M_MISSING_TOKEN');
    });

    test('unsafe types are served as attachments; a missing Content-Type is application/octet-stream', async () => {
      const html = await upload(h, '<script>alert(1)</script>', 'text/html');
      const res = await h.request(`/_matrix/media/v3/download/${SERVER}/${html}`);
      expect(res.headers.get('content-disposition')).toBe('attachment');
      const none = await h.request('/_matrix/media/v3/upload', { method: 'POST', token: 'alice', body: new Blob([new Uint8Array([1, 2])]) });
      const { content_uri } = await json(none);
      const got = await h.request(`/_matrix/media/v3/download/${content_uri.slice(6)}`);
      expect(got.headers.get('content-type')).toBe('application/octet-stream');
      expect(got.headers.get('content-disposition')).toBe('attachment');
    });

    test('a Range request gets 206 and those bytes (players seek in audio and video)', async () => {
      const id = await upload(h, 'hello world', 'audio/ogg');
      const get = (range: string) => h.request(`/_matrix/client/v1/media/download/${SERVER}/${id}`, { token: 'alice', headers: { Range: range } });
      const cases: [string, number, string, string | null][] = [
        ['bytes=0-4', 206, 'hello', 'bytes 0-4/11'],
        ['bytes=6-', 206, 'world', 'bytes 6-10/11'],
        ['bytes=-5', 206, 'world', 'bytes 6-10/11'],
        ['bytes=6-999', 206, 'world', 'bytes 6-10/11'],
        ['bytes=20-30', 416, '', 'bytes */11'],
        ['lines=1-2', 200, 'hello world', null],
      ];
      for (const [range, status, body, contentRange] of cases) {
        const res = await get(range);
        expect([range, res.status, await res.text(), res.headers.get('content-range')]).toEqual([range, status, body, contentRange]);
      }
    });

    test('identical uploads get two URIs and one file', async () => {
      const before = storedFiles(h).length;
      const a = await upload(h, 'same bytes twice');
      const b = await upload(h, 'same bytes twice');
      expect(a).not.toBe(b);
      expect(storedFiles(h).length).toBe(before + 1);
      expect(await (await h.request(`/_matrix/media/v3/download/${SERVER}/${b}`)).text()).toBe('same bytes twice');
    });
  });

  describe('refusals', () => {
    test('M_TOO_LARGE over max_file_size_bytes, declared or streamed, and nothing is left on disk', async () => {
      const before = storedFiles(h).length;
      const declared = await h.request('/_matrix/media/v3/upload', { method: 'POST', token: 'alice', body: 'x'.repeat(1001) });
      await expectError(declared, 413, 'M_TOO_LARGE');
      // A Content-Length over the limit is refused before the body is read.
      const body = new ReadableStream({ pull: () => Promise.reject(new Error('the body was read')) });
      const early = await h.request('/_matrix/media/v3/upload', { method: 'POST', token: 'alice', body, headers: { 'Content-Length': '5000' } });
      await expectError(early, 413, 'M_TOO_LARGE');
      // Streamed without Content-Length: refused while reading.
      const stream = new ReadableStream({
        start(c) {
          for (let i = 0; i < 20; i++) c.enqueue(new Uint8Array(100));
          c.close();
        },
      });
      await expectError(await h.request('/_matrix/media/v3/upload', { method: 'POST', token: 'alice', body: stream }), 413, 'M_TOO_LARGE');
      expect(storedFiles(h).length).toBe(before);
      expect(tmpFiles(h)).toEqual([]);
    });

    test('bad Content-Type, filename, IDs and server names are M_INVALID_PARAM; unknown media M_NOT_FOUND', async () => {
      const post = (headers: Record<string, string>, q = '') =>
        h.request(`/_matrix/media/v3/upload${q}`, { method: 'POST', token: 'alice', body: 'x', headers });
      await expectError(await post({ 'Content-Type': 'not a type' }), 400, 'M_INVALID_PARAM');
      await expectError(await post({ 'Content-Type': 'text/plain' }, '?filename=a%0Ab'), 400, 'M_INVALID_PARAM');
      await expectError(await h.request(`/_matrix/media/v3/download/${SERVER}/bad.id`), 400, 'M_INVALID_PARAM');
      await expectError(await h.request(`/_matrix/media/v3/download/${SERVER}/..%2F..%2Fetc`), 400, 'M_INVALID_PARAM');
      await expectError(await h.request('/_matrix/media/v3/download/bad%20server/abc'), 400, 'M_INVALID_PARAM');
      await expectError(await h.request(`/_matrix/media/v3/download/${SERVER}/doesNotExist`), 404, 'M_NOT_FOUND');
      await expectError(await h.request(`/_matrix/client/v1/media/download/${SERVER}/doesNotExist`, { token: 'alice' }), 404, 'M_NOT_FOUND');
      await expectError(await h.request('/_matrix/media/v3/upload', { method: 'POST', body: 'x' }), 401, 'M_MISSING_TOKEN');
    });

    test('the per-user quota (user_quota_bytes) answers 403 M_FORBIDDEN, for bob too once he fills it', async () => {
      const put = (token: string, n: number) => h.request('/_matrix/media/v3/upload', { method: 'POST', token, body: 'q'.repeat(n) });
      for (let i = 0; i < 2; i++) expect((await put('bob', 900 + i)).status).toBe(200);
      await expectError(await put('bob', 800), 403, 'M_FORBIDDEN');
      expect((await put('bob', 600)).status).toBe(200);
      await expectError(await put('bob', 100), 403, 'M_FORBIDDEN'); // 99 bytes are left
      expect((await put('bob', 99)).status).toBe(200);
      await expectError(await put('bob', 1), 403, 'M_FORBIDDEN');
      expect(await h.media.api.userUsage('@bob:test')).toBe(2500);
      expect((await put('alice', 100)).status).toBe(200); // quotas are per user
      expect(tmpFiles(h)).toEqual([]);
    });
  });

  describe('asynchronous upload (createContent, uploadContentToMXC)', () => {
    test('create, wait for the bytes, and refusals: 504, 403, 409, 404', async () => {
      const created = await json(await h.request('/_matrix/media/v1/create', { method: 'POST', token: 'alice' }));
      expect(created.content_uri).toMatch(new RegExp(`^mxc://${SERVER}/[A-Za-z0-9]+$`));
      expect(created.unused_expires_at).toBeGreaterThan(Date.now() + 23 * 3600_000);
      const id = created.content_uri.split('/').pop();
      const path = `/_matrix/media/v3/download/${SERVER}/${id}`;
      await expectError(await h.request(`${path}?timeout_ms=50`), 504, 'M_NOT_YET_UPLOADED');
      expect((await h.media.api.mediaInfo(SERVER, id))?.uploaded).toBe(false);

      const waiting = h.request(`/_matrix/client/v1/media/download/${SERVER}/${id}?timeout_ms=10000`, { token: 'bob' });
      await Bun.sleep(30);
      const put = (token: string, mediaId = id) =>
        h.request(`/_matrix/media/v3/upload/${SERVER}/${mediaId}?filename=late.txt`, {
          method: 'PUT',
          token,
          body: 'arrived later',
          headers: { 'Content-Type': 'text/plain' },
        });
      await expectError(await put('bob'), 403, 'M_FORBIDDEN');
      expect(await json(await put('alice'))).toEqual({});
      const res = await waiting;
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('arrived later');
      expect(res.headers.get('content-disposition')).toBe('inline; filename="late.txt"');
      await expectError(await put('alice'), 409, 'M_CANNOT_OVERWRITE_MEDIA');
      await expectError(await put('alice', 'neverCreated'), 404, 'M_NOT_FOUND');
    });

    test('too many pending reservations: 429 M_LIMIT_EXCEEDED', async () => {
      const codes: number[] = [];
      for (let i = 0; i < 11; i++) codes.push((await h.request('/_matrix/media/v1/create', { method: 'POST', token: 'bob' })).status);
      expect(codes.slice(0, 10).every((c) => c === 200)).toBe(true);
      expect(codes[10]).toBe(429);
    });
  });

  test('config (getConfig, getConfigAuthed): m.upload.size', async () => {
    expect(await json(await h.request('/_matrix/media/v3/config', { token: 'alice' }))).toEqual({ 'm.upload.size': 1000 });
    expect(await json(await h.request('/_matrix/client/v1/media/config', { token: 'alice' }))).toEqual({ 'm.upload.size': 1000 });
    await expectError(await h.request('/_matrix/media/v3/config'), 401, 'M_MISSING_TOKEN');
  });

  test('preview_url is M_UNRECOGNIZED unless url_preview_enabled', async () => {
    await expectError(await h.request('/_matrix/client/v1/media/preview_url?url=http://x', { token: 'alice' }), 404, 'M_UNRECOGNIZED');
  });

  test('federation download: multipart/mixed with {} then the bytes; only for a verified server', async () => {
    const id = await upload(h, 'for another server', 'text/plain', 'fed.txt');
    const res = await h.request(`/_matrix/federation/v1/media/download/${id}`, { origin: 'remote.example' });
    expect(res.status).toBe(200);
    const part = await parseMultipartMedia(res.headers.get('content-type')!, res.body!);
    expect(part.headers['content-type']).toBe('text/plain');
    expect(part.headers['content-disposition']).toBe('inline; filename="fed.txt"');
    let text = '';
    for await (const c of part.body) text += new TextDecoder().decode(c);
    expect(text).toBe('for another server');
    await expectError(await h.request(`/_matrix/federation/v1/media/download/${id}`), 401, 'M_UNAUTHORIZED');
    await expectError(await h.request('/_matrix/federation/v1/media/download/nope', { origin: 'remote.example' }), 404, 'M_NOT_FOUND');
  });
});

forEachDatabase('freeze_unauthenticated_media', (ctx) => {
  test('media stored during the freeze is 404 on the deprecated endpoints only; older media stays', async () => {
    const before = await startMedia(ctx.options());
    const old = await upload(before, 'from before the freeze');
    await before.stop();
    const frozen = await startMedia(ctx.options(), { freeze_unauthenticated_media: true, base_path: join(before.dir, 'media') });
    try {
      const fresh = await upload(frozen, 'from during the freeze');
      await expectError(await frozen.request(`/_matrix/media/v3/download/${SERVER}/${fresh}`), 404, 'M_NOT_FOUND');
      await expectError(await frozen.request(`/_matrix/media/r0/thumbnail/${SERVER}/${fresh}?width=1&height=1`), 404, 'M_NOT_FOUND');
      expect(await (await frozen.request(`/_matrix/client/v1/media/download/${SERVER}/${fresh}`, { token: 'alice' })).text()).toBe(
        'from during the freeze',
      );
      expect(await (await frozen.request(`/_matrix/media/v3/download/${SERVER}/${old}`)).text()).toBe('from before the freeze');
    } finally {
      await frozen.close();
      await before.close();
    }
  });
});
