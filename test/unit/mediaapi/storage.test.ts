// The media component's tables on both engines: media rows and asynchronous-upload reservations
// (Client-Server API, Content repository, createContent / uploadContentToMXC), per-user usage
// for quotas, thumbnails, and the URL preview cache.
import { beforeAll, expect, test } from 'bun:test';
import { deleteLapsedReservations, completeReservation, getMedia, insertMedia, type MediaRow, pendingReservations, userUsage } from '../../../src/mediaapi/storage/media.ts';
import { migrations } from '../../../src/mediaapi/storage/migrations/index.ts';
import { insertThumbnail, thumbnailsOf } from '../../../src/mediaapi/storage/thumbnails.ts';
import { deleteOldPreviews, getPreview, putPreview } from '../../../src/mediaapi/storage/url-previews.ts';
import { runMigrations } from '../../../src/storage/migrations.ts';
import { forEachDatabase } from '../../helpers/databases.ts';

const HASH = 'a'.repeat(64);

const row = (over: Partial<MediaRow>): MediaRow => ({
  origin: 'test',
  mediaId: 'm1',
  contentType: 'image/png',
  size: 10,
  uploadName: null,
  hash: HASH,
  userId: '@alice:test',
  createdTs: 1000,
  expiresTs: null,
  authenticatedOnly: false,
  ...over,
});

forEachDatabase('mediaapi tables', (ctx) => {
  beforeAll(async () => {
    await runMigrations(ctx.db(), 'mediaapi', migrations);
    // Idempotent: a second run applies nothing.
    expect(await runMigrations(ctx.db(), 'mediaapi', migrations)).toEqual([]);
  });

  test('media rows round-trip; a second insert of the same URI is refused quietly', async () => {
    const db = ctx.db();
    const m = row({ mediaId: 'rt', uploadName: 'café ☕.png', authenticatedOnly: true });
    expect(await insertMedia(db, m)).toBe(true);
    expect(await insertMedia(db, { ...m, size: 99 })).toBe(false);
    expect(await getMedia(db, 'test', 'rt')).toEqual(m);
    expect(await getMedia(db, 'other', 'rt')).toBeUndefined();
  });

  test('reservations: filled once, counted while pending, swept once lapsed', async () => {
    const db = ctx.db();
    const pending = (id: string, expiresTs: number) =>
      row({ mediaId: id, hash: null, size: 0, userId: '@res:test', expiresTs, contentType: 'application/octet-stream' });
    await insertMedia(db, pending('r1', 5000));
    await insertMedia(db, pending('r2', 5000));
    await insertMedia(db, pending('r3', 1500));
    expect(await pendingReservations(db, '@res:test', 2000)).toBe(2);
    const f = { contentType: 'text/plain', size: 3, uploadName: 'a.txt', hash: HASH };
    expect(await completeReservation(db, 'test', 'r1', f)).toBe(true);
    expect(await completeReservation(db, 'test', 'r1', f)).toBe(false);
    expect(await getMedia(db, 'test', 'r1')).toMatchObject({ contentType: 'text/plain', size: 3, hash: HASH, expiresTs: null });
    expect(await pendingReservations(db, '@res:test', 2000)).toBe(1);
    expect(await deleteLapsedReservations(db, 2000)).toBe(1);
    expect(await getMedia(db, 'test', 'r3')).toBeUndefined();
    expect(await getMedia(db, 'test', 'r2')).toBeDefined();
  });

  test('usage counts the uploaded bytes of one user only', async () => {
    const db = ctx.db();
    await insertMedia(db, row({ mediaId: 'u1', userId: '@quota:test', size: 100 }));
    await insertMedia(db, row({ mediaId: 'u2', userId: '@quota:test', size: 250 }));
    await insertMedia(db, row({ mediaId: 'u3', userId: '@quota:test', size: 0, hash: null, expiresTs: 1e15 }));
    await insertMedia(db, row({ mediaId: 'u4', userId: '@other:test', size: 7 }));
    expect(await userUsage(db, '@quota:test')).toBe(350);
    expect(await userUsage(db, '@nobody:test')).toBe(0);
  });

  test('thumbnails keyed by size and method', async () => {
    const db = ctx.db();
    const t = {
      origin: 'test',
      mediaId: 'th',
      width: 32,
      height: 32,
      method: 'crop' as const,
      actualWidth: 32,
      actualHeight: 32,
      contentType: 'image/jpeg',
      size: 400,
      hash: HASH,
      createdTs: 5,
    };
    await insertThumbnail(db, t);
    await insertThumbnail(db, { ...t, size: 1 }); // same key: kept as first stored
    await insertThumbnail(db, { ...t, width: 320, height: 240, method: 'scale', actualHeight: 160 });
    const got = (await thumbnailsOf(db, 'test', 'th')).sort((a, b) => a.width - b.width);
    expect(got).toEqual([t, { ...t, width: 320, height: 240, method: 'scale', actualHeight: 160 }]);
    expect(await thumbnailsOf(db, 'test', 'none')).toEqual([]);
  });

  test('URL previews: newest answer kept, stale ones ignored and swept', async () => {
    const db = ctx.db();
    await putPreview(db, 'https://a.example/', 100, { 'og:title': 'old' });
    await putPreview(db, 'https://a.example/', 200, { 'og:title': 'new', 'matrix:image:size': 5 });
    expect(await getPreview(db, 'https://a.example/', 150)).toEqual({ 'og:title': 'new', 'matrix:image:size': 5 });
    expect(await getPreview(db, 'https://a.example/', 201)).toBeUndefined();
    expect(await deleteOldPreviews(db, 300)).toBe(1);
    expect(await getPreview(db, 'https://a.example/', 0)).toBeUndefined();
  });
});
