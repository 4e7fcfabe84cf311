// The client API tells the key server about device changes (Client-Server API, "Tracking the
// device list for a user"; SyTest "Local new/update/delete device changes appear in v2 /sync",
// "Users receive device_list updates for their own devices"): logging in, renaming, deleting,
// logging out and changing the password with logout_devices, through the real client API routes.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import type { Hono } from 'hono';
import { createClientapi } from '../../../src/clientapi/index.ts';
import type { Env } from '../../../src/http/env.ts';
import { mountKeyserver } from '../../../src/keyserver/routes.ts';
import { barePosition } from '../../../src/keyserver/index.ts';
import { createApp } from '../../../src/http/app.ts';
import { authenticateWithUserapi } from '../../../src/clientapi/index.ts';
import type { Base } from '../../../src/setup/base.ts';
import { stderrLogger } from '../../../src/setup/logger.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { testConfig } from '../clientapi/harness.ts';
import { type Harness, SERVER, TestDevice, V3, call, keyserverHarness } from './harness.ts';

forEachDatabase('keyserver hears of device changes from the client API', (dbc) => {
  let h: Harness;
  let app: Hono<Env>;
  let n = 0;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
    const config = testConfig({ global: { server_name: SERVER } });
    const log = stderrLogger('error', 'test');
    const base: Base = {
      config,
      serverName: SERVER,
      log,
      bus: h.bus,
      signingKey: { keyId: 'ed25519:test', seed: new Uint8Array(32) },
      openDatabase: () => Promise.reject(new Error('not needed')),
    };
    const clientapi = createClientapi(base, { userapi: h.userapi, keyserver: h.api });
    const matrix = createApp(log);
    const deps = { authenticate: authenticateWithUserapi(h.userapi), log, maxBodyBytes: 1 << 20 };
    clientapi.mountRoutes!(matrix, deps);
    mountKeyserver(matrix, deps, { ...h.ctx, positionOf: barePosition });
    app = matrix.app;
  });
  afterAll(() => h.close());

  async function login(localpart: string) {
    const r = await call(app, 'POST', `${V3}/login`, { type: 'm.login.password', identifier: { type: 'm.id.user', user: localpart }, password: 'pw' });
    expect(r.status).toBe(200);
    return new TestDevice(r.body.user_id, r.body.device_id, r.body.access_token, 'pw');
  }

  async function user() {
    const localpart = `dc-${process.pid}-${n++}`;
    await h.userapi.createAccount({ localpart, password: 'pw', kind: 'user' });
    return { localpart, device: await login(localpart) };
  }

  const pos = () => h.api.deviceListPosition();
  const uia = (d: TestDevice) => ({ auth: { type: 'm.login.password', identifier: { type: 'm.id.user', user: d.userId }, password: 'pw' } });
  const keyRows = async (userId: string) =>
    (await dbc.db().all<{ device_id: string }>('SELECT device_id FROM keyserver_device_keys WHERE user_id = $1 ORDER BY device_id', [userId])).map(
      (r) => r.device_id,
    );

  test('a login is a change the user sees (their own device list)', async () => {
    const { localpart, device } = await user();
    const from = await pos();
    await login(localpart);
    expect((await h.api.keyChanges(device.userId, from, await pos())).changed).toEqual([device.userId]);
  });

  test('renaming a device is a change, and /keys/query shows the new name', async () => {
    const { device } = await user();
    await call(app, 'POST', `${V3}/keys/upload`, { device_keys: device.deviceKeys() }, device.token);
    const from = await pos();
    expect((await call(app, 'PUT', `${V3}/devices/${device.deviceId}`, { display_name: 'wibble' }, device.token)).status).toBe(200);
    expect(await pos()).toBe(from + 1);
    const q = await call(app, 'POST', `${V3}/keys/query`, { device_keys: { [device.userId]: [] } }, device.token);
    expect(q.body.device_keys[device.userId][device.deviceId].unsigned).toEqual({ device_display_name: 'wibble' });
  });

  test('deleting a device (with UIA) and logging out remove their keys and one-time keys', async () => {
    const { localpart, device } = await user();
    const second = await login(localpart);
    const third = await login(localpart);
    for (const d of [device, second, third]) {
      await call(app, 'POST', `${V3}/keys/upload`, { device_keys: d.deviceKeys(), one_time_keys: d.oneTimeKeys(3) }, d.token);
    }
    const from = await pos();
    expect((await call(app, 'DELETE', `${V3}/devices/${second.deviceId}`, uia(device), device.token)).status).toBe(200);
    expect(await pos()).toBe(from + 1);
    expect(await keyRows(device.userId)).toEqual([device.deviceId, third.deviceId].sort());
    expect((await call(app, 'POST', `${V3}/logout`, {}, third.token)).status).toBe(200);
    expect(await keyRows(device.userId)).toEqual([device.deviceId]);
    const otks = await dbc.db().all('SELECT device_id FROM keyserver_one_time_keys WHERE user_id = $1 AND device_id <> $2', [device.userId, device.deviceId]);
    expect(otks).toEqual([]);
  });

  test('a password change that logs out other devices removes their keys', async () => {
    const { localpart, device } = await user();
    const other = await login(localpart);
    await call(app, 'POST', `${V3}/keys/upload`, { device_keys: other.deviceKeys() }, other.token);
    const r = await call(app, 'POST', `${V3}/account/password`, { new_password: 'pw', logout_devices: true, ...uia(device) }, device.token);
    expect(r.status).toBe(200);
    expect(await keyRows(device.userId)).toEqual([]);
  });
});
