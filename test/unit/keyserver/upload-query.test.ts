// POST /keys/upload and POST /keys/query on both databases (Client-Server API, "Key management
// API", "Uploading keys", "Device keys", "One-time and fallback keys"), including the bad input
// that must be refused without storing anything.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { signJson } from '../../../src/protocol/signing/index.ts';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, V3, call, keyPair, keyserverHarness, newDevice } from './harness.ts';

forEachDatabase('keyserver upload and query', (dbc) => {
  let h: Harness;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
  });
  afterAll(() => h.close());

  const upload = (token: string, body: unknown) => call(h.app, 'POST', `${V3}/keys/upload`, body, token);
  const query = (token: string, deviceKeys: Record<string, string[]>) => call(h.app, 'POST', `${V3}/keys/query`, { device_keys: deviceKeys }, token);
  const stored = async (userId: string) =>
    (await dbc.db().all('SELECT device_id FROM keyserver_device_keys WHERE user_id = $1', [userId])).length +
    (await dbc.db().all('SELECT key_id FROM keyserver_one_time_keys WHERE user_id = $1', [userId])).length;

  test('POST /keys/upload stores signed device keys and one-time keys and answers the counts per algorithm', async () => {
    const d = await newDevice(h);
    const r = await upload(d.token, { device_keys: d.deviceKeys(), one_time_keys: { ...d.oneTimeKeys(3), 'my_algorithm:x1': 'opaque' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ one_time_key_counts: { signed_curve25519: 3, my_algorithm: 1 } });
    // Uploading the same keys again changes nothing.
    const again = await upload(d.token, { device_keys: d.deviceKeys() });
    expect(again.body.one_time_key_counts.signed_curve25519).toBe(3);
  });

  test('POST /keys/query returns the keys as uploaded plus unsigned.device_display_name, for the devices asked', async () => {
    const d = await newDevice(h);
    await h.userapi.updateDevice(d.userId, d.deviceId, { displayName: 'Laptop' });
    const second = await newDevice(h, d.userId);
    await upload(d.token, { device_keys: d.deviceKeys() });
    await upload(second.token, { device_keys: second.deviceKeys() });
    const other = await newDevice(h);
    const all = await query(other.token, { [d.userId]: [] });
    expect(all.status).toBe(200);
    expect(Object.keys(all.body.device_keys[d.userId]).sort()).toEqual([d.deviceId, second.deviceId].sort());
    expect(all.body.device_keys[d.userId][d.deviceId]).toEqual({ ...d.deviceKeys(), unsigned: { device_display_name: 'Laptop' } });
    // SyTest "Can query device keys using POST": no display name, no device_display_name.
    expect(all.body.device_keys[d.userId][second.deviceId].unsigned).toEqual({});
    const one = await query(other.token, { [d.userId]: [second.deviceId] });
    expect(Object.keys(one.body.device_keys[d.userId])).toEqual([second.deviceId]);
    expect(one.body.failures).toEqual({});
  });

  test('a user without keys, and an unknown local user, come back as an empty map', async () => {
    const d = await newDevice(h);
    const r = await query(d.token, { [d.userId]: [], '@nobody:keys.test': [] });
    expect(r.body.device_keys).toEqual({ [d.userId]: {}, '@nobody:keys.test': {} });
  });

  test('fallback keys: one per algorithm, handed out when one-time keys run out, reported unused until claimed', async () => {
    const d = await newDevice(h);
    const fallback = d.oneTimeKeys(1, true);
    await upload(d.token, { device_keys: d.deviceKeys(), fallback_keys: fallback });
    expect(await h.api.unusedFallbackKeyTypes(d.userId, d.deviceId)).toEqual(['signed_curve25519']);
    // What sync reports as device_one_time_keys_count and device_unused_fallback_key_types.
    expect(await h.api.keyCounts(d.userId, d.deviceId)).toEqual({ oneTimeKeys: { signed_curve25519: 0 }, fallbackKeyTypes: ['signed_curve25519'] });
    const two = await upload(d.token, { fallback_keys: { ...d.oneTimeKeys(1, true), ...d.oneTimeKeys(1, true) } });
    expect(two.status).toBe(400);
    expect(two.body.errcode).toBe('M_INVALID_PARAM');
    // Uploading the same fallback key again keeps it; it is the one claims hand out.
    await upload(d.token, { fallback_keys: fallback });
    const claimed = await h.api.claimLocalKeys({ [d.userId]: { [d.deviceId]: 'signed_curve25519' } });
    expect(claimed[d.userId]![d.deviceId]).toEqual(fallback);
    expect(await h.api.unusedFallbackKeyTypes(d.userId, d.deviceId)).toEqual([]);
    // Re-uploading the used key does not make it unused; a new one does.
    await upload(d.token, { fallback_keys: fallback });
    expect(await h.api.unusedFallbackKeyTypes(d.userId, d.deviceId)).toEqual([]);
    await upload(d.token, { fallback_keys: d.oneTimeKeys(1, true) });
    expect(await h.api.unusedFallbackKeyTypes(d.userId, d.deviceId)).toEqual(['signed_curve25519']);
  });

  test('device keys for another user or device are refused (SyTest "Should reject keys claiming to belong to a different user")', async () => {
    const d = await newDevice(h);
    const other = await newDevice(h);
    const r = await upload(d.token, { device_keys: other.deviceKeys() });
    expect(r.status).toBe(400);
    expect(r.body.errcode).toBe('M_INVALID_PARAM');
    const sameUserOtherDevice = await newDevice(h, d.userId);
    expect((await upload(d.token, { device_keys: sameUserOtherDevice.deviceKeys() })).body.errcode).toBe('M_INVALID_PARAM');
    expect(await stored(d.userId)).toBe(0);
  });

  test('malformed device keys are M_BAD_JSON (SyTest "Rejects invalid device keys") and store nothing', async () => {
    const d = await newDevice(h);
    const missing = await upload(d.token, { device_keys: { user_id: d.userId, device_id: d.deviceId }, one_time_keys: { 'a:b': 'k' } });
    expect(missing.status).toBe(400);
    expect(missing.body.errcode).toBe('M_BAD_JSON');
    const keysNotStrings = await upload(d.token, { device_keys: { ...d.deviceKeys(), keys: { [`ed25519:${d.deviceId}`]: 5 } } });
    expect(keysNotStrings.body.errcode).toBe('M_BAD_JSON');
    const float = await upload(d.token, { device_keys: { ...d.deviceKeys(), extra: 1.5 } });
    expect(float.body.errcode).toBe('M_BAD_JSON');
    expect(await stored(d.userId)).toBe(0);
  });

  test('keys that are not 32-byte base64, or key IDs of another device, are M_INVALID_PARAM', async () => {
    const d = await newDevice(h);
    const short = signJson(
      { ...d.deviceKeys(), signatures: undefined, keys: { [`ed25519:${d.deviceId}`]: 'c2hvcnQ' } },
      d.userId,
      `ed25519:${d.deviceId}`,
      d.ed.signer,
    );
    expect((await upload(d.token, { device_keys: short })).body.errcode).toBe('M_INVALID_PARAM');
    const noEd = signJson({ ...d.deviceKeys(), signatures: undefined, keys: { 'curve25519:OTHER': d.curve } }, d.userId, 'ed25519:x', d.ed.signer);
    expect((await upload(d.token, { device_keys: noEd })).body.errcode).toBe('M_INVALID_PARAM');
    const badOtkName = await upload(d.token, { device_keys: d.deviceKeys(), one_time_keys: { nocolon: 'x' } });
    expect(badOtkName.body.errcode).toBe('M_INVALID_PARAM');
    expect(await stored(d.userId)).toBe(0);
  });

  test('device keys not signed by their own ed25519 key are M_INVALID_SIGNATURE and store nothing', async () => {
    const d = await newDevice(h);
    const forged = { ...d.deviceKeys(), algorithms: ['m.megolm.v1.aes-sha2'] }; // changed after signing
    const r = await upload(d.token, { device_keys: forged, one_time_keys: d.oneTimeKeys(2) });
    expect(r.status).toBe(400);
    expect(r.body.errcode).toBe('M_INVALID_SIGNATURE');
    const otherKey = keyPair();
    const signedByOther = signJson({ ...d.deviceKeys(), signatures: undefined }, d.userId, `ed25519:${d.deviceId}`, otherKey.signer);
    expect((await upload(d.token, { device_keys: signedByOther })).body.errcode).toBe('M_INVALID_SIGNATURE');
    const unsigned = { ...d.deviceKeys(), signatures: {} };
    expect((await upload(d.token, { device_keys: unsigned })).body.errcode).toBe('M_INVALID_SIGNATURE');
    expect(await stored(d.userId)).toBe(0);
  });

  test('signed_curve25519 one-time keys must carry a valid signature of the device, checked against its stored keys', async () => {
    const d = await newDevice(h);
    // Without device keys there is nothing to check the signature against.
    expect((await upload(d.token, { one_time_keys: d.oneTimeKeys(1) })).body.errcode).toBe('M_INVALID_PARAM');
    await upload(d.token, { device_keys: d.deviceKeys() });
    const good = d.oneTimeKeys(2);
    const [name, key] = Object.entries(d.oneTimeKeys(1))[0]!;
    const tampered = { [name]: { ...(key as object), key: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' } };
    const r = await upload(d.token, { one_time_keys: { ...good, ...tampered } });
    expect(r.body.errcode).toBe('M_INVALID_SIGNATURE');
    expect((await upload(d.token, { one_time_keys: { 'signed_curve25519:plain': 'a string' } })).body.errcode).toBe('M_INVALID_PARAM');
    expect(await h.api.oneTimeKeyCounts(d.userId, d.deviceId)).toEqual({ signed_curve25519: 0 });
    expect((await upload(d.token, { one_time_keys: good })).body.one_time_key_counts).toEqual({ signed_curve25519: 2 });
  });

  test('a one-time key ID uploaded again with another key is refused; the same key again is ignored', async () => {
    const d = await newDevice(h);
    await upload(d.token, { device_keys: d.deviceKeys() });
    const keys = d.oneTimeKeys(1);
    await upload(d.token, { one_time_keys: keys });
    expect((await upload(d.token, { one_time_keys: keys })).body.one_time_key_counts.signed_curve25519).toBe(1);
    const [name] = Object.keys(keys);
    const other = Object.values(d.oneTimeKeys(1))[0];
    const r = await upload(d.token, { one_time_keys: { [name!]: other } });
    expect(r.body.errcode).toBe('M_INVALID_PARAM');
  });

  test('a device cannot change its identity keys once published', async () => {
    const d = await newDevice(h);
    await upload(d.token, { device_keys: d.deviceKeys() });
    const impostor = new (d.constructor as typeof import('./harness.ts').TestDevice)(d.userId, d.deviceId, d.token, 'pw');
    const r = await upload(d.token, { device_keys: impostor.deviceKeys() });
    expect(r.status).toBe(400);
    expect(r.body.errcode).toBe('M_INVALID_PARAM');
    const q = await query(d.token, { [d.userId]: [d.deviceId] });
    expect(q.body.device_keys[d.userId][d.deviceId].keys[`ed25519:${d.deviceId}`]).toBe(d.ed.publicKey);
    // New algorithms with the same identity are an update, and a device-list change.
    const before = await h.api.deviceListPosition();
    expect((await upload(d.token, { device_keys: d.deviceKeys({ algorithms: ['m.megolm.v1.aes-sha2'] }) })).status).toBe(200);
    expect(await h.api.deviceListPosition()).toBe(before + 1);
  });

  test('keys of a deleted device disappear from queries and claims once the key server is told', async () => {
    const d = await newDevice(h);
    await upload(d.token, { device_keys: d.deviceKeys(), one_time_keys: d.oneTimeKeys(2), fallback_keys: d.oneTimeKeys(1, true) });
    await h.userapi.deleteDevices(d.userId, [d.deviceId]);
    await h.api.userDevicesChanged(d.userId);
    const other = await newDevice(h);
    expect((await query(other.token, { [d.userId]: [] })).body.device_keys[d.userId]).toEqual({});
    expect(await stored(d.userId)).toBe(0);
    expect(await h.api.claimLocalKeys({ [d.userId]: { [d.deviceId]: 'signed_curve25519' } })).toEqual({});
  });

  test('a renamed device shows its new name once the key server is told', async () => {
    const d = await newDevice(h);
    await upload(d.token, { device_keys: d.deviceKeys() });
    await h.userapi.updateDevice(d.userId, d.deviceId, { displayName: 'Phone' });
    await h.api.userDevicesChanged(d.userId);
    expect((await query(d.token, { [d.userId]: [] })).body.device_keys[d.userId][d.deviceId].unsigned).toEqual({ device_display_name: 'Phone' });
  });
});
