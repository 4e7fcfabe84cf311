// POST /keys/claim on both databases (Client-Server API, "One-time and fallback keys" and POST
// /keys/claim: "Servers must ensure that each one-time key is returned at most once, so when a key
// has been returned, no other request will ever return the same key").
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { forEachDatabase } from '../../helpers/databases.ts';
import { type Harness, V3, call, keyserverHarness, newDevice } from './harness.ts';

forEachDatabase('keyserver claims', (dbc) => {
  let h: Harness;
  beforeAll(async () => {
    h = await keyserverHarness(dbc.db());
  });
  afterAll(() => h.close());

  const upload = (token: string, body: unknown) => call(h.app, 'POST', `${V3}/keys/upload`, body, token);
  const claim = (token: string, oneTimeKeys: unknown) => call(h.app, 'POST', `${V3}/keys/claim`, { one_time_keys: oneTimeKeys }, token);

  test('a claim returns a one-time key once (SyTest "Can claim one time key using POST")', async () => {
    const d = await newDevice(h);
    await upload(d.token, { one_time_keys: { 'test_algorithm:test_id': 'iDBFAwt4T0ntzaZXwEevrKfmelFUMj8KS6n6kYhBPzU' } });
    const first = await claim(d.token, { [d.userId]: { [d.deviceId]: 'test_algorithm' } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      one_time_keys: { [d.userId]: { [d.deviceId]: { 'test_algorithm:test_id': 'iDBFAwt4T0ntzaZXwEevrKfmelFUMj8KS6n6kYhBPzU' } } },
      failures: {},
    });
    const second = await claim(d.token, { [d.userId]: { [d.deviceId]: 'test_algorithm' } });
    expect(second.body.one_time_keys).toEqual({});
  });

  test('keys are handed out in upload order, one upload after another', async () => {
    const d = await newDevice(h);
    await upload(d.token, { device_keys: d.deviceKeys() });
    const batches = [d.oneTimeKeys(1), d.oneTimeKeys(1), d.oneTimeKeys(1)];
    for (const b of batches) await upload(d.token, { one_time_keys: b });
    for (const b of batches) {
      const r = await h.api.claimLocalKeys({ [d.userId]: { [d.deviceId]: 'signed_curve25519' } });
      expect(r[d.userId]![d.deviceId]).toEqual(b);
    }
    expect(await h.api.oneTimeKeyCounts(d.userId, d.deviceId)).toEqual({ signed_curve25519: 0 });
  });

  test('unknown users, devices and algorithms are left out; several devices are claimed in one request', async () => {
    const a = await newDevice(h);
    const b = await newDevice(h);
    await upload(a.token, { device_keys: a.deviceKeys(), one_time_keys: a.oneTimeKeys(1) });
    await upload(b.token, { device_keys: b.deviceKeys(), one_time_keys: b.oneTimeKeys(1) });
    const r = await claim(a.token, {
      [a.userId]: { [a.deviceId]: 'signed_curve25519', NODEVICE: 'signed_curve25519' },
      [b.userId]: { [b.deviceId]: 'signed_curve25519' },
      '@nobody:keys.test': { X: 'signed_curve25519' },
    });
    expect(Object.keys(r.body.one_time_keys).sort()).toEqual([a.userId, b.userId].sort());
    expect(Object.keys(r.body.one_time_keys[a.userId])).toEqual([a.deviceId]);
    const other = await claim(a.token, { [a.userId]: { [a.deviceId]: 'curve25519' } });
    expect(other.body.one_time_keys).toEqual({});
  });

  test('users of other servers are reported under failures when there is no federation', async () => {
    const d = await newDevice(h);
    const r = await claim(d.token, { '@x:elsewhere.example': { DEV: 'signed_curve25519' } });
    expect(r.status).toBe(200);
    expect(r.body.one_time_keys).toEqual({});
    expect(Object.keys(r.body.failures)).toEqual(['elsewhere.example']);
  });

  test('many concurrent claims: every one-time key is handed out exactly once, then the fallback key', async () => {
    const d = await newDevice(h);
    await upload(d.token, { device_keys: d.deviceKeys() });
    const keys = { ...d.oneTimeKeys(40), ...d.oneTimeKeys(40) };
    await upload(d.token, { one_time_keys: keys });
    const fallback = d.oneTimeKeys(1, true);
    await upload(d.token, { fallback_keys: fallback });
    const claimers = await Promise.all(Array.from({ length: 4 }, () => newDevice(h)));
    // 120 claims for 80 keys, over HTTP and through the API at the same time, some several devices at once.
    const results = await Promise.all(
      Array.from({ length: 120 }, async (_, i) => {
        if (i % 2 === 0) {
          const r = await claim(claimers[i % 4]!.token, { [d.userId]: { [d.deviceId]: 'signed_curve25519' } });
          return r.body.one_time_keys[d.userId]?.[d.deviceId] as Record<string, unknown>;
        }
        const r = await h.api.claimLocalKeys({ [d.userId]: { [d.deviceId]: 'signed_curve25519' } });
        return r[d.userId]?.[d.deviceId];
      }),
    );
    const [fallbackName] = Object.keys(fallback);
    const handedOut = results.flatMap((r) => Object.keys(r ?? {}));
    const oneTime = handedOut.filter((k) => k !== fallbackName);
    expect(results.every((r) => r !== undefined && Object.keys(r).length === 1)).toBe(true);
    expect(oneTime.length).toBe(80);
    expect(new Set(oneTime).size).toBe(80);
    expect(new Set(oneTime)).toEqual(new Set(Object.keys(keys)));
    expect(handedOut.length - oneTime.length).toBe(40);
    expect(await h.api.oneTimeKeyCounts(d.userId, d.deviceId)).toEqual({ signed_curve25519: 0 });
    expect(await h.api.unusedFallbackKeyTypes(d.userId, d.deviceId)).toEqual([]);
  });

  test('concurrent claims over overlapping devices in different orders neither deadlock nor share keys', async () => {
    const devices = await Promise.all(Array.from({ length: 5 }, () => newDevice(h)));
    for (const d of devices) await upload(d.token, { device_keys: d.deviceKeys(), one_time_keys: d.oneTimeKeys(20) });
    const requests = Array.from({ length: 30 }, (_, i) => {
      const order = i % 2 === 0 ? devices : [...devices].reverse();
      const req: Record<string, Record<string, string>> = {};
      for (const d of order) req[d.userId] = { [d.deviceId]: 'signed_curve25519' };
      return h.api.claimLocalKeys(req);
    });
    const results = await Promise.all(requests);
    for (const d of devices) {
      const got = results.flatMap((r) => Object.keys(r[d.userId]?.[d.deviceId] ?? {}));
      expect(got.length).toBe(20);
      expect(new Set(got).size).toBe(20);
    }
  });
});
