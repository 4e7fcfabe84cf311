// deviceKeyChecks 'structure' (Synapse's and Dendrite's behaviour): device keys are checked for
// their JSON shape and owner only, so SyTest's placeholder keys are accepted (SyTest "Can upload
// device keys", tests/41end-to-end-keys/01-upload-key.pl); everything else stays as strict.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, V3, call, keyserverHarness, newDevice } from './harness.ts';

forEachDatabase('keyserver with structure-only device key checks', (dbc) => {
  let h: Harness;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db(), { deviceKeyChecks: 'structure' });
  });
  afterAll(() => h.close());

  test('SyTest "Can upload device keys" and "Can query device keys using POST"', async () => {
    const d = await newDevice(h);
    const deviceKeys = {
      user_id: d.userId,
      device_id: d.deviceId,
      algorithms: ['m.olm.curve25519-aes-sha256', 'm.megolm.v1.aes-sha'],
      keys: { [`curve25519:${d.deviceId}`]: 'curve25519+key', [`ed25519:${d.deviceId}`]: 'ed25519+key' },
      signatures: { [d.userId]: { [`ed25519:${d.deviceId}`]: 'self+signature' } },
    };
    const r = await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: deviceKeys, one_time_keys: { 'my_algorithm:my_id_1': 'KIhHVkAQi8r41aPNql2zTqQsInpFa8XdslQLC8F8BHc' } }, d.token);
    expect(r.status).toBe(200);
    expect(r.body.one_time_key_counts.my_algorithm).toBe(1);
    const q = await call(h.app, 'POST', `${V3}/keys/query`, { device_keys: { [d.userId]: [] } }, d.token);
    expect(q.body.device_keys[d.userId][d.deviceId]).toEqual({ ...deviceKeys, unsigned: {} });
    // SyTest "Local device key changes appear in /keys/changes" names no key after the device.
    const other = await newDevice(h);
    const odd = { ...deviceKeys, user_id: other.userId, device_id: other.deviceId, keys: { 'ed25519:test': 'c3op6BJi8aUnDGA541Q6TbTPmbiy1GqGv-zzXDQM9Us' }, signatures: {} };
    expect((await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: odd }, other.token)).status).toBe(200);
  });

  test('shape, owner and identity are still checked; signed one-time keys still need a real signature', async () => {
    const d = await newDevice(h);
    const missing = await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: { user_id: d.userId, device_id: d.deviceId } }, d.token);
    expect(missing.body.errcode).toBe('M_BAD_JSON');
    const other = await newDevice(h);
    expect((await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: other.deviceKeys() }, d.token)).body.errcode).toBe('M_INVALID_PARAM');
    await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: d.deviceKeys() }, d.token);
    const changed = { ...d.deviceKeys(), keys: { [`ed25519:${d.deviceId}`]: 'another' } };
    expect((await call(h.app, 'POST', `${V3}/keys/upload`, { device_keys: changed }, d.token)).body.errcode).toBe('M_INVALID_PARAM');
    const [name, key] = Object.entries(other.oneTimeKeys(1))[0]!;
    expect((await call(h.app, 'POST', `${V3}/keys/upload`, { one_time_keys: { [name]: key } }, d.token)).body.errcode).toBe('M_INVALID_SIGNATURE');
    expect((await call(h.app, 'POST', `${V3}/keys/upload`, { one_time_keys: d.oneTimeKeys(1) }, d.token)).status).toBe(200);
  });
});
