// Client-Server API, "Password management" (POST /account/password) and "Account deactivation"
// (POST /account/deactivate), both behind user-interactive auth; SyTest tests/14account/*.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { type TestUser, call, clientApp, login, registerUser } from './harness.ts';

const PASSWORD = '/_matrix/client/v3/account/password';
const DEACTIVATE = '/_matrix/client/v3/account/deactivate';
const WHOAMI = '/_matrix/client/v3/account/whoami';

const passwordAuth = (user: TestUser, password = user.password, session?: string) => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user: user.userId },
  password,
  ...(session ? { session } : {}),
});

forEachDatabase('client API account management', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
  });
  afterAll(() => h.close());

  const canLogin = async (user: TestUser, password: string) =>
    (await call(app, 'POST', '/_matrix/client/v3/login', { type: 'm.login.password', user: user.userId, password })).status;

  test('password change: 401 flows first; the old password stops working, the new one works, this session stays', async () => {
    const user = await registerUser(app, 'my secure password');
    const challenge = await call(app, 'POST', PASSWORD, { new_password: 'my new password' }, user.token);
    expect(challenge.status).toBe(401);
    expect(challenge.body).toMatchObject({ flows: [{ stages: ['m.login.password'] }], params: {}, completed: [] });
    const r = await call(app, 'POST', PASSWORD, { new_password: 'my new password', auth: passwordAuth(user) }, user.token);
    expect(r.status).toBe(200);
    expect(await canLogin(user, 'my secure password')).toBe(403);
    expect(await canLogin(user, 'my new password')).toBe(200);
    expect((await call(app, 'GET', WHOAMI, undefined, user.token)).status).toBe(200);
  });

  test('password change logs out other devices by default, not with logout_devices: false', async () => {
    const user = await registerUser(app, 'pw one');
    const other = await login(app, user);
    await call(app, 'POST', PASSWORD, { new_password: 'pw two', logout_devices: false, auth: passwordAuth(user) }, user.token);
    expect((await call(app, 'GET', WHOAMI, undefined, other.token)).status).toBe(200);
    await call(app, 'POST', PASSWORD, { new_password: 'pw three', auth: passwordAuth(user, 'pw two') }, user.token);
    const gone = await call(app, 'GET', WHOAMI, undefined, other.token);
    expect([gone.status, gone.body.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN']);
    expect((await call(app, 'GET', WHOAMI, undefined, user.token)).status).toBe(200);
  });

  test('password change refusals: wrong password 401 M_FORBIDDEN with the UIA body; another user 403; empty password', async () => {
    const user = await registerUser(app, 'right');
    const eve = await registerUser(app, 'eves');
    const wrong = await call(app, 'POST', PASSWORD, { new_password: 'x y z', auth: passwordAuth(user, 'wrong') }, user.token);
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: 'M_FORBIDDEN', flows: [{ stages: ['m.login.password'] }], completed: [] });
    expect(typeof wrong.body.error).toBe('string');
    expect(typeof wrong.body.session).toBe('string');
    // The same session may then succeed (a failed stage can be retried).
    const retry = await call(app, 'POST', PASSWORD, { new_password: 'x y z', auth: passwordAuth(user, 'right', wrong.body.session) }, user.token);
    expect(retry.status).toBe(200);
    const stolen = await call(app, 'POST', PASSWORD, { new_password: 'owned', auth: passwordAuth(eve) }, user.token);
    expect([stolen.status, stolen.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    const empty = await call(app, 'POST', PASSWORD, { new_password: '', auth: passwordAuth(user, 'x y z') }, user.token);
    expect([empty.status, empty.body.errcode]).toEqual([400, 'M_WEAK_PASSWORD']);
    const missing = await call(app, 'POST', PASSWORD, { auth: passwordAuth(user, 'x y z') }, user.token);
    expect([missing.status, missing.body.errcode]).toEqual([400, 'M_MISSING_PARAM']);
  });

  test('password change without an access token: the password stage says whose password changes', async () => {
    const user = await registerUser(app, 'forgot me not');
    const r = await call(app, 'POST', PASSWORD, { new_password: 'fresh one', auth: passwordAuth(user) });
    expect(r.status).toBe(200);
    expect(await canLogin(user, 'fresh one')).toBe(200);
    // By default every device is logged out, this request having none.
    expect((await call(app, 'GET', WHOAMI, undefined, user.token)).status).toBe(401);
  });

  test('a completed UIA session is spent: reusing it for the same request starts over', async () => {
    const user = await registerUser(app, 'once');
    const first = await call(app, 'POST', PASSWORD, { new_password: 'twice' }, user.token);
    const session = first.body.session;
    expect((await call(app, 'POST', PASSWORD, { new_password: 'twice', auth: passwordAuth(user, 'once', session) }, user.token)).status).toBe(200);
    const reuse = await call(app, 'POST', PASSWORD, { new_password: 'thrice', auth: { session } }, user.token);
    expect(reuse.status).toBe(400);
  });

  test('deactivation with the wrong password: 401 M_FORBIDDEN with error, errcode, params, completed, flows', async () => {
    const user = await registerUser(app);
    const r = await call(app, 'POST', DEACTIVATE, { auth: passwordAuth(user, 'wrong password') }, user.token);
    expect(r.status).toBe(401);
    for (const key of ['error', 'errcode', 'params', 'completed', 'flows']) expect(r.body).toHaveProperty(key);
    expect(r.body.errcode).toBe('M_FORBIDDEN');
    expect((await call(app, 'GET', WHOAMI, undefined, user.token)).status).toBe(200);
  });

  test('deactivation: id_server_unbind_result, every token ends, login fails, the name stays taken', async () => {
    const user = await registerUser(app);
    const other = await login(app, user);
    const r = await call(app, 'POST', DEACTIVATE, { auth: passwordAuth(user), erase: true }, user.token);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id_server_unbind_result: 'success' });
    expect((await call(app, 'GET', WHOAMI, undefined, user.token)).status).toBe(401);
    expect((await call(app, 'GET', WHOAMI, undefined, other.token)).status).toBe(401);
    expect(await canLogin(user, user.password)).toBe(403);
    const again = await call(app, 'GET', `/_matrix/client/v3/register/available?username=${user.localpart}`);
    expect(again.body.errcode).toBe('M_USER_IN_USE');
  });

  test('deactivation makes the user leave their rooms through the room server', async () => {
    const sent: { roomId: string; content: unknown }[] = [];
    // A stand-in room server that records what it is asked (the real one is another component).
    const roomserver = {
      roomsForUser: async () => [
        { roomId: '!a:x', membership: 'join', eventId: '$1' },
        { roomId: '!b:x', membership: 'invite', eventId: '$2' },
      ],
      stateEvent: async () => null,
      sendEvent: async (req: { roomId: string; event: { content: unknown } }) => {
        sent.push({ roomId: req.roomId, content: req.event.content });
        return { eventId: '$x', nid: 1 };
      },
    };
    const withRooms = clientApp(h, { clientApi: { registration_disabled: false, open_registration_confirmed: true }, roomserver });
    const user = await registerUser(withRooms);
    expect((await call(withRooms, 'POST', DEACTIVATE, { auth: passwordAuth(user) }, user.token)).status).toBe(200);
    expect(sent).toEqual([
      { roomId: '!a:x', content: { membership: 'leave' } },
      { roomId: '!b:x', content: { membership: 'leave' } },
    ]);
  });
});
