// Remote media (Server-Server API, "Content Repository"; Client-Server API, Content repository):
// fetched from its origin through the `fetchRemote` dependency federation will supply, here a
// test double that asks a real HTTP server on 127.0.0.1 serving multipart/mixed answers.
// Concurrent requests share one fetch, the copy is cached, and oversized media is 502 M_TOO_LARGE.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'bun';
import type { FetchRemoteMedia } from '../../../src/mediaapi/api.ts';
import { probe } from '../../../src/mediaapi/thumbnail/probe.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { json } from '../../helpers/json.ts';
import { type MediaHarness, startMedia } from './helpers.ts';
import { jpeg } from './images.ts';

const REMOTE = 'remote.example';
let server: Server<unknown>;
const hits = new Map<string, number>();
let photo: Uint8Array<ArrayBuffer>;

function multipart(parts: { headers: Record<string, string>; body: Uint8Array | string }[]): Response {
  const b = 'remoteBoundary42';
  const chunks: (Uint8Array | string)[] = [];
  for (const p of parts) {
    chunks.push(`--${b}\r\n${Object.entries(p.headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`, p.body, '\r\n');
  }
  chunks.push(`--${b}--\r\n`);
  return new Response(new Blob(chunks), { headers: { 'Content-Type': `multipart/mixed; boundary=${b}` } });
}

const json0 = { headers: { 'Content-Type': 'application/json' }, body: '{}' };

beforeAll(async () => {
  photo = await jpeg(400, 300);
  server = Bun.serve({
    hostname: '127.0.0.1',
    port: 0,
    async fetch(req) {
      const url = new URL(req.url);
      const id = url.pathname.split('/').pop()!;
      hits.set(id, (hits.get(id) ?? 0) + 1);
      if (url.pathname.startsWith('/cdn/')) return new Response('from the cdn', { headers: { 'Content-Type': 'text/plain' } });
      await Bun.sleep(100); // long enough for concurrent requests to overlap
      switch (id) {
        case 'photo':
          return multipart([json0, { headers: { 'Content-Type': 'image/jpeg', 'Content-Disposition': 'inline; filename="remote.jpg"' }, body: photo }]);
        case 'big':
          return multipart([json0, { headers: { 'Content-Type': 'application/octet-stream' }, body: new Uint8Array(5000) }]);
        case 'located':
          return multipart([json0, { headers: { Location: `http://127.0.0.1:${server.port}/cdn/located` }, body: '' }]);
        case 'blockedLocation':
          return multipart([json0, { headers: { Location: 'http://10.0.0.1/secret' }, body: '' }]);
        case 'plain':
          return new Response('fallback answer', { headers: { 'Content-Type': 'text/plain', 'Content-Disposition': "attachment; filename*=utf-8''%C3%A9.txt" } });
        default:
          return Response.json({ errcode: 'M_NOT_FOUND', error: 'no' }, { status: 404 });
      }
    },
  });
});
afterAll(() => server.stop(true));

/** The test double of federation's fetcher: a signed GET would go here; this one is plain. */
const fetchRemote: FetchRemoteMedia = (serverName, mediaId, { signal }) => {
  if (serverName !== REMOTE) throw new Error(`no route to ${serverName}`);
  return fetch(`http://127.0.0.1:${server.port}/_matrix/federation/v1/media/download/${mediaId}`, { signal });
};

forEachDatabase('remote media', (ctx) => {
  let h: MediaHarness;
  beforeAll(async () => {
    h = await startMedia(ctx.options(), { max_file_size_bytes: 1_000_000 }, { fetchRemote });
  });
  afterAll(() => h.close());
  const get = (path: string, token?: string) => h.request(path, { token });

  test('concurrent requests share one fetch; later ones are served from the cache', async () => {
    hits.clear();
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        get(i % 2 ? `/_matrix/client/v1/media/download/${REMOTE}/photo` : `/_matrix/media/v3/download/${REMOTE}/photo`, 'alice'),
      ),
    );
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(photo);
      expect(res.headers.get('content-disposition')).toBe('inline; filename="remote.jpg"');
    }
    expect(hits.get('photo')).toBe(1);
    expect((await get(`/_matrix/media/r0/download/${REMOTE}/photo`)).status).toBe(200);
    expect(hits.get('photo')).toBe(1);
    expect(await h.media.api.mediaInfo(REMOTE, 'photo')).toMatchObject({ contentType: 'image/jpeg', uploadName: 'remote.jpg', uploaded: true });
  });

  test('thumbnails of remote media are made here from the cached copy', async () => {
    const res = await get(`/_matrix/client/v1/media/thumbnail/${REMOTE}/photo?width=32&height=32&method=crop`, 'alice');
    expect(res.status).toBe(200);
    expect(probe(new Uint8Array(await res.arrayBuffer()))).toMatchObject({ width: 32, height: 32 });
    expect(hits.get('photo')).toBe(1);
  });

  test('too large remote media is 502 M_TOO_LARGE and leaves nothing behind', async () => {
    const small = await startMedia(ctx.options(), { max_file_size_bytes: 1000 }, { fetchRemote });
    try {
      const res = await small.request(`/_matrix/media/v3/download/${REMOTE}/big`);
      expect([res.status, (await json(res)).errcode]).toEqual([502, 'M_TOO_LARGE']);
      expect(readdirSync(join(small.dir, 'media', 'tmp'))).toEqual([]);
      expect(await small.media.api.mediaInfo(REMOTE, 'big')).toBeNull();
    } finally {
      await small.close();
    }
  });

  test('unknown remote media is 404; allow_remote=false does not fetch', async () => {
    hits.clear();
    const res = await get(`/_matrix/media/v3/download/${REMOTE}/missing`);
    expect([res.status, (await json(res)).errcode]).toEqual([404, 'M_NOT_FOUND']);
    const local = await get(`/_matrix/media/v3/download/${REMOTE}/plain?allow_remote=false`);
    expect(local.status).toBe(404);
    expect(hits.get('plain')).toBeUndefined();
  });

  test('a Location part is followed (and checked against the deny list); a plain answer is accepted', async () => {
    expect(await (await get(`/_matrix/media/v3/download/${REMOTE}/located`)).text()).toBe('from the cdn');
    const blocked = await get(`/_matrix/media/v3/download/${REMOTE}/blockedLocation`);
    expect([blocked.status, (await json(blocked)).errcode]).toEqual([403, 'M_FORBIDDEN']);
    const plain = await get(`/_matrix/media/v3/download/${REMOTE}/plain`);
    expect(await plain.text()).toBe('fallback answer');
    // The remote file name is kept; inline or attachment is our own decision from the type.
    expect(plain.headers.get('content-disposition')).toBe("inline; filename*=utf-8''%C3%A9.txt");
  });

  test('an unreachable server is 502; without a fetcher remote media is 404', async () => {
    const res = await get('/_matrix/media/v3/download/unreachable.example/x');
    expect(res.status).toBe(502);
    const none = await startMedia(ctx.options());
    try {
      expect((await none.request('/_matrix/media/v3/download/elsewhere.example/x')).status).toBe(404);
    } finally {
      await none.close();
    }
  });

  test('during a freeze, the unauthenticated endpoints do not fetch uncached remote media', async () => {
    const frozen = await startMedia(ctx.options(), { freeze_unauthenticated_media: true }, { fetchRemote });
    try {
      hits.clear();
      expect((await frozen.request(`/_matrix/media/v3/download/${REMOTE}/plain2`)).status).toBe(404);
      expect(hits.size).toBe(0);
    } finally {
      await frozen.close();
    }
  });
});
