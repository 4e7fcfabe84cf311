// The device-list stream on both databases (Client-Server API, "Tracking the device list for a
// user", GET /keys/changes, and "Extensions to /sync": device_lists.changed and .left), in the
// single-server situations of SyTest tests/41end-to-end-keys/06-device-lists.pl.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, type TestDevice, V3, call, keyserverHarness, newDevice } from './harness.ts';

forEachDatabase('keyserver device lists', (dbc) => {
  let h: Harness;
  let rooms = 0;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
  });
  afterAll(() => h.close());

  const upload = (d: TestDevice) => call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: d.deviceKeys() }, d.token);
  const pos = () => h.api.deviceListPosition();
  async function room(...members: TestDevice[]) {
    const roomId = `!room${rooms++}:keys.test`;
    for (const m of members) await h.rooms.set(roomId, m.userId, 'join');
    await h.settle();
    return roomId;
  }
  async function changes(viewer: TestDevice, from: number) {
    await h.settle();
    return h.api.keyChanges(viewer.userId, from, await pos());
  }

  test('SyTest "Local device key changes appear in /keys/changes": members of a shared room see the upload, others do not', async () => {
    const [a, b, stranger] = [await newDevice(h), await newDevice(h), await newDevice(h)];
    await room(a, b);
    const from = await pos();
    await upload(b);
    expect(await changes(a, from)).toEqual({ changed: [b.userId], left: [] });
    expect(await changes(stranger, from)).toEqual({ changed: [], left: [] });
    // The uploader sees their own change ("Users receive device_list updates for their own devices").
    expect((await changes(b, from)).changed).toEqual([b.userId]);
    const r = await call(h.app, 'GET', `${V3}/keys/changes?from=${from}&to=${await pos()}`, undefined, a.token);
    expect(r.body).toEqual({ changed: [b.userId], left: [] });
  });

  test('every change is published as OutputKeyChangeEvent with its position', async () => {
    const a = await newDevice(h);
    const from = await pos();
    await upload(a);
    const to = await pos();
    for (let i = 0; i < 100 && !h.published.some((p) => p.position === to); i++) await Bun.sleep(5);
    expect(h.published.find((p) => p.position === to)).toEqual({ position: to, userId: a.userId, kind: 'keys' });
    expect(to).toBe(from + 1);
  });

  test('SyTest "New users appear in /keys/changes": a user who joins a shared room is changed', async () => {
    const [a, b] = [await newDevice(h), await newDevice(h)];
    const roomId = await room(a);
    const from = await pos();
    await h.rooms.set(roomId, b.userId, 'join');
    expect(await changes(a, from)).toEqual({ changed: [b.userId], left: [] });
    // …and the joiner sees everyone already there.
    expect((await changes(b, from)).changed).toEqual([a.userId]);
  });

  test('"Get left notifs ... when other user leaves" and "... for other users when user leaves"', async () => {
    const [a, b] = [await newDevice(h), await newDevice(h)];
    const roomId = await room(a, b);
    let from = await pos();
    await h.rooms.set(roomId, b.userId, 'leave');
    expect(await changes(a, from)).toEqual({ changed: [], left: [b.userId] });
    await h.rooms.set(roomId, b.userId, 'join');
    await h.settle();
    from = await pos();
    await h.rooms.set(roomId, a.userId, 'leave');
    expect(await changes(a, from)).toEqual({ changed: [], left: [b.userId] });
  });

  test('a user still sharing another room is not left; one who left gets no more updates; rejoining is a change', async () => {
    const [a, b] = [await newDevice(h), await newDevice(h)];
    const r1 = await room(a, b);
    const r2 = await room(a, b);
    let from = await pos();
    await h.rooms.set(r1, b.userId, 'leave');
    expect(await changes(a, from)).toEqual({ changed: [], left: [] });
    await h.rooms.set(r2, b.userId, 'leave');
    await h.settle();
    from = await pos();
    await upload(b);
    expect(await changes(a, from)).toEqual({ changed: [], left: [] });
    await h.rooms.set(r2, b.userId, 'join');
    expect(await changes(a, from)).toEqual({ changed: [b.userId], left: [] });
  });

  test('SyTest "Local new / update / delete device changes appear": userDevicesChanged is a change, and deletes keys of gone devices', async () => {
    const [a, b] = [await newDevice(h), await newDevice(h)];
    await room(a, b);
    await upload(b);
    const second = await newDevice(h, b.userId);
    await upload(second);
    let from = await pos();
    await h.userapi.updateDevice(b.userId, b.deviceId, { displayName: 'wibble' });
    await h.api.userDevicesChanged(b.userId);
    expect((await changes(a, from)).changed).toEqual([b.userId]);
    from = await pos();
    await h.userapi.deleteDevices(b.userId, [b.deviceId]);
    await h.api.userDevicesChanged(b.userId);
    expect((await changes(a, from)).changed).toEqual([b.userId]);
    const q = await call(h.app, 'POST', `${V3}/keys/query`, { device_keys: { [b.userId]: [] } }, a.token);
    expect(Object.keys(q.body.device_keys[b.userId])).toEqual([second.deviceId]);
    expect(await dbc.db().all('SELECT device_id FROM keyserver_device_keys WHERE user_id = $1', [b.userId])).toEqual([
      { device_id: second.deviceId },
    ]);
  });

  test('GET /keys/changes needs from and to, as positions it understands', async () => {
    const a = await newDevice(h);
    expect((await call(h.app, 'GET', `${V3}/keys/changes?to=1`, undefined, a.token)).body.errcode).toBe('M_MISSING_PARAM');
    expect((await call(h.app, 'GET', `${V3}/keys/changes?from=s1_2&to=3`, undefined, a.token)).body.errcode).toBe('M_INVALID_PARAM');
    expect((await call(h.app, 'GET', `${V3}/keys/changes?from=5&to=3`, undefined, a.token)).body).toEqual({ changed: [], left: [] });
  });

  test('positions are taken in commit order under concurrent writers', async () => {
    const devices = await Promise.all(Array.from({ length: 10 }, () => newDevice(h)));
    const from = await pos();
    await Promise.all(devices.map((d) => upload(d)));
    const rows = await dbc.db().all<{ position: number }>('SELECT position FROM keyserver_device_list_changes WHERE position > $1 ORDER BY position', [
      from,
    ]);
    expect(rows.map((r) => Number(r.position))).toEqual(Array.from({ length: 10 }, (_, i) => from + 1 + i));
  });
});
