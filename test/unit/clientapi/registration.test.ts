// Client-Server API, "Account registration" (POST /register, GET /register/available,
// "Token-authenticated registration") and the UIA flows it uses, as SyTest's
// tests/10apidoc/01register.pl and tests/11register.pl exercise them.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { OPEN_REGISTRATION, SERVER, call, clientApp, uniqueName } from './harness.ts';

const REGISTER = '/_matrix/client/v3/register';

forEachDatabase('client API registration', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
  });
  afterAll(() => h.close());

  test('UIA: a request without auth gets 401 JSON with flows (m.login.dummy), params and a session', async () => {
    const r = await call(app, 'POST', REGISTER, {});
    expect(r.status).toBe(401);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(r.body).toMatchObject({ flows: [{ stages: ['m.login.dummy'] }], params: {}, completed: [] });
    expect(typeof r.body.session).toBe('string');
    expect(r.body.errcode).toBeUndefined();
  });

  test('register with m.login.dummy: user_id, access_token and device_id; the token works', async () => {
    const name = uniqueName('reg');
    const r = await call(app, 'POST', REGISTER, { auth: { type: 'm.login.dummy' }, username: name, password: 'sUp3rs3kr1t' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ user_id: `@${name}:${SERVER}`, home_server: SERVER });
    expect(typeof r.body.access_token).toBe('string');
    const who = await call(app, 'GET', '/_matrix/client/v3/account/whoami', undefined, r.body.access_token);
    expect(who.body).toEqual({ user_id: `@${name}:${SERVER}`, device_id: r.body.device_id, is_guest: false });
  });

  test('usernames are lower-cased; the requested device_id is used; r0 works too', async () => {
    const name = uniqueName('UPPER');
    const r = await call(app, 'POST', '/_matrix/client/r0/register', {
      auth: { type: 'm.login.dummy' },
      username: name,
      password: 'pw12345678',
      device_id: 'my_device_id',
    });
    expect(r.status).toBe(200);
    expect(r.body.user_id).toBe(`@${name.toLowerCase()}:${SERVER}`);
    expect(r.body.device_id).toBe('my_device_id');
  });

  test("M_INVALID_USERNAME for characters outside the user ID grammar, numeric-only names and IDs over 255 bytes", async () => {
    for (const chr of '!":?\\@[]{|}£é\n\'') {
      const r = await call(app, 'POST', REGISTER, { auth: { type: 'm.login.dummy' }, username: `chr-${chr.charCodeAt(0)}-${chr}`, password: 'pw' });
      expect([chr, r.status, r.body.errcode]).toEqual([chr, 400, 'M_INVALID_USERNAME']);
    }
    for (const username of ['12345', 'x'.repeat(250)]) {
      const r = await call(app, 'POST', REGISTER, { auth: { type: 'm.login.dummy' }, username, password: 'pw' });
      expect(r.body.errcode).toBe('M_INVALID_USERNAME');
    }
  });

  test('the grammar characters q 3 . _ = - / + are accepted', async () => {
    for (const chr of 'q3._=-/+') {
      const r = await call(app, 'POST', REGISTER, { auth: { type: 'm.login.dummy' }, username: `${uniqueName('ok')}${chr}`, password: 'pw' });
      expect([chr, r.status]).toEqual([chr, 200]);
    }
  });

  test('M_USER_IN_USE before UIA, and GET /register/available', async () => {
    const name = uniqueName('taken');
    expect((await call(app, 'GET', `${REGISTER}/available?username=${name}`)).body).toEqual({ available: true });
    await call(app, 'POST', REGISTER, { auth: { type: 'm.login.dummy' }, username: name, password: 'pw' });
    const again = await call(app, 'POST', REGISTER, { username: name.toUpperCase(), password: 'pw' });
    expect([again.status, again.body.errcode]).toEqual([400, 'M_USER_IN_USE']);
    const avail = await call(app, 'GET', `${REGISTER}/available?username=${name}`);
    expect([avail.status, avail.body.errcode]).toEqual([400, 'M_USER_IN_USE']);
    const bad = await call(app, 'GET', `${REGISTER}/available?username=a%3Ab`);
    expect(bad.body.errcode).toBe('M_INVALID_USERNAME');
    expect((await call(app, 'GET', `${REGISTER}/available`)).body.errcode).toBe('M_MISSING_PARAM');
  });

  test('registration is idempotent within a session, with and without a username (UIA: completed stages are not retried)', async () => {
    for (const username of [undefined, uniqueName('idem')]) {
      const first = await call(app, 'POST', REGISTER, { username, password: 'sUp3rs3kr1t' });
      expect(first.status).toBe(401);
      const session = first.body.session;
      const done = await call(app, 'POST', REGISTER, { username, password: 'sUp3rs3kr1t', auth: { session, type: 'm.login.dummy' } });
      expect(done.status).toBe(200);
      if (username) expect(done.body.user_id).toBe(`@${username}:${SERVER}`);
      else expect(done.body.user_id).toMatch(new RegExp(`^@[0-9]+:${SERVER.replace('.', '\\.')}$`));
      const again = await call(app, 'POST', REGISTER, { username, password: 'sUp3rs3kr1t', auth: { session, type: 'm.login.dummy' } });
      expect(again.status).toBe(200);
      expect(again.body.user_id).toBe(done.body.user_id);
      expect(typeof again.body.access_token).toBe('string');
    }
  });

  test('registration remembers the parameters of its first request (password, device, display name)', async () => {
    const username = uniqueName('remember');
    const first = await call(app, 'POST', REGISTER, {
      username,
      password: 'übers3kr1t',
      device_id: 'xyzzy',
      initial_device_display_name: 'display_name',
    });
    const done = await call(app, 'POST', REGISTER, { auth: { session: first.body.session, type: 'm.login.dummy' } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ user_id: `@${username}:${SERVER}`, device_id: 'xyzzy' });
    const dev = await call(app, 'GET', '/_matrix/client/v3/devices/xyzzy', undefined, done.body.access_token);
    expect(dev.body).toMatchObject({ device_id: 'xyzzy', display_name: 'display_name' });
    const loginR = await call(app, 'POST', '/_matrix/client/v3/login', {
      type: 'm.login.password',
      identifier: { type: 'm.id.user', user: username },
      password: 'übers3kr1t',
    });
    expect(loginR.status).toBe(200);
  });

  test('inhibit_login: a user_id and no device_id or access_token', async () => {
    const username = uniqueName('inhibit');
    const first = await call(app, 'POST', REGISTER, { username, password: 'pw', inhibit_login: true });
    const done = await call(app, 'POST', REGISTER, { auth: { session: first.body.session, type: 'm.login.dummy' } });
    expect(done.status).toBe(200);
    expect(done.body.user_id).toBe(`@${username}:${SERVER}`);
    expect(done.body).not.toHaveProperty('access_token');
    expect(done.body).not.toHaveProperty('device_id');
  });

  test('UIA: an unknown session is 400; a stage no flow offers is a 401 with an errcode', async () => {
    const unknown = await call(app, 'POST', REGISTER, { auth: { session: 'nope', type: 'm.login.dummy' }, username: uniqueName(), password: 'pw' });
    expect(unknown.status).toBe(400);
    const wrong = await call(app, 'POST', REGISTER, { auth: { type: 'm.login.password' }, username: uniqueName(), password: 'pw' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ errcode: 'M_UNRECOGNIZED', flows: [{ stages: ['m.login.dummy'] }], completed: [] });
  });

  test('kind=guest: a guest account with a numeric localpart and a token; is_guest in whoami', async () => {
    const r = await call(app, 'POST', `${REGISTER}?kind=guest`, { initial_device_display_name: 'guest dev', device_id: 'IGNORED', username: 'ignored' });
    expect(r.status).toBe(200);
    expect(r.body.user_id).toMatch(/^@[0-9]+:/);
    expect(r.body.device_id).not.toBe('IGNORED');
    const who = await call(app, 'GET', '/_matrix/client/v3/account/whoami', undefined, r.body.access_token);
    expect(who.body.is_guest).toBe(true);
    // Guests cannot use endpoints for full users.
    const devs = await call(app, 'GET', '/_matrix/client/v3/account/3pid', undefined, r.body.access_token);
    expect([devs.status, devs.body.errcode]).toEqual([403, 'M_GUEST_ACCESS_FORBIDDEN']);
    expect((await call(app, 'POST', `${REGISTER}?kind=admin`, {})).body.errcode).toBe('M_INVALID_PARAM');
  });

  test('guests_disabled: M_GUEST_ACCESS_FORBIDDEN', async () => {
    const closed = clientApp(h, { clientApi: { ...OPEN_REGISTRATION, guests_disabled: true } });
    const r = await call(closed, 'POST', `${REGISTER}?kind=guest`, {});
    expect([r.status, r.body.errcode]).toEqual([403, 'M_GUEST_ACCESS_FORBIDDEN']);
  });

  test('registration_disabled, or open registration not confirmed: 403 M_FORBIDDEN', async () => {
    for (const clientApi of [
      { ...OPEN_REGISTRATION, registration_disabled: true },
      { ...OPEN_REGISTRATION, open_registration_confirmed: false },
    ]) {
      const closed = clientApp(h, { clientApi });
      const r = await call(closed, 'POST', REGISTER, { auth: { type: 'm.login.dummy' }, username: uniqueName(), password: 'pw' });
      expect([r.status, r.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    }
  });

  test('registration tokens: flow m.login.registration_token, validity API, a bad token retries with 401, uses are counted', async () => {
    const tokenApp = clientApp(h, { clientApi: { ...OPEN_REGISTRATION, open_registration_confirmed: false, registration_requires_token: true } });
    const token = (await h.api.createRegistrationToken({ token: `once-${dbc.kind}`, usesAllowed: 1 })).token;
    const validity = (t: string) => call(tokenApp, 'GET', `/_matrix/client/v1/register/m.login.registration_token/validity?token=${t}`);
    expect((await validity(token)).body).toEqual({ valid: true });
    expect((await validity('unknown')).body).toEqual({ valid: false });

    const username = uniqueName('tok');
    const first = await call(tokenApp, 'POST', REGISTER, { username, password: 'pw' });
    expect(first.body.flows).toEqual([{ stages: ['m.login.registration_token'] }]);
    const session = first.body.session;
    const dummy = await call(tokenApp, 'POST', REGISTER, { auth: { session, type: 'm.login.dummy' } });
    expect([dummy.status, dummy.body.errcode]).toEqual([401, 'M_UNRECOGNIZED']);
    const bad = await call(tokenApp, 'POST', REGISTER, { auth: { session, type: 'm.login.registration_token', token: 'wrong' } });
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ errcode: 'M_UNAUTHORIZED', session, completed: [] });
    const ok = await call(tokenApp, 'POST', REGISTER, { auth: { session, type: 'm.login.registration_token', token } });
    expect(ok.status).toBe(200);
    expect(ok.body.user_id).toBe(`@${username}:${SERVER}`);
    expect(await h.api.getRegistrationToken(token)).toMatchObject({ pending: 0, completed: 1, valid: false });
    expect((await validity(token)).body).toEqual({ valid: false });
    // The used-up token no longer registers anyone.
    const later = await call(tokenApp, 'POST', REGISTER, { auth: { type: 'm.login.registration_token', token }, username: uniqueName(), password: 'pw' });
    expect([later.status, later.body.errcode]).toEqual([401, 'M_UNAUTHORIZED']);
    // Registration disabled: the validity API refuses (403).
    const closed = clientApp(h, { clientApi: { registration_disabled: true } });
    expect((await call(closed, 'GET', `/_matrix/client/v1/register/m.login.registration_token/validity?token=${token}`)).status).toBe(403);
  });

  test('register and login are rate-limited: 429 M_LIMIT_EXCEEDED', async () => {
    const limited = clientApp(h, { clientApi: OPEN_REGISTRATION, rateLimit: { threshold: 2 } });
    const codes: number[] = [];
    for (let i = 0; i < 3; i++) codes.push((await call(limited, 'POST', REGISTER, {})).status);
    expect(codes).toEqual([401, 401, 429]);
  });
});
