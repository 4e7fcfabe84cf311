// Client-Server API, "Room Tagging" (tags.yaml): PUT/GET/DELETE /user/{userId}/rooms/{roomId}/tags,
// stored as the room's m.tag account data; SyTest tests/42tags.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { call, clientApp, registerUser } from './harness.ts';

const ROOM = '!room:example.org';
const tagsPath = (userId: string, tag?: string) =>
  `/_matrix/client/v3/user/${encodeURIComponent(userId)}/rooms/${encodeURIComponent(ROOM)}/tags${tag ? `/${encodeURIComponent(tag)}` : ''}`;

forEachDatabase('client API room tags', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
  });
  afterAll(() => h.close());

  test('add, list, remove; the tags are the room m.tag account data', async () => {
    const user = await registerUser(app, 'a long password');
    expect((await call(app, 'PUT', tagsPath(user.userId, 'u.work'), { order: 0.5 }, user.token)).status).toBe(200);
    expect((await call(app, 'PUT', tagsPath(user.userId, 'm.favourite'), {}, user.token)).status).toBe(200);
    const listed = await call(app, 'GET', tagsPath(user.userId), undefined, user.token);
    expect(listed.body).toEqual({ tags: { 'u.work': { order: 0.5 }, 'm.favourite': {} } });
    const data = await call(app, 'GET', `/_matrix/client/v3/user/${encodeURIComponent(user.userId)}/rooms/${encodeURIComponent(ROOM)}/account_data/m.tag`, undefined, user.token);
    expect(data.body).toEqual({ tags: { 'u.work': { order: 0.5 }, 'm.favourite': {} } });
    expect((await call(app, 'DELETE', tagsPath(user.userId, 'u.work'), undefined, user.token)).status).toBe(200);
    expect((await call(app, 'DELETE', tagsPath(user.userId, 'u.never-set'), undefined, user.token)).status).toBe(200);
    expect((await call(app, 'GET', tagsPath(user.userId), undefined, user.token)).body).toEqual({ tags: { 'm.favourite': {} } });
  });

  test("refusals: another user's tags 403, order out of range or not a number, a tag over 255 bytes", async () => {
    const alice = await registerUser(app, 'a long password');
    const bob = await registerUser(app, 'a long password');
    const other = await call(app, 'GET', tagsPath(alice.userId), undefined, bob.token);
    expect([other.status, other.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    const range = await call(app, 'PUT', tagsPath(alice.userId, 'u.x'), { order: 2 }, alice.token);
    expect([range.status, range.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    const type = await call(app, 'PUT', tagsPath(alice.userId, 'u.x'), { order: 'first' }, alice.token);
    expect([type.status, type.body.errcode]).toEqual([400, 'M_BAD_JSON']);
    const long = await call(app, 'PUT', tagsPath(alice.userId, `u.${'x'.repeat(260)}`), {}, alice.token);
    expect([long.status, long.body.errcode]).toEqual([400, 'M_INVALID_PARAM']);
    expect((await call(app, 'GET', tagsPath(alice.userId), undefined, alice.token)).body).toEqual({ tags: {} });
  });
});
