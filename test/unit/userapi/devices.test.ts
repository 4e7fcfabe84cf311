// Devices and access tokens over both databases (Client-Server API, "Relationship between access
// tokens and devices", "Device Management", "Using access tokens").
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { sha256Hex } from '../../../src/userapi/secrets.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type UserapiHarness, uid, uniqueLocalpart, userapiHarness } from './harness.ts';

forEachDatabase('userapi devices', (dbc) => {
  let h: UserapiHarness;
  beforeAll(async () => {
    h = await userapiHarness(dbc.db());
  });
  afterAll(() => h.close());

  async function newUser(kind: 'user' | 'guest' = 'user') {
    const lp = uniqueLocalpart();
    await h.api.createAccount({ localpart: lp, password: 'pw', kind });
    return uid(lp);
  }

  test('a device gets a token that resolves to the requester; only its SHA-256 is stored', async () => {
    const userId = await newUser();
    const d = await h.api.createDevice({ userId, displayName: 'Phone', ip: '10.0.0.1', userAgent: 'ua/1' });
    expect(d.deviceId).toMatch(/^[A-Z]{10}$/);
    expect(await h.api.queryAccessToken(d.accessToken)).toEqual({ userId, deviceId: d.deviceId, isGuest: false });
    const rows = await dbc.db().all<{ access_token_hash: string }>('SELECT access_token_hash FROM userapi_devices WHERE device_id = $1', [
      d.deviceId,
    ]);
    expect(rows).toEqual([{ access_token_hash: sha256Hex(d.accessToken) }]);
    expect(await h.api.queryAccessToken('not-a-token')).toBeNull();
    expect(await h.api.getDevice(userId, d.deviceId)).toMatchObject({
      deviceId: d.deviceId,
      userId,
      displayName: 'Phone',
      lastSeenIp: '10.0.0.1',
      lastSeenUserAgent: 'ua/1',
    });
  });

  test('guest tokens say isGuest', async () => {
    const userId = await newUser('guest');
    const d = await h.api.createDevice({ userId });
    expect(await h.api.queryAccessToken(d.accessToken)).toMatchObject({ userId, isGuest: true });
  });

  test('logging in again with a device ID keeps the device and its name, and ends its old token', async () => {
    const userId = await newUser();
    const first = await h.api.createDevice({ userId, deviceId: 'MYDEVICE', displayName: 'first name' });
    expect(first.deviceId).toBe('MYDEVICE');
    expect(await h.api.queryAccessToken(first.accessToken)).not.toBeNull(); // cached now
    const second = await h.api.createDevice({ userId, deviceId: 'MYDEVICE', displayName: 'ignored' });
    expect(second.deviceId).toBe('MYDEVICE');
    expect(await h.api.queryAccessToken(first.accessToken)).toBeNull();
    expect(await h.api.queryAccessToken(second.accessToken)).toMatchObject({ deviceId: 'MYDEVICE' });
    const devices = await h.api.listDevices(userId);
    expect(devices.map((d) => [d.deviceId, d.displayName])).toEqual([['MYDEVICE', 'first name']]);
    // The same device ID of another user is another device.
    const other = await newUser();
    await h.api.createDevice({ userId: other, deviceId: 'MYDEVICE' });
    expect(await h.api.queryAccessToken(second.accessToken)).toMatchObject({ userId });
  });

  test('update and delete devices; deleted tokens stop working at once even when cached', async () => {
    const userId = await newUser();
    const a = await h.api.createDevice({ userId, deviceId: 'A' });
    const b = await h.api.createDevice({ userId, deviceId: 'B' });
    const c = await h.api.createDevice({ userId, deviceId: 'C' });
    for (const d of [a, b, c]) expect(await h.api.queryAccessToken(d.accessToken)).not.toBeNull();

    expect(await h.api.updateDevice(userId, 'A', { displayName: 'renamed' })).toBe(true);
    expect((await h.api.getDevice(userId, 'A'))!.displayName).toBe('renamed');
    expect(await h.api.updateDevice(userId, 'A', { displayName: null })).toBe(true);
    expect((await h.api.getDevice(userId, 'A'))!.displayName).toBeUndefined();
    expect(await h.api.updateDevice(userId, 'NOPE', { displayName: 'x' })).toBe(false);
    expect(await h.api.updateDevice(userId, 'A', {})).toBe(true);

    expect(await h.api.deleteDevices(userId, ['B', 'UNKNOWN', 'B'])).toEqual(['B']);
    expect(await h.api.queryAccessToken(b.accessToken)).toBeNull();
    expect(await h.api.getDevice(userId, 'B')).toBeNull();

    expect((await h.api.deleteAllDevices(userId, 'A')).sort()).toEqual(['C']);
    expect(await h.api.queryAccessToken(c.accessToken)).toBeNull();
    expect(await h.api.queryAccessToken(a.accessToken)).not.toBeNull();
    expect(await h.api.deleteAllDevices(userId)).toEqual(['A']);
    expect(await h.api.queryAccessToken(a.accessToken)).toBeNull();
    expect(await h.api.listDevices(userId)).toEqual([]);
  });

  test('last-seen data is written when the IP changes, else at most once a minute', async () => {
    const userId = await newUser();
    const d = await h.api.createDevice({ userId, ip: '1.1.1.1' });
    const t0 = h.clock.now;
    const seen = async () => {
      // The write happens off the request path; give it a moment.
      for (let i = 0; i < 50; i++) {
        const dev = await h.api.getDevice(userId, d.deviceId);
        if (dev?.lastSeenTs === h.clock.now) return dev;
        await Bun.sleep(5);
      }
      return h.api.getDevice(userId, d.deviceId);
    };
    h.clock.now = t0 + 1000;
    await h.api.queryAccessToken(d.accessToken, { ip: '2.2.2.2', userAgent: 'agent' });
    expect(await seen()).toMatchObject({ lastSeenIp: '2.2.2.2', lastSeenTs: t0 + 1000, lastSeenUserAgent: 'agent' });
    h.clock.now = t0 + 2000;
    await h.api.queryAccessToken(d.accessToken, { ip: '2.2.2.2' });
    await Bun.sleep(20);
    expect((await h.api.getDevice(userId, d.deviceId))!.lastSeenTs).toBe(t0 + 1000);
    h.clock.now = t0 + 1000 + 60_000;
    await h.api.queryAccessToken(d.accessToken, { ip: '2.2.2.2' });
    expect((await seen())!.lastSeenTs).toBe(t0 + 61_000);
  });

  test('users of other servers have no devices', async () => {
    expect(await h.api.listDevices('@someone:other.example')).toEqual([]);
    expect(await h.api.getDevice('@someone:other.example', 'X')).toBeNull();
    await expect(h.api.createDevice({ userId: '@someone:other.example' })).rejects.toMatchObject({ errcode: 'M_NOT_FOUND' });
  });
});
