// Other servers' users' device lists (Server-Server API, "Device Management": "If the receiving
// server does not recognise any of the prev_ids, it means an EDU has been lost and the server
// should query a snapshot of the device list"; "End-to-End Encryption", m.signing_key_update):
// updates from the InputDeviceListUpdate and InputSigningKeyUpdate streams applied in order, a
// resync from the user's server when one was missed, and a device-list change for our users who
// share a room with them. The user's server is a stand-in answering GET /user/devices.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { STREAM } from '../../../src/bus/streams.ts';
import type { Subscription } from '../../../src/bus/types.ts';
import type { InputDeviceListUpdate, InputSigningKeyUpdate, UserDevicesResponse } from '../../../src/federationapi/api.ts';
import { consumeRemoteDeviceLists } from '../../../src/keyserver/consumers/remote-device-lists.ts';
import { cachedKeys } from '../../../src/keyserver/remote-devices.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, keyserverHarness, SERVER } from './harness.ts';

const remoteUser = '@rita:remote.test';
const local = `@lou:${SERVER}`;
const device = (id: string) => ({ user_id: remoteUser, device_id: id, algorithms: ['m.olm.v1.curve25519-aes-sha2'], keys: { [`ed25519:${id}`]: `key-${id}` }, signatures: {} });

forEachDatabase('remote device lists', (ctx) => {
  let h: Harness;
  let subs: Subscription[];
  let resyncs = 0;
  let theirList: UserDevicesResponse = { user_id: remoteUser, stream_id: 5, devices: [{ device_id: 'PHONE', keys: device('PHONE') }] };

  beforeAll(async () => {
    h = await keyserverHarness(ctx.db());
    h.ctx.federation = {
      queryKeys: async () => ({ device_keys: {} }),
      claimKeys: async () => ({ one_time_keys: {} }),
      userDevices: async () => {
        resyncs++;
        return theirList;
      },
    };
    subs = await consumeRemoteDeviceLists(h.ctx);
    await h.rooms.set('!shared:keys.test', local, 'join');
    await h.rooms.set('!shared:keys.test', remoteUser, 'join');
    await h.settle();
  });
  afterAll(async () => {
    for (const s of subs) await s.stop();
    await h.close();
  });

  const keyEvents = () => h.published.filter((p) => p.kind === 'keys' && p.userId === remoteUser).length;
  async function update(u: Omit<InputDeviceListUpdate, 'origin' | 'user_id'>, expectKeyEvents: number) {
    await h.bus.publish(STREAM.InputDeviceListUpdate, { origin: 'remote.test', user_id: remoteUser, ...u }, { user_id: remoteUser });
    for (let i = 0; i < 400 && keyEvents() < expectKeyEvents; i++) await Bun.sleep(5);
    expect(keyEvents()).toBe(expectKeyEvents);
  }
  const devices = async () => Object.keys((await cachedKeys(h.ctx, { [remoteUser]: [] })).device_keys[remoteUser] ?? {}).sort();

  test('the first update of a user we hold nothing of is a resync: the whole list from their server', async () => {
    const before = await h.api.deviceListPosition();
    await update({ device_id: 'LAPTOP', stream_id: 6, prev_id: [5], keys: device('LAPTOP') }, 1);
    expect(resyncs).toBe(1);
    expect(await devices()).toEqual(['PHONE']);
    // Our user who shares a room with them hears of it.
    const changes = await h.api.keyChanges(local, before, await h.api.deviceListPosition());
    expect(changes.changed).toContain(remoteUser);
  });

  test('an update whose prev_id we have seen is applied as it is, without asking their server', async () => {
    await update({ device_id: 'LAPTOP', stream_id: 7, prev_id: [5], keys: device('LAPTOP'), device_display_name: 'Laptop' }, 2);
    expect(resyncs).toBe(1);
    expect(await devices()).toEqual(['LAPTOP', 'PHONE']);
    const cached = await cachedKeys(h.ctx, { [remoteUser]: ['LAPTOP'] });
    expect(cached.device_keys[remoteUser]!.LAPTOP!.unsigned).toEqual({ device_display_name: 'Laptop' });
    await update({ device_id: 'PHONE', stream_id: 8, prev_id: [7], deleted: true }, 3);
    expect(await devices()).toEqual(['LAPTOP']);
  });

  test('an update seen before is ignored; one after a missed update (unknown prev_id) is a resync', async () => {
    await update({ device_id: 'PHONE', stream_id: 8, prev_id: [7], keys: device('PHONE') }, 3);
    // The next one is taken after it (one user's updates in order): the repeat changed nothing.
    await update({ device_id: 'WATCH', stream_id: 9, prev_id: [8], keys: device('WATCH') }, 4);
    expect(await devices()).toEqual(['LAPTOP', 'WATCH']);
    expect(resyncs).toBe(1);
    theirList = { user_id: remoteUser, stream_id: 12, devices: [{ device_id: 'TABLET', keys: device('TABLET') }] };
    await update({ device_id: 'TABLET', stream_id: 12, prev_id: [11], keys: device('TABLET') }, 5);
    expect(resyncs).toBe(2);
    expect(await devices()).toEqual(['TABLET']);
  });

  test('m.signing_key_update: the user\'s master and self-signing keys are kept and reported as a change', async () => {
    const master = { user_id: remoteUser, usage: ['master'], keys: { 'ed25519:M': 'M' } };
    const msg: InputSigningKeyUpdate = { origin: 'remote.test', user_id: remoteUser, master_key: master };
    await h.bus.publish(STREAM.InputSigningKeyUpdate, msg, { user_id: remoteUser });
    for (let i = 0; i < 400 && keyEvents() < 6; i++) await Bun.sleep(5);
    expect(keyEvents()).toBe(6);
    expect((await cachedKeys(h.ctx, { [remoteUser]: [] })).master_keys![remoteUser]).toEqual(master);
    // Another server may not speak for this user.
    await h.bus.publish(STREAM.InputSigningKeyUpdate, { ...msg, origin: 'evil.test', master_key: { ...master, keys: { 'ed25519:E': 'E' } } }, { user_id: remoteUser });
    await Bun.sleep(100);
    expect((await cachedKeys(h.ctx, { [remoteUser]: [] })).master_keys![remoteUser]).toEqual(master);
  });
});
