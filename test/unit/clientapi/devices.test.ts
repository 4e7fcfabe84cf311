// Client-Server API, "Device Management" (GET/PUT/DELETE /devices/{deviceId}, GET /devices,
// POST /delete_devices) and the user-interactive auth that protects deletion; SyTest
// tests/10apidoc/12device_management.pl and tests/10apidoc/13ui-auth.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import type { Env } from '../../../src/http/env.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, userapiHarness } from '../userapi/harness.ts';
import { type TestUser, call, clientApp, login, registerUser } from './harness.ts';

const DEVICES = '/_matrix/client/v3/devices';
const WHOAMI = '/_matrix/client/v3/account/whoami';

const passwordAuth = (user: TestUser, password = user.password, session?: string) => ({
  type: 'm.login.password',
  identifier: { type: 'm.id.user', user: user.userId },
  password,
  ...(session ? { session } : {}),
});

forEachDatabase('client API devices', (dbc) => {
  let h: UserapiHarness;
  let app: Hono<Env>;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
    app = clientApp(h);
  });
  afterAll(() => h.close());

  test('GET /devices lists every device with its name and last-seen data; GET /devices/{id}', async () => {
    const user = await registerUser(app);
    await login(app, user, { device_id: 'device_1', initial_device_display_name: 'display 1' });
    await login(app, user, { device_id: 'device_2', initial_device_display_name: 'display 2' });
    const r = await call(app, 'GET', DEVICES, undefined, user.token);
    expect(r.status).toBe(200);
    const byId = Object.fromEntries(r.body.devices.map((d: { device_id: string }) => [d.device_id, d]));
    expect(Object.keys(byId).sort()).toEqual([user.deviceId, 'device_1', 'device_2'].sort());
    expect(byId.device_1).toMatchObject({ device_id: 'device_1', display_name: 'display 1', last_seen_ip: 'unknown' });
    expect(typeof byId.device_1.last_seen_ts).toBe('number');
    const one = await call(app, 'GET', `${DEVICES}/device_2`, undefined, user.token);
    expect(one.body).toMatchObject({ device_id: 'device_2', display_name: 'display 2' });
    const missing = await call(app, 'GET', `${DEVICES}/unknown_device`, undefined, user.token);
    expect([missing.status, missing.body.errcode]).toEqual([404, 'M_NOT_FOUND']);
    // Another user's device is not found either.
    const eve = await registerUser(app);
    expect((await call(app, 'GET', `${DEVICES}/device_1`, undefined, eve.token)).status).toBe(404);
  });

  test('PUT /devices/{id} renames; unknown devices are 404', async () => {
    const user = await registerUser(app);
    await login(app, user, { device_id: 'login_device', initial_device_display_name: 'device display' });
    expect((await call(app, 'PUT', `${DEVICES}/login_device`, { display_name: 'new display name' }, user.token)).status).toBe(200);
    expect((await call(app, 'GET', `${DEVICES}/login_device`, undefined, user.token)).body.display_name).toBe('new display name');
    const missing = await call(app, 'PUT', `${DEVICES}/unknown_device`, { display_name: 'x' }, user.token);
    expect([missing.status, missing.body.errcode]).toEqual([404, 'M_NOT_FOUND']);
    const badType = await call(app, 'PUT', `${DEVICES}/login_device`, { display_name: 5 }, user.token);
    expect([badType.status, badType.body.errcode]).toEqual([400, 'M_BAD_JSON']);
  });

  test('DELETE /devices/{id}: 401 with session, params and flows; wrong password 401 M_FORBIDDEN; right password deletes it and its token', async () => {
    const user = await registerUser(app);
    const other = await login(app, user, { device_id: 'login_device' });
    expect((await call(app, 'GET', WHOAMI, undefined, other.token)).status).toBe(200);
    const empty = await call(app, 'DELETE', `${DEVICES}/login_device`, {}, user.token);
    expect(empty.status).toBe(401);
    for (const key of ['session', 'params', 'flows']) expect(empty.body).toHaveProperty(key);
    const wrong = await call(app, 'DELETE', `${DEVICES}/login_device`, { auth: passwordAuth(user, 'cashewnuts') }, user.token);
    expect(wrong.status).toBe(401);
    for (const key of ['error', 'errcode', 'session', 'params', 'flows']) expect(wrong.body).toHaveProperty(key);
    expect(wrong.body.errcode).toBe('M_FORBIDDEN');
    const ok = await call(app, 'DELETE', `${DEVICES}/login_device`, { auth: passwordAuth(user) }, user.token);
    expect(ok.status).toBe(200);
    expect((await call(app, 'GET', `${DEVICES}/login_device`, undefined, user.token)).status).toBe(404);
    expect((await call(app, 'GET', WHOAMI, undefined, other.token)).status).toBe(401);
  });

  test('DELETE /devices/{id} with no body at all is 401', async () => {
    const user = await registerUser(app);
    await login(app, user, { device_id: 'login_device' });
    const r = await app.request(`${DEVICES}/login_device`, { method: 'DELETE', headers: { Authorization: `Bearer ${user.token}` } });
    expect(r.status).toBe(401);
  });

  test("UIA must authenticate the device's owner: another user's password is 403 and deletes nothing", async () => {
    const alice = await registerUser(app);
    const eve = await registerUser(app);
    await login(app, alice, { device_id: 'login_device' });
    const stolen = await call(app, 'DELETE', `${DEVICES}/login_device`, { auth: passwordAuth(eve) }, alice.token);
    expect([stolen.status, stolen.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    expect((await call(app, 'GET', `${DEVICES}/login_device`, undefined, alice.token)).status).toBe(200);
    expect((await call(app, 'DELETE', `${DEVICES}/login_device`, { auth: passwordAuth(alice) }, alice.token)).status).toBe(200);
    expect((await call(app, 'GET', `${DEVICES}/login_device`, undefined, alice.token)).status).toBe(404);
  });

  test('the operation must be consistent through a UIA session: a session for one device cannot delete another (403)', async () => {
    const user = await registerUser(app);
    await login(app, user, { device_id: 'login_device' });
    await login(app, user, { device_id: 'second_device', initial_device_display_name: 'device display' });
    const first = await call(app, 'DELETE', `${DEVICES}/login_device`, {}, user.token);
    const cross = await call(app, 'DELETE', `${DEVICES}/second_device`, { auth: passwordAuth(user, user.password, first.body.session) }, user.token);
    expect([cross.status, cross.body.errcode]).toEqual([403, 'M_FORBIDDEN']);
    expect((await call(app, 'GET', `${DEVICES}/second_device`, undefined, user.token)).body.display_name).toBe('device display');
  });

  test('a UIA session started with a password stage can be finished with just the session', async () => {
    const user = await registerUser(app);
    await login(app, user, { device_id: 'ONE' });
    const started = await call(app, 'DELETE', `${DEVICES}/ONE`, {}, user.token);
    const done = await call(app, 'DELETE', `${DEVICES}/ONE`, { auth: passwordAuth(user, user.password, started.body.session) }, user.token);
    expect(done.status).toBe(200);
    // Deleting a device that is already gone succeeds (after UIA), as the spec says.
    const gone = await call(app, 'DELETE', `${DEVICES}/ONE`, { auth: passwordAuth(user) }, user.token);
    expect(gone.status).toBe(200);
  });

  test('POST /delete_devices deletes several after UIA; its session covers exactly that set', async () => {
    const user = await registerUser(app);
    const a = await login(app, user, { device_id: 'A' });
    const b = await login(app, user, { device_id: 'B' });
    await login(app, user, { device_id: 'C' });
    const started = await call(app, 'POST', '/_matrix/client/v3/delete_devices', { devices: ['A', 'B'] }, user.token);
    expect(started.status).toBe(401);
    const widened = await call(
      app,
      'POST',
      '/_matrix/client/v3/delete_devices',
      { devices: ['A', 'B', 'C'], auth: passwordAuth(user, user.password, started.body.session) },
      user.token,
    );
    expect(widened.status).toBe(403);
    const ok = await call(
      app,
      'POST',
      '/_matrix/client/v3/delete_devices',
      { devices: ['B', 'A'], auth: passwordAuth(user, user.password, started.body.session) },
      user.token,
    );
    expect(ok.status).toBe(200);
    for (const t of [a.token, b.token]) expect((await call(app, 'GET', WHOAMI, undefined, t)).status).toBe(401);
    const left = (await call(app, 'GET', DEVICES, undefined, user.token)).body.devices.map((d: { device_id: string }) => d.device_id);
    expect(left.sort()).toEqual(['C', user.deviceId].sort());
    const noList = await call(app, 'POST', '/_matrix/client/v3/delete_devices', { auth: passwordAuth(user) }, user.token);
    expect(noList.body.errcode).toBe('M_MISSING_PARAM');
  });
});
