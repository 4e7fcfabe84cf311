// Client-Server API, "Profiles" (GET /profile/{userId}, GET/PUT/DELETE /profile/{userId}/{keyName},
// custom fields since v1.16) and "Events on Change of Profile Information"; SyTest
// tests/10apidoc/10profile-displayname.pl and 11profile-avatar_url.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { OPEN_REGISTRATION, SERVER, call, clientApp, registerUser } from './harness.ts';

const profile = (userId: string, key?: string) => `/_matrix/client/v3/profile/${encodeURIComponent(userId)}${key ? `/${key}` : ''}`;

forEachDatabase('client API profiles', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
  });
  afterAll(() => h.close());

  test('PUT displayname and avatar_url, then read them without a token; the whole profile has both', async () => {
    const user = await registerUser(app);
    expect((await call(app, 'GET', profile(user.userId, 'displayname'))).body).toEqual({ displayname: user.localpart });
    expect((await call(app, 'PUT', profile(user.userId, 'displayname'), { displayname: 'Testing Displayname' }, user.token)).status).toBe(200);
    const avatar = 'mxc://example.com/SEsfnsuifSDFSSEF';
    expect((await call(app, 'PUT', profile(user.userId, 'avatar_url'), { avatar_url: avatar }, user.token)).status).toBe(200);
    expect((await call(app, 'GET', profile(user.userId, 'displayname'))).body).toEqual({ displayname: 'Testing Displayname' });
    expect((await call(app, 'GET', profile(user.userId, 'avatar_url'))).body).toEqual({ avatar_url: avatar });
    expect((await call(app, 'GET', profile(user.userId))).body).toEqual({ displayname: 'Testing Displayname', avatar_url: avatar });
  });

  test('custom fields (v1.16): any JSON value; DELETE removes; a field never set is 404', async () => {
    const user = await registerUser(app);
    expect((await call(app, 'PUT', profile(user.userId, 'm.tz'), { 'm.tz': 'Europe/London' }, user.token)).status).toBe(200);
    expect((await call(app, 'PUT', profile(user.userId, 'org.example.field'), { 'org.example.field': [1, { a: 2 }] }, user.token)).status).toBe(200);
    expect((await call(app, 'GET', profile(user.userId, 'org.example.field'))).body).toEqual({ 'org.example.field': [1, { a: 2 }] });
    expect((await call(app, 'DELETE', profile(user.userId, 'org.example.field'), undefined, user.token)).status).toBe(200);
    const gone = await call(app, 'GET', profile(user.userId, 'org.example.field'));
    expect([gone.status, gone.body.errcode]).toEqual([404, 'M_NOT_FOUND']);
    expect((await call(app, 'GET', profile(user.userId))).body).toEqual({ displayname: user.localpart, 'm.tz': 'Europe/London' });
  });

  test("refusals: someone else's profile 403; unknown users 404; bad keys M_INVALID_PARAM; bodies M_MISSING_PARAM / M_BAD_JSON; too large", async () => {
    const user = await registerUser(app);
    const eve = await registerUser(app);
    const other = await call(app, 'PUT', profile(user.userId, 'displayname'), { displayname: 'pwned' }, eve.token);
    expect([other.status, other.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    expect((await call(app, 'DELETE', profile(user.userId, 'displayname'), undefined, eve.token)).status).toBe(403);
    const noToken = await call(app, 'PUT', profile(user.userId, 'displayname'), { displayname: 'x' });
    expect(noToken.status).toBe(401);
    for (const userId of [`@nobody-${dbc.kind}:${SERVER}`, '@someone:remote.example']) {
      const r = await call(app, 'GET', profile(userId));
      expect([r.status, r.body.errcode]).toEqual([404, 'M_NOT_FOUND']);
      expect((await call(app, 'GET', profile(userId, 'displayname'))).status).toBe(404);
    }
    const cases: [string, unknown, number, string][] = [
      ['Bad.Key', { 'Bad.Key': 1 }, 400, 'M_INVALID_PARAM'],
      ['nodots', { nodots: 1 }, 400, 'M_INVALID_PARAM'],
      ['displayname', { other: 'x' }, 400, 'M_MISSING_PARAM'],
      ['displayname', { displayname: 5 }, 400, 'M_BAD_JSON'],
      ['avatar_url', { avatar_url: {} }, 400, 'M_BAD_JSON'],
      ['org.example.big', { 'org.example.big': 'x'.repeat(70_000) }, 400, 'M_PROFILE_TOO_LARGE'],
    ];
    for (const [key, body, status, errcode] of cases) {
      const r = await call(app, 'PUT', profile(user.userId, key), body, user.token);
      expect([key, r.status, r.body.errcode]).toEqual([key, status, errcode]);
    }
    expect((await call(app, 'GET', profile(user.userId, 'Bad.Key'))).body.errcode).toBe('M_INVALID_PARAM');
  });

  test('guests may set their display name', async () => {
    const g = await call(app, 'POST', '/_matrix/client/v3/register?kind=guest', {});
    const r = await call(app, 'PUT', profile(g.body.user_id, 'displayname'), { displayname: 'creeper' }, g.body.access_token);
    expect(r.status).toBe(200);
    expect((await call(app, 'GET', profile(g.body.user_id, 'displayname'))).body).toEqual({ displayname: 'creeper' });
  });

  test('display name and avatar changes update the m.room.member event of every joined room', async () => {
    const sent: { roomId: string; sender: string; stateKey?: string; content: Record<string, unknown> }[] = [];
    // A stand-in room server that records what it is asked (the real one is another component).
    const roomserver = {
      roomsForUser: async (_u: string, memberships: string[]) => {
        expect(memberships).toEqual(['join']);
        return [{ roomId: '!r1:x', membership: 'join', eventId: '$1' }];
      },
      stateEvent: async () =>
        ({ json: { content: { membership: 'join', displayname: 'old', reason: 'kept' } } }) as never,
      sendEvent: async (req: { roomId: string; sender: string; event: { stateKey?: string; content: Record<string, unknown> } }) => {
        sent.push({ roomId: req.roomId, sender: req.sender, stateKey: req.event.stateKey, content: req.event.content });
        return { eventId: '$x', nid: 1 };
      },
    };
    const withRooms = clientApp(h, { clientApi: OPEN_REGISTRATION, roomserver });
    const user = await registerUser(withRooms);
    await call(withRooms, 'PUT', profile(user.userId, 'displayname'), { displayname: 'New Name' }, user.token);
    await call(withRooms, 'PUT', profile(user.userId, 'avatar_url'), { avatar_url: 'mxc://x/y' }, user.token);
    await call(withRooms, 'PUT', profile(user.userId, 'm.tz'), { 'm.tz': 'UTC' }, user.token); // not a member field
    await call(withRooms, 'DELETE', profile(user.userId, 'displayname'), undefined, user.token);
    expect(sent).toEqual([
      { roomId: '!r1:x', sender: user.userId, stateKey: user.userId, content: { membership: 'join', displayname: 'New Name', reason: 'kept' } },
      {
        roomId: '!r1:x',
        sender: user.userId,
        stateKey: user.userId,
        content: { membership: 'join', displayname: 'New Name', avatar_url: 'mxc://x/y', reason: 'kept' },
      },
      { roomId: '!r1:x', sender: user.userId, stateKey: user.userId, content: { membership: 'join', avatar_url: 'mxc://x/y', reason: 'kept' } },
    ]);
  });
});
