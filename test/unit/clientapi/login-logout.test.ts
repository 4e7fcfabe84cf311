// Client-Server API, "Login" (GET/POST /login with m.login.password and m.login.token, "Identifier
// types", POST /login/get_token), "POST /logout", "POST /logout/all", "Using access tokens" and
// "Current account information" (whoami); SyTest tests/10apidoc/02login.pl and tests/13logout.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { OPEN_REGISTRATION, SERVER, type TestUser, call, clientApp, login, registerUser } from './harness.ts';

const LOGIN = '/_matrix/client/v3/login';
const WHOAMI = '/_matrix/client/v3/account/whoami';

forEachDatabase('client API login and logout', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  let user: TestUser;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
    user = await registerUser(app, 'sup3r s3kr1t');
  });
  afterAll(() => h.close());

  const passwordLogin = (body: Record<string, unknown>) => call(app, 'POST', LOGIN, { type: 'm.login.password', ...body });

  test('GET /login lists m.login.password and m.login.token with get_login_token', async () => {
    const r = await call(app, 'GET', LOGIN);
    expect(r.status).toBe(200);
    expect(r.body.flows).toEqual([{ type: 'm.login.password' }, { type: 'm.login.token', get_login_token: true }]);
  });

  test('m.login.password with every m.id.user form and the deprecated top-level user', async () => {
    const forms = [
      { identifier: { type: 'm.id.user', user: user.userId } },
      { identifier: { type: 'm.id.user', user: user.localpart } },
      { identifier: { type: 'm.id.user', user: user.localpart.toUpperCase() } },
      { user: user.userId },
      { user: user.localpart },
    ];
    for (const form of forms) {
      const r = await passwordLogin({ ...form, password: user.password });
      expect([JSON.stringify(form), r.status]).toEqual([JSON.stringify(form), 200]);
      expect(r.body).toMatchObject({ user_id: user.userId, home_server: SERVER });
      expect(typeof r.body.access_token).toBe('string');
      expect(typeof r.body.device_id).toBe('string');
      expect((await call(app, 'GET', WHOAMI, undefined, r.body.access_token)).body.user_id).toBe(user.userId);
    }
  });

  test('refusals: unknown user and wrong password 403 M_FORBIDDEN; 3PIDs and phones 403; bad type 400', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ identifier: { type: 'm.id.user', user: 'i-ought-not-to-exist' }, password: 'XXX' }, 403, 'M_FORBIDDEN'],
      [{ identifier: { type: 'm.id.user', user: user.userId }, password: `${user.password}wrong` }, 403, 'M_FORBIDDEN'],
      [{ identifier: { type: 'm.id.user', user: `@${user.localpart}:other.server` }, password: user.password }, 403, 'M_FORBIDDEN'],
      [{ identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'a@b.c' }, password: user.password }, 403, 'M_FORBIDDEN'],
      [{ identifier: { type: 'm.id.phone', country: 'GB', phone: '123' }, password: user.password }, 403, 'M_FORBIDDEN'],
      [{ medium: 'email', address: 'a@b.c', password: user.password }, 403, 'M_FORBIDDEN'],
      [{ identifier: { type: 'm.id.user', user: user.userId } }, 400, 'M_MISSING_PARAM'],
      [{ password: user.password }, 400, 'M_MISSING_PARAM'],
      [{ identifier: { type: 'm.id.unknown' }, password: user.password }, 400, 'M_UNKNOWN'],
    ];
    for (const [body, status, errcode] of cases) {
      const r = await passwordLogin(body);
      expect([JSON.stringify(body), r.status, r.body.errcode]).toEqual([JSON.stringify(body), status, errcode]);
    }
    const badType = await call(app, 'POST', LOGIN, { type: 'm.login.bogus' });
    expect([badType.status, badType.body.errcode]).toEqual([400, 'M_UNKNOWN']);
    const noType = await call(app, 'POST', LOGIN, { identifier: { type: 'm.id.thirdparty', medium: 'email', address: 'x' } });
    expect([noType.status, noType.body.errcode]).toEqual([400, 'M_MISSING_PARAM']);
  });

  test('device_id is reused: same device, new token, old token invalid; initial_device_display_name names new devices', async () => {
    const a = await login(app, user, { device_id: 'my_super_id', initial_device_display_name: 'device display' });
    expect(a.deviceId).toBe('my_super_id');
    const b = await login(app, user, { device_id: 'my_super_id', initial_device_display_name: 'other name' });
    expect(b.deviceId).toBe('my_super_id');
    expect((await call(app, 'GET', WHOAMI, undefined, a.token)).status).toBe(401);
    const dev = await call(app, 'GET', '/_matrix/client/v3/devices/my_super_id', undefined, b.token);
    expect(dev.body).toMatchObject({ device_id: 'my_super_id', display_name: 'device display' });
  });

  test('well_known is part of the login response when configured', async () => {
    const withWk = clientApp(h, { clientApi: OPEN_REGISTRATION, global: { well_known_client_name: 'https://matrix.example' } });
    const r = await call(withWk, 'POST', LOGIN, { type: 'm.login.password', user: user.userId, password: user.password });
    expect(r.body.well_known).toEqual({ 'm.homeserver': { base_url: 'https://matrix.example' } });
  });

  test('POST /login/get_token needs UIA, then the m.login.token logs in once', async () => {
    const challenge = await call(app, 'POST', '/_matrix/client/v1/login/get_token', {}, user.token);
    expect(challenge.status).toBe(401);
    expect(challenge.body.flows).toEqual([{ stages: ['m.login.password'] }]);
    const r = await call(
      app,
      'POST',
      '/_matrix/client/v1/login/get_token',
      { auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: user.userId }, password: user.password, session: challenge.body.session } },
      user.token,
    );
    expect(r.status).toBe(200);
    expect(r.body.expires_in_ms).toBe(120_000);
    const first = await call(app, 'POST', LOGIN, { type: 'm.login.token', token: r.body.login_token });
    expect([first.status, first.body.user_id]).toEqual([200, user.userId]);
    const second = await call(app, 'POST', LOGIN, { type: 'm.login.token', token: r.body.login_token });
    expect([second.status, second.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    expect((await call(app, 'POST', LOGIN, { type: 'm.login.token' })).body.errcode).toBe('M_MISSING_PARAM');
  });

  test('POST /logout ends this token and deletes its device; other sessions keep working', async () => {
    const me = await registerUser(app);
    const other = await login(app, me);
    const devices = await call(app, 'GET', '/_matrix/client/v3/devices', undefined, other.token);
    expect(devices.body.devices.map((d: { device_id: string }) => d.device_id)).toContain(me.deviceId);
    expect((await call(app, 'POST', '/_matrix/client/v3/logout', {}, me.token)).status).toBe(200);
    const after = await call(app, 'GET', WHOAMI, undefined, me.token);
    expect([after.status, after.body.errcode]).toEqual([401, 'M_UNKNOWN_TOKEN']);
    const left = await call(app, 'GET', '/_matrix/client/v3/devices', undefined, other.token);
    expect(left.body.devices.map((d: { device_id: string }) => d.device_id)).toEqual([other.deviceId]);
  });

  test('POST /logout/all ends every token of the user', async () => {
    const me = await registerUser(app);
    const other = await login(app, me);
    expect((await call(app, 'POST', '/_matrix/client/v3/logout/all', {}, me.token)).status).toBe(200);
    expect((await call(app, 'GET', WHOAMI, undefined, me.token)).status).toBe(401);
    expect((await call(app, 'GET', WHOAMI, undefined, other.token)).status).toBe(401);
    expect(await h.api.listDevices(me.userId)).toEqual([]);
  });

  test('logout with an invalid token is 401 M_UNKNOWN_TOKEN, without one 401 M_MISSING_TOKEN; the query parameter works', async () => {
    const bad = await app.request('/_matrix/client/v3/logout?access_token=an/invalid/token', { method: 'POST', body: '{}' });
    expect([bad.status, ((await bad.json()) as { errcode: string }).errcode]).toEqual([401, 'M_UNKNOWN_TOKEN']);
    const none = await call(app, 'POST', '/_matrix/client/v3/logout', {});
    expect([none.status, none.body.errcode]).toEqual([401, 'M_MISSING_TOKEN']);
    const q = await app.request(`${WHOAMI}?access_token=${encodeURIComponent(user.token)}`);
    expect(q.status).toBe(200);
  });
});
